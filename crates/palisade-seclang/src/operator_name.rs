//! The operators SecLang can name (`@rx`, `@pm`, …), their aliases, and whether ModSecurity v3
//! accepts them.

use core::fmt;

/// An operator as a rule names it after `@`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperatorName {
    /// `@beginsWith`.
    BeginsWith,
    /// `@contains`.
    Contains,
    /// `@containsWord`.
    ContainsWord,
    /// `@detectSQLi`.
    DetectSqli,
    /// `@detectXSS`.
    DetectXss,
    /// `@endsWith`.
    EndsWith,
    /// `@eq`.
    Eq,
    /// `@fuzzyHash`.
    FuzzyHash,
    /// `@ge`.
    Ge,
    /// `@geoLookup`.
    GeoLookup,
    /// `@gsbLookup` (rejected by ModSecurity v3).
    GsbLookup,
    /// `@gt`.
    Gt,
    /// `@inspectFile`.
    InspectFile,
    /// `@ipMatch`.
    IpMatch,
    /// `@ipMatchFromFile` (alias `@ipMatchF`).
    IpMatchFromFile,
    /// `@le`.
    Le,
    /// `@lt`.
    Lt,
    /// `@noMatch` (internal to ModSecurity v3; Palisade accepts it for completeness).
    NoMatch,
    /// `@pm`.
    Pm,
    /// `@pmFromFile` (alias `@pmf`).
    PmFromFile,
    /// `@rbl`.
    Rbl,
    /// `@rsub` (rejected by ModSecurity v3).
    Rsub,
    /// `@rx`.
    Rx,
    /// `@rxGlobal`.
    RxGlobal,
    /// `@streq`.
    Streq,
    /// `@strmatch`.
    Strmatch,
    /// `@unconditionalMatch`.
    UnconditionalMatch,
    /// `@validateByteRange`.
    ValidateByteRange,
    /// `@validateDTD`.
    ValidateDtd,
    /// `@validateHash` (rejected by ModSecurity v3).
    ValidateHash,
    /// `@validateSchema`.
    ValidateSchema,
    /// `@validateUrlEncoding`.
    ValidateUrlEncoding,
    /// `@validateUtf8Encoding`.
    ValidateUtf8Encoding,
    /// `@verifyCC`.
    VerifyCc,
    /// `@verifyCPF`.
    VerifyCpf,
    /// `@verifySSN`.
    VerifySsn,
    /// `@verifySVNR`.
    VerifySvnr,
    /// `@within`.
    Within,
}

/// Whether ModSecurity v3 accepts an operator in a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorSupport {
    /// Accepted.
    Accepted,
    /// Rejected by ModSecurity v3 at load time; the text says why.
    Rejected(&'static str),
}

const NAMES: [(OperatorName, &str); 38] = [
    (OperatorName::BeginsWith, "beginsWith"),
    (OperatorName::Contains, "contains"),
    (OperatorName::ContainsWord, "containsWord"),
    (OperatorName::DetectSqli, "detectSQLi"),
    (OperatorName::DetectXss, "detectXSS"),
    (OperatorName::EndsWith, "endsWith"),
    (OperatorName::Eq, "eq"),
    (OperatorName::FuzzyHash, "fuzzyHash"),
    (OperatorName::Ge, "ge"),
    (OperatorName::GeoLookup, "geoLookup"),
    (OperatorName::GsbLookup, "gsbLookup"),
    (OperatorName::Gt, "gt"),
    (OperatorName::InspectFile, "inspectFile"),
    (OperatorName::IpMatch, "ipMatch"),
    (OperatorName::IpMatchFromFile, "ipMatchFromFile"),
    (OperatorName::Le, "le"),
    (OperatorName::Lt, "lt"),
    (OperatorName::NoMatch, "noMatch"),
    (OperatorName::Pm, "pm"),
    (OperatorName::PmFromFile, "pmFromFile"),
    (OperatorName::Rbl, "rbl"),
    (OperatorName::Rsub, "rsub"),
    (OperatorName::Rx, "rx"),
    (OperatorName::RxGlobal, "rxGlobal"),
    (OperatorName::Streq, "streq"),
    (OperatorName::Strmatch, "strmatch"),
    (OperatorName::UnconditionalMatch, "unconditionalMatch"),
    (OperatorName::ValidateByteRange, "validateByteRange"),
    (OperatorName::ValidateDtd, "validateDTD"),
    (OperatorName::ValidateHash, "validateHash"),
    (OperatorName::ValidateSchema, "validateSchema"),
    (OperatorName::ValidateUrlEncoding, "validateUrlEncoding"),
    (OperatorName::ValidateUtf8Encoding, "validateUtf8Encoding"),
    (OperatorName::VerifyCc, "verifyCC"),
    (OperatorName::VerifyCpf, "verifyCPF"),
    (OperatorName::VerifySsn, "verifySSN"),
    (OperatorName::VerifySvnr, "verifySVNR"),
    (OperatorName::Within, "within"),
];

const ALIASES: [(OperatorName, &str); 2] = [
    (OperatorName::IpMatchFromFile, "ipMatchF"),
    (OperatorName::PmFromFile, "pmf"),
];

impl OperatorName {
    /// Every operator name, in enum order.
    pub fn all() -> impl Iterator<Item = OperatorName> {
        NAMES.iter().map(|(op, _)| *op)
    }

    /// Looks an operator up by its name without `@`, case-insensitively, aliases included.
    pub fn from_name(name: &str) -> Option<Self> {
        NAMES
            .iter()
            .chain(ALIASES.iter())
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(op, _)| *op)
    }

    /// The canonical spelling without `@`.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(op, _)| *op == self)
            .map_or("rx", |(_, n)| n)
    }

    /// Whether ModSecurity v3 accepts the operator.
    pub fn support(self) -> OperatorSupport {
        match self {
            OperatorName::GsbLookup => OperatorSupport::Rejected(
                "@gsbLookup is not supported by ModSecurity v3 (Google Safe Browsing lookups)",
            ),
            OperatorName::Rsub => {
                OperatorSupport::Rejected("@rsub is not supported by ModSecurity v3")
            }
            OperatorName::ValidateHash => {
                OperatorSupport::Rejected("@validateHash is not supported by ModSecurity v3")
            }
            _ => OperatorSupport::Accepted,
        }
    }
}

impl fmt::Display for OperatorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for op in OperatorName::all() {
            assert_eq!(OperatorName::from_name(op.name()), Some(op));
        }
        assert_eq!(
            OperatorName::from_name("PMF"),
            Some(OperatorName::PmFromFile)
        );
        assert_eq!(
            OperatorName::from_name("ipMatchF"),
            Some(OperatorName::IpMatchFromFile)
        );
        assert_eq!(OperatorName::from_name("bogus"), None);
    }
}
