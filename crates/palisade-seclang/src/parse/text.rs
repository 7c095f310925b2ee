//! Values with macros: operator arguments, `msg:'…'`, `setvar` keys and values, … read the way
//! ModSecurity v3's scanner reads them, as nom parsers.
//!
//! ModSecurity keeps escapes as written (`\"`, `\'`, `\%{` stay in the text, backslash
//! included) and only recognises them when the backslash run is odd and preceded by another
//! character of the same token (a token restarts after each `%{…}` macro). Each [`TextMode`] is
//! one of the scanner's `FREE_TEXT_…_MACRO_EXPANSION` patterns: which character ends the value,
//! which of those an escape can protect, and whether a `%` that does not start a macro is
//! allowed.
//!
//! The grammar, for a mode:
//!
//! ```text
//! text    = chunk (macro chunk)*
//! chunk   = backslashes? (plain | escape | backslashes | bare-%)*    -- leading `\`s escape nothing
//! escape  = odd-backslashes (escapable | "%{")
//! macro   = "%{" NAME ((":" | ".") KEY)? "}" ("%" not before "{")?   -- the trailing `%` is dropped
//! ```

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_till};
use nom::character::complete::{anychar, char};
use nom::combinator::{cond, cut, flat_map, not, opt, recognize, verify};
use nom::error::{ErrorKind, ParseError};
use nom::multi::{fold_many0, many0_count, many1_count};
use nom::sequence::{preceded, terminated};

use crate::ast::{VariableName, VariableSupport};
use crate::parse::error::{PError, PResult};
use crate::parse::lex::{backslashes, newline, word};
use crate::{MacroRef, MacroSegment, MacroString};

/// Where a value sits; decides what ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextMode {
    /// Inside `"…"` (an operator, a `msg:"…"` predicate): ends at an unescaped `"`.
    DoubleQuoted,
    /// Inside `'…'` (a `msg:'…'` predicate): ends at an unescaped `'`; no bare `%`.
    SingleQuoted,
    /// An unquoted predicate (`tag:foo`): ends at `,` or an unescaped `"`.
    UnquotedPredicate,
    /// An unquoted operator (`SecRule ARGS @rx foo`): ends at an unescaped space, or at a tab,
    /// a line end or a continuation; no bare `%`.
    UnquotedOperator,
    /// A `setvar` key: ends at an unescaped `=`, or at `,`, `"` or `\n` (and `'` when quoted).
    SetVarKey {
        /// Inside `setvar:'…'`.
        quoted: bool,
    },
    /// A `setvar` value: ends at `,` or `"`, or an unescaped `=` (or `'` when quoted).
    SetVarValue {
        /// Inside `setvar:'…'`.
        quoted: bool,
    },
}

impl TextMode {
    /// Characters that end the value unless escaped.
    fn escapable(self, c: char) -> bool {
        match self {
            TextMode::DoubleQuoted | TextMode::UnquotedPredicate => c == '"',
            TextMode::SingleQuoted => c == '\'',
            TextMode::UnquotedOperator => c == ' ',
            TextMode::SetVarKey { .. } => c == '=',
            TextMode::SetVarValue { quoted } => c == '=' || (quoted && c == '\''),
        }
    }

    /// Characters that always end the value.
    fn hard_stop(self, c: u8) -> bool {
        match self {
            TextMode::DoubleQuoted | TextMode::SingleQuoted => false,
            TextMode::UnquotedPredicate => c == b',',
            TextMode::UnquotedOperator => matches!(c, b'\t' | b'\n' | b'\r'),
            TextMode::SetVarKey { quoted } => {
                c == b',' || c == b'"' || (quoted && c == b'\'') || c == b'\n'
            }
            TextMode::SetVarValue { .. } => c == b',' || c == b'"',
        }
    }

    /// Whether a `%` not followed by `{` is plain text.
    fn bare_percent_ok(self) -> bool {
        !matches!(self, TextMode::SingleQuoted | TextMode::UnquotedOperator)
    }

    /// The length of the plain text at the start of `rest`: up to a `%`, a `\` or a character
    /// that may end the value. A backslash run that escapes nothing is plain text too: one
    /// before a character that it cannot escape (not a `%` or a character that may end the
    /// value), or an even one before anything but a line break. The grammar reads such a run
    /// the same, one piece at a time; this only saves the pieces (regular expressions are
    /// full of them: `\d`, `\s`, `[\\/]`).
    fn plain_len(self, rest: &[u8]) -> usize {
        let mut from = 0;
        loop {
            let tail = rest.get(from..).unwrap_or_default();
            let found = match self {
                TextMode::DoubleQuoted => memchr::memchr3(b'%', b'\\', b'"', tail),
                TextMode::SingleQuoted => memchr::memchr3(b'%', b'\\', b'\'', tail),
                _ => tail.iter().position(|&b| self.special(b)),
            };
            let Some(at) = found.map(|n| from + n) else {
                return rest.len();
            };
            let after = rest.get(at..).unwrap_or_default();
            let run = after.iter().take_while(|&&b| b == b'\\').count();
            match after.get(run) {
                _ if run == 0 => return at,
                // (A non-ASCII character's bytes are not special either.)
                Some(&next) if !self.special(next) => from = at + run + 1,
                Some(b'\n' | b'\r') => return at,
                _ if run % 2 == 0 => from = at + run,
                _ => return at,
            }
        }
    }

    /// A byte that stops plain text: `%`, `\`, or one that may end the value.
    fn special(self, b: u8) -> bool {
        b == b'%' || b == b'\\' || self.hard_stop(b) || self.escapable(char::from(b))
    }
}

/// Plain text (at least one character) in `mode`.
fn plain(mode: TextMode) -> impl Fn(&str) -> PResult<'_, &str> {
    move |i: &str| {
        let n = mode.plain_len(i.as_bytes());
        match (i.get(n..), i.get(..n)) {
            (Some(rest), Some(taken)) if n > 0 => Ok((rest, taken)),
            _ => Err(nom::Err::Error(PError::from_error_kind(
                i,
                ErrorKind::TakeWhile1,
            ))),
        }
    }
}

/// A run of backslashes; in an unquoted operator, without a `\` that starts a continuation
/// (which ends the operator).
fn run(mode: TextMode) -> impl Fn(&str) -> PResult<'_, &str> {
    move |i: &str| {
        if mode == TextMode::UnquotedOperator {
            recognize(many1_count(terminated(char('\\'), not(newline)))).parse(i)
        } else {
            backslashes(i)
        }
    }
}

/// A run of backslashes (see [`run`]) and, when the run is odd, the character it protects if
/// there is one (a character that would end the value, or the `%{` of a macro).
fn backslashes_or_escape(mode: TextMode) -> impl Fn(&str) -> PResult<'_, &str> {
    move |i: &str| {
        recognize(flat_map(run(mode), |r: &str| {
            cond(r.len() % 2 == 1, opt(protected(mode)))
        }))
        .parse(i)
    }
}

/// What an escape protects: `%{`, or a character that would end the value in `mode`.
fn protected(mode: TextMode) -> impl Fn(&str) -> PResult<'_, &str> {
    move |i: &str| {
        alt((
            tag("%{"),
            recognize(verify(anychar, |&c| mode.escapable(c))),
        ))
        .parse(i)
    }
}

/// A `%` that does not start a macro: plain text, or an error where ModSecurity refuses it.
fn bare_percent(mode: TextMode) -> impl Fn(&str) -> PResult<'_, &str> {
    move |i: &str| {
        let (rest, pct) = terminated(tag("%"), not(char('{'))).parse(i)?;
        if mode.bare_percent_ok() {
            return Ok((rest, pct));
        }
        PError::text(i, "expected `%{` to start a macro, found a bare `%`")
            .note(
                "ModSecurity v3 accepts `%` here only as the start of a `%{…}` macro; \
                 write the value unquoted or in double quotes to keep a literal `%`",
            )
            .fail()
    }
}

/// One piece of a chunk after its start: plain text, an escape, a backslash run or a bare `%`.
/// The first byte decides which (LL(1)): at a character that ends the value, only one parser
/// is tried.
fn piece(mode: TextMode) -> impl Fn(&str) -> PResult<'_, &str> {
    move |i: &str| match i.as_bytes().first() {
        Some(b'%') => bare_percent(mode)(i),
        Some(b'\\') => backslashes_or_escape(mode)(i),
        _ => plain(mode)(i),
    }
}

/// The literal text between macros.
fn chunk(mode: TextMode) -> impl Fn(&str) -> PResult<'_, &str> {
    move |i: &str| recognize((opt(run(mode)), many0_count(piece(mode)))).parse(i)
}

/// A value in `mode`, up to (not including) what ends it, or the end of the text. An empty
/// value has no segments.
pub(crate) fn text(mode: TextMode) -> impl Fn(&str) -> PResult<'_, MacroString> {
    move |i: &str| {
        let (i, first) = chunk(mode).parse(i)?;
        let mut first = Some(first);
        let (rest, segments) = fold_many0(
            (macro_ref, chunk(mode)),
            || {
                let mut segments = Vec::new();
                push_literal(&mut segments, first.take().unwrap_or(""));
                segments
            },
            |mut segments, (m, lit)| {
                segments.push(MacroSegment::Macro(m));
                push_literal(&mut segments, lit);
                segments
            },
        )
        .parse(i)?;
        Ok((rest, MacroString { segments }))
    }
}

fn push_literal(segments: &mut Vec<MacroSegment>, text: &str) {
    if !text.is_empty() {
        segments.push(MacroSegment::Literal(text.to_owned()));
    }
}

/// The macro `%{NAME}` or `%{NAME.KEY}`; a `%` right after its `}` is dropped (unless it starts
/// the next macro), as ModSecurity's scanner drops it: `%{tx.score}%` reads as `%{tx.score}`.
pub(crate) fn macro_ref(i: &str) -> PResult<'_, MacroRef> {
    terminated(
        preceded(tag("%{"), cut(macro_body)),
        opt((char('%'), not(char('{')))),
    )
    .parse(i)
}

/// `NAME.KEY}` of a macro.
fn macro_body(i: &str) -> PResult<'_, MacroRef> {
    let name_at = i;
    let (i, name) = word(i)?;
    if name.is_empty() {
        return PError::found(name_at, "expected a variable name after `%{`, found ").fail();
    }
    let Some(var) = VariableName::from_name(name) else {
        return PError::text(
            name_at,
            format!("unknown variable `{name}` in macro `%{{{name}…}}`"),
        )
        .fail();
    };
    if let VariableSupport::Rejected(why) = var.support() {
        return PError::text(name_at, why).fail();
    }
    let (i, key) = match i.strip_prefix(['.', ':']) {
        None => (i, None),
        Some(_) if !var.is_collection() => {
            return PError::text(
                i,
                format!("`{name}` is not a collection: `%{{{name}}}` takes no key"),
            )
            .fail();
        }
        Some(key_at) => {
            let (i, key) =
                take_till(|c| matches!(c, '"' | '|' | ',' | '\n' | '\r' | ' ' | '\t' | '}'))
                    .parse(key_at)?;
            if key.is_empty() {
                return PError::found(key_at, format!("expected a key after `%{{{name}.`, found "))
                    .fail();
            }
            (i, Some(key.to_owned()))
        }
    };
    let (i, _) = char('}').parse(i).or_else(|_: nom::Err<PError<'_>>| {
        PError::found(
            i,
            format!("expected `}}` to close the macro `%{{{name}…`, found "),
        )
        .fail()
    })?;
    Ok((
        i,
        MacroRef {
            collection: name.to_owned(),
            key,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(t: &str, mode: TextMode) -> Result<(MacroString, usize), ()> {
        text(mode)(t)
            .map(|(rest, m)| (m, t.len() - rest.len()))
            .map_err(|_| ())
    }

    #[test]
    fn escapes_are_kept_and_respected() {
        let (m, end) = scan(r#"a\"b" rest"#, TextMode::DoubleQuoted).unwrap();
        assert_eq!(m.to_string(), r#"a\"b"#);
        assert_eq!(end, 4);
        // An even run does not escape.
        let (m, _) = scan(r#"a\\" rest"#, TextMode::DoubleQuoted).unwrap();
        assert_eq!(m.to_string(), r"a\\");
        // Backslashes before ordinary characters are plain text; escapes still count.
        let (m, end) = scan(r#"\d+\s\"x\\" rest"#, TextMode::DoubleQuoted).unwrap();
        assert_eq!((m.to_string().as_str(), end), (r#"\d+\s\"x\\"#, 10));
        let (m, end) = scan(r#"a\\\\" rest"#, TextMode::DoubleQuoted).unwrap();
        assert_eq!((m.to_string().as_str(), end), (r"a\\\\", 5));
        let (m, end) = scan("a\\é\\ b", TextMode::UnquotedOperator).unwrap();
        assert_eq!((m.to_string().as_str(), end), ("a\\é\\ b", 7));
        // A backslash run at the start of the token does not escape either.
        let (m, end) = scan(r#"\"x"#, TextMode::DoubleQuoted).unwrap();
        assert_eq!((m.to_string().as_str(), end), (r"\", 1));
        // An unquoted operator ends at a continuation, after the backslashes before it.
        let (m, end) = scan("a\\\\\\\nb", TextMode::UnquotedOperator).unwrap();
        assert_eq!((m.to_string().as_str(), end), ("a\\\\", 3));
        let (m, _) = scan("a\\ b c", TextMode::UnquotedOperator).unwrap();
        assert_eq!(m.to_string(), "a\\ b");
    }

    #[test]
    fn macros_split_and_escaped_macros_stay_literal() {
        let (m, end) = scan("x %{tx.a} \\%{tx.b}'", TextMode::SingleQuoted).unwrap();
        assert_eq!(m.segments.len(), 3);
        assert_eq!(m.to_string(), "x %{tx.a} \\%{tx.b}");
        assert_eq!(end, 18);
        // After a macro the token restarts: a backslash there escapes nothing.
        let (m, _) = scan("%{tx.a}\\%{tx.b}'", TextMode::SingleQuoted).unwrap();
        assert_eq!(m.segments.len(), 3);
        assert!(scan("%{bogus}", TextMode::SingleQuoted).is_err());
        assert!(scan("%{tx.a b}", TextMode::SingleQuoted).is_err());
        assert!(scan("%{REMOTE_ADDR.x}", TextMode::SingleQuoted).is_err());
    }

    #[test]
    fn a_percent_right_after_a_macro_is_dropped() {
        let (m, end) = scan("%{tx.a}%'", TextMode::SingleQuoted).unwrap();
        assert_eq!((m.to_string().as_str(), end), ("%{tx.a}", 8));
        let (m, _) = scan("%{tx.a}%{tx.b}'", TextMode::SingleQuoted).unwrap();
        assert_eq!(m.to_string(), "%{tx.a}%{tx.b}");
    }

    #[test]
    fn bare_percent_depends_on_the_mode() {
        assert!(scan("100% sure'", TextMode::SingleQuoted).is_err());
        let (m, _) = scan("100% sure,", TextMode::UnquotedPredicate).unwrap();
        assert_eq!(m.to_string(), "100% sure");
    }

    #[test]
    fn setvar_keys_stop_at_a_newline_and_values_do_not() {
        let (_, end) = scan("a\nb", TextMode::SetVarKey { quoted: false }).unwrap();
        assert_eq!(end, 1);
        let (_, end) = scan("a\nb", TextMode::SetVarValue { quoted: false }).unwrap();
        assert_eq!(end, 3);
    }
}
