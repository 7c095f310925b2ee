//! The argument forms of engine directives, as nom parsers: keywords (`On|Off`), numbers,
//! paths, tokens, text to the end of the line, quoted text, ID ranges — each as ModSecurity
//! v3's scanner reads it.

use nom::Parser;
use nom::bytes::complete::{take_till, take_while};
use nom::character::complete::{char, digit1};
use nom::combinator::{all_consuming, map_opt, opt, rest};
use nom::sequence::preceded;

use crate::ast::IdRange;
use crate::parse::error::{PError, PResult, or_fail};
use crate::parse::lex::{digits, is_line_end, lone_escaped, till_newline, word, ws0};

/// The separator between a directive's name and its first argument (spaces, tabs or a
/// continuation), up to where the argument starts. `what` describes the argument for the error
/// when there is none.
pub(crate) fn argument<'a>(i: &'a str, directive: &str, what: &str) -> PResult<'a, ()> {
    let (p, ws) = ws0(i)?;
    if is_line_end(p) || p.starts_with('#') && !ws.is_empty() {
        return PError::found(p, format!("`{directive}` needs {what}, found ")).fail();
    }
    if ws.is_empty() && !p.starts_with('"') {
        return PError::found(
            p,
            format!("expected whitespace after `{directive}`, found "),
        )
        .fail();
    }
    Ok((p, ()))
}

/// The end of a directive: optional whitespace and a `#` comment, then the end of the line,
/// which is taken with its `\n`.
pub(crate) fn end_of_directive(i: &str) -> PResult<'_, ()> {
    let (p, _) = ws0(i)?;
    if !p.starts_with('#') && !is_line_end(p) {
        return PError::found(p, "expected the end of the line, found ").fail();
    }
    let (rest, _) = (till_newline, opt(char('\n'))).parse(p)?;
    Ok((rest, ()))
}

/// "A, B or C".
fn alternatives<T>(choices: &[(&str, T)]) -> String {
    let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
    match names.as_slice() {
        [a, b] => format!("{a} or {b}"),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        [] => String::new(),
    }
}

/// A keyword among `choices` (case-insensitive).
pub(crate) fn keyword<'a, T: Copy>(
    i: &'a str,
    choices: &[(&str, T)],
    directive: &str,
) -> PResult<'a, T> {
    let lookup = |w: &str| {
        choices
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(w))
            .map(|&(_, v)| v)
    };
    or_fail(map_opt(word, lookup), |at| {
        PError::found(
            at,
            format!(
                "expected {} after `{directive}`, found ",
                alternatives(choices)
            ),
        )
    })
    .parse(i)
}

/// `On` or `Off`.
pub(crate) fn on_off<'a>(i: &'a str, directive: &str) -> PResult<'a, bool> {
    keyword(i, &[("On", true), ("Off", false)], directive)
}

/// Digits, in `"…"` when `quoted_ok` and the input starts with `"`. Returns the digits (maybe
/// none), the input they start at, and whether they were quoted.
fn digits_maybe_quoted(i: &str, quoted_ok: bool) -> PResult<'_, (&str, &str, bool)> {
    let (start, quoted) = match i.strip_prefix('"') {
        Some(r) if quoted_ok => (r, true),
        _ => (i, false),
    };
    let (end, ds) = digits(start)?;
    Ok((end, (ds, start, quoted)))
}

/// The closing `"` of a quoted number.
fn closing_quote(i: &str) -> PResult<'_, char> {
    or_fail(char('"'), |at| PError::found(at, "expected `\"`, found ")).parse(i)
}

/// A decimal number (`quoted_ok`: also `"N"`).
pub(crate) fn number<'a>(i: &'a str, directive: &str, quoted_ok: bool) -> PResult<'a, u64> {
    let (end, (ds, start, quoted)) = digits_maybe_quoted(i, quoted_ok)?;
    if ds.is_empty() {
        return PError::found(i, format!("expected a number after `{directive}`, found ")).fail();
    }
    let Ok(n) = ds.parse::<u64>() else {
        return PError::text(start, format!("the number `{ds}` is too large")).fail();
    };
    let (end, _) = if quoted {
        closing_quote(end)?
    } else {
        (end, '"')
    };
    Ok((end, n))
}

/// An octal number (file modes), as `strtol(…, 8)` reads it.
pub(crate) fn octal<'a>(i: &'a str, directive: &str, quoted_ok: bool) -> PResult<'a, u32> {
    let (end, (ds, _, quoted)) = digits_maybe_quoted(i, quoted_ok)?;
    let Ok(n) = u32::from_str_radix(ds, 8) else {
        return PError::found(
            i,
            format!("expected an octal mode (like 0640) after `{directive}`, found "),
        )
        .fail();
    };
    let (end, _) = if quoted {
        closing_quote(end)?
    } else {
        (end, '"')
    };
    Ok((end, n))
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '.' | '-' | '*' | ':')
}

/// A path: letters, digits and `_ / . - * :` (ModSecurity's `CONFIG_VALUE_PATH`), quoted with
/// `"…"` or not (`quoted_ok`).
pub(crate) fn path<'a>(i: &'a str, directive: &str, quoted_ok: bool) -> PResult<'a, String> {
    let (start, quoted) = match i.strip_prefix('"') {
        Some(r) if quoted_ok => (r, true),
        _ => (i, false),
    };
    let (end, text) = take_while(is_path_char).parse(start)?;
    if text.is_empty() {
        return PError::found(
            start,
            format!("expected a path after `{directive}`, found "),
        )
        .fail();
    }
    let after = if quoted {
        end.strip_prefix('"')
    } else if end.starts_with([' ', '\t', '#']) || is_line_end(end) {
        Some(end)
    } else {
        None
    };
    match after {
        Some(after) => Ok((after, text.to_owned())),
        None => PError::around(end, "unexpected ", " in the path")
            .note("ModSecurity v3 accepts only letters, digits and `_ / . - * :` in this path")
            .fail(),
    }
}

/// The rest of the physical line (ModSecurity's `FREE_TEXT_NEW_LINE`: no `"` or `|`), trailing
/// whitespace removed. The input after it is at the line end.
pub(crate) fn rest_of_line<'a>(i: &'a str, directive: &str) -> PResult<'a, String> {
    let (end, line) = till_newline(i)?;
    if let Some(k) = line.find(['"', '|']) {
        return PError::around(
            line.get(k..).unwrap_or(""),
            "unexpected ",
            format!(" in the value of `{directive}`"),
        )
        .note("ModSecurity v3 reads this value to the end of the line, without `\"` or `|`")
        .fail();
    }
    let trimmed = line.trim_end_matches([' ', '\t', '\r']);
    if trimmed.is_empty() {
        return PError::text(i, format!("`{directive}` needs a value")).fail();
    }
    Ok((end, trimmed.to_owned()))
}

/// A character that ends a token.
pub(crate) fn ends_token(c: char) -> bool {
    matches!(c, ',' | ' ' | '\t' | '"' | '\n' | '\r')
}

/// A token: text without `,`, whitespace or `"` (possibly empty).
pub(crate) fn bare_token(i: &str) -> PResult<'_, &str> {
    take_till(ends_token).parse(i)
}

/// A token (ModSecurity's `NEW_LINE_FREE_TEXT`), bare or in `"…"`.
pub(crate) fn token<'a>(i: &'a str, directive: &str) -> PResult<'a, String> {
    let (start, quote) = opt(char('"')).parse(i)?;
    let (end, text) = bare_token(start)?;
    if text.is_empty() {
        return PError::found(start, format!("`{directive}` needs a value, found ")).fail();
    }
    let (end, _) = if quote.is_some() {
        or_fail(char('"'), |at| {
            PError::found(at, "expected the closing `\"`, found ")
                .note("ModSecurity v3 accepts no `,` or whitespace in this value")
        })
        .parse(end)?
    } else {
        (end, '"')
    };
    Ok((end, text.to_owned()))
}

/// `"…"` text (ModSecurity's `FREE_TEXT`: anything but `"`, with `X\"` kept).
pub(crate) fn quoted_text<'a>(i: &'a str, directive: &str) -> PResult<'a, String> {
    let (start, _) = or_fail(char('"'), |at| {
        PError::found(
            at,
            format!("expected a quoted value after `{directive}`, found "),
        )
    })
    .parse(i)?;
    let (end, text) = lone_escaped('"', |_| false)(start)?;
    let Some(after) = end.strip_prefix('"') else {
        return PError::text(i, "unterminated value: the closing `\"` is missing").fail();
    };
    if text.is_empty() {
        return PError::text(i, format!("`{directive}` needs a value")).fail();
    }
    Ok((after, text.to_owned()))
}

/// A rule id: digits only, within 64 bits.
fn id_number(s: &str) -> Result<u64, String> {
    all_consuming(digit1::<&str, PError<'_>>)
        .parse(s)
        .ok()
        .and_then(|(_, d)| d.parse().ok())
        .ok_or_else(|| format!("Not a number: {s}"))
}

/// A rule ID or an inclusive range `FIRST-LAST` (as ModSecurity's rule exceptions read them).
pub(crate) fn parse_id_range(text: &str) -> Result<IdRange, String> {
    let parts = (
        take_till::<_, &str, PError<'_>>(|c| c == '-'),
        opt(preceded(char('-'), rest)),
    )
        .parse(text);
    match parts {
        Ok((_, (a, Some(b)))) => {
            let (start, end) = (id_number(a)?, id_number(b)?);
            if start > end {
                return Err(format!("Invalid range: {text}"));
            }
            Ok(IdRange { start, end })
        }
        _ => match all_consuming(digit1::<&str, PError<'_>>).parse(text) {
            Ok(_) => id_number(text).map(IdRange::single),
            Err(_) => Err(format!("Not a number or range: {text}")),
        },
    }
}

/// Removes one pair of surrounding `"…"`, then one pair of `'…'` (ModSecurity's
/// `removeBracketsIfNeeded`).
pub(crate) fn strip_quotes(text: &str) -> &str {
    let mut t = text;
    for q in ['"', '\''] {
        if t.len() > 1
            && let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q))
        {
            t = inner;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_ranges() {
        assert_eq!(parse_id_range("5"), Ok(IdRange::single(5)));
        assert_eq!(parse_id_range("9-10"), Ok(IdRange { start: 9, end: 10 }));
        assert_eq!(
            parse_id_range("10-9"),
            Err("Invalid range: 10-9".to_owned())
        );
        assert_eq!(
            parse_id_range("abc"),
            Err("Not a number or range: abc".to_owned())
        );
        assert_eq!(parse_id_range("1-"), Err("Not a number: ".to_owned()));
        assert_eq!(parse_id_range("1-2-3"), Err("Not a number: 2-3".to_owned()));
    }

    #[test]
    fn strip_quotes_like_modsecurity() {
        assert_eq!(strip_quotes("\"'a'\""), "a");
        assert_eq!(strip_quotes("'a'"), "a");
        assert_eq!(strip_quotes("\""), "\"");
        assert_eq!(strip_quotes("\"a"), "\"a");
    }

    #[test]
    fn paths_and_tokens() {
        assert_eq!(
            path("a/b.conf x", "Include", true),
            Ok((" x", "a/b.conf".into()))
        );
        assert_eq!(path("\"a\"x", "Include", true), Ok(("x", "a".into())));
        assert!(path("a b", "Include", false).is_ok());
        assert!(path("a;b", "Include", false).is_err());
        assert_eq!(token("\"ab\" c", "SecMarker"), Ok((" c", "ab".into())));
        assert!(token("\"a b\"", "SecMarker").is_err());
        assert_eq!(number("12 x", "D", false), Ok((" x", 12)));
        assert_eq!(octal("\"0640\"", "D", true), Ok(("", 0o640)));
        assert!(octal("\"0640", "D", true).is_err());
        assert_eq!(
            quoted_text(r#""a\"b" x"#, "D"),
            Ok((" x", r#"a\"b"#.into()))
        );
    }
}
