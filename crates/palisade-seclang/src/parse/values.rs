//! The argument forms of engine directives: keywords (`On|Off`), numbers, paths, tokens, text
//! to the end of the line, quoted text, ID ranges — each as ModSecurity v3's scanner reads it.

use crate::Diagnostic;
use crate::ast::IdRange;
use crate::parse::src::Src;

/// Requires the separator between a directive's name and its first argument (spaces, tabs or a
/// continuation) and returns where the argument starts. `what` describes the argument for the
/// error when there is none.
pub(crate) fn expect_argument(
    src: &Src<'_>,
    name_end: usize,
    directive: &str,
    what: &str,
) -> Result<usize, Diagnostic> {
    let p = src.skip_inline_ws(name_end);
    if src.at_line_end(p) || src.at(p) == Some(b'#') && p > name_end {
        return Err(src.error(
            p,
            format!("`{directive}` needs {what}, found {}", src.describe(p)),
        ));
    }
    if p == name_end && src.at(p) != Some(b'"') {
        return Err(src.error(
            p,
            format!(
                "expected whitespace after `{directive}`, found {}",
                src.describe(p)
            ),
        ));
    }
    Ok(p)
}

/// Requires the end of the directive at `pos`: optional whitespace and a `#` comment, then the
/// end of the line. Returns the offset of the next line.
pub(crate) fn end_of_directive(src: &Src<'_>, pos: usize) -> Result<usize, Diagnostic> {
    let p = src.skip_inline_ws(pos);
    if src.at(p) == Some(b'#') {
        let e = src.line_end(p);
        return Ok((e + 1).min(src.len()));
    }
    if src.at_line_end(p) {
        let e = src.line_end(p);
        return Ok((e + 1).min(src.len()));
    }
    Err(src.error(
        p,
        format!("expected the end of the line, found {}", src.describe(p)),
    ))
}

/// A keyword among `choices` (case-insensitive).
pub(crate) fn keyword<T: Copy>(
    src: &Src<'_>,
    pos: usize,
    choices: &[(&str, T)],
    directive: &str,
) -> Result<(T, usize), Diagnostic> {
    let end = src.word_end(pos);
    let word = src.slice(pos, end);
    if let Some((_, v)) = choices.iter().find(|(n, _)| n.eq_ignore_ascii_case(word)) {
        return Ok((*v, end));
    }
    let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
    let expected = match names.as_slice() {
        [a, b] => format!("{a} or {b}"),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        [] => String::new(),
    };
    Err(src.error(
        pos,
        format!(
            "expected {expected} after `{directive}`, found {}",
            src.describe(pos)
        ),
    ))
}

/// `On` or `Off`.
pub(crate) fn on_off(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
) -> Result<(bool, usize), Diagnostic> {
    keyword(src, pos, &[("On", true), ("Off", false)], directive)
}

/// A decimal number (`quoted_ok`: also `"N"`).
pub(crate) fn number(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
    quoted_ok: bool,
) -> Result<(u64, usize), Diagnostic> {
    let (start, quoted) = if quoted_ok && src.at(pos) == Some(b'"') {
        (pos + 1, true)
    } else {
        (pos, false)
    };
    let mut end = start;
    while src.at(end).is_some_and(|c| c.is_ascii_digit()) {
        end += 1;
    }
    let digits = src.slice(start, end);
    if digits.is_empty() {
        return Err(src.error(
            pos,
            format!(
                "expected a number after `{directive}`, found {}",
                src.describe(pos)
            ),
        ));
    }
    let n: u64 = digits
        .parse()
        .map_err(|_| src.error(start, format!("the number `{digits}` is too large")))?;
    if quoted {
        if src.at(end) != Some(b'"') {
            return Err(src.error(end, format!("expected `\"`, found {}", src.describe(end))));
        }
        end += 1;
    }
    Ok((n, end))
}

/// An octal number (file modes), as `strtol(…, 8)` reads it.
pub(crate) fn octal(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
    quoted_ok: bool,
) -> Result<(u32, usize), Diagnostic> {
    let (start, quoted) = if quoted_ok && src.at(pos) == Some(b'"') {
        (pos + 1, true)
    } else {
        (pos, false)
    };
    let mut end = start;
    while src.at(end).is_some_and(|c| c.is_ascii_digit()) {
        end += 1;
    }
    let digits = src.slice(start, end);
    let n = u32::from_str_radix(digits, 8).map_err(|_| {
        src.error(
            pos,
            format!(
                "expected an octal mode (like 0640) after `{directive}`, found {}",
                src.describe(pos)
            ),
        )
    })?;
    if quoted {
        if src.at(end) != Some(b'"') {
            return Err(src.error(end, format!("expected `\"`, found {}", src.describe(end))));
        }
        end += 1;
    }
    Ok((n, end))
}

fn is_path_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'/' | b'.' | b'-' | b'*' | b':')
}

/// A path: letters, digits and `_ / . - * :` (ModSecurity's `CONFIG_VALUE_PATH`), quoted with
/// `"…"` or not (`quoted_ok`).
pub(crate) fn path(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
    quoted_ok: bool,
) -> Result<(String, usize), Diagnostic> {
    let (start, quoted) = if quoted_ok && src.at(pos) == Some(b'"') {
        (pos + 1, true)
    } else {
        (pos, false)
    };
    let mut end = start;
    while src.at(end).is_some_and(is_path_byte) {
        end += 1;
    }
    if end == start {
        return Err(src.error(
            start,
            format!(
                "expected a path after `{directive}`, found {}",
                src.describe(start)
            ),
        ));
    }
    let stops_ok = if quoted {
        src.at(end) == Some(b'"')
    } else {
        matches!(src.at(end), Some(b' ' | b'\t' | b'#')) || src.at_line_end(end)
    };
    if !stops_ok {
        return Err(src
            .error(end, format!("unexpected {} in the path", src.describe(end)))
            .with_note(
                "ModSecurity v3 accepts only letters, digits and `_ / . - * :` in this path",
            ));
    }
    let text = src.slice(start, end).to_owned();
    Ok((text, if quoted { end + 1 } else { end }))
}

/// The rest of the physical line (ModSecurity's `FREE_TEXT_NEW_LINE`: no `"` or `|`), trailing
/// whitespace removed. Returns the text and the offset of the line end.
pub(crate) fn rest_of_line(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
) -> Result<(String, usize), Diagnostic> {
    let end = src.line_end(pos);
    let text = src.slice(pos, end);
    if let Some(i) = text.find(['"', '|']) {
        return Err(src
            .error(
                pos + i,
                format!(
                    "unexpected {} in the value of `{directive}`",
                    src.describe(pos + i)
                ),
            )
            .with_note(
                "ModSecurity v3 reads this value to the end of the line, without `\"` or `|`",
            ));
    }
    let trimmed = text.trim_end_matches([' ', '\t', '\r']);
    if trimmed.is_empty() {
        return Err(src.error(pos, format!("`{directive}` needs a value")));
    }
    Ok((trimmed.to_owned(), end))
}

/// A token without `,`, whitespace or `"` (ModSecurity's `NEW_LINE_FREE_TEXT`), bare or in
/// `"…"`.
pub(crate) fn token(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
) -> Result<(String, usize), Diagnostic> {
    let quoted = src.at(pos) == Some(b'"');
    let start = if quoted { pos + 1 } else { pos };
    let mut end = start;
    while let Some(c) = src.at(end) {
        if matches!(c, b',' | b' ' | b'\t' | b'"' | b'\n' | b'\r') {
            break;
        }
        end += 1;
    }
    if end == start {
        return Err(src.error(
            start,
            format!("`{directive}` needs a value, found {}", src.describe(start)),
        ));
    }
    let text = src.slice(start, end).to_owned();
    if quoted {
        if src.at(end) != Some(b'"') {
            return Err(src
                .error(
                    end,
                    format!("expected the closing `\"`, found {}", src.describe(end)),
                )
                .with_note("ModSecurity v3 accepts no `,` or whitespace in this value"));
        }
        end += 1;
    }
    Ok((text, end))
}

/// `"…"` text (ModSecurity's `FREE_TEXT`: anything but `"`, with `X\"` kept).
pub(crate) fn quoted_text(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
) -> Result<(String, usize), Diagnostic> {
    if src.at(pos) != Some(b'"') {
        return Err(src.error(
            pos,
            format!(
                "expected a quoted value after `{directive}`, found {}",
                src.describe(pos)
            ),
        ));
    }
    let mut p = pos + 1;
    loop {
        match src.at(p) {
            None => {
                return Err(src.error(pos, "unterminated value: the closing `\"` is missing"));
            }
            Some(b'"') => {
                let escaped =
                    p >= pos + 3 && src.at(p - 1) == Some(b'\\') && src.at(p - 2) != Some(b'\\');
                if !escaped {
                    break;
                }
            }
            _ => {}
        }
        p += 1;
    }
    if p == pos + 1 {
        return Err(src.error(pos, format!("`{directive}` needs a value")));
    }
    Ok((src.slice(pos + 1, p).to_owned(), p + 1))
}

/// A rule ID or an inclusive range `FIRST-LAST` (as ModSecurity's rule exceptions read them).
pub(crate) fn parse_id_range(text: &str) -> Result<IdRange, String> {
    let num = |s: &str| -> Result<u64, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("Not a number: {s}"));
        }
        s.parse().map_err(|_| format!("Not a number: {s}"))
    };
    match text.split_once('-') {
        Some((a, b)) => {
            let (start, end) = (num(a)?, num(b)?);
            if start > end {
                return Err(format!("Invalid range: {text}"));
            }
            Ok(IdRange { start, end })
        }
        None => {
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("Not a number or range: {text}"));
            }
            Ok(IdRange::single(num(text)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_ranges() {
        assert_eq!(parse_id_range("5"), Ok(IdRange::single(5)));
        assert_eq!(parse_id_range("9-10"), Ok(IdRange { start: 9, end: 10 }));
        assert!(parse_id_range("10-9").is_err());
        assert!(parse_id_range("abc").is_err());
        assert!(parse_id_range("1-").is_err());
    }
}
