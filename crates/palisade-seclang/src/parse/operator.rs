//! A rule's operator: `"@rx ^a"`, `"!@within %{tx.m}"`, `"^a"` (the implicit `@rx`), or the
//! unquoted forms `@rx ^a` and `^a`.
//!
//! As in ModSecurity, exactly one space separates the operator's name from its argument (a
//! second space belongs to the argument), and the argument is kept as written.

use crate::ast::{Operator, takes_argument};
use crate::parse::src::Src;
use crate::parse::text::{TextMode, scan_text};
use crate::{Diagnostic, MacroString, OperatorName, OperatorSupport};

/// Reads the operator at `pos`. Returns it and the offset after it (after the closing quote
/// when quoted).
pub(crate) fn parse_operator(src: &Src<'_>, pos: usize) -> Result<(Operator, usize), Diagnostic> {
    let quoted = src.at(pos) == Some(b'"');
    let start = if quoted { pos + 1 } else { pos };
    let mode = if quoted {
        TextMode::DoubleQuoted
    } else {
        TextMode::UnquotedOperator
    };
    let mut p = start;
    let negated = src.at(p) == Some(b'!');
    if negated {
        p += 1;
    }
    let (name, argument, end) = if src.at(p) == Some(b'@') {
        let name_end = src.word_end(p + 1);
        let word = src.slice(p + 1, name_end);
        let Some(name) = OperatorName::from_name(word) else {
            return Err(if word.is_empty() {
                src.error(p, "expected an operator name after `@`")
            } else {
                src.error(p, format!("unknown operator `@{word}`"))
                    .with_note(
                        "ModSecurity v3 would read the whole text as a regular expression; \
                     write `@rx @…` if that is what you mean",
                    )
            });
        };
        if let OperatorSupport::Rejected(why) = name.support() {
            return Err(src.error(p, why));
        }
        if takes_argument(name) {
            match src.at(name_end) {
                Some(b' ') => {}
                Some(b'"') if quoted => {
                    return Err(src.error(name_end, format!("`@{word}` needs an argument")));
                }
                _ if !quoted && (src.at_line_end(name_end) || src.at(name_end) == Some(b'\t')) => {
                    return Err(src.error(name_end, format!("`@{word}` needs an argument")));
                }
                _ => {
                    return Err(src.error(
                        name_end,
                        format!(
                            "expected a space after `@{word}`, found {}",
                            src.describe(name_end)
                        ),
                    ));
                }
            }
            let (arg, end) = scan_text(src, name_end + 1, mode)?;
            if arg.segments.is_empty() {
                return Err(src.error(name_end + 1, format!("`@{word}` needs an argument")));
            }
            (name, arg, end)
        } else {
            let mut q = name_end;
            while src.at(q) == Some(b' ') {
                q += 1;
            }
            let ends = if quoted {
                src.at(q) == Some(b'"')
            } else {
                q > name_end || src.at_line_end(q) || src.at(q) == Some(b'\t')
            };
            if !ends {
                return Err(src
                    .error(q, format!("`@{word}` takes no argument"))
                    .with_note(
                        "ModSecurity v3 would read the whole text as a regular expression",
                    ));
            }
            let end = if quoted { q } else { name_end };
            (name, MacroString::default(), end)
        }
    } else {
        let (arg, end) = scan_text(src, p, mode)?;
        if arg.segments.is_empty() {
            return Err(src.error(
                p,
                format!("expected an operator, found {}", src.describe(p)),
            ));
        }
        (OperatorName::Rx, arg, end)
    };
    let after = if quoted {
        if src.at(end) != Some(b'"') {
            return Err(src.error(pos, "unterminated operator: the closing `\"` is missing"));
        }
        end + 1
    } else {
        end
    };
    Ok((
        Operator {
            span: src.span(start),
            negated,
            name,
            argument,
        },
        after,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn op(text: &str) -> Result<(Operator, usize), Diagnostic> {
        parse_operator(&Src::new(text, FileId(0)), 0)
    }

    #[test]
    fn operators_and_their_arguments() {
        let (o, end) = op(r#""!@rx  ^a\"b" next"#).unwrap();
        assert!(o.negated);
        assert_eq!(o.name, OperatorName::Rx);
        assert_eq!(o.argument.to_string(), r#" ^a\"b"#);
        assert_eq!(end, 13);
        let (o, _) = op(r#""^implicit""#).unwrap();
        assert_eq!(
            (o.name, o.argument.to_string().as_str()),
            (OperatorName::Rx, "^implicit")
        );
        let (o, _) = op(r#""@detectSQLi""#).unwrap();
        assert!(o.argument.segments.is_empty());
        let (o, end) = op("@pm a b").unwrap();
        assert_eq!((o.name, end), (OperatorName::Pm, 5));
        let (o, _) = op(r#""@within %{tx.allowed_methods}""#).unwrap();
        assert!(o.argument.has_macros());
    }

    #[test]
    fn malformed_operators_are_errors() {
        for bad in [
            r#""@rx ""#,
            r#""@pm""#,
            r#""@foo bar""#,
            r#""@detectSQLi x""#,
            r#""@rx	tab""#,
            r#""@rsub x""#,
            r#""""#,
            r#""@rx a"#,
        ] {
            assert!(op(bad).is_err(), "{bad}");
        }
    }
}
