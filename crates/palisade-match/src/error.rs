//! [`OperatorError`]: why an operator could not be compiled, naming the operator.

use core::fmt;
use std::path::PathBuf;

use palisade_seclang::{OperatorName, SourceError};

use crate::pcre::PcreError;

/// What went wrong when compiling an operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperatorErrorKind {
    /// ModSecurity v3 rejects this operator at load time; the text says why.
    Rejected(&'static str),
    /// The operator needs a network service (DNS for `@rbl`, an `https://` download);
    /// Palisade never makes network calls while loading or matching.
    NeedsNetwork(String),
    /// The operator runs an external program (`@inspectFile`).
    RunsProgram,
    /// Palisade cannot evaluate the operator faithfully; the text says why.
    NotSupported(String),
    /// The regular expression cannot be compiled.
    Regex {
        /// The pattern as written.
        pattern: String,
        /// Why.
        error: PcreError,
    },
    /// A data file could not be read.
    File {
        /// The resolved path.
        path: PathBuf,
        /// Why.
        error: SourceError,
    },
    /// The argument is malformed; the text says how.
    InvalidArgument(String),
    /// `@geoLookup` without a database (`SecGeoLookupDb`).
    NoGeoDatabase,
}

/// An operator that could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorError {
    /// The operator.
    pub operator: OperatorName,
    /// Why.
    pub kind: OperatorErrorKind,
}

impl OperatorError {
    /// An error of `kind` for `operator`.
    pub fn new(operator: OperatorName, kind: OperatorErrorKind) -> Self {
        OperatorError { operator, kind }
    }
}

impl fmt::Display for OperatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}: ", self.operator)?;
        match &self.kind {
            OperatorErrorKind::Rejected(why) => f.write_str(why),
            OperatorErrorKind::NeedsNetwork(why) => {
                write!(
                    f,
                    "needs the network ({why}); Palisade makes no network calls"
                )
            }
            OperatorErrorKind::RunsProgram => {
                f.write_str("runs an external program; Palisade does not run programs")
            }
            OperatorErrorKind::NotSupported(why) => write!(f, "not supported: {why}"),
            OperatorErrorKind::Regex { pattern, error } => {
                write!(f, "cannot compile regular expression `{pattern}`: {error}")
            }
            OperatorErrorKind::File { path, error } => {
                write!(f, "cannot read data file {}: {error}", path.display())
            }
            OperatorErrorKind::InvalidArgument(why) => write!(f, "invalid argument: {why}"),
            OperatorErrorKind::NoGeoDatabase => f.write_str(
                "no GeoIP database is configured (SecGeoLookupDb must come before the rule)",
            ),
        }
    }
}

impl std::error::Error for OperatorError {}
