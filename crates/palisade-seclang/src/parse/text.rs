//! Values with macros: operator arguments, `msg:'…'`, `setvar` keys and values, … read the way
//! ModSecurity v3's scanner reads them.
//!
//! ModSecurity keeps escapes as written (`\"`, `\'`, `\%{` stay in the text, backslash
//! included) and only recognises them when the backslash run is odd and preceded by another
//! character of the same token (a token restarts after each `%{…}` macro). Each [`TextMode`] is
//! one of the scanner's `FREE_TEXT_…_MACRO_EXPANSION` patterns: which character ends the value,
//! which of those an escape can protect, and whether a `%` that does not start a macro is
//! allowed.

use crate::ast::{VariableName, VariableSupport};
use crate::parse::src::Src;
use crate::{Diagnostic, MacroRef, MacroSegment, MacroString};

/// Where a value sits; decides what ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextMode {
    /// Inside `"…"` (an operator, a `msg:"…"` predicate): ends at an unescaped `"`.
    DoubleQuoted,
    /// Inside `'…'` (a `msg:'…'` predicate): ends at an unescaped `'`; no bare `%`.
    SingleQuoted,
    /// An unquoted predicate (`tag:foo`): ends at `,` or an unescaped `"`.
    UnquotedPredicate,
    /// An unquoted operator (`SecRule ARGS @rx foo`): ends at an unescaped space, or at a tab
    /// or line end; no bare `%`.
    UnquotedOperator,
    /// A `setvar` key: ends at an unescaped `=`, or at `,` or `"` (and `'` when quoted).
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
    fn escapable(self, c: u8) -> bool {
        match self {
            TextMode::DoubleQuoted | TextMode::UnquotedPredicate => c == b'"',
            TextMode::SingleQuoted => c == b'\'',
            TextMode::UnquotedOperator => c == b' ',
            TextMode::SetVarKey { .. } => c == b'=',
            TextMode::SetVarValue { quoted } => c == b'=' || (quoted && c == b'\''),
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

    /// The length of the run of plain bytes at the start of `rest` (bytes that are neither
    /// `%` nor a stop of the mode), when a fast search applies to the mode.
    fn plain_run(self, rest: &[u8]) -> Option<usize> {
        let first = |found: Option<usize>| found.unwrap_or(rest.len());
        Some(match self {
            TextMode::DoubleQuoted => first(memchr::memchr2(b'%', b'"', rest)),
            TextMode::SingleQuoted => first(memchr::memchr2(b'%', b'\'', rest)),
            TextMode::UnquotedPredicate => first(memchr::memchr3(b'%', b'"', b',', rest))
                .min(first(memchr::memchr2(b'\n', b'\r', rest))),
            _ => return None,
        })
    }

    /// Whether a `%` not followed by `{` is plain text.
    fn bare_percent_ok(self) -> bool {
        !matches!(self, TextMode::SingleQuoted | TextMode::UnquotedOperator)
    }
}

/// True when the character at `pos` is escaped: an odd run of backslashes precedes it, and the
/// run itself is preceded by a character of the same token (which starts at `token_start`).
fn escaped(src: &Src<'_>, pos: usize, token_start: usize) -> bool {
    let mut k = 0;
    while pos > token_start + k && src.at(pos - k - 1) == Some(b'\\') {
        k += 1;
    }
    k % 2 == 1 && pos - k > token_start
}

/// Reads a value from `start` up to (not including) what ends it in `mode`, or the end of the
/// text. Returns the value and the offset where it stopped.
pub(crate) fn scan_text(
    src: &Src<'_>,
    start: usize,
    mode: TextMode,
) -> Result<(MacroString, usize), Diagnostic> {
    let mut out = MacroString::default();
    let mut token_start = start;
    let mut run_start = start;
    let mut pos = start;
    while let Some(c) = src.at(pos) {
        // Jump over plain text to the next byte that can matter in this mode.
        if let Some(skip) = mode.plain_run(src.bytes.get(pos..).unwrap_or(&[]))
            && skip > 0
        {
            pos += skip;
            continue;
        }
        if c == b'%' {
            if src.at(pos + 1) == Some(b'{') {
                if escaped(src, pos, token_start) {
                    pos += 2;
                    continue;
                }
                push_literal(&mut out, src.slice(run_start, pos));
                let (mref, end) = parse_macro(src, pos)?;
                out.segments.push(MacroSegment::Macro(mref));
                pos = end;
                token_start = end;
                run_start = end;
                continue;
            }
            if !mode.bare_percent_ok() {
                return Err(src
                    .error(pos, "expected `%{` to start a macro, found a bare `%`")
                    .with_note(
                        "ModSecurity v3 accepts `%` here only as the start of a `%{…}` macro; \
                         write the value unquoted or in double quotes to keep a literal `%`",
                    ));
            }
            pos += 1;
            continue;
        }
        if mode.hard_stop(c) {
            break;
        }
        // An unquoted operator ends at a backslash-newline continuation.
        if mode == TextMode::UnquotedOperator && c == b'\\' && src.continuation_at(pos).is_some() {
            break;
        }
        if mode.escapable(c) {
            if escaped(src, pos, token_start) {
                pos += 1;
                continue;
            }
            break;
        }
        pos += 1;
    }
    push_literal(&mut out, src.slice(run_start, pos));
    Ok((out, pos))
}

fn push_literal(out: &mut MacroString, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(MacroSegment::Literal(last)) = out.segments.last_mut() {
        last.push_str(text);
    } else {
        out.segments.push(MacroSegment::Literal(text.to_owned()));
    }
}

/// Reads the macro `%{NAME}` or `%{NAME.KEY}` starting at `pos` (at `%`). Returns it and the
/// offset after `}`.
pub(crate) fn parse_macro(src: &Src<'_>, pos: usize) -> Result<(MacroRef, usize), Diagnostic> {
    let name_start = pos + 2;
    let name_end = src.word_end(name_start);
    let name = src.slice(name_start, name_end);
    if name.is_empty() {
        return Err(src.error(
            name_start,
            format!(
                "expected a variable name after `%{{`, found {}",
                src.describe(name_start)
            ),
        ));
    }
    let Some(var) = VariableName::from_name(name) else {
        return Err(src.error(
            name_start,
            format!("unknown variable `{name}` in macro `%{{{name}…}}`"),
        ));
    };
    if let VariableSupport::Rejected(why) = var.support() {
        return Err(src.error(name_start, why));
    }
    let mut p = name_end;
    let mut key = None;
    if matches!(src.at(p), Some(b'.' | b':')) {
        if !var.is_collection() {
            return Err(src.error(
                p,
                format!("`{name}` is not a collection: `%{{{name}}}` takes no key"),
            ));
        }
        let key_start = p + 1;
        let mut q = key_start;
        while let Some(c) = src.at(q) {
            if matches!(c, b'"' | b'|' | b',' | b'\n' | b'\r' | b' ' | b'\t' | b'}') {
                break;
            }
            q += 1;
        }
        if q == key_start {
            return Err(src.error(
                key_start,
                format!(
                    "expected a key after `%{{{name}.`, found {}",
                    src.describe(key_start)
                ),
            ));
        }
        key = Some(src.slice(key_start, q).to_owned());
        p = q;
    }
    if src.at(p) != Some(b'}') {
        return Err(src.error(
            p,
            format!(
                "expected `}}` to close the macro `%{{{name}…`, found {}",
                src.describe(p)
            ),
        ));
    }
    // ModSecurity's scanner swallows a `%` right after a macro's `}` (unless it starts the
    // next macro): `%{tx.score}%` reads as `%{tx.score}`.
    let mut end = p + 1;
    if src.at(end) == Some(b'%') && src.at(end + 1) != Some(b'{') {
        end += 1;
    }
    Ok((
        MacroRef {
            collection: name.to_owned(),
            key,
        },
        end,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn scan(text: &str, mode: TextMode) -> Result<(MacroString, usize), Diagnostic> {
        let src = Src::new(text, FileId(0));
        scan_text(&src, 0, mode)
    }

    #[test]
    fn escapes_are_kept_and_respected() {
        let (m, end) = scan(r#"a\"b" rest"#, TextMode::DoubleQuoted).unwrap();
        assert_eq!(m.to_string(), r#"a\"b"#);
        assert_eq!(end, 4);
        // An even run does not escape.
        let (m, _) = scan(r#"a\\" rest"#, TextMode::DoubleQuoted).unwrap();
        assert_eq!(m.to_string(), r"a\\");
        // A backslash run at the start of the token does not escape either.
        let (m, end) = scan(r#"\"x"#, TextMode::DoubleQuoted).unwrap();
        assert_eq!((m.to_string().as_str(), end), (r"\", 1));
    }

    #[test]
    fn macros_split_and_escaped_macros_stay_literal() {
        let (m, end) = scan("x %{tx.a} \\%{tx.b}'", TextMode::SingleQuoted).unwrap();
        assert_eq!(m.segments.len(), 3);
        assert_eq!(m.to_string(), "x %{tx.a} \\%{tx.b}");
        assert_eq!(end, 18);
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
}
