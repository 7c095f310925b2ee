//! The values of actions, as nom parsers and checks: `'…'`-or-token values, predicates
//! (`msg:'…'`, `tag:"…"`, `logdata:…`), and the typed values (rule ids, phases, severities,
//! numbers, `skipAfter` markers, `xmlns`, `initcol`).
//!
//! A typed value is first read as text in the form ModSecurity's scanner gives it (a token or
//! `'…'`), then checked; errors point at the start of the value.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag_no_case, take_while};
use nom::character::complete::{char, digit1};
use nom::combinator::{all_consuming, value};

use crate::MacroString;
use crate::ast::{InitCol, Phase, Severity, VariableName, XmlNs};
use crate::parse::error::{Checked, PError, PResult};
use crate::parse::lex::{digits, lone_escaped};
use crate::parse::text::{TextMode, text};
use crate::parse::values::bare_token;

/// A value in single quotes (`'…'`, `X\'` kept) or a token up to `,`, whitespace or `"`.
/// Returns the text and whether it was quoted.
pub(crate) fn quoted_or_token(v: &str) -> PResult<'_, (&str, bool)> {
    match v.strip_prefix('\'') {
        Some(inner) => {
            let (end, text) = lone_escaped('\'', |_| false)(inner)?;
            match end.strip_prefix('\'') {
                Some(after) => Ok((after, (text, true))),
                None => PError::text(v, "unterminated value: the closing `'` is missing").fail(),
            }
        }
        None => {
            let (end, text) = bare_token(v)?;
            Ok((end, (text, false)))
        }
    }
}

/// Digits only (at least one).
fn all_digits(text: &str) -> bool {
    all_consuming(digit1::<&str, PError<'_>>)
        .parse(text)
        .is_ok()
}

/// A `u32` written with digits only.
fn parse_u32(text: &str) -> Option<u32> {
    if all_digits(text) {
        text.parse().ok()
    } else {
        None
    }
}

/// `accuracy`/`maturity` values: a number (`label` names the action in the message).
pub(crate) fn u32_value<'a>(at: &'a str, text: &str, label: &str) -> Checked<'a, u32> {
    parse_u32(text).ok_or_else(|| {
        PError::text(
            at,
            format!("{label}: The input \"{text}\" is not a number."),
        )
        .failure()
    })
}

/// Digits read as a `u32` (`skip:N`); `expected` starts the message when there are none.
pub(crate) fn digits_u32<'a>(v: &'a str, expected: &'static str) -> PResult<'a, u32> {
    let (end, ds) = digits(v)?;
    match parse_u32(ds) {
        Some(n) => Ok((end, n)),
        None => PError::found(v, expected).fail(),
    }
}

/// Digits read as a `u16` (`status:N`); `expected` starts the message when they are not one.
pub(crate) fn digits_u16<'a>(v: &'a str, expected: &'static str) -> PResult<'a, u16> {
    let (end, ds) = digits(v)?;
    match ds.parse::<u16>() {
        Ok(n) => Ok((end, n)),
        Err(_) => PError::found(v, expected).fail(),
    }
}

/// A rule id, validated as ModSecurity does (digits, no leading zero, exactly representable).
pub(crate) fn rule_id<'a>(at: &'a str, text: &str) -> Checked<'a, u64> {
    let fail = |msg: String| Err(PError::text(at, msg).failure());
    if !all_digits(text) {
        return fail(format!(
            "expected a rule id (digits) after `id:`, found `{text}`"
        ));
    }
    if text.len() > 1 && text.starts_with('0') {
        return fail(format!(
            "The input \"{text}\" does not seems to be a valid rule id."
        ));
    }
    let Ok(id) = text.parse::<u64>() else {
        return fail(format!("rule id `{text}` is too large"));
    };
    // ModSecurity holds ids in a double and rejects those it cannot print back exactly.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let exact = (id as f64) as u64 == id;
    if !exact {
        return fail(format!(
            "rule id `{text}` is too large (ModSecurity v3 cannot represent it)"
        ));
    }
    if id == 0 {
        return fail(
            "rule id 0 is not valid: ModSecurity v3 reads `id:0` as a missing id".to_owned(),
        );
    }
    Ok(id)
}

/// A phase: `0`-`5` (`0` is ModSecurity's unconditional phase), `request`, `response` or
/// `logging`.
pub(crate) fn phase<'a>(at: &'a str, text: &str, quoted: bool) -> Checked<'a, Phase> {
    let lower = text.to_ascii_lowercase();
    if quoted && (lower == "request" || lower == "phase") {
        return Err(
            PError::text(at, format!("write `phase:{text}` without quotes"))
                .note(format!(
                    "ModSecurity v3's scanner reads `phase:'{text}'` as `allow:{lower}`"
                ))
                .failure(),
        );
    }
    let named = alt((
        value(Phase::RequestBody, tag_no_case("request")),
        value(Phase::ResponseBody, tag_no_case("response")),
        value(Phase::Logging, tag_no_case("logging")),
    ));
    if let Ok((_, p)) = all_consuming::<_, PError<'_>, _>(named).parse(text) {
        return Ok(p);
    }
    if all_digits(text) {
        return text
            .parse::<u64>()
            .ok()
            .and_then(Phase::from_number)
            .ok_or_else(|| PError::text(at, format!("Unknown phase: {text}")).failure());
    }
    Err(PError::text(
        at,
        format!("expected a phase (0-5, request, response or logging), found `{text}`"),
    )
    .failure())
}

/// A severity: `0`-`7` or its name.
pub(crate) fn severity<'a>(at: &'a str, text: &str) -> Checked<'a, Severity> {
    Severity::from_text(text).ok_or_else(|| {
        PError::text(
            at,
            format!(
                "unknown severity `{text}`: expected 0-7 or EMERGENCY, ALERT, CRITICAL, \
                 ERROR, WARNING, NOTICE, INFO, DEBUG"
            ),
        )
        .failure()
    })
}

/// A `skipAfter` marker: a token, without one pair of single quotes around it.
pub(crate) fn skip_after(v: &str) -> PResult<'_, &str> {
    let (end, raw) = bare_token(v)?;
    match raw.strip_prefix('\'') {
        None => Ok((end, raw)),
        Some(rest) => match rest.strip_suffix('\'') {
            Some(inner) => Ok((end, inner)),
            None => PError::text(v, "unbalanced `'` in the value").fail(),
        },
    }
}

/// `xmlns:PREFIX=URI`, validated as ModSecurity does.
pub(crate) fn xmlns(v: &str) -> PResult<'_, XmlNs> {
    let (end, text) = bare_token(v)?;
    let Some((prefix, href)) = text.split_once('=') else {
        return PError::text(v, "XMLS: Bad format, missing equals sign.").fail();
    };
    if prefix.is_empty() || href.is_empty() {
        return PError::text(v, "XMLS: XMLNS is invalid. Expecting a name=value format.").fail();
    }
    let href = match href.strip_prefix('\'') {
        Some(rest) if href.len() > 3 => rest.strip_suffix('\'').unwrap_or(rest),
        _ => href,
    };
    if !href.starts_with("http://") {
        return PError::text(v, format!("XMLS: Missing xmlns href for prefix: `{href}'.")).fail();
    }
    Ok((
        end,
        XmlNs {
            prefix: prefix.to_owned(),
            uri: href.to_owned(),
        },
    ))
}

/// A predicate (`'…'`, `"…"`, or unquoted up to `,`) of the action `action`.
pub(crate) fn predicate<'a>(v: &'a str, action: &str) -> PResult<'a, MacroString> {
    let quoted = |quote: char, mode: TextMode| {
        move |i: &'a str| -> PResult<'a, MacroString> {
            let (inner, _) = char(quote).parse(i)?;
            let (end, value) = text(mode)(inner)?;
            match end.strip_prefix(quote) {
                Some(after) => Ok((after, value)),
                None => PError::text(
                    i,
                    format!("unterminated value of `{action}`: the closing `{quote}` is missing"),
                )
                .fail(),
            }
        }
    };
    let (end, value) = alt((
        quoted('\'', TextMode::SingleQuoted),
        quoted('"', TextMode::DoubleQuoted),
        text(TextMode::UnquotedPredicate),
    ))
    .parse(v)?;
    if value.segments.is_empty() {
        return PError::text(v, format!("`{action}` needs a value")).fail();
    }
    Ok((end, value))
}

/// `initcol:COLLECTION=KEY` (after `initcol:`); `action` is the action's spelling.
pub(crate) fn initcol<'a>(v: &'a str, action: &str) -> PResult<'a, InitCol> {
    let (after, name) = take_while(|c: char| c.is_ascii_alphabetic()).parse(v)?;
    let Some(key_at) = after.strip_prefix('=').filter(|_| !name.is_empty()) else {
        return PError::found(v, "expected `COLLECTION=KEY` after `initcol:`, found ").fail();
    };
    let collection = match name {
        "ip" => VariableName::Ip,
        "global" => VariableName::Global,
        "resource" => VariableName::Resource,
        _ => {
            return PError::text(
                v,
                "Something wrong with initcol: collection must be `ip', `global' or `resource'",
            )
            .fail();
        }
    };
    let (end, key) = predicate(key_at, action)?;
    Ok((end, InitCol { collection, key }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values() {
        assert!(matches!(rule_id("", "5"), Ok(5)));
        assert!(rule_id("", "05").is_err());
        assert!(rule_id("", "0").is_err());
        assert!(rule_id("", "9007199254740993").is_err());
        assert!(matches!(
            phase("", "Request", false),
            Ok(Phase::RequestBody)
        ));
        assert!(phase("", "0", false).is_ok());
        assert!(phase("", "request", true).is_err());
        assert!(phase("", "7", false).is_err());
        assert!(matches!(
            severity("", "critical"),
            Ok(Severity { level: 2 })
        ));
        assert_eq!(skip_after("'END' x"), Ok((" x", "END")));
        assert!(skip_after("'END x").is_err());
        assert_eq!(quoted_or_token(r"'a\'b',"), Ok((",", (r"a\'b", true))));
        assert_eq!(quoted_or_token("ab,c"), Ok((",c", ("ab", false))));
    }

    #[test]
    fn predicates_in_their_three_forms() {
        let (r, m) = predicate("'a b',x", "msg").unwrap();
        assert_eq!((r, m.to_string().as_str()), (",x", "a b"));
        let (r, m) = predicate("\"a,b\",x", "msg").unwrap();
        assert_eq!((r, m.to_string().as_str()), (",x", "a,b"));
        let (r, m) = predicate("a b,x", "msg").unwrap();
        assert_eq!((r, m.to_string().as_str()), (",x", "a b"));
        assert!(predicate("'a", "msg").is_err());
        assert!(predicate("''", "msg").is_err());
    }
}
