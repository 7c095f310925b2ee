//! The logical-line layer, as nom parsers: what lies between directives (blank lines,
//! whitespace, continuations, comments), where a directive's logical line ends (physical lines
//! joined by a trailing `\`), and what to skip after a broken directive.
//!
//! Comments follow ModSecurity's scanner: a `#` starts a comment that runs to the end of the
//! line, except that a commented-out `# SecRule … \` or `# SecAction … \` enters the scanner's
//! `COMMENT` state, which goes on over the following lines while they end with `\` (and takes
//! the first line that does not, too).

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::{not, opt, peek, recognize, verify};
use nom::multi::many0_count;
use nom::sequence::preceded;

use crate::ast::DirectiveName;
use crate::parse::error::PResult;
use crate::parse::lex::{continuation, is_blank, line_end, till_newline, word};

/// Everything before the next directive: whitespace, line breaks, continuations and comments
/// (possibly nothing). Never fails.
pub(crate) fn blank(i: &str) -> PResult<'_, &str> {
    recognize(many0_count(alt((
        take_while1(|c| matches!(c, ' ' | '\t' | '\r' | '\n')),
        continuation,
        comment,
    ))))
    .parse(i)
}

/// A physical line's text without its `\r`.
fn without_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// A physical line that ends with `\`, with its `\n`.
fn continued_line(i: &str) -> PResult<'_, &str> {
    recognize((
        verify(till_newline, |l: &str| without_cr(l).ends_with('\\')),
        char('\n'),
    ))
    .parse(i)
}

/// A comment, from `#` to the end of its line (the `\n` is not taken), or on over the lines of
/// the scanner's `COMMENT` state.
pub(crate) fn comment(i: &str) -> PResult<'_, &str> {
    let (after, line) = preceded(char('#'), till_newline).parse(i)?;
    let keyword: PResult<'_, &str> = preceded(
        take_while(is_blank),
        alt((tag("SecRule"), tag("SecAction"))),
    )
    .parse(line);
    let Ok((after_kw, kw)) = keyword else {
        return Ok(consumed(i, after));
    };
    // `# SecRule … \`: a `\` ends the line after something other than a `\` right after the
    // keyword.
    let continues = after_kw.len() > 1
        && !after_kw.starts_with('\\')
        && after_kw.trim_end_matches([' ', '\t', '\r']).ends_with('\\');
    let Some(next) = after.strip_prefix('\n').filter(|_| continues) else {
        return Ok(consumed(i, after));
    };
    let next = if kw == "SecRule" {
        take_while(|c| c == '\r' || c == '\n').parse(next)?.0
    } else {
        next
    };
    let (rest, _) = (many0_count(continued_line), till_newline).parse(next)?;
    Ok(consumed(i, rest))
}

/// `(rest, consumed)` for a parser that went from `i` to `rest`.
fn consumed<'a>(i: &'a str, rest: &'a str) -> (&'a str, &'a str) {
    (rest, i.get(..i.len() - rest.len()).unwrap_or(""))
}

/// A logical line: physical lines that end with `\` and the line that ends them, with its
/// `\n`.
pub(crate) fn logical_line(i: &str) -> PResult<'_, &str> {
    recognize((many0_count(continued_line), till_newline, opt(char('\n')))).parse(i)
}

/// The end (a byte offset) of the logical line at byte offset `pos` of `text`. Whether the
/// first line is continued is decided on the text up to its end, as ModSecurity's scanner sees
/// it: at an empty line (`pos` at a line break), a `\` just before `pos` continues it.
pub(crate) fn logical_line_end(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    let Ok((after_first, first)) = till_newline(rest) else {
        return text.len();
    };
    let line = text.get(..pos + first.len()).unwrap_or("");
    let from = match after_first.strip_prefix('\n') {
        Some(next) if first.len() <= 1 && without_cr(line).ends_with('\\') => next,
        _ => rest,
    };
    match logical_line(from) {
        Ok((after, _)) => text.len() - after.len(),
        Err(_) => text.len(),
    }
}

/// After a broken directive, the indented lines that follow when they do not start a
/// directive: most likely the rest of the broken one (an action list continued without `\`).
pub(crate) fn debris(i: &str) -> PResult<'_, &str> {
    recognize(many0_count((
        take_while1(is_blank),
        not(line_end),
        not(char('#')),
        peek(verify(word, |w: &str| {
            DirectiveName::from_name(w).is_none()
        })),
        logical_line,
    )))
    .parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_takes_comments_and_continuations() {
        let (rest, _) = blank("  \n# c\n\\\n\tSecRule").unwrap();
        assert_eq!(rest, "SecRule");
        assert_eq!(blank("x").unwrap().0, "x");
    }

    #[test]
    fn commented_out_rules_go_on_like_modsecurity() {
        // A commented-out rule continued with `\` swallows its continuation lines and the
        // first line without `\`.
        let text = "# SecRule ARGS \"@rx a\" \\\n    \"id:1,\\\n    pass\"\nSecAction";
        assert_eq!(comment(text).unwrap().0, "\nSecAction");
        // Not a rule: the comment ends at the end of the line.
        assert_eq!(comment("# note \\\nx").unwrap().0, "\nx");
        // `SecRule\` right after the keyword does not continue.
        assert_eq!(comment("#SecRule\\\nx").unwrap().0, "\nx");
        // After `# SecRule … \`, blank lines are skipped first.
        assert_eq!(comment("# SecRule a \\\n\n\nb\nc").unwrap().0, "\nc");
    }

    #[test]
    fn logical_lines_join_continued_lines() {
        assert_eq!(logical_line("a \\\nb\nc").unwrap().0, "c");
        assert_eq!(logical_line("a \\\r\nb\r\nc").unwrap().0, "c");
        assert_eq!(logical_line("a \\").unwrap().0, "");
        assert_eq!(logical_line("\nb\nc").unwrap().0, "b\nc");
        // At a line break right after a `\`, the line is a continued one.
        assert_eq!(logical_line_end("x\\\nb\nc", 2), 5);
        assert_eq!(logical_line_end("x\\\r\nb\nc", 3), 6);
        assert_eq!(logical_line_end("x\\\r\nb\nc", 2), 6);
        assert_eq!(logical_line_end("x\nb\nc", 1), 2);
        assert_eq!(logical_line_end("x\\\n", 2), 3);
    }

    #[test]
    fn debris_stops_at_a_directive() {
        let text = "  pass\"\n  SecRule x\n";
        assert_eq!(debris(text).unwrap().0, "  SecRule x\n");
        assert_eq!(debris("\tx\n\n").unwrap().0, "\n");
        assert_eq!(debris("  # c\n").unwrap().0, "  # c\n");
    }
}
