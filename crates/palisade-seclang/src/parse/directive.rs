//! One directive, as a nom parser: its name, then its arguments in the form the directive
//! takes, then the end of its line.
//!
//! ```text
//! directive = NAME (ws arguments)? ws* ("#" comment)? end-of-line
//! ```
//!
//! The name decides the grammar of the arguments (a table, not an `alt` of 81 branches): rules
//! in [`rule`](super::rule), rule exceptions in [`exceptions`](super::exceptions), engine
//! settings here, with the value forms of [`values`](super::values).

use crate::Diagnostic;
use crate::ast::{
    AuditEngineMode, AuditLogFormat, AuditLogParts, AuditLogType, BodyLimitAction, Directive,
    DirectiveKind, DirectiveName, DirectiveSupport, EngineMode, RemoteRulesFailAction,
};
use crate::parse::Src;
use crate::parse::error::{PError, PResult};
use crate::parse::exceptions::{remove_by_id, remove_by_text, update_action, update_target};
use crate::parse::lex::{word, ws0};
use crate::parse::rule::{check_default_actions, required_quoted_actions, sec_rule};
use crate::parse::values::{
    argument, bare_token, end_of_directive, keyword, number, octal, on_off, path, quoted_text,
    rest_of_line, strip_quotes, token,
};

/// The directive at `i` (after blank lines and comments), up to and with the end of its line.
/// Warnings go to `warnings`.
pub(crate) fn directive<'a>(
    src: &Src<'a>,
    i: &'a str,
    warnings: &mut Vec<Diagnostic>,
) -> PResult<'a, Directive> {
    let (name_end, w) = word(i)?;
    if w.is_empty() {
        return PError::found(i, "expected a directive, found ").fail();
    }
    let Some(name) = DirectiveName::from_name(w) else {
        return PError::text(i, format!("unknown directive `{w}`")).fail();
    };
    if let DirectiveSupport::Rejected(why) = name.support() {
        return PError::text(i, why).fail();
    }
    let (end, kind) = arguments(src, i, name_end, name, warnings)?;
    let (next, ()) = end_of_directive(end)?;
    Ok((
        next,
        Directive {
            span: src.span_of(i),
            kind,
        },
    ))
}

/// The arguments of the directive `name` (at `at`), from the end of its name.
fn arguments<'a>(
    src: &Src<'a>,
    at: &'a str,
    name_end: &'a str,
    name: DirectiveName,
    warnings: &mut Vec<Diagnostic>,
) -> PResult<'a, DirectiveKind> {
    use DirectiveKind as K;
    use DirectiveName as D;
    let n = name.name();
    let arg = |what: &str| argument(name_end, n, what).map(|(p, ())| p);
    let (end, kind) = match name {
        D::SecRule => sec_rule(src, name_end, warnings)?,
        D::SecAction | D::SecDefaultAction => {
            let p = arg("a quoted action list")?;
            let (end, actions) = required_quoted_actions(src, p, n, warnings)?;
            if name == D::SecDefaultAction {
                check_default_actions(at, &actions)?;
                (end, K::SecDefaultAction(actions))
            } else {
                (end, K::SecAction(actions))
            }
        }
        D::SecRuleScript => {
            let p = arg("a script path")?;
            let (p, script) = if p.starts_with('"') {
                token(p, n)?
            } else {
                path(p, n, false)?
            };
            let (q, _) = ws0(p)?;
            let (end, actions) = required_quoted_actions(src, q, n, warnings)?;
            (
                end,
                K::SecRuleScript {
                    path: script,
                    actions,
                },
            )
        }
        D::SecMarker => {
            let (end, text) = token(arg("a marker name")?, n)?;
            (end, K::SecMarker(strip_quotes(&text).to_owned()))
        }
        D::Include => {
            let (end, file) = path(arg("a file path")?, n, true)?;
            (end, K::Include(file))
        }
        D::SecRemoteRules => {
            let p = arg("a key and a URL")?;
            let (key_end, key) = bare_token(p)?;
            let (q, _) = ws0(key_end)?;
            let (url_end, url) = bare_token(q)?;
            if url.is_empty() {
                return PError::text(q, "SecRemoteRules demands a key and a URI").fail();
            }
            (
                url_end,
                K::SecRemoteRules {
                    key: key.to_owned(),
                    url: url.to_owned(),
                },
            )
        }
        D::SecRemoteRulesFailAction => {
            let p = arg("Abort or Warn")?;
            let choices = [
                ("Abort", RemoteRulesFailAction::Abort),
                ("Warn", RemoteRulesFailAction::Warn),
            ];
            let (end, v) = keyword(p, &choices, n)?;
            (end, K::SecRemoteRulesFailAction(v))
        }
        D::SecRuleEngine => {
            let p = arg("On, Off or DetectionOnly")?;
            let choices = [
                ("On", EngineMode::On),
                ("Off", EngineMode::Off),
                ("DetectionOnly", EngineMode::DetectionOnly),
            ];
            let (end, v) = keyword(p, &choices, n)?;
            (end, K::SecRuleEngine(v))
        }
        D::SecRequestBodyAccess
        | D::SecResponseBodyAccess
        | D::SecXmlExternalEntity
        | D::SecTmpSaveUploadedFiles => {
            let (end, v) = on_off(arg("On or Off")?, n)?;
            let kind = match name {
                D::SecRequestBodyAccess => K::SecRequestBodyAccess(v),
                D::SecResponseBodyAccess => K::SecResponseBodyAccess(v),
                D::SecXmlExternalEntity => K::SecXmlExternalEntity(v),
                _ => K::SecTmpSaveUploadedFiles(v),
            };
            (end, kind)
        }
        D::SecUploadKeepFiles => {
            let p = arg("On or Off")?;
            let (_, w) = word(p)?;
            if w.eq_ignore_ascii_case("RelevantOnly") {
                return PError::text(
                    p,
                    "SecUploadKeepFiles RelevantOnly is not currently supported. Accepted values are On or Off",
                )
                .fail();
            }
            let (end, v) = on_off(p, n)?;
            (end, K::SecUploadKeepFiles(v))
        }
        D::SecRequestBodyLimitAction | D::SecResponseBodyLimitAction => {
            let p = arg("Reject or ProcessPartial")?;
            let choices = [
                ("Reject", BodyLimitAction::Reject),
                ("ProcessPartial", BodyLimitAction::ProcessPartial),
            ];
            let (end, v) = keyword(p, &choices, n)?;
            let kind = if name == D::SecRequestBodyLimitAction {
                K::SecRequestBodyLimitAction(v)
            } else {
                K::SecResponseBodyLimitAction(v)
            };
            (end, kind)
        }
        D::SecRequestBodyLimit
        | D::SecRequestBodyNoFilesLimit
        | D::SecResponseBodyLimit
        | D::SecRequestBodyJsonDepthLimit
        | D::SecArgumentsLimit
        | D::SecPcreMatchLimit
        | D::SecUploadFileLimit => {
            let (end, v) = number(arg("a number")?, n, false)?;
            let kind = match name {
                D::SecRequestBodyLimit => K::SecRequestBodyLimit(v),
                D::SecRequestBodyNoFilesLimit => K::SecRequestBodyNoFilesLimit(v),
                D::SecResponseBodyLimit => K::SecResponseBodyLimit(v),
                D::SecRequestBodyJsonDepthLimit => K::SecRequestBodyJsonDepthLimit(v),
                D::SecArgumentsLimit => K::SecArgumentsLimit(v),
                D::SecPcreMatchLimit => K::SecPcreMatchLimit(v),
                _ => K::SecUploadFileLimit(v),
            };
            (end, kind)
        }
        D::SecDebugLogLevel => {
            let p = arg("a level, 0-9")?;
            let (end, v) = number(p, n, false)?;
            let Ok(v) = u32::try_from(v) else {
                return PError::text(p, "the debug level is too large").fail();
            };
            (end, K::SecDebugLogLevel(v))
        }
        D::SecResponseBodyMimeType => {
            let (end, text) = rest_of_line(arg("MIME types")?, n)?;
            let types = text.split_whitespace().map(str::to_owned).collect();
            (end, K::SecResponseBodyMimeType(types))
        }
        D::SecResponseBodyMimeTypesClear => (name_end, K::SecResponseBodyMimeTypesClear),
        D::SecArgumentSeparator => {
            let p = arg("one character")?;
            let (end, text) = token(p, n)?;
            let [b] = strip_quotes(&text).as_bytes() else {
                return PError::text(p, "Argument separator should be set to a single character.")
                    .fail();
            };
            (end, K::SecArgumentSeparator(*b))
        }
        D::SecUnicodeMapFile => {
            let p = arg("a path and a code page")?;
            let (end, text) = rest_of_line(p, n)?;
            let Some((file, code)) = text.rsplit_once([' ', '\t']) else {
                return PError::text(
                    p,
                    format!("Failed to process unicode map, missing parameter: {text} "),
                )
                .fail();
            };
            let Ok(code_page) = code.parse::<u32>() else {
                return PError::text(
                    p,
                    format!(
                        "Failed to process unicode map, last parameter is expected to be a number: {code} "
                    ),
                )
                .fail();
            };
            (
                end,
                K::SecUnicodeMapFile {
                    path: file.trim_end_matches([' ', '\t']).to_owned(),
                    code_page,
                },
            )
        }
        D::SecWebAppId => {
            let p = arg("a name")?;
            let (end, text) = if p.starts_with('"') {
                quoted_text(p, n)?
            } else {
                rest_of_line(p, n)?
            };
            (end, K::SecWebAppId(text))
        }
        D::SecComponentSignature => {
            let (end, text) = quoted_text(arg("a quoted signature")?, n)?;
            (end, K::SecComponentSignature(text))
        }
        D::SecHttpBlKey | D::SecGeoLookupDb => {
            let (end, text) = rest_of_line(arg("a value")?, n)?;
            let kind = if name == D::SecHttpBlKey {
                K::SecHttpBlKey(text)
            } else {
                K::SecGeoLookupDb(text)
            };
            (end, kind)
        }
        D::SecRuleRemoveById => remove_by_id(name_end, n)?,
        D::SecRuleRemoveByTag | D::SecRuleRemoveByMsg => remove_by_text(name_end, name)?,
        D::SecRuleUpdateTargetById | D::SecRuleUpdateTargetByTag | D::SecRuleUpdateTargetByMsg => {
            update_target(src, name_end, name)?
        }
        D::SecRuleUpdateActionById => update_action(src, name_end, n, warnings)?,
        D::SecDebugLog
        | D::SecAuditLog
        | D::SecAuditLogStorageDir
        | D::SecUploadDir
        | D::SecTmpDir
        | D::SecDataDir => {
            let (end, v) = path(arg("a path")?, n, true)?;
            let kind = match name {
                D::SecDebugLog => K::SecDebugLog(v),
                D::SecAuditLog => K::SecAuditLog(v),
                D::SecAuditLogStorageDir => K::SecAuditLogStorageDir(v),
                D::SecUploadDir => K::SecUploadDir(v),
                _ => K::NoEffect { name, argument: v },
            };
            (end, kind)
        }
        D::SecAuditLog2 => {
            let (end, v) = path(arg("a path")?, n, false)?;
            (end, K::SecAuditLog2(v))
        }
        D::SecAuditEngine => {
            let p = arg("On, Off or RelevantOnly")?;
            let choices = [
                ("On", AuditEngineMode::On),
                ("Off", AuditEngineMode::Off),
                ("RelevantOnly", AuditEngineMode::RelevantOnly),
            ];
            let (end, v) = keyword(p, &choices, n)?;
            (end, K::SecAuditEngine(v))
        }
        D::SecAuditLogParts => audit_log_parts(arg("audit log parts")?)?,
        D::SecAuditLogFormat => {
            let p = arg("JSON or Native")?;
            let choices = [
                ("JSON", AuditLogFormat::Json),
                ("Native", AuditLogFormat::Native),
            ];
            let (end, v) = keyword(p, &choices, n)?;
            (end, K::SecAuditLogFormat(v))
        }
        D::SecAuditLogType => {
            let p = arg("Serial, Concurrent or HTTPS")?;
            let choices = [
                ("Serial", AuditLogType::Serial),
                ("Concurrent", AuditLogType::Concurrent),
                ("Parallel", AuditLogType::Concurrent),
                ("HTTPS", AuditLogType::Https),
            ];
            let (end, v) = keyword(p, &choices, n)?;
            (end, K::SecAuditLogType(v))
        }
        D::SecAuditLogDirMode | D::SecAuditLogFileMode | D::SecUploadFileMode => {
            let (end, v) = octal(arg("an octal mode")?, n, name == D::SecAuditLogDirMode)?;
            let kind = match name {
                D::SecAuditLogDirMode => K::SecAuditLogDirMode(v),
                D::SecAuditLogFileMode => K::SecAuditLogFileMode(v),
                _ => K::SecUploadFileMode(v),
            };
            (end, kind)
        }
        D::SecAuditLogRelevantStatus => {
            let p = arg("a regular expression")?;
            let (end, v) = if p.starts_with('"') {
                token(p, n)?
            } else {
                rest_of_line(p, n)?
            };
            (end, K::SecAuditLogRelevantStatus(v))
        }
        D::SecPcreMatchLimitRecursion | D::SecCollectionTimeout => {
            let (end, v) = number(arg("a number")?, n, false)?;
            (
                end,
                K::NoEffect {
                    name,
                    argument: v.to_string(),
                },
            )
        }
        D::SecStatusEngine => {
            let (end, v) = rest_of_line(arg("a value")?, n)?;
            (end, K::NoEffect { name, argument: v })
        }
        D::SecCookieFormat => {
            let p = arg("0")?;
            let (end, v) = number(p, n, false)?;
            if v != 0 {
                let msg = if v == 1 {
                    "SecCookieFormat 1 is not yet supported.".to_owned()
                } else {
                    format!("SecCookieFormat {v} is not supported: only 0 (version 0 cookies) is")
                };
                return PError::text(p, msg).fail();
            }
            (
                end,
                K::NoEffect {
                    name,
                    argument: "0".to_owned(),
                },
            )
        }
        D::SecConnEngine
        | D::SecRuleInheritance
        | D::SecDisableBackendCompression
        | D::SecContentInjection
        | D::SecHashEngine
        | D::SecInterceptOnError => {
            let p = arg("Off")?;
            let (end, on) = on_off(p, n)?;
            if on {
                return match name.support() {
                    DirectiveSupport::DefaultOnly { message, .. } => {
                        PError::text(p, message).fail()
                    }
                    _ => PError::text(p, format!("{n} On is not supported.")).fail(),
                };
            }
            (
                end,
                K::NoEffect {
                    name,
                    argument: "Off".to_owned(),
                },
            )
        }
        // Rejected directives returned before.
        _ => return PError::text(at, format!("{n} is not supported.")).fail(),
    };
    Ok((end, kind))
}

/// `SecAuditLogParts ABCFHZ`, quoted or not.
fn audit_log_parts(p: &str) -> PResult<'_, DirectiveKind> {
    use nom::Parser;
    use nom::bytes::complete::take_while;
    let (start, quoted) = match p.strip_prefix('"') {
        Some(r) => (r, true),
        None => (p, false),
    };
    let (end, letters) = take_while(|c: char| c.is_ascii_alphabetic()).parse(start)?;
    let parts = match AuditLogParts::from_letters(letters) {
        Ok(parts) => parts,
        Err(c) => {
            return PError::text(start, format!("`{c}` is not an audit log part (A-K, Z)")).fail();
        }
    };
    if parts.is_empty() {
        return PError::text(start, "expected audit log parts (A-K, Z)").fail();
    }
    let end = if quoted {
        match end.strip_prefix('"') {
            Some(after) => after,
            None => return PError::found(end, "expected `\"`, found ").fail(),
        }
    } else {
        end
    };
    Ok((end, DirectiveKind::SecAuditLogParts(parts)))
}
