//! The lexical pieces every parser is built from, as nom parsers over `&str`: words, digits,
//! inline whitespace with backslash-newline continuations, line ends, and the two escape rules
//! of ModSecurity's scanner.
//!
//! Two combinators reproduce what flex does and nom does not:
//! - [`longest`] runs alternatives on the same input and keeps the one that matched the most
//!   (the first on a tie), as flex chooses between its patterns;
//! - [`lone_escaped`] reads text up to a quote that is not escaped by a `\` right after another
//!   character of the text, which is what patterns like `([^\\"]|[^\\]\\\")+` accept.
//!
//! Plain runs of text are found with `memchr` or a byte loop ([`till_byte`]): the stops are
//! ASCII, so the split is always on a char boundary.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{take_till1, take_while, take_while1};
use nom::character::complete::{char, line_ending};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::multi::many0_count;

use crate::parse::error::{PError, PResult};

/// A character of a word: ASCII letter, digit or `_` (names of directives, actions, variables).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A space or a tab.
pub(crate) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A word (possibly empty): ASCII letters, digits and `_`.
pub(crate) fn word(i: &str) -> PResult<'_, &str> {
    take_while(is_word_char).parse(i)
}

/// ASCII digits (possibly none).
pub(crate) fn digits(i: &str) -> PResult<'_, &str> {
    take_while(|c: char| c.is_ascii_digit()).parse(i)
}

/// A line break: `\n` or `\r\n`.
pub(crate) fn newline(i: &str) -> PResult<'_, &str> {
    line_ending(i)
}

/// A backslash-newline continuation.
pub(crate) fn continuation(i: &str) -> PResult<'_, &str> {
    recognize((char('\\'), line_ending)).parse(i)
}

/// Inline whitespace: spaces, tabs and continuations (possibly none). Returns what it skipped.
///
/// The grammar is `(blank+ | continuation)*`; it is the parser's most frequent step, so it is
/// written as one loop over the bytes (as nom's own `multispace0` is).
pub(crate) fn ws0(i: &str) -> PResult<'_, &str> {
    let b = i.as_bytes();
    let mut n = 0;
    loop {
        match b.get(n..) {
            Some([b' ' | b'\t', ..]) => n += 1,
            Some([b'\\', b'\n', ..]) => n += 2,
            Some([b'\\', b'\r', b'\n', ..]) => n += 3,
            _ => return Ok(split(i, n)),
        }
    }
}

/// Succeeds, consuming nothing, at the end of a line (`\n`, `\r\n`, a `\r` ending the text) or
/// of the text.
pub(crate) fn line_end(i: &str) -> PResult<'_, ()> {
    if is_line_end(i) {
        Ok((i, ()))
    } else {
        Err(nom::Err::Error(PError::from_error_kind(i, ErrorKind::CrLf)))
    }
}

/// True at the end of a line or of the text (what [`line_end`] accepts).
pub(crate) fn is_line_end(i: &str) -> bool {
    matches!(
        i.as_bytes(),
        [] | [b'\n', ..] | [b'\r'] | [b'\r', b'\n', ..]
    )
}

/// The rest of the physical line, without its `\n` (a `\r` before it stays).
pub(crate) fn till_newline(i: &str) -> PResult<'_, &str> {
    let n = memchr::memchr(b'\n', i.as_bytes()).unwrap_or(i.len());
    Ok(split(i, n))
}

/// The text up to the first byte for which `stop` holds (possibly empty). `stop` must hold
/// only for ASCII bytes.
pub(crate) fn till_byte<'a>(stop: impl Fn(u8) -> bool) -> impl Fn(&'a str) -> PResult<'a, &'a str> {
    move |i: &'a str| {
        let n = i
            .bytes()
            .position(|b| b.is_ascii() && stop(b))
            .unwrap_or(i.len());
        Ok(split(i, n))
    }
}

/// `(rest, taken)` for a split after `n` bytes, `n` on a char boundary.
fn split(i: &str, n: usize) -> (&str, &str) {
    match (i.get(n..), i.get(..n)) {
        (Some(rest), Some(taken)) => (rest, taken),
        _ => ("", i),
    }
}

/// One or more backslashes.
pub(crate) fn backslashes(i: &str) -> PResult<'_, &str> {
    take_while1(|c| c == '\\').parse(i)
}

/// Text up to an unescaped `quote` or a character for which `stop` holds (neither taken).
/// A `quote` is escaped by exactly one backslash that follows another character of the text:
/// `a\"b` goes on, `\"` at the start and `a\\"` end. Backslashes are kept.
pub(crate) fn lone_escaped<'a>(
    quote: char,
    stop: impl Fn(char) -> bool,
) -> impl FnMut(&'a str) -> PResult<'a, &'a str> {
    let plain = take_till1(move |c: char| c == quote || c == '\\' || stop(c));
    let mut text = recognize((
        // Backslashes at the start escape nothing.
        opt(backslashes),
        many0_count(alt((
            plain,
            recognize((char('\\'), char(quote))),
            backslashes,
        ))),
    ));
    move |i: &'a str| text.parse(i)
}

/// Runs both parsers on the same input and keeps the result of the one that consumed more,
/// the first on a tie (flex's longest match). A failure of either is reported; when neither
/// applies, the second's error is.
pub(crate) fn longest<'a, O>(
    mut first: impl Parser<&'a str, Output = O, Error = PError<'a>>,
    mut second: impl Parser<&'a str, Output = O, Error = PError<'a>>,
) -> impl FnMut(&'a str) -> PResult<'a, O> {
    move |i: &'a str| {
        let a = first.parse(i);
        if let Err(nom::Err::Failure(_)) = a {
            return a;
        }
        let b = second.parse(i);
        match (a, b) {
            (Ok(a), Ok(b)) => Ok(if b.0.len() < a.0.len() { b } else { a }),
            (Ok(a), Err(nom::Err::Error(_))) => Ok(a),
            (_, b) => b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nom::bytes::complete::tag;
    use nom::combinator::value;

    #[test]
    fn whitespace_takes_continuations() {
        assert_eq!(ws0(" \t\\\n  x"), Ok(("x", " \t\\\n  ")));
        // The same as the combinator form of the grammar.
        let mut grammar = recognize(many0_count(alt((
            take_while1::<_, _, PError<'_>>(is_blank),
            continuation,
        ))));
        for t in [
            " \\\r\n\t\\\\\n",
            "\\\r\r\n",
            "  \\ x",
            "\t\\\n\\\n",
            "",
            "x ",
        ] {
            assert_eq!(ws0(t), grammar.parse(t), "{t:?}");
        }
        assert_eq!(ws0(" \\\r\nx"), Ok(("x", " \\\r\n")));
        assert_eq!(ws0("\\x"), Ok(("\\x", "")));
    }

    #[test]
    fn line_ends() {
        for yes in ["", "\n", "\r\n", "\r", "\nx"] {
            assert!(is_line_end(yes), "{yes:?}");
        }
        for no in ["x", "\rx", " \n"] {
            assert!(!is_line_end(no), "{no:?}");
        }
        assert_eq!(till_newline("ab\r\ncd"), Ok(("\ncd", "ab\r")));
        assert_eq!(till_newline("ab"), Ok(("", "ab")));
    }

    #[test]
    fn lone_escapes_follow_the_scanner() {
        let mut q = lone_escaped('"', |_| false);
        assert_eq!(q(r#"a\"b" x"#), Ok((r#"" x"#, r#"a\"b"#)));
        assert_eq!(q(r#"\"x"#), Ok((r#""x"#, r"\")));
        assert_eq!(q(r#"a\\"x"#), Ok((r#""x"#, r"a\\")));
        assert_eq!(q(r#"a\\\"x"#), Ok((r#""x"#, r"a\\\")));
        assert_eq!(q(r#"a\"\"b"#), Ok(("", r#"a\"\"b"#)));
        let mut key = lone_escaped('"', |c| c == '|');
        assert_eq!(key(r"a\|b"), Ok(("|b", r"a\")));
    }

    #[test]
    fn longest_prefers_the_longer_then_the_first() {
        let mut p = longest(tag("ab"), tag("abc"));
        assert_eq!(p("abcd"), Ok(("d", "abc")));
        let mut p = longest(value(1, tag("ab")), value(2, tag("ab")));
        assert_eq!(p("ab"), Ok(("", 1)));
        let mut p = longest(tag("x"), tag("ab"));
        assert_eq!(p("ab"), Ok(("", "ab")));
        assert!(longest(tag::<_, _, PError<'_>>("x"), tag("y"))("ab").is_err());
    }

    #[test]
    fn byte_runs_stop_at_ascii() {
        let p = till_byte(|b| b == b',');
        assert_eq!(p("çé,x"), Ok((",x", "çé")));
        assert_eq!(p("abc"), Ok(("", "abc")));
    }
}
