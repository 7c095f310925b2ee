//! The parsers' error type: where it happened (the nom input at the error, a slice of the
//! file's text) and what was expected, turned into a [`Diagnostic`] at the top.
//!
//! nom's two kinds of error keep their meaning: [`nom::Err::Error`] means "this alternative
//! does not apply, try another" and carries no message (it is cheap: no allocation);
//! [`nom::Err::Failure`] means "this is the place and the reason", and is what a rule author
//! sees. Messages that end in "found …" describe what is at the position only when the error
//! is reported ([`Msg::Found`]), so building an error never formats the input.

use std::borrow::Cow;

use nom::error::{ErrorKind, ParseError};

use crate::Diagnostic;
use crate::parse::src::Src;

/// The result of a parser over `&str` with [`PError`].
pub(crate) type PResult<'a, T> = nom::IResult<&'a str, T, PError<'a>>;

/// The result of a check of a value already read (a failure when it does not pass).
pub(crate) type Checked<'a, T> = Result<T, nom::Err<PError<'a>>>;

/// What went wrong.
#[derive(Debug, PartialEq)]
pub(crate) enum Msg {
    /// A complete message.
    Text(Cow<'static, str>),
    /// `{0}` + a description of what is at the position + `{1}`: "expected a variable, found
    /// `|`", "unexpected whitespace in the path".
    Found(Cow<'static, str>, Cow<'static, str>),
    /// A diagnostic with its own span (a check of an already parsed item).
    Ready(Box<Diagnostic>),
}

/// The message of an error for the rule author, with its note.
#[derive(Debug, PartialEq)]
pub(crate) struct Detail {
    /// What went wrong.
    pub msg: Msg,
    /// A further explanation.
    pub note: Option<Cow<'static, str>>,
}

/// A parse error at a position of the text.
///
/// Small on purpose (the input, nom's error kind and a pointer): every nom parser returns it
/// through its `Result`, and a backtracking error carries no message, so it costs no
/// allocation.
#[derive(Debug, PartialEq)]
pub(crate) struct PError<'a> {
    /// The input where the error is: a slice of the file's text, starting at the position.
    pub at: &'a str,
    /// The nom combinator that failed, for a backtracking error.
    pub kind: ErrorKind,
    /// The message, for an error a rule author sees.
    pub detail: Option<Box<Detail>>,
}

impl<'a> PError<'a> {
    fn with(at: &'a str, msg: Msg) -> Self {
        PError {
            at,
            kind: ErrorKind::Fail,
            detail: Some(Box::new(Detail { msg, note: None })),
        }
    }

    /// An error with a complete message.
    pub fn text(at: &'a str, msg: impl Into<Cow<'static, str>>) -> Self {
        Self::with(at, Msg::Text(msg.into()))
    }

    /// An error whose message is `before` followed by what is at `at` ("expected an action,
    /// found " → "expected an action, found `|`").
    pub fn found(at: &'a str, before: impl Into<Cow<'static, str>>) -> Self {
        Self::around(at, before, "")
    }

    /// An error whose message is `before`, what is at `at`, then `after` ("unexpected " …
    /// " in the path").
    pub fn around(
        at: &'a str,
        before: impl Into<Cow<'static, str>>,
        after: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::with(at, Msg::Found(before.into(), after.into()))
    }

    /// An error that is already a diagnostic (its span is its own).
    pub fn ready(at: &'a str, diagnostic: Diagnostic) -> Self {
        Self::with(at, Msg::Ready(Box::new(diagnostic)))
    }

    /// The same error with a note.
    pub fn note(mut self, note: impl Into<Cow<'static, str>>) -> Self {
        if let Some(d) = self.detail.as_mut() {
            d.note = Some(note.into());
        }
        self
    }

    /// The same error as a failure: `Err(nom::Err::Failure(self))`.
    pub fn fail<T>(self) -> PResult<'a, T> {
        Err(nom::Err::Failure(self))
    }

    /// The same error as a failure, for checks that return `Result<T, nom::Err<PError>>`.
    pub fn failure(self) -> nom::Err<Self> {
        nom::Err::Failure(self)
    }

    /// The diagnostic as a warning.
    pub fn into_warning(self, src: &Src<'_>) -> Diagnostic {
        Diagnostic {
            level: crate::Level::Warning,
            ..self.into_diagnostic(src)
        }
    }

    /// The diagnostic a rule author sees.
    pub fn into_diagnostic(self, src: &Src<'_>) -> Diagnostic {
        let pos = src.offset(self.at);
        let Some(detail) = self.detail else {
            return src.error(
                pos,
                format!("unexpected {} ({:?})", src.describe(pos), self.kind),
            );
        };
        let d = match detail.msg {
            Msg::Ready(d) => *d,
            Msg::Text(t) => src.error(pos, t),
            Msg::Found(before, after) => {
                src.error(pos, format!("{before}{}{after}", src.describe(pos)))
            }
        };
        match detail.note {
            Some(n) => d.with_note(n),
            None => d,
        }
    }
}

impl<'a> ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, kind: ErrorKind) -> Self {
        PError {
            at: input,
            kind,
            detail: None,
        }
    }

    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

/// The result of a parser that failed with a nom error, whatever its kind (a failure stays
/// one, an error becomes one): for the top of the parser.
pub(crate) fn into_error<'a>(e: nom::Err<PError<'a>>, at: &'a str) -> PError<'a> {
    match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e,
        nom::Err::Incomplete(_) => PError::found(at, "unexpected "),
    }
}

/// Runs `parser`; where it does not apply (a nom error), fails with `err(input)` instead:
/// commits to the grammar at this point with a message for the rule author.
pub(crate) fn or_fail<'a, O>(
    mut parser: impl nom::Parser<&'a str, Output = O, Error = PError<'a>>,
    err: impl Fn(&'a str) -> PError<'a>,
) -> impl FnMut(&'a str) -> PResult<'a, O> {
    move |i| match parser.parse(i) {
        Err(nom::Err::Error(_)) => Err(nom::Err::Failure(err(i))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;
    use nom::Parser;
    use nom::character::complete::char;

    #[test]
    fn errors_become_diagnostics_at_their_position() {
        let text = "ab\ncd";
        let src = Src::new(text, FileId(0));
        let e = PError::found(src.rest(3), "expected a digit, found ").note("a note");
        let d = e.into_diagnostic(&src);
        assert_eq!(d.to_string(), "2:1: error: expected a digit, found `cd`");
        assert_eq!(d.notes, vec!["a note".to_owned()]);
        assert!(std::mem::size_of::<PError<'_>>() <= 4 * std::mem::size_of::<usize>());
        let e = PError::around(src.rest(2), "unexpected ", " here");
        assert_eq!(
            e.into_diagnostic(&src).message,
            "unexpected end of line here"
        );
    }

    #[test]
    fn or_fail_commits_with_a_message() {
        let mut p = or_fail(char::<&str, PError<'_>>('x'), |i| {
            PError::found(i, "expected `x`, found ")
        });
        assert!(p("xy").is_ok());
        let Err(nom::Err::Failure(e)) = p.parse("y") else {
            panic!("not a failure")
        };
        assert!(matches!(e.detail.map(|d| d.msg), Some(Msg::Found(..))));
    }
}
