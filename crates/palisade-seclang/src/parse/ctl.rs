//! `ctl:OPTION=VALUE` actions, with the value forms ModSecurity v3's scanner accepts.

use crate::Diagnostic;
use crate::ast::{AuditEngineMode, AuditLogParts, BodyProcessor, Ctl, EngineMode, IdRange};
use crate::parse::src::Src;
use crate::parse::values::parse_id_range;
use crate::parse::variables::parse_variable;

/// `ctl:` options of ModSecurity v2 that v3 does not have.
const UNAVAILABLE: [&str; 5] = [
    "debugLogLevel",
    "requestBodyLimit",
    "responseBodyAccess",
    "responseBodyLimit",
    "ruleRemoveByMsg",
];

/// The end of a `ctl:ruleRemove…=` value: ModSecurity's `REMOVE_RULE_BY` characters.
fn remove_rule_by_end(src: &Src<'_>, mut pos: usize) -> usize {
    while let Some(c) = src.at(pos) {
        if c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'_' | b'/' | b'.' | b'-' | b'*' | b':' | b';' | b']' | b'[' | b'$'
            )
        {
            pos += 1;
        } else {
            break;
        }
    }
    pos
}

/// Reads the ctl option at `pos` (after `ctl:`). Returns it and the offset after it.
pub(crate) fn parse_ctl(src: &Src<'_>, pos: usize) -> Result<(Ctl, usize), Diagnostic> {
    let name_end = src.word_end(pos);
    let name = src.slice(pos, name_end);
    if name.is_empty() {
        return Err(src.error(
            pos,
            format!(
                "expected a ctl option after `ctl:`, found {}",
                src.describe(pos)
            ),
        ));
    }
    if src.at(name_end) != Some(b'=') {
        if let Some(n) = UNAVAILABLE.iter().find(|n| n.eq_ignore_ascii_case(name)) {
            return Err(src.error(pos, format!("ctl:{n} is not available in ModSecurity v3")));
        }
        return Err(src.error(
            name_end,
            format!(
                "expected `=` after `ctl:{name}`, found {}",
                src.describe(name_end)
            ),
        ));
    }
    let v = name_end + 1;
    let word_end = src.word_end(v);
    let word = src.slice(v, word_end);
    let lower = name.to_ascii_lowercase();
    let on_off = || -> Result<bool, Diagnostic> {
        match word.to_ascii_lowercase().as_str() {
            "on" => Ok(true),
            "off" => Ok(false),
            _ => Err(src.error(
                v,
                format!(
                    "expected On or Off after `ctl:{name}=`, found {}",
                    src.describe(v)
                ),
            )),
        }
    };
    let ctl = match lower.as_str() {
        "auditengine" => {
            let mode = match word.to_ascii_lowercase().as_str() {
                "on" => AuditEngineMode::On,
                "off" => AuditEngineMode::Off,
                "relevantonly" => AuditEngineMode::RelevantOnly,
                _ => {
                    return Err(src.error(
                        v,
                        format!(
                            "expected On, Off or RelevantOnly after `ctl:auditEngine=`, found {}",
                            src.describe(v)
                        ),
                    ));
                }
            };
            (Ctl::AuditEngine(mode), word_end)
        }
        "ruleengine" => {
            let mode = match word.to_ascii_lowercase().as_str() {
                "on" => EngineMode::On,
                "off" => EngineMode::Off,
                "detectiononly" => EngineMode::DetectionOnly,
                _ => {
                    return Err(src.error(
                        v,
                        format!(
                            "expected On, Off or DetectionOnly after `ctl:ruleEngine=`, found {}",
                            src.describe(v)
                        ),
                    ));
                }
            };
            (Ctl::RuleEngine(mode), word_end)
        }
        "requestbodyaccess" => (Ctl::RequestBodyAccess(on_off()?), word_end),
        "forcerequestbodyvariable" => (Ctl::ForceRequestBodyVariable(on_off()?), word_end),
        "requestbodyprocessor" => {
            let bp = match word.to_ascii_lowercase().as_str() {
                "json" => BodyProcessor::Json,
                "xml" => BodyProcessor::Xml,
                "urlencoded" => BodyProcessor::UrlEncoded,
                "multipart" => {
                    return Err(src.error(
                        v,
                        "ctl:requestBodyProcessor=MULTIPART is not available in ModSecurity v3",
                    ));
                }
                _ => {
                    return Err(src.error(
                        v,
                        format!(
                            "expected JSON, XML or URLENCODED after `ctl:requestBodyProcessor=`, found {}",
                            src.describe(v)
                        ),
                    ));
                }
            };
            (Ctl::RequestBodyProcessor(bp), word_end)
        }
        "auditlogparts" => {
            let add = match src.at(v) {
                Some(b'+') => true,
                Some(b'-') => false,
                _ => {
                    return Err(src.error(
                        v,
                        format!(
                            "expected `+` or `-` and parts after `ctl:auditLogParts=`, found {}",
                            src.describe(v)
                        ),
                    ));
                }
            };
            let mut e = v + 1;
            while src.at(e).is_some_and(|c| c.is_ascii_uppercase()) {
                e += 1;
            }
            let letters = src.slice(v + 1, e);
            let parts = AuditLogParts::from_letters(letters).map_err(|c| {
                src.error(v + 1, format!("`{c}` is not an audit log part (A-K, Z)"))
            })?;
            if parts.is_empty() {
                return Err(src.error(v + 1, "expected audit log parts (A-K, Z)"));
            }
            (Ctl::AuditLogParts { add, parts }, e)
        }
        "ruleremovebyid" => {
            let e = remove_rule_by_end(src, v);
            let text = src.slice(v, e);
            let range = parse_id_range(text).map_err(|why| src.error(v, why))?;
            (Ctl::RuleRemoveById(range), e)
        }
        "ruleremovebytag" => {
            let e = remove_rule_by_end(src, v);
            if e == v {
                return Err(src.error(v, "expected a tag after `ctl:ruleRemoveByTag=`"));
            }
            (Ctl::RuleRemoveByTag(src.slice(v, e).to_owned()), e)
        }
        "ruleremovetargetbyid" | "ruleremovetargetbytag" => {
            let e = remove_rule_by_end(src, v);
            let text = src.slice(v, e);
            let by_id = lower == "ruleremovetargetbyid";
            let Some(semi) = text.find(';') else {
                let what = if by_id { "ID;VARIABLE" } else { "TAG;VARIABLE" };
                return Err(src.error(v, format!("{text} is not a valid `{what}'")));
            };
            let target_start = v + semi + 1;
            let (target, target_end) = parse_variable(src, target_start)?;
            if target_end != e {
                return Err(src.error(
                    target_end,
                    format!(
                        "expected the end of the ctl target, found {}",
                        src.describe(target_end)
                    ),
                ));
            }
            let head = text.get(..semi).unwrap_or("");
            if by_id {
                let id = match parse_id_range(head) {
                    Ok(IdRange { start, end }) if start == end => start,
                    _ => {
                        return Err(
                            src.error(v, format!("Not able to convert '{head}' into a number"))
                        );
                    }
                };
                (Ctl::RuleRemoveTargetById { id, target }, e)
            } else {
                if head.is_empty() {
                    return Err(src.error(v, "expected a tag before `;`"));
                }
                (
                    Ctl::RuleRemoveTargetByTag {
                        tag: head.to_owned(),
                        target,
                    },
                    e,
                )
            }
        }
        _ => {
            if let Some(n) = UNAVAILABLE.iter().find(|n| n.eq_ignore_ascii_case(name)) {
                return Err(src.error(pos, format!("ctl:{n} is not available in ModSecurity v3")));
            }
            return Err(src.error(pos, format!("unknown ctl option `{name}`")));
        }
    };
    Ok(ctl)
}
