//! `setvar:` and its forms, as a nom parser (after `setvar:`):
//!
//! ```text
//! setvar = "'" body "'" | body
//! body   = "!" COLLECTION ("." | ":") key                      -- delete
//!        | COLLECTION ("." | ":") key ("=" ("+" | "-")? value)? -- no value: "1"
//! ```
//!
//! The key and the value are [`TextMode::SetVarKey`] and [`TextMode::SetVarValue`] texts: a key
//! ends at an unescaped `=`, a value at `,` or `"` (and `'` inside quotes).

use nom::Parser;
use nom::character::complete::char;
use nom::combinator::opt;

use crate::MacroString;
use crate::ast::{SetVar, SetVarOp, VariableName};
use crate::parse::error::{PError, PResult};
use crate::parse::lex::word;
use crate::parse::text::{TextMode, text};

/// The value of `setvar:`.
pub(crate) fn setvar(v: &str) -> PResult<'_, SetVar> {
    let (p, quote) = opt(char('\'')).parse(v)?;
    let quoted = quote.is_some();
    let (p, bang) = opt(char('!')).parse(p)?;
    let delete = bang.is_some();
    let (name_end, name) = word(p)?;
    let Some(collection) = VariableName::from_name(name).filter(|v| v.is_writable()) else {
        return PError::found(
            p,
            "setvar can only write TX, IP, GLOBAL, RESOURCE, SESSION or USER, found ",
        )
        .fail();
    };
    let Some(key_at) = name_end.strip_prefix(['.', ':']) else {
        return PError::text(
            name_end,
            format!("expected `.` and a variable name after `{name}`"),
        )
        .fail();
    };
    let (p, key) = text(TextMode::SetVarKey { quoted })(key_at)?;
    if key.segments.is_empty() {
        return PError::found(
            key_at,
            format!("expected a variable name after `{name}.`, found "),
        )
        .fail();
    }
    let (p, op, value) = match p.strip_prefix('=') {
        Some(_) if delete => {
            return PError::text(p, "`setvar:!…` deletes a variable and takes no value").fail();
        }
        Some(after_eq) => {
            let (value_at, op) = match after_eq.chars().next() {
                Some('+') => (after_eq.get(1..).unwrap_or(""), SetVarOp::Add),
                Some('-') => (after_eq.get(1..).unwrap_or(""), SetVarOp::Sub),
                _ => (after_eq, SetVarOp::Set),
            };
            let (p, value) = text(TextMode::SetVarValue { quoted })(value_at)?;
            if value.segments.is_empty() {
                return PError::found(value_at, "expected a value after `=` in setvar, found ")
                    .fail();
            }
            (p, op, value)
        }
        None if delete => (p, SetVarOp::Delete, MacroString::default()),
        None => (p, SetVarOp::Set, MacroString::literal("1")),
    };
    let p = if quoted {
        match p.strip_prefix('\'') {
            Some(after) => after,
            None => {
                return PError::found(p, "expected the closing `'` of setvar, found ").fail();
            }
        }
    } else {
        p
    };
    Ok((
        p,
        SetVar {
            collection,
            key,
            op,
            value,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setvar_forms() {
        let (r, sv) = setvar("tx.a=+%{tx.b},x").unwrap();
        assert_eq!((r, sv.op), (",x", SetVarOp::Add));
        let (r, sv) = setvar("'!tx.a'\"").unwrap();
        assert_eq!((r, sv.op), ("\"", SetVarOp::Delete));
        let (_, sv) = setvar("ip.n,").unwrap();
        assert_eq!(sv.value.to_string(), "1");
        assert!(setvar("args.a=1").is_err());
        assert!(setvar("!tx.a=1").is_err());
        assert!(setvar("'tx.a=b,c'").is_err());
        assert!(setvar("tx.a=\"").is_err());
    }
}
