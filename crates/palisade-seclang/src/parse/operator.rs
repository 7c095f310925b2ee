//! A rule's operator, as a nom parser: `"@rx ^a"`, `"!@within %{tx.m}"`, `"^a"` (the implicit
//! `@rx`), or the unquoted forms `@rx ^a` and `^a`.
//!
//! ```text
//! operator = "\"" body "\"" | body
//! body     = "!"? ("@" NAME (" " argument)? | argument)     -- no `@`: the implicit @rx
//! ```
//!
//! As in ModSecurity, exactly one space separates the operator's name from its argument (a
//! second space belongs to the argument), and the argument is kept as written: a
//! [`TextMode::DoubleQuoted`] value inside quotes, a [`TextMode::UnquotedOperator`] one
//! without.

use nom::Parser;
use nom::bytes::complete::take_while;
use nom::character::complete::char;
use nom::combinator::opt;

use crate::ast::{Operator, takes_argument};
use crate::parse::Src;
use crate::parse::error::{PError, PResult};
use crate::parse::lex::{is_line_end, word};
use crate::parse::text::{TextMode, text};
use crate::{MacroString, OperatorName, OperatorSupport};

/// The operator, quoted or not; after it, the input continues after the closing quote.
pub(crate) fn operator<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Operator> {
    let open = i;
    let (start, quote) = opt(char('"')).parse(i)?;
    let quoted = quote.is_some();
    let mode = if quoted {
        TextMode::DoubleQuoted
    } else {
        TextMode::UnquotedOperator
    };
    let (p, bang) = opt(char('!')).parse(start)?;
    let (end, (name, argument)) = match char::<&str, PError<'a>>('@').parse(p) {
        Ok((after_at, _)) => named(p, after_at, quoted, mode)?,
        Err(_) => {
            let (end, argument) = text(mode)(p)?;
            if argument.segments.is_empty() {
                return PError::found(p, "expected an operator, found ").fail();
            }
            (end, (OperatorName::Rx, argument))
        }
    };
    let after = if quoted {
        match end.strip_prefix('"') {
            Some(after) => after,
            None => {
                return PError::text(open, "unterminated operator: the closing `\"` is missing")
                    .fail();
            }
        }
    } else {
        end
    };
    Ok((
        after,
        Operator {
            span: src.span_of(start),
            negated: bang.is_some(),
            name,
            argument,
        },
    ))
}

/// `@name argument` from the `@` at `at` (`after_at` is the input after it).
fn named<'a>(
    at: &'a str,
    after_at: &'a str,
    quoted: bool,
    mode: TextMode,
) -> PResult<'a, (OperatorName, MacroString)> {
    let (name_end, w) = word(after_at)?;
    let Some(name) = OperatorName::from_name(w) else {
        return if w.is_empty() {
            PError::text(at, "expected an operator name after `@`").fail()
        } else {
            PError::text(at, format!("unknown operator `@{w}`"))
                .note(
                    "ModSecurity v3 would read the whole text as a regular expression; \
                     write `@rx @…` if that is what you mean",
                )
                .fail()
        };
    };
    if let OperatorSupport::Rejected(why) = name.support() {
        return PError::text(at, why).fail();
    }
    if !takes_argument(name) {
        let (q, spaces) = take_while(|c| c == ' ').parse(name_end)?;
        let ends = if quoted {
            q.starts_with('"')
        } else {
            !spaces.is_empty() || is_line_end(q) || q.starts_with('\t')
        };
        if !ends {
            return PError::text(q, format!("`@{w}` takes no argument"))
                .note("ModSecurity v3 would read the whole text as a regular expression")
                .fail();
        }
        let end = if quoted { q } else { name_end };
        return Ok((end, (name, MacroString::default())));
    }
    let Some(arg_start) = name_end.strip_prefix(' ') else {
        let missing = if quoted {
            name_end.starts_with('"')
        } else {
            is_line_end(name_end) || name_end.starts_with('\t')
        };
        return if missing {
            PError::text(name_end, format!("`@{w}` needs an argument")).fail()
        } else {
            PError::found(name_end, format!("expected a space after `@{w}`, found ")).fail()
        };
    };
    let (end, argument) = text(mode)(arg_start)?;
    if argument.segments.is_empty() {
        return PError::text(arg_start, format!("`@{w}` needs an argument")).fail();
    }
    Ok((end, (name, argument)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn op(text: &str) -> Result<(Operator, usize), ()> {
        let src = Src::new(text, FileId(0));
        operator(&src, src.text)
            .map(|(rest, o)| (o, text.len() - rest.len()))
            .map_err(|_| ())
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
