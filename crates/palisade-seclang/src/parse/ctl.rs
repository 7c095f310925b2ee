//! `ctl:OPTION=VALUE` actions, as nom parsers, with the value forms ModSecurity v3's scanner
//! accepts.
//!
//! ```text
//! ctl    = OPTION "=" value
//! value  = WORD                                   -- On/Off, engine modes, body processors
//!        | ("+" | "-") PARTS                      -- auditLogParts
//!        | REMOVE_RULE_BY                         -- ruleRemoveById, ruleRemoveByTag
//!        | ID-or-TAG ";" variable                 -- ruleRemoveTarget…; the variable must end
//!                                                 -- where REMOVE_RULE_BY characters do
//! ```

use nom::Parser;
use nom::bytes::complete::take_while;

use crate::ast::{AuditEngineMode, AuditLogParts, BodyProcessor, Ctl, EngineMode, IdRange};
use crate::parse::Src;
use crate::parse::error::{PError, PResult};
use crate::parse::lex::word;
use crate::parse::values::parse_id_range;
use crate::parse::variables::variable;

/// `ctl:` options of ModSecurity v2 that v3 does not have.
const UNAVAILABLE: [&str; 5] = [
    "debugLogLevel",
    "requestBodyLimit",
    "responseBodyAccess",
    "responseBodyLimit",
    "ruleRemoveByMsg",
];

/// A character of a `ctl:ruleRemove…=` value: ModSecurity's `REMOVE_RULE_BY` characters.
fn is_remove_rule_by(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '_' | '/' | '.' | '-' | '*' | ':' | ';' | ']' | '[' | '$')
}

/// A value among `choices` (case-insensitive), as a word; `expected` starts the message when it
/// is none of them.
fn choice<'a, T: Copy>(
    v: &'a str,
    choices: &[(&str, T)],
    expected: &'static str,
) -> PResult<'a, T> {
    let (end, w) = word(v)?;
    match choices.iter().find(|(n, _)| n.eq_ignore_ascii_case(w)) {
        Some(&(_, t)) => Ok((end, t)),
        None => PError::found(v, expected).fail(),
    }
}

/// The option after `ctl:`.
pub(crate) fn ctl<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Ctl> {
    let (name_end, name) = word(i)?;
    if name.is_empty() {
        return PError::found(i, "expected a ctl option after `ctl:`, found ").fail();
    }
    let unavailable = || {
        UNAVAILABLE
            .iter()
            .find(|n| n.eq_ignore_ascii_case(name))
            .map(|n| PError::text(i, format!("ctl:{n} is not available in ModSecurity v3")))
    };
    let Some(v) = name_end.strip_prefix('=') else {
        return unavailable()
            .unwrap_or_else(|| {
                PError::found(name_end, format!("expected `=` after `ctl:{name}`, found "))
            })
            .fail();
    };
    let on_off = |v: &'a str| -> PResult<'a, bool> {
        let (end, w) = word(v)?;
        match w.to_ascii_lowercase().as_str() {
            "on" => Ok((end, true)),
            "off" => Ok((end, false)),
            _ => PError::found(v, format!("expected On or Off after `ctl:{name}=`, found ")).fail(),
        }
    };
    match name.to_ascii_lowercase().as_str() {
        "auditengine" => choice(
            v,
            &[
                ("On", AuditEngineMode::On),
                ("Off", AuditEngineMode::Off),
                ("RelevantOnly", AuditEngineMode::RelevantOnly),
            ],
            "expected On, Off or RelevantOnly after `ctl:auditEngine=`, found ",
        )
        .map(|(r, m)| (r, Ctl::AuditEngine(m))),
        "ruleengine" => choice(
            v,
            &[
                ("On", EngineMode::On),
                ("Off", EngineMode::Off),
                ("DetectionOnly", EngineMode::DetectionOnly),
            ],
            "expected On, Off or DetectionOnly after `ctl:ruleEngine=`, found ",
        )
        .map(|(r, m)| (r, Ctl::RuleEngine(m))),
        "requestbodyaccess" => on_off(v).map(|(r, b)| (r, Ctl::RequestBodyAccess(b))),
        "forcerequestbodyvariable" => on_off(v).map(|(r, b)| (r, Ctl::ForceRequestBodyVariable(b))),
        "requestbodyprocessor" => {
            let (end, w) = word(v)?;
            if w.eq_ignore_ascii_case("multipart") {
                return PError::text(
                    v,
                    "ctl:requestBodyProcessor=MULTIPART is not available in ModSecurity v3",
                )
                .fail();
            }
            choice(
                v,
                &[
                    ("JSON", BodyProcessor::Json),
                    ("XML", BodyProcessor::Xml),
                    ("URLENCODED", BodyProcessor::UrlEncoded),
                ],
                "expected JSON, XML or URLENCODED after `ctl:requestBodyProcessor=`, found ",
            )
            .map(|(_, bp)| (end, Ctl::RequestBodyProcessor(bp)))
        }
        "auditlogparts" => audit_log_parts(v),
        "ruleremovebyid" => {
            let (end, text) = take_while(is_remove_rule_by).parse(v)?;
            match parse_id_range(text) {
                Ok(range) => Ok((end, Ctl::RuleRemoveById(range))),
                Err(why) => PError::text(v, why).fail(),
            }
        }
        "ruleremovebytag" => {
            let (end, text) = take_while(is_remove_rule_by).parse(v)?;
            if text.is_empty() {
                return PError::text(v, "expected a tag after `ctl:ruleRemoveByTag=`").fail();
            }
            Ok((end, Ctl::RuleRemoveByTag(text.to_owned())))
        }
        lower @ ("ruleremovetargetbyid" | "ruleremovetargetbytag") => {
            remove_target(src, v, lower == "ruleremovetargetbyid")
        }
        _ => unavailable()
            .unwrap_or_else(|| PError::text(i, format!("unknown ctl option `{name}`")))
            .fail(),
    }
}

/// `+PARTS` or `-PARTS` of `ctl:auditLogParts=`.
fn audit_log_parts(v: &str) -> PResult<'_, Ctl> {
    let (letters_at, add) = match v.chars().next() {
        Some('+') => (v.get(1..).unwrap_or(""), true),
        Some('-') => (v.get(1..).unwrap_or(""), false),
        _ => {
            return PError::found(
                v,
                "expected `+` or `-` and parts after `ctl:auditLogParts=`, found ",
            )
            .fail();
        }
    };
    let (end, letters) = take_while(|c: char| c.is_ascii_uppercase()).parse(letters_at)?;
    let parts = match AuditLogParts::from_letters(letters) {
        Ok(p) => p,
        Err(c) => {
            return PError::text(
                letters_at,
                format!("`{c}` is not an audit log part (A-K, Z)"),
            )
            .fail();
        }
    };
    if parts.is_empty() {
        return PError::text(letters_at, "expected audit log parts (A-K, Z)").fail();
    }
    Ok((end, Ctl::AuditLogParts { add, parts }))
}

/// `ID;VARIABLE` or `TAG;VARIABLE` of `ctl:ruleRemoveTargetBy…=`.
fn remove_target<'a>(src: &Src<'a>, v: &'a str, by_id: bool) -> PResult<'a, Ctl> {
    let (end, text) = take_while(is_remove_rule_by).parse(v)?;
    let Some((head, _)) = text.split_once(';') else {
        let what = if by_id { "ID;VARIABLE" } else { "TAG;VARIABLE" };
        return PError::text(v, format!("{text} is not a valid `{what}'")).fail();
    };
    // The variable is read from the text itself: it must end where the value does.
    let target_at = v.get(head.len() + 1..).unwrap_or("");
    let (target_end, target) = variable(src, target_at)?;
    if target_end.len() != end.len() {
        return PError::found(target_end, "expected the end of the ctl target, found ").fail();
    }
    if by_id {
        return match parse_id_range(head) {
            Ok(IdRange { start, end: last }) if start == last => {
                Ok((end, Ctl::RuleRemoveTargetById { id: start, target }))
            }
            _ => PError::text(v, format!("Not able to convert '{head}' into a number")).fail(),
        };
    }
    if head.is_empty() {
        return PError::text(v, "expected a tag before `;`").fail();
    }
    Ok((
        end,
        Ctl::RuleRemoveTargetByTag {
            tag: head.to_owned(),
            target,
        },
    ))
}
