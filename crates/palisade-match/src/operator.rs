//! [`Operator`]: a compiled operator, shared by all transactions, and its compile-time
//! dispatch from the SecLang name.

use core::fmt;
use std::sync::Arc;

use palisade_seclang::{MacroString, OperatorName, OperatorSupport};

use crate::context::{CompileContext, EvalContext};
use crate::error::{OperatorError, OperatorErrorKind};
use crate::operators::geo_lookup::GeoLookup;
use crate::operators::ip_match::IpMatch;
use crate::operators::libinjection::{DetectSqli, DetectXss};
use crate::operators::numeric::{NumericCompare, NumericOp};
use crate::operators::pm::Pm;
use crate::operators::rx::Rx;
use crate::operators::rx_global::RxGlobal;
use crate::operators::strings::{StringCompare, StringOp};
use crate::operators::validate::{ValidateByteRange, ValidateUrlEncoding, ValidateUtf8Encoding};
use crate::operators::verify::{Verify, VerifyKind};
use crate::pcre::PcreError;
use crate::prefilter::{ByteCondition, Literals};

/// What every operator implementation provides.
pub(crate) trait Evaluate: Send + Sync + fmt::Debug {
    /// Whether the operator matches `input` (before negation).
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool;

    /// [`evaluate`](Self::evaluate) for an input in which a prefilter has already found one
    /// of [`literals`](Self::literals) (see [`Operator::evaluate_candidate`]). Same result for
    /// every input; an operator whose own first step is that same search skips it.
    fn evaluate_candidate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        self.evaluate(input, ctx)
    }

    /// What the prefilter may rely on: whenever [`evaluate`](Self::evaluate) returns true,
    /// the input contains one of these literals.
    fn literals(&self) -> Literals {
        Literals::Any
    }

    /// Builds whatever the operator builds on first use (regex automata) now; false only if
    /// that failed, which load-time checks rule out.
    fn compile_now(&self) -> bool {
        true
    }

    /// What else the prefilter may rely on: whenever [`evaluate`](Self::evaluate) returns
    /// true, the input satisfies this byte condition (see [`crate::prefilter::bytes`]).
    fn byte_condition(&self) -> ByteCondition {
        ByteCondition::none()
    }
}

/// A compiled part shared between rules ([`crate::CompileCache`]).
impl<T: Evaluate> Evaluate for Arc<T> {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        T::evaluate(self, input, ctx)
    }

    fn evaluate_candidate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        T::evaluate_candidate(self, input, ctx)
    }

    fn literals(&self) -> Literals {
        T::literals(self)
    }

    fn compile_now(&self) -> bool {
        T::compile_now(self)
    }

    fn byte_condition(&self) -> ByteCondition {
        T::byte_condition(self)
    }
}

/// `@unconditionalMatch` and `@noMatch`.
#[derive(Debug)]
struct Constant(bool);

impl Evaluate for Constant {
    fn evaluate(&self, _input: &[u8], _ctx: &mut EvalContext<'_>) -> bool {
        self.0
    }

    fn literals(&self) -> Literals {
        if self.0 {
            Literals::Any
        } else {
            Literals::Never
        }
    }
}

/// A compiled operator. Compile once with [`Operator::compile`], then share it (it is
/// `Send + Sync`) and call [`Operator::evaluate`] from any transaction.
///
/// ```
/// use palisade_match::{CompileContext, EvalContext, NoMacros, Operator};
/// use palisade_seclang::{MacroString, MemorySource, OperatorName};
///
/// let source = MemorySource::new();
/// let ctx = CompileContext::new(&source);
/// let op = Operator::compile(OperatorName::Rx, &MacroString::literal(r"(?i)union\s+select"), &ctx).unwrap();
/// let mut eval = EvalContext::new(&NoMacros);
/// assert!(op.evaluate(b"1 UNION  SELECT 2", &mut eval));
/// ```
pub struct Operator {
    name: OperatorName,
    argument: MacroString,
    imp: Box<dyn Evaluate>,
}

impl fmt::Debug for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operator")
            .field("name", &self.name)
            .field("argument", &self.argument.to_string())
            .finish()
    }
}

fn regex_error(arg: &MacroString) -> impl Fn(PcreError) -> OperatorErrorKind + '_ {
    move |error| OperatorErrorKind::Regex {
        pattern: arg.to_string(),
        error,
    }
}

impl Operator {
    /// Compiles `@name argument`. Data files are read through the context's source, relative
    /// to its rule file. Errors name the operator and say why.
    ///
    /// Refused operators: those ModSecurity v3 rejects (`@gsbLookup`, `@rsub`,
    /// `@validateHash`); those needing the network or running programs (`@rbl`,
    /// `@inspectFile`, `https://` data files); those Palisade cannot evaluate faithfully
    /// (`@fuzzyHash`, `@validateDTD`, `@validateSchema`); `@geoLookup` without a database.
    pub fn compile(
        name: OperatorName,
        argument: &MacroString,
        ctx: &CompileContext<'_>,
    ) -> Result<Operator, OperatorError> {
        let imp =
            Self::build(name, argument, ctx).map_err(|kind| OperatorError::new(name, kind))?;
        Ok(Operator {
            name,
            argument: argument.clone(),
            imp,
        })
    }

    fn build(
        name: OperatorName,
        arg: &MacroString,
        ctx: &CompileContext<'_>,
    ) -> Result<Box<dyn Evaluate>, OperatorErrorKind> {
        if let OperatorSupport::Rejected(why) = name.support() {
            return Err(OperatorErrorKind::Rejected(why));
        }
        let limits = ctx.limits();
        let s = |op| -> Result<Box<dyn Evaluate>, OperatorErrorKind> {
            Ok(Box::new(StringCompare::new(op, arg)))
        };
        let n = |op| -> Result<Box<dyn Evaluate>, OperatorErrorKind> {
            Ok(Box::new(NumericCompare::new(op, arg)))
        };
        let v = |kind| -> Result<Box<dyn Evaluate>, OperatorErrorKind> {
            Ok(Box::new(
                Verify::new(kind, arg, limits).map_err(regex_error(arg))?,
            ))
        };
        match name {
            OperatorName::Rx => Ok(Box::new(
                Rx::new(arg, limits, ctx.cache()).map_err(regex_error(arg))?,
            )),
            OperatorName::RxGlobal => Ok(Box::new(
                RxGlobal::new(arg, limits, ctx.cache()).map_err(regex_error(arg))?,
            )),
            OperatorName::Pm => Ok(Box::new(Pm::from_argument(arg, ctx)?)),
            OperatorName::PmFromFile => Ok(Box::new(Pm::from_file(arg, ctx)?)),
            OperatorName::IpMatch => Ok(Box::new(IpMatch::from_list(arg)?)),
            OperatorName::IpMatchFromFile => Ok(Box::new(IpMatch::from_file(arg, ctx)?)),
            OperatorName::BeginsWith => s(StringOp::BeginsWith),
            OperatorName::Contains => s(StringOp::Contains),
            OperatorName::ContainsWord => s(StringOp::ContainsWord),
            OperatorName::EndsWith => s(StringOp::EndsWith),
            OperatorName::Streq => s(StringOp::Streq),
            OperatorName::Strmatch => s(StringOp::Strmatch),
            OperatorName::Within => s(StringOp::Within),
            OperatorName::Eq => n(NumericOp::Eq),
            OperatorName::Ge => n(NumericOp::Ge),
            OperatorName::Gt => n(NumericOp::Gt),
            OperatorName::Le => n(NumericOp::Le),
            OperatorName::Lt => n(NumericOp::Lt),
            OperatorName::ValidateByteRange => Ok(Box::new(ValidateByteRange::new(arg))),
            OperatorName::ValidateUrlEncoding => Ok(Box::new(ValidateUrlEncoding)),
            OperatorName::ValidateUtf8Encoding => Ok(Box::new(ValidateUtf8Encoding)),
            OperatorName::VerifyCc => v(VerifyKind::Cc),
            OperatorName::VerifyCpf => v(VerifyKind::Cpf),
            OperatorName::VerifySsn => v(VerifyKind::Ssn),
            OperatorName::VerifySvnr => v(VerifyKind::Svnr),
            OperatorName::DetectSqli => Ok(Box::new(DetectSqli)),
            OperatorName::DetectXss => Ok(Box::new(DetectXss)),
            OperatorName::UnconditionalMatch => Ok(Box::new(Constant(true))),
            OperatorName::NoMatch => Ok(Box::new(Constant(false))),
            OperatorName::GeoLookup => match ctx.geo_database() {
                Some(db) => Ok(Box::new(GeoLookup { db: Arc::clone(db) })),
                None => Err(OperatorErrorKind::NoGeoDatabase),
            },
            OperatorName::Rbl => Err(OperatorErrorKind::NeedsNetwork(
                "DNS lookups against a real-time blocklist".into(),
            )),
            OperatorName::InspectFile => Err(OperatorErrorKind::RunsProgram),
            OperatorName::FuzzyHash => Err(OperatorErrorKind::NotSupported(
                "ssdeep fuzzy hashing (libfuzzy) is not implemented".into(),
            )),
            OperatorName::ValidateDtd | OperatorName::ValidateSchema => {
                Err(OperatorErrorKind::NotSupported(
                    "validating the XML body against a DTD or schema needs libxml2's validator"
                        .into(),
                ))
            }
            OperatorName::GsbLookup | OperatorName::Rsub | OperatorName::ValidateHash => Err(
                OperatorErrorKind::Rejected("not supported by ModSecurity v3"),
            ),
        }
    }

    /// The operator's name.
    pub fn name(&self) -> OperatorName {
        self.name
    }

    /// The argument as written in the rule.
    pub fn argument(&self) -> &MacroString {
        &self.argument
    }

    /// Whether the operator matches `input`. Negation (`!@rx`) is the caller's business.
    /// With a capture sink in `ctx`, the operator stores what ModSecurity would store in TX
    /// (see [`Captures`](crate::Captures)).
    pub fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        self.imp.evaluate(input, ctx)
    }

    /// [`evaluate`](Self::evaluate), for a caller whose prefilter has found one of
    /// [`literals`](Self::literals) in `input` (cut to
    /// [`MAX_LITERAL`](crate::prefilter::dfa::MAX_LITERAL) bytes, ASCII case-insensitively).
    /// The result is the same as `evaluate`'s for every input, whether or not that holds:
    /// only the work differs (`@pm` then skips its own quick check, which asks the same
    /// question, and goes straight to its matcher).
    pub fn evaluate_candidate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        self.imp.evaluate_candidate(input, ctx)
    }

    /// The literal analysis the prefilter uses: whenever the operator matches, the input
    /// contains (ASCII case-insensitively) one of these literals.
    pub fn literals(&self) -> Literals {
        self.imp.literals()
    }

    /// Builds now what the operator otherwise builds on first use: the automata of
    /// `@rx`/`@rxGlobal`/`@verify*` regexes, which [`Operator::compile`] only checks (see
    /// [`PcreRegex`](crate::pcre::PcreRegex)). For hosts that prefer paying the whole cost at
    /// load. Returns false only if building failed, which the checks at compile time rule
    /// out (the operator would then not match).
    pub fn compile_now(&self) -> bool {
        self.imp.compile_now()
    }

    /// A byte condition every input the operator matches satisfies (before negation); no
    /// condition when none is known. Complements [`literals`](Self::literals) for operators
    /// without usable literals.
    pub fn byte_condition(&self) -> ByteCondition {
        self.imp.byte_condition()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_send_and_sync() {
        fn assert<T: Send + Sync>() {}
        assert::<Operator>();
        assert::<crate::prefilter::Prefilter>();
    }
}
