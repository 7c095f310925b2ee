//! Compiled operators: `palisade-match`'s [`Operator`] plus what the engine needs around it —
//! negation, the name and parameter text ModSecurity prints in its match messages, and the
//! libinjection operators' fixed messages.

use palisade_match::{CompileContext, EvalContext, Operator};
use palisade_seclang::{MacroSegment, MacroString, OperatorName};

/// A compiled operator.
#[derive(Debug)]
pub struct CompiledOperator {
    /// The operator.
    pub name: OperatorName,
    /// `!@op`.
    pub negated: bool,
    /// The name ModSecurity prints (`Rx`, `Pm`, `DetectSQLi`, …).
    pub display: &'static str,
    /// The argument with macros expanded to nothing, as ModSecurity prints it.
    pub param: String,
    /// A fixed match message (libinjection operators), instead of the generic one.
    pub fixed_message: Option<&'static str>,
    /// The implementation.
    pub op: Operator,
}

/// The name ModSecurity prints for an operator.
pub fn display_name(op: OperatorName) -> &'static str {
    use OperatorName as O;
    match op {
        O::BeginsWith => "BeginsWith",
        O::Contains => "Contains",
        O::ContainsWord => "ContainsWord",
        O::DetectSqli => "DetectSQLi",
        O::DetectXss => "DetectXSS",
        O::EndsWith => "EndsWith",
        O::Eq => "Eq",
        O::FuzzyHash => "FuzzyHash",
        O::Ge => "Ge",
        O::GeoLookup => "GeoLookup",
        O::GsbLookup => "GsbLookup",
        O::Gt => "Gt",
        O::InspectFile => "InspectFile",
        O::IpMatch => "IpMatch",
        O::IpMatchFromFile => "IpMatchFromFile",
        O::Le => "Le",
        O::Lt => "Lt",
        O::NoMatch => "NoMatch",
        O::Pm => "Pm",
        O::PmFromFile => "PmFromFile",
        O::Rbl => "Rbl",
        O::Rsub => "Rsub",
        O::Rx => "Rx",
        O::RxGlobal => "RxGlobal",
        O::Streq => "StrEq",
        O::Strmatch => "StrMatch",
        O::UnconditionalMatch => "UnconditionalMatch",
        O::ValidateByteRange => "ValidateByteRange",
        O::ValidateDtd => "ValidateDTD",
        O::ValidateHash => "ValidateHash",
        O::ValidateSchema => "ValidateSchema",
        O::ValidateUrlEncoding => "ValidateUrlEncoding",
        O::ValidateUtf8Encoding => "ValidateUtf8Encoding",
        O::VerifyCc => "VerifyCC",
        O::VerifyCpf => "VerifyCPF",
        O::VerifySsn => "VerifySSN",
        O::VerifySvnr => "VerifySVNR",
        O::Within => "Within",
    }
}

/// The argument as ModSecurity prints it: literal segments only.
pub fn printed_param(arg: &MacroString) -> String {
    arg.segments
        .iter()
        .filter_map(|s| match s {
            MacroSegment::Literal(l) => Some(l.as_str()),
            MacroSegment::Macro(_) => None,
        })
        .collect()
}

impl CompiledOperator {
    /// Compiles an operator.
    pub fn compile(
        name: OperatorName,
        negated: bool,
        argument: &MacroString,
        ctx: &CompileContext<'_>,
    ) -> Result<CompiledOperator, String> {
        let op = Operator::compile(name, argument, ctx).map_err(|e| e.to_string())?;
        Ok(CompiledOperator {
            name,
            negated,
            display: display_name(name),
            param: printed_param(argument),
            fixed_message: match name {
                OperatorName::DetectSqli => Some("detected SQLi using libinjection."),
                OperatorName::DetectXss => Some("detected XSS using libinjection."),
                _ => None,
            },
            op,
        })
    }

    /// Builds now what the operator otherwise builds on first use (regex automata; see
    /// [`Operator::compile_now`]).
    pub fn compile_now(&self) -> bool {
        self.op.compile_now()
    }

    /// Evaluates the operator (without negation).
    #[inline]
    pub fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        self.op.evaluate(input, ctx)
    }

    /// [`evaluate`](Self::evaluate) for an input the prefilter found a candidate for this
    /// operator's slot (same result; see [`Operator::evaluate_candidate`]).
    #[inline]
    pub fn evaluate_candidate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        self.op.evaluate_candidate(input, ctx)
    }
}
