//! Target lists: `ARGS|!ARGS:foo|&REQUEST_HEADERS|ARGS:/^id_/|XML:/*`, quoted or not, as nom
//! parsers.
//!
//! ```text
//! list     = variable (("|" | ",") variable)*
//! variable = ("!" | "&")? NAME ((":" | ".") selector)?
//! selector = longest of  key                          -- up to `"`, `|`, `,`, `}`, whitespace
//!                        "/" regex "/"                 -- no space, `=`, `|`, tab or `"` inside
//!                        "'/" regex "/'"               -- `|` allowed
//! ```
//!
//! A selector is read as ModSecurity's scanner reads it: the longest of a key and a regular
//! expression ([`longest`]), the regular expression winning a tie; a `/regex/` ends at the last
//! `/` its characters allow (flex's backtracking): `ARGS:/a/b` is the key `/a/b`.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::{char, one_of};
use nom::combinator::{cut, map, opt, verify};
use nom::error::{ErrorKind, ParseError};
use nom::multi::separated_list1;
use nom::sequence::preceded;

use crate::ast::{Selector, Variable, VariableName, VariableSupport};
use crate::parse::Src;
use crate::parse::error::{PError, PResult};
use crate::parse::lex::{continuation, is_line_end, lone_escaped, longest, till_byte, word};

/// How a list of variables ends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListEnd {
    /// Unquoted: at whitespace, a continuation or the end of the line.
    Whitespace,
    /// Quoted: at `"`.
    Quote,
}

/// A `|`- (or `,`-) separated list of variables, up to (not including) the whitespace or the
/// closing `"` that ends it.
pub(crate) fn variable_list<'a>(
    src: &Src<'a>,
    i: &'a str,
    end: ListEnd,
) -> PResult<'a, Vec<Variable>> {
    let (i, vars) = separated_list1(one_of("|,"), cut(|i| variable(src, i))).parse(i)?;
    let ends = match end {
        ListEnd::Quote => i.starts_with('"'),
        ListEnd::Whitespace => {
            i.starts_with([' ', '\t']) || continuation(i).is_ok() || is_line_end(i)
        }
    };
    if !ends {
        let expected = match end {
            ListEnd::Quote => "expected `|` or the closing `\"` after the variable, found ",
            ListEnd::Whitespace => "expected `|` or whitespace after the variable, found ",
        };
        return PError::found(i, expected).fail();
    }
    Ok((i, vars))
}

/// One variable: `!` or `&`, a name, a selector.
pub(crate) fn variable<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Variable> {
    let start = i;
    let (i, prefix) = opt(one_of("!&")).parse(i)?;
    if prefix.is_some() && i.starts_with(['!', '&']) {
        return PError::text(
            i,
            "a variable can be excluded (`!`) or counted (`&`), not both",
        )
        .fail();
    }
    let (after, name) = word(i)?;
    if name.is_empty() {
        return PError::found(i, "expected a variable, found ").fail();
    }
    let Some(var) = VariableName::from_name(name) else {
        return PError::text(i, format!("unknown variable `{name}`")).fail();
    };
    if let VariableSupport::Rejected(why) = var.support() {
        return PError::text(i, why).fail();
    }
    let (rest, selector) = match after.strip_prefix([':', '.']) {
        None => (after, None),
        Some(_) if !var.is_collection() => {
            return PError::text(
                after,
                format!("`{name}` is not a collection: it takes no `:key`"),
            )
            .fail();
        }
        Some(sel) => {
            let (rest, s) = selector(sel, var, name)?;
            (rest, Some(s))
        }
    };
    Ok((
        rest,
        Variable {
            span: src.span_of(start),
            negated: prefix == Some('!'),
            count: prefix == Some('&'),
            name: var,
            selector,
        },
    ))
}

/// The selector after `NAME:`.
fn selector<'a>(i: &'a str, var: VariableName, name: &str) -> PResult<'a, Selector> {
    let regex = map(regex, |inner: &str| match var {
        VariableName::Xml => Selector::XPath(inner.to_owned()),
        VariableName::Env => Selector::Key(inner.to_owned()),
        _ => Selector::Regex(inner.to_owned()),
    });
    let key = map(verify(key, |k: &str| !k.is_empty()), |k: &str| match var {
        VariableName::Xml => Selector::XPath(k.to_owned()),
        _ => Selector::Key(k.to_owned()),
    });
    match longest(regex, key)(i) {
        Err(nom::Err::Error(_)) => PError::found(
            i,
            format!("expected a key or `/regex/` after `{name}:`, found "),
        )
        .fail(),
        other => other,
    }
}

/// A key (ModSecurity's `DICT_ELEMENT_WITH_EQUALS`): up to `|`, `,`, `}`, whitespace or a `"`
/// that is not escaped as `X\"`.
fn key(i: &str) -> PResult<'_, &str> {
    lone_escaped('"', |c| {
        matches!(c, '|' | ',' | '\n' | '\r' | ' ' | '\t' | '}')
    })(i)
}

/// `/regex/` or `'/regex/'`; the regular expression between the delimiters.
fn regex(i: &str) -> PResult<'_, &str> {
    alt((
        preceded(
            tag("'/"),
            up_to_last("/'", |b| {
                matches!(b, b' ' | b'=' | b'\t' | b'"' | b'\n' | b'\r')
            }),
        ),
        preceded(
            char('/'),
            up_to_last("/", |b| {
                matches!(b, b' ' | b'=' | b'\t' | b'"' | b'\n' | b'\r' | b'|')
            }),
        ),
    ))
    .parse(i)
}

/// Within the run of characters up to a `stop`, the text before the last `close` (at least one
/// character); the input continues after that `close`. This is what flex does with a pattern
/// such as `\/[^ |]+\/`: the longest prefix of the run that ends with the delimiter.
fn up_to_last<'a>(
    close: &'static str,
    stop: impl Fn(u8) -> bool,
) -> impl Fn(&'a str) -> PResult<'a, &'a str> {
    let run = till_byte(stop);
    move |i: &'a str| {
        let (_, run) = run(i)?;
        match run.rfind(close) {
            Some(k) if k > 0 => match (i.get(..k), i.get(k + close.len()..)) {
                (Some(inner), Some(rest)) => Ok((rest, inner)),
                _ => Err(nom::Err::Error(PError::from_error_kind(
                    i,
                    ErrorKind::TakeUntil,
                ))),
            },
            _ => Err(nom::Err::Error(PError::from_error_kind(
                i,
                ErrorKind::TakeUntil,
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn list(text: &str) -> Result<Vec<Variable>, ()> {
        let src = Src::new(text, FileId(0));
        variable_list(&src, src.text, ListEnd::Whitespace)
            .map(|(_, v)| v)
            .map_err(|_| ())
    }

    #[test]
    fn selectors_follow_modsecurity_longest_match() {
        let v =
            list("ARGS:/^id_/|!ARGS:foo|&TX|XML:/*|ARGS:/a/b|REQUEST_COOKIES:'/a|b/' x").unwrap();
        assert_eq!(v[0].selector, Some(Selector::Regex("^id_".into())));
        assert!(v[1].negated);
        assert_eq!(v[1].selector, Some(Selector::Key("foo".into())));
        assert!(v[2].count && v[2].selector.is_none());
        assert_eq!(v[3].selector, Some(Selector::XPath("/*".into())));
        assert_eq!(v[4].selector, Some(Selector::Key("/a/b".into())));
        assert_eq!(v[5].selector, Some(Selector::Regex("a|b".into())));
        let v = list("XML:/x/|ENV:/y/|ARGS:/a/b/ x").unwrap();
        assert_eq!(v[0].selector, Some(Selector::XPath("x".into())));
        assert_eq!(v[1].selector, Some(Selector::Key("y".into())));
        assert_eq!(v[2].selector, Some(Selector::Regex("a/b".into())));
    }

    #[test]
    fn bad_variables_are_errors() {
        assert!(list("ARGS|").is_err());
        assert!(list("REQUEST_METHOD:foo").is_err());
        assert!(list("&!ARGS").is_err());
        assert!(list("FOO").is_err());
        assert!(list("WEBSERVER_ERROR_LOG").is_err());
        assert!(list("ARGS:").is_err());
        assert!(list("TX:%{tx.a}").is_err());
        assert!(list("ARGS;x").is_err());
    }
}
