//! A rule's operator: `"@rx ^\d+$"`, `"!@within %{tx.allowed_methods}"`, or a bare regular
//! expression (the implicit `@rx`).

use crate::{MacroString, OperatorName, Span};

/// The operator of a `SecRule`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Operator {
    /// Where the operator starts (at `!` or `@`, inside the quotes).
    pub span: Span,
    /// `!@rx …`: the rule matches when the operator does not.
    pub negated: bool,
    /// The operator (`Rx` when the rule names none).
    pub name: OperatorName,
    /// The argument exactly as written (escapes such as `\"` kept), split at `%{…}` macros.
    /// Empty for operators that take none (`@detectSQLi`, `@unconditionalMatch`, …).
    pub argument: MacroString,
}

impl Operator {
    /// An operator with a literal argument and a default span.
    pub fn new(name: OperatorName, argument: &str) -> Self {
        Operator {
            span: Span::default(),
            negated: false,
            name,
            argument: MacroString::literal(argument),
        }
    }
}

/// Whether an operator takes an argument in ModSecurity v3's grammar.
pub fn takes_argument(name: OperatorName) -> bool {
    !matches!(
        name,
        OperatorName::DetectSqli
            | OperatorName::DetectXss
            | OperatorName::UnconditionalMatch
            | OperatorName::ValidateUrlEncoding
            | OperatorName::ValidateUtf8Encoding
            | OperatorName::GeoLookup
            | OperatorName::NoMatch
    )
}
