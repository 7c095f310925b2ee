//! One directive: its name, then its arguments in the form the directive takes.
//!
//! [`parse_directive`] reads the directive at a position (after blank lines and comments) and
//! returns it with the offset of the next line, or the first error in it.

use crate::Diagnostic;
use crate::ast::{
    Action, ActionClass, ActionKind, AuditEngineMode, AuditLogFormat, AuditLogParts, AuditLogType,
    BodyLimitAction, Directive, DirectiveKind, DirectiveName, DirectiveSupport, EngineMode,
    RemoteRulesFailAction, Rule,
};
use crate::parse::actions::{parse_quoted_actions, parse_unquoted_action, token_end};
use crate::parse::operator::parse_operator;
use crate::parse::src::Src;
use crate::parse::values::{
    end_of_directive, expect_argument, keyword, number, octal, on_off, parse_id_range, path,
    quoted_text, rest_of_line, token,
};
use crate::parse::variables::{ListEnd, parse_variable_list};
use palisade_transform::TransformId;

/// Skips blank lines, whitespace, continuations and comments from `pos`.
pub(crate) fn skip_blank(src: &Src<'_>, mut pos: usize) -> usize {
    loop {
        match src.at(pos) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => pos += 1,
            Some(b'\\') => match src.continuation_at(pos) {
                Some(p) => pos = p,
                None => return pos,
            },
            Some(b'#') => pos = skip_comment(src, pos),
            _ => return pos,
        }
    }
}

/// Skips a comment starting at `pos` (at `#`). As in ModSecurity, a commented-out `SecRule` or
/// `SecAction` whose line ends with `\` goes on over the following lines while they end with
/// `\`.
fn skip_comment(src: &Src<'_>, pos: usize) -> usize {
    let end = src.line_end(pos);
    let line = src.slice(pos + 1, end);
    let body = line.trim_start_matches([' ', '\t']);
    let keyword = if body.starts_with("SecRule") {
        Some("SecRule")
    } else if body.starts_with("SecAction") {
        Some("SecAction")
    } else {
        None
    };
    let Some(keyword) = keyword else {
        return end;
    };
    let after_kw = body.get(keyword.len()..).unwrap_or("");
    let continues = !after_kw.is_empty()
        && !after_kw.starts_with('\\')
        && after_kw.trim_end_matches([' ', '\t', '\r']).ends_with('\\')
        && after_kw.len() > 1;
    if !continues || end >= src.len() {
        return end;
    }
    let mut p = end + 1;
    if keyword == "SecRule" {
        while matches!(src.at(p), Some(b'\r' | b'\n')) {
            p += 1;
        }
    }
    // ModSecurity's COMMENT state: lines ending in `\` continue the comment.
    loop {
        if p >= src.len() {
            return src.len();
        }
        let e = src.line_end(p);
        let l = src.slice(p, e);
        let l = l.strip_suffix('\r').unwrap_or(l);
        if !l.ends_with('\\') || e >= src.len() {
            return e;
        }
        p = e + 1;
    }
}

/// Reads the directive starting at `pos`. Returns it and the offset where the next one may
/// start. Warnings go to `warnings`.
pub(crate) fn parse_directive(
    src: &Src<'_>,
    pos: usize,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Directive, usize), Diagnostic> {
    let name_end = src.word_end(pos);
    let word = src.slice(pos, name_end);
    if word.is_empty() {
        return Err(src.error(
            pos,
            format!("expected a directive, found {}", src.describe(pos)),
        ));
    }
    let Some(name) = DirectiveName::from_name(word) else {
        return Err(src.error(pos, format!("unknown directive `{word}`")));
    };
    let n = name.name();
    let span = src.span(pos);
    if let DirectiveSupport::Rejected(why) = name.support() {
        return Err(src.error(pos, why));
    }
    use DirectiveKind as K;
    use DirectiveName as D;
    let arg = |what: &str| expect_argument(src, name_end, n, what);
    let (kind, end) = match name {
        D::SecRule => parse_sec_rule(src, name_end, warnings)?,
        D::SecAction | D::SecDefaultAction => {
            let p = arg("a quoted action list")?;
            let (actions, end) = required_quoted_actions(src, p, n, warnings)?;
            if name == D::SecDefaultAction {
                check_default_actions(src, pos, &actions)?;
                (K::SecDefaultAction(actions), end)
            } else {
                (K::SecAction(actions), end)
            }
        }
        D::SecRuleScript => {
            let p = arg("a script path")?;
            let (script, p) = if src.at(p) == Some(b'"') {
                token(src, p, n)?
            } else {
                path(src, p, n, false)?
            };
            let q = src.skip_inline_ws(p);
            let (actions, end) = required_quoted_actions(src, q, n, warnings)?;
            (
                K::SecRuleScript {
                    path: script,
                    actions,
                },
                end,
            )
        }
        D::SecMarker => {
            let p = arg("a marker name")?;
            let (text, end) = token(src, p, n)?;
            let text = strip_quotes(&text);
            (K::SecMarker(text), end)
        }
        D::Include => {
            let p = arg("a file path")?;
            let (file, end) = path(src, p, n, true)?;
            (K::Include(file), end)
        }
        D::SecRemoteRules => {
            let p = arg("a key and a URL")?;
            let key_end = token_end(src, p);
            let key = src.slice(p, key_end).to_owned();
            let q = src.skip_inline_ws(key_end);
            let url_end = token_end(src, q);
            if url_end == q {
                return Err(src.error(q, "SecRemoteRules demands a key and a URI"));
            }
            let url = src.slice(q, url_end).to_owned();
            (K::SecRemoteRules { key, url }, url_end)
        }
        D::SecRemoteRulesFailAction => {
            let p = arg("Abort or Warn")?;
            let (v, end) = keyword(
                src,
                p,
                &[
                    ("Abort", RemoteRulesFailAction::Abort),
                    ("Warn", RemoteRulesFailAction::Warn),
                ],
                n,
            )?;
            (K::SecRemoteRulesFailAction(v), end)
        }
        D::SecRuleEngine => {
            let p = arg("On, Off or DetectionOnly")?;
            let (v, end) = keyword(
                src,
                p,
                &[
                    ("On", EngineMode::On),
                    ("Off", EngineMode::Off),
                    ("DetectionOnly", EngineMode::DetectionOnly),
                ],
                n,
            )?;
            (K::SecRuleEngine(v), end)
        }
        D::SecRequestBodyAccess
        | D::SecResponseBodyAccess
        | D::SecXmlExternalEntity
        | D::SecTmpSaveUploadedFiles => {
            let p = arg("On or Off")?;
            let (v, end) = on_off(src, p, n)?;
            let kind = match name {
                D::SecRequestBodyAccess => K::SecRequestBodyAccess(v),
                D::SecResponseBodyAccess => K::SecResponseBodyAccess(v),
                D::SecXmlExternalEntity => K::SecXmlExternalEntity(v),
                _ => K::SecTmpSaveUploadedFiles(v),
            };
            (kind, end)
        }
        D::SecUploadKeepFiles => {
            let p = arg("On or Off")?;
            let e = src.word_end(p);
            if src.slice(p, e).eq_ignore_ascii_case("RelevantOnly") {
                return Err(src.error(
                    p,
                    "SecUploadKeepFiles RelevantOnly is not currently supported. Accepted values are On or Off",
                ));
            }
            let (v, end) = on_off(src, p, n)?;
            (K::SecUploadKeepFiles(v), end)
        }
        D::SecRequestBodyLimitAction | D::SecResponseBodyLimitAction => {
            let p = arg("Reject or ProcessPartial")?;
            let (v, end) = keyword(
                src,
                p,
                &[
                    ("Reject", BodyLimitAction::Reject),
                    ("ProcessPartial", BodyLimitAction::ProcessPartial),
                ],
                n,
            )?;
            let kind = if name == D::SecRequestBodyLimitAction {
                K::SecRequestBodyLimitAction(v)
            } else {
                K::SecResponseBodyLimitAction(v)
            };
            (kind, end)
        }
        D::SecRequestBodyLimit
        | D::SecRequestBodyNoFilesLimit
        | D::SecResponseBodyLimit
        | D::SecRequestBodyJsonDepthLimit
        | D::SecArgumentsLimit
        | D::SecPcreMatchLimit
        | D::SecUploadFileLimit => {
            let p = arg("a number")?;
            let (v, end) = number(src, p, n, false)?;
            let kind = match name {
                D::SecRequestBodyLimit => K::SecRequestBodyLimit(v),
                D::SecRequestBodyNoFilesLimit => K::SecRequestBodyNoFilesLimit(v),
                D::SecResponseBodyLimit => K::SecResponseBodyLimit(v),
                D::SecRequestBodyJsonDepthLimit => K::SecRequestBodyJsonDepthLimit(v),
                D::SecArgumentsLimit => K::SecArgumentsLimit(v),
                D::SecPcreMatchLimit => K::SecPcreMatchLimit(v),
                _ => K::SecUploadFileLimit(v),
            };
            (kind, end)
        }
        D::SecDebugLogLevel => {
            let p = arg("a level, 0-9")?;
            let (v, end) = number(src, p, n, false)?;
            let v = u32::try_from(v).map_err(|_| src.error(p, "the debug level is too large"))?;
            (K::SecDebugLogLevel(v), end)
        }
        D::SecResponseBodyMimeType => {
            let p = arg("MIME types")?;
            let (text, end) = rest_of_line(src, p, n)?;
            let types = text.split_whitespace().map(str::to_owned).collect();
            (K::SecResponseBodyMimeType(types), end)
        }
        D::SecResponseBodyMimeTypesClear => (K::SecResponseBodyMimeTypesClear, name_end),
        D::SecArgumentSeparator => {
            let p = arg("one character")?;
            let (text, end) = token(src, p, n)?;
            let text = strip_quotes(&text);
            let [b] = text.as_bytes() else {
                return Err(src.error(p, "Argument separator should be set to a single character."));
            };
            (K::SecArgumentSeparator(*b), end)
        }
        D::SecUnicodeMapFile => {
            let p = arg("a path and a code page")?;
            let (text, end) = rest_of_line(src, p, n)?;
            let Some((file, code)) = text.rsplit_once([' ', '\t']) else {
                return Err(src.error(
                    p,
                    format!("Failed to process unicode map, missing parameter: {text} "),
                ));
            };
            let code_page = code.parse::<u32>().map_err(|_| {
                src.error(
                    p,
                    format!(
                        "Failed to process unicode map, last parameter is expected to be a number: {code} "
                    ),
                )
            })?;
            (
                K::SecUnicodeMapFile {
                    path: file.trim_end_matches([' ', '\t']).to_owned(),
                    code_page,
                },
                end,
            )
        }
        D::SecWebAppId => {
            let p = arg("a name")?;
            let (text, end) = if src.at(p) == Some(b'"') {
                quoted_text(src, p, n)?
            } else {
                rest_of_line(src, p, n)?
            };
            (K::SecWebAppId(text), end)
        }
        D::SecComponentSignature => {
            let p = arg("a quoted signature")?;
            let (text, end) = quoted_text(src, p, n)?;
            (K::SecComponentSignature(text), end)
        }
        D::SecHttpBlKey | D::SecGeoLookupDb => {
            let p = arg("a value")?;
            let (text, end) = rest_of_line(src, p, n)?;
            let kind = if name == D::SecHttpBlKey {
                K::SecHttpBlKey(text)
            } else {
                K::SecGeoLookupDb(text)
            };
            (kind, end)
        }
        D::SecRuleRemoveById => {
            let p = arg("rule ids or ranges")?;
            let (text, end) = rest_of_line(src, p, n)?;
            let mut ranges = Vec::new();
            for piece in text.split_whitespace() {
                let piece = strip_quotes(piece);
                let r = parse_id_range(&piece).map_err(|why| {
                    src.error(
                        p,
                        format!("SecRuleRemoveById: failed to load:{text}. {why}"),
                    )
                })?;
                ranges.push(r);
            }
            (K::SecRuleRemoveById(ranges), end)
        }
        D::SecRuleRemoveByTag | D::SecRuleRemoveByMsg => {
            let p = arg("a value")?;
            let (text, end) = if src.at(p) == Some(b'"') {
                let (t, e) = rest_of_line_quoted(src, p, n)?;
                (t, e)
            } else {
                rest_of_line(src, p, n)?
            };
            let kind = if name == D::SecRuleRemoveByTag {
                K::SecRuleRemoveByTag(text)
            } else {
                K::SecRuleRemoveByMsg(text)
            };
            (kind, end)
        }
        D::SecRuleUpdateTargetById | D::SecRuleUpdateTargetByTag | D::SecRuleUpdateTargetByMsg => {
            let sel_start = arg("a rule selector and targets")?;
            let (sel, p) = selector_arg(src, sel_start, n)?;
            let q = src.skip_inline_ws(p);
            if src.at_line_end(q) {
                return Err(src.error(q, format!("`{n}` needs targets, found end of line")));
            }
            let (targets, end) = if src.at(q) == Some(b'"') {
                let (v, e) = parse_variable_list(src, q + 1, ListEnd::Quote)?;
                (v, e + 1)
            } else {
                parse_variable_list(src, q, ListEnd::Whitespace)?
            };
            let kind = match name {
                D::SecRuleUpdateTargetById => K::SecRuleUpdateTargetById {
                    id: rule_id_arg(src, sel_start, &sel, n)?,
                    targets,
                },
                D::SecRuleUpdateTargetByTag => K::SecRuleUpdateTargetByTag { tag: sel, targets },
                _ => K::SecRuleUpdateTargetByMsg { msg: sel, targets },
            };
            let rest = src.skip_inline_ws(end);
            if !src.at_line_end(rest) && src.at(rest) != Some(b'#') {
                return Err(src
                    .error(
                        rest,
                        format!("unexpected {} after the targets", src.describe(rest)),
                    )
                    .with_note(format!(
                        "ModSecurity v3's {n} takes no third argument (replacement target)"
                    )));
            }
            (kind, end)
        }
        D::SecRuleUpdateActionById => {
            let sel_start = arg("a rule id and actions")?;
            let (sel, p) = selector_arg(src, sel_start, n)?;
            let id = rule_id_arg(src, sel_start, &sel, n)?;
            let q = src.skip_inline_ws(p);
            let (actions, end) = if src.at(q) == Some(b'"') {
                parse_quoted_actions(src, q, warnings)?
            } else if src.at_line_end(q) {
                return Err(src.error(q, format!("`{n}` needs actions, found end of line")));
            } else {
                let (a, e) = parse_unquoted_action(src, q, warnings)?;
                (vec![a], e)
            };
            if actions.is_empty() {
                return Err(src.error(q, format!("`{n}` needs at least one action")));
            }
            for a in &actions {
                if a.kind.class() == ActionClass::Configuration {
                    warnings.push(Diagnostic::warning(
                        a.span,
                        format!(
                            "ModSecurity v3 ignores `{}` in SecRuleUpdateActionById",
                            a.kind.name()
                        ),
                    ));
                }
            }
            (K::SecRuleUpdateActionById { id, actions }, end)
        }
        D::SecDebugLog
        | D::SecAuditLog
        | D::SecAuditLogStorageDir
        | D::SecUploadDir
        | D::SecTmpDir
        | D::SecDataDir => {
            let p = arg("a path")?;
            let (v, end) = path(src, p, n, true)?;
            let kind = match name {
                D::SecDebugLog => K::SecDebugLog(v),
                D::SecAuditLog => K::SecAuditLog(v),
                D::SecAuditLogStorageDir => K::SecAuditLogStorageDir(v),
                D::SecUploadDir => K::SecUploadDir(v),
                _ => K::NoEffect { name, argument: v },
            };
            (kind, end)
        }
        D::SecAuditLog2 => {
            let p = arg("a path")?;
            let (v, end) = path(src, p, n, false)?;
            (K::SecAuditLog2(v), end)
        }
        D::SecAuditEngine => {
            let p = arg("On, Off or RelevantOnly")?;
            let (v, end) = keyword(
                src,
                p,
                &[
                    ("On", AuditEngineMode::On),
                    ("Off", AuditEngineMode::Off),
                    ("RelevantOnly", AuditEngineMode::RelevantOnly),
                ],
                n,
            )?;
            (K::SecAuditEngine(v), end)
        }
        D::SecAuditLogParts => {
            let p = arg("audit log parts")?;
            let quoted = src.at(p) == Some(b'"');
            let start = if quoted { p + 1 } else { p };
            let mut e = start;
            while src.at(e).is_some_and(|c| c.is_ascii_alphabetic()) {
                e += 1;
            }
            let parts = AuditLogParts::from_letters(src.slice(start, e)).map_err(|c| {
                src.error(start, format!("`{c}` is not an audit log part (A-K, Z)"))
            })?;
            if parts.is_empty() {
                return Err(src.error(start, "expected audit log parts (A-K, Z)"));
            }
            if quoted {
                if src.at(e) != Some(b'"') {
                    return Err(src.error(e, format!("expected `\"`, found {}", src.describe(e))));
                }
                e += 1;
            }
            (K::SecAuditLogParts(parts), e)
        }
        D::SecAuditLogFormat => {
            let p = arg("JSON or Native")?;
            let (v, end) = keyword(
                src,
                p,
                &[
                    ("JSON", AuditLogFormat::Json),
                    ("Native", AuditLogFormat::Native),
                ],
                n,
            )?;
            (K::SecAuditLogFormat(v), end)
        }
        D::SecAuditLogType => {
            let p = arg("Serial, Concurrent or HTTPS")?;
            let (v, end) = keyword(
                src,
                p,
                &[
                    ("Serial", AuditLogType::Serial),
                    ("Concurrent", AuditLogType::Concurrent),
                    ("Parallel", AuditLogType::Concurrent),
                    ("HTTPS", AuditLogType::Https),
                ],
                n,
            )?;
            (K::SecAuditLogType(v), end)
        }
        D::SecAuditLogDirMode | D::SecAuditLogFileMode | D::SecUploadFileMode => {
            let p = arg("an octal mode")?;
            let (v, end) = octal(src, p, n, name == D::SecAuditLogDirMode)?;
            let kind = match name {
                D::SecAuditLogDirMode => K::SecAuditLogDirMode(v),
                D::SecAuditLogFileMode => K::SecAuditLogFileMode(v),
                _ => K::SecUploadFileMode(v),
            };
            (kind, end)
        }
        D::SecAuditLogRelevantStatus => {
            let p = arg("a regular expression")?;
            let (v, end) = if src.at(p) == Some(b'"') {
                token(src, p, n)?
            } else {
                rest_of_line(src, p, n)?
            };
            (K::SecAuditLogRelevantStatus(v), end)
        }
        D::SecPcreMatchLimitRecursion | D::SecCollectionTimeout => {
            let p = arg("a number")?;
            let (v, end) = number(src, p, n, false)?;
            (
                K::NoEffect {
                    name,
                    argument: v.to_string(),
                },
                end,
            )
        }
        D::SecStatusEngine => {
            let p = arg("a value")?;
            let (v, end) = rest_of_line(src, p, n)?;
            (K::NoEffect { name, argument: v }, end)
        }
        D::SecCookieFormat => {
            let p = arg("0")?;
            let (v, end) = number(src, p, n, false)?;
            if v != 0 {
                let msg = if v == 1 {
                    "SecCookieFormat 1 is not yet supported.".to_owned()
                } else {
                    format!("SecCookieFormat {v} is not supported: only 0 (version 0 cookies) is")
                };
                return Err(src.error(p, msg));
            }
            (
                K::NoEffect {
                    name,
                    argument: "0".to_owned(),
                },
                end,
            )
        }
        D::SecConnEngine
        | D::SecRuleInheritance
        | D::SecDisableBackendCompression
        | D::SecContentInjection
        | D::SecHashEngine
        | D::SecInterceptOnError => {
            let p = arg("Off")?;
            let (v, end) = on_off(src, p, n)?;
            if v {
                let DirectiveSupport::DefaultOnly { message, .. } = name.support() else {
                    return Err(src.error(p, format!("{n} On is not supported.")));
                };
                return Err(src.error(p, message));
            }
            (
                K::NoEffect {
                    name,
                    argument: "Off".to_owned(),
                },
                end,
            )
        }
        // Rejected directives returned above.
        _ => return Err(src.error(pos, format!("{n} is not supported."))),
    };
    let next = end_of_directive(src, end)?;
    Ok((Directive { span, kind }, next))
}

/// `"…"` around a value that runs to the end of the line (`SecRuleRemoveByTag "a b"`).
fn rest_of_line_quoted(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
) -> Result<(String, usize), Diagnostic> {
    let end = src.line_end(pos);
    let line = src.slice(pos + 1, end);
    let Some(close) = line.find('"') else {
        return Err(src.error(pos, "unterminated value: the closing `\"` is missing"));
    };
    let text = line.get(..close).unwrap_or("");
    if text.is_empty() {
        return Err(src.error(pos, format!("`{directive}` needs a value")));
    }
    if let Some(i) = text.find('|') {
        return Err(src.error(
            pos + 1 + i,
            format!("unexpected `|` in the value of `{directive}`"),
        ));
    }
    Ok((text.to_owned(), pos + 1 + close + 1))
}

/// The first argument of `SecRuleUpdate…`: `"text"` (no `"` or `|` inside) or a token.
/// Returns it and the offset after it.
fn selector_arg(src: &Src<'_>, pos: usize, directive: &str) -> Result<(String, usize), Diagnostic> {
    if src.at(pos) == Some(b'"') {
        rest_of_line_quoted(src, pos, directive)
    } else {
        let e = token_end(src, pos);
        if e == pos {
            return Err(src.error(pos, format!("`{directive}` needs a rule selector")));
        }
        Ok((src.slice(pos, e).to_owned(), e))
    }
}

/// The rule id of `SecRuleUpdate…ById`, read from the selector `text` found at `start`.
fn rule_id_arg(
    src: &Src<'_>,
    start: usize,
    text: &str,
    directive: &str,
) -> Result<u64, Diagnostic> {
    let start = if src.at(start) == Some(b'"') {
        start + 1
    } else {
        start
    };
    if !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(id) = text.parse()
    {
        return Ok(id);
    }
    let mut d = src.error(
        start,
        format!(
            "{directive}: failed to load:The input \"{text}\" does not seems to be a valid rule id."
        ),
    );
    if text.contains('-') {
        d = d.with_note(format!(
            "ModSecurity v3's {directive} takes one rule id, not a range"
        ));
    }
    Err(d)
}

/// Removes one pair of surrounding `"…"` or `'…'` (ModSecurity's `removeBracketsIfNeeded`).
fn strip_quotes(text: &str) -> String {
    let mut t = text;
    if t.len() > 1 && t.starts_with('"') && t.ends_with('"') {
        t = &t[1..t.len() - 1];
    }
    if t.len() > 1 && t.starts_with('\'') && t.ends_with('\'') {
        t = &t[1..t.len() - 1];
    }
    t.to_owned()
}

/// A quoted, non-empty action list (`SecAction`, `SecDefaultAction`, `SecRuleScript`).
fn required_quoted_actions(
    src: &Src<'_>,
    pos: usize,
    directive: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<Action>, usize), Diagnostic> {
    if src.at(pos) != Some(b'"') {
        return Err(src
            .error(
                pos,
                format!("expected a quoted action list, found {}", src.describe(pos)),
            )
            .with_note(format!(
                "ModSecurity v3 requires the actions of {directive} in double quotes"
            )));
    }
    let (actions, end) = parse_quoted_actions(src, pos, warnings)?;
    if actions.is_empty() {
        return Err(src.error(pos, format!("`{directive}` needs at least one action")));
    }
    Ok((actions, end))
}

/// `SecDefaultAction`'s rules: a disruptive action other than `block`, no configuration action
/// other than `phase`, no `t:none`.
fn check_default_actions(src: &Src<'_>, pos: usize, actions: &[Action]) -> Result<(), Diagnostic> {
    for a in actions {
        match &a.kind {
            ActionKind::Phase(_) => {}
            ActionKind::Transform(TransformId::None) => {
                return Err(Diagnostic::error(
                    a.span,
                    "The transformation none is not suitable to be part of the SecDefaultActions",
                ));
            }
            k if k.class() == ActionClass::Configuration => {
                return Err(Diagnostic::error(
                    a.span,
                    format!(
                        "The action '{}' is not suitable to be part of the SecDefaultActions",
                        k.name()
                    ),
                ));
            }
            _ => {}
        }
    }
    let disruptive = actions
        .iter()
        .any(|a| a.kind.is_disruptive() && a.kind != ActionKind::Block);
    if !disruptive {
        return Err(src.error(pos, "SecDefaultAction must specify a disruptive action."));
    }
    Ok(())
}

/// `SecRule VARIABLES OPERATOR [ACTIONS]`, after the name.
fn parse_sec_rule(
    src: &Src<'_>,
    name_end: usize,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(DirectiveKind, usize), Diagnostic> {
    let p = expect_argument(
        src,
        name_end,
        "SecRule",
        "variables, an operator and actions",
    )?;
    let (variables, p) = if src.at(p) == Some(b'"') {
        let (v, e) = parse_variable_list(src, p + 1, ListEnd::Quote)?;
        (v, e + 1)
    } else {
        parse_variable_list(src, p, ListEnd::Whitespace)?
    };
    let q = src.skip_inline_ws(p);
    if src.at_line_end(q) {
        return Err(src.error(
            q,
            format!(
                "expected an operator after the variables, found {}",
                src.describe(q)
            ),
        ));
    }
    if q == p && src.at(q) != Some(b'"') {
        return Err(src.error(
            q,
            format!(
                "expected whitespace after the variables, found {}",
                src.describe(q)
            ),
        ));
    }
    let (operator, p) = parse_operator(src, q)?;
    let q = src.skip_inline_ws(p);
    let (actions, end) = if src.at(q) == Some(b'"') {
        parse_quoted_actions(src, q, warnings)?
    } else if src.at_line_end(q) {
        // As in ModSecurity, a rule without actions takes its actions from the next line when
        // that line is not blank.
        let next = src.line_end(q) + 1;
        let r = {
            let mut r = next;
            while matches!(src.at(r), Some(b' ' | b'\t')) {
                r += 1;
            }
            r
        };
        if next > src.len() || src.at_line_end(r) {
            (Vec::new(), q)
        } else if src.at(r) == Some(b'"') {
            parse_quoted_actions(src, r, warnings)?
        } else {
            match parse_unquoted_action(src, r, warnings) {
                Ok((a, e)) => (vec![a], e),
                Err(_) => {
                    return Err(src
                        .error(
                            q,
                            "a SecRule without actions must be followed by a blank line or the end of the file",
                        )
                        .with_note(
                            "ModSecurity v3 reads the next line as this rule's actions; \
                             add actions (\"t:none\") or a blank line",
                        ));
                }
            }
        }
    } else if q == p {
        return Err(src.error(
            q,
            format!(
                "expected whitespace after the operator, found {}",
                src.describe(q)
            ),
        ));
    } else {
        let (a, e) = parse_unquoted_action(src, q, warnings)?;
        (vec![a], e)
    };
    Ok((
        DirectiveKind::SecRule(Rule {
            variables,
            operator,
            actions,
        }),
        end,
    ))
}
