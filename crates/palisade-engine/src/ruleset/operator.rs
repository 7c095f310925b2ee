//! Compiled operators. The operator implementations come from `palisade-match`; this module
//! wraps them with what the engine needs around them: negation, the name and parameter text
//! ModSecurity prints in its match messages, and whether the argument holds macros.

use palisade_seclang::{MacroSegment, MacroString, OperatorName};

/// How an operator's argument is expanded at match time (`@within %{tx.allowed_methods}`)
/// and where captures go.
pub trait OperatorContext {
    /// Expands a macro string in the transaction's current state.
    fn expand(&mut self, s: &MacroString) -> Vec<u8>;
    /// Whether the rule has `capture` (captures are then stored in `TX:0`–`TX:9`).
    fn capturing(&self) -> bool;
    /// Stores capture group `group` (0–9).
    fn capture(&mut self, group: usize, value: &[u8]);
}

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
    /// The argument as written.
    pub argument: MacroString,
    /// A fixed match message (libinjection operators), instead of the generic one.
    pub fixed_message: Option<&'static str>,
    /// The implementation.
    pub imp: OpImpl,
}

/// An operator implementation.
#[derive(Debug)]
pub enum OpImpl {
    /// `@unconditionalMatch`.
    Always,
    /// `@noMatch`.
    Never,
    /// `@rx` (stand-in until the operators crate lands).
    Rx(regex::bytes::Regex),
    /// `@streq`.
    Streq(Vec<u8>),
    /// `@eq`, `@gt`, … against a literal.
    Num(OperatorName, i32),
    /// `@within`, `@contains`, `@beginsWith`, `@endsWith` against a literal.
    Text(OperatorName, Vec<u8>),
    /// `@pm` (case-insensitive phrases).
    Pm(Vec<Vec<u8>>),
    /// `@detectSQLi`.
    Sqli,
    /// `@detectXSS`.
    Xss,
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
    ) -> Result<CompiledOperator, String> {
        let lit = argument.as_literal().unwrap_or_default();
        let imp = match name {
            OperatorName::UnconditionalMatch => OpImpl::Always,
            OperatorName::NoMatch => OpImpl::Never,
            OperatorName::Rx => OpImpl::Rx(
                regex::bytes::RegexBuilder::new(&lit)
                    .unicode(false)
                    .dot_matches_new_line(true)
                    .multi_line(true)
                    .build()
                    .map_err(|e| e.to_string())?,
            ),
            OperatorName::Streq => OpImpl::Streq(lit.into_bytes()),
            OperatorName::Eq
            | OperatorName::Gt
            | OperatorName::Ge
            | OperatorName::Lt
            | OperatorName::Le => OpImpl::Num(name, crate::text::stoi_or_zero(lit.as_bytes())),
            OperatorName::Within
            | OperatorName::Contains
            | OperatorName::BeginsWith
            | OperatorName::EndsWith => OpImpl::Text(name, lit.into_bytes()),
            OperatorName::Pm => OpImpl::Pm(
                lit.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.to_ascii_lowercase().into_bytes())
                    .collect(),
            ),
            OperatorName::DetectSqli => OpImpl::Sqli,
            OperatorName::DetectXss => OpImpl::Xss,
            other => return Err(format!("operator @{} is not available", other.name())),
        };
        Ok(CompiledOperator {
            name,
            negated,
            display: display_name(name),
            param: printed_param(argument),
            argument: argument.clone(),
            fixed_message: match name {
                OperatorName::DetectSqli => Some("detected SQLi using libinjection."),
                OperatorName::DetectXss => Some("detected XSS using libinjection."),
                _ => None,
            },
            imp,
        })
    }

    /// Evaluates the operator (without negation).
    pub fn evaluate(&self, input: &[u8], cx: &mut dyn OperatorContext) -> bool {
        let dynamic = self.argument.has_macros();
        let arg = |cx: &mut dyn OperatorContext| -> Vec<u8> { cx.expand(&self.argument) };
        match &self.imp {
            OpImpl::Always => true,
            OpImpl::Never => false,
            OpImpl::Rx(re) => {
                if self.param.is_empty() && !dynamic {
                    return true;
                }
                let Some(caps) = re.captures(input) else {
                    return false;
                };
                if cx.capturing() {
                    for (i, g) in caps.iter().enumerate().take(10) {
                        if let Some(m) = g {
                            cx.capture(i, m.as_bytes());
                        }
                    }
                }
                true
            }
            OpImpl::Streq(s) => {
                if dynamic {
                    arg(cx) == input
                } else {
                    s.as_slice() == input
                }
            }
            OpImpl::Num(op, n) => {
                let rhs = if dynamic {
                    crate::text::stoi_or_zero(&arg(cx))
                } else {
                    *n
                };
                let lhs = crate::text::stoi_or_zero(input);
                match op {
                    OperatorName::Eq => lhs == rhs,
                    OperatorName::Gt => lhs > rhs,
                    OperatorName::Ge => lhs >= rhs,
                    OperatorName::Lt => lhs < rhs,
                    _ => lhs <= rhs,
                }
            }
            OpImpl::Text(op, t) => {
                let t = if dynamic { arg(cx) } else { t.clone() };
                match op {
                    OperatorName::Within => {
                        !input.is_empty() && t.windows(input.len()).any(|w| w == input)
                    }
                    OperatorName::Contains => {
                        t.is_empty() || input.windows(t.len()).any(|w| w == t.as_slice())
                    }
                    OperatorName::BeginsWith => input.starts_with(&t),
                    _ => input.ends_with(&t),
                }
            }
            OpImpl::Pm(ph) => {
                let low = input.to_ascii_lowercase();
                for p in ph {
                    if !p.is_empty() && low.windows(p.len()).any(|w| w == p.as_slice()) {
                        if cx.capturing() {
                            cx.capture(0, p);
                        }
                        return true;
                    }
                }
                false
            }
            OpImpl::Sqli => match palisade_libinjection::sqli(input) {
                Some(fp) => {
                    if cx.capturing() {
                        cx.capture(0, fp.as_bytes());
                    }
                    true
                }
                None => false,
            },
            OpImpl::Xss => palisade_libinjection::xss(input),
        }
    }
}
