//! Errors from reading and compiling a PCRE pattern.

use core::fmt;

/// Why a pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PcreErrorKind {
    /// PCRE itself rejects the pattern; the text is PCRE's reason.
    Syntax(&'static str),
    /// PCRE accepts the pattern but Palisade cannot match it without backtracking (or does
    /// not implement the construct); the text names it.
    Unsupported(&'static str),
    /// The compiled automaton would exceed the configured size limit.
    TooBig(String),
    /// regex-automata refused the pattern for another reason.
    Build(String),
}

/// A pattern error with the byte offset where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PcreError {
    /// Byte offset in the pattern (0 when the error concerns the whole pattern).
    pub offset: usize,
    /// What is wrong.
    pub kind: PcreErrorKind,
}

impl fmt::Display for PcreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            PcreErrorKind::Syntax(why) => write!(f, "{why} at offset {}", self.offset),
            PcreErrorKind::Unsupported(what) => {
                write!(f, "unsupported: {what} (at offset {})", self.offset)
            }
            PcreErrorKind::TooBig(why) => write!(f, "pattern too big: {why}"),
            PcreErrorKind::Build(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for PcreError {}
