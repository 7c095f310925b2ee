//! Action lists: `"id:1,phase:2,t:none,msg:'…',setvar:'tx.score=+%{tx.critical}'"`, or one
//! unquoted action (`SecRule ARGS "@rx a" deny`).
//!
//! Each action's value is read in the form ModSecurity's scanner gives it: predicates (`msg`,
//! `logdata`, `tag`, `setenv`, …) quoted with `'…'`, `"…"` or unquoted; fixed forms for `id`,
//! `phase`, `severity`, `skipAfter`, …; `setvar` with its own key/operation/value grammar.

use palisade_transform::TransformId;

use crate::ast::{
    Action, ActionKind, AllowScope, InitCol, Phase, REJECTED_ACTIONS, SetVar, SetVarOp, Severity,
    VariableName, XmlNs,
};
use crate::parse::ctl::parse_ctl;
use crate::parse::src::Src;
use crate::parse::text::{TextMode, scan_text};
use crate::{Diagnostic, MacroString};

/// Where an action sits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// Inside a `"…"` action list: ends at `,`, `"` or whitespace.
    Quoted,
    /// A single unquoted action: ends at whitespace or the end of the line.
    Unquoted,
}

/// Reads a quoted action list starting at `pos` (at the opening `"`). Returns the actions and
/// the offset after the closing `"`. An empty list (`""`) is returned as it is; callers that
/// need an action check.
pub(crate) fn parse_quoted_actions(
    src: &Src<'_>,
    pos: usize,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<Action>, usize), Diagnostic> {
    let mut actions = Vec::new();
    let mut p = src.skip_inline_ws(pos + 1);
    if src.at(p) == Some(b'"') {
        return Ok((actions, p + 1));
    }
    loop {
        if src.at_line_end(p) {
            return Err(src
                .error(p, format!("expected an action, found {}", src.describe(p)))
                .with_note(
                    "continue the action list on the next line with a `\\` at the end of this one",
                ));
        }
        let (action, end) = parse_action(src, p, Context::Quoted, warnings)?;
        actions.push(action);
        p = src.skip_inline_ws(end);
        match src.at(p) {
            Some(b',') => p = src.skip_inline_ws(p + 1),
            Some(b'"') => return Ok((actions, p + 1)),
            _ if src.at_line_end(p) => {
                // ModSecurity ends an unclosed action list at the end of the line.
                warnings.push(
                    src.warning(
                        p,
                        format!(
                            "the action list is not closed: expected `\"`, found {}",
                            src.describe(p)
                        ),
                    )
                    .with_note(
                        "ModSecurity v3 ends the list here; continue it on the next line with a \
                         `\\` at the end of this one",
                    ),
                );
                return Ok((actions, p));
            }
            _ => {
                return Err(src.error(
                    p,
                    format!(
                        "expected `,` or the closing `\"` after the action, found {}",
                        src.describe(p)
                    ),
                ));
            }
        }
    }
}

/// Reads one unquoted action at `pos` (ModSecurity accepts a single action without quotes).
pub(crate) fn parse_unquoted_action(
    src: &Src<'_>,
    pos: usize,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Action, usize), Diagnostic> {
    let (action, end) = parse_action(src, pos, Context::Unquoted, warnings)?;
    if src.at(end) == Some(b',') {
        return Err(src
            .error(end, "more than one action must be quoted")
            .with_note("write the actions as one quoted list: \"id:1,deny\""));
    }
    Ok((action, end))
}

/// Reads one action at `pos`. Returns it and the offset after it.
pub(crate) fn parse_action(
    src: &Src<'_>,
    pos: usize,
    ctx: Context,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Action, usize), Diagnostic> {
    let name_end = src.word_end(pos);
    let word = src.slice(pos, name_end);
    if word.is_empty() {
        return Err(src.error(
            pos,
            format!("expected an action, found {}", src.describe(pos)),
        ));
    }
    let lower = word.to_ascii_lowercase();
    let has_value = src.at(name_end) == Some(b':');
    let v = name_end + 1; // where the value starts, when there is one
    let span = src.span(pos);
    let need_value = |what: &str| -> Diagnostic {
        src.error(name_end, format!("`{word}` needs a value: `{word}:{what}`"))
    };
    let no_value = || -> Result<(), Diagnostic> {
        if has_value {
            Err(src.error(name_end, format!("`{word}` takes no value")))
        } else {
            Ok(())
        }
    };
    let (kind, end) = match lower.as_str() {
        "auditlog" => (no_value().map(|()| ActionKind::AuditLog)?, name_end),
        "block" => (no_value().map(|()| ActionKind::Block)?, name_end),
        "capture" => (no_value().map(|()| ActionKind::Capture)?, name_end),
        "chain" => (no_value().map(|()| ActionKind::Chain)?, name_end),
        "deny" => (no_value().map(|()| ActionKind::Deny)?, name_end),
        "drop" => (no_value().map(|()| ActionKind::Drop)?, name_end),
        "log" => (no_value().map(|()| ActionKind::Log)?, name_end),
        "multimatch" => (no_value().map(|()| ActionKind::MultiMatch)?, name_end),
        "noauditlog" => (no_value().map(|()| ActionKind::NoAuditLog)?, name_end),
        "nolog" => (no_value().map(|()| ActionKind::NoLog)?, name_end),
        "pass" => (no_value().map(|()| ActionKind::Pass)?, name_end),
        "allow" => {
            if has_value {
                let e = src.word_end(v);
                let scope = match src.slice(v, e).to_ascii_lowercase().as_str() {
                    "request" => AllowScope::Request,
                    "phase" => AllowScope::Phase,
                    _ => {
                        return Err(src.error(
                            v,
                            "Allow: if specified, the parameter must be: phase, request",
                        ));
                    }
                };
                (ActionKind::Allow(scope), e)
            } else {
                (ActionKind::Allow(AllowScope::All), name_end)
            }
        }
        "accuracy" | "maturity" => {
            if !has_value {
                return Err(need_value("N"));
            }
            let (text, end, quoted) = quoted_or_token(src, v)?;
            let n = parse_u32(&text).ok_or_else(|| {
                let label = if lower == "accuracy" {
                    "Accuracy"
                } else {
                    "Maturity"
                };
                src.error(v, format!("{label}: The input \"{text}\" is not a number."))
            })?;
            if !quoted && ctx == Context::Quoted && src.at(end) == Some(b',') {
                warnings.push(src.warning(
                    pos,
                    format!(
                        "ModSecurity v3 reads an unquoted `{lower}` value up to the next `'`, \
                     swallowing the actions after it; quote it: {lower}:'{n}'"
                    ),
                ));
            }
            let kind = if lower == "accuracy" {
                ActionKind::Accuracy(n)
            } else {
                ActionKind::Maturity(n)
            };
            (kind, end)
        }
        "exec" => {
            if !has_value {
                return Err(need_value("PATH"));
            }
            let (text, end, _) = quoted_or_token(src, v)?;
            if text.is_empty() {
                return Err(need_value("PATH"));
            }
            (ActionKind::Exec(text), end)
        }
        "id" => {
            if !has_value {
                return Err(need_value("N"));
            }
            let (text, end, _) = quoted_or_token(src, v)?;
            (ActionKind::Id(parse_rule_id(src, v, &text)?), end)
        }
        "phase" => {
            if !has_value {
                return Err(need_value("N"));
            }
            let (text, end, quoted) = quoted_or_token(src, v)?;
            let lower_text = text.to_ascii_lowercase();
            if quoted && (lower_text == "request" || lower_text == "phase") {
                return Err(src
                    .error(v, format!("write `phase:{text}` without quotes"))
                    .with_note(format!(
                        "ModSecurity v3's scanner reads `phase:'{text}'` as `allow:{lower_text}`"
                    )));
            }
            let phase = match lower_text.as_str() {
                "request" => Phase::RequestBody,
                "response" => Phase::ResponseBody,
                "logging" => Phase::Logging,
                t if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => t
                    .parse::<u64>()
                    .ok()
                    .and_then(Phase::from_number)
                    .ok_or_else(|| src.error(v, format!("Unknown phase: {text}")))?,
                _ => {
                    return Err(src.error(
                        v,
                        format!(
                            "expected a phase (0-5, request, response or logging), found `{text}`"
                        ),
                    ));
                }
            };
            (ActionKind::Phase(phase), end)
        }
        "rev" => {
            if !has_value {
                return Err(need_value("'…'"));
            }
            let (text, end, quoted) = quoted_or_token(src, v)?;
            // ModSecurity reads `rev` as `[^,']+`, quoted or not.
            if text.is_empty() || text.contains([',', '\'']) {
                return Err(src.error(v, "expected a revision without `,` or `'` after `rev:`"));
            }
            if !quoted && ctx == Context::Quoted && src.at(end) == Some(b'"') {
                warnings.push(src.warning(
                    pos,
                    "ModSecurity v3 reads an unquoted `rev` value past the closing `\"`; quote it: rev:'…'",
                ));
            }
            (ActionKind::Rev(text), end)
        }
        "ver" => {
            if !has_value {
                return Err(need_value("'…'"));
            }
            if src.at(v) != Some(b'\'') {
                return Err(src.error(v, "the value of `ver` must be quoted: ver:'…'"));
            }
            let (text, end, _) = quoted_or_token(src, v)?;
            if text.is_empty() {
                return Err(need_value("'…'"));
            }
            (ActionKind::Ver(text), end)
        }
        "severity" => {
            if !has_value {
                return Err(need_value("N"));
            }
            let (text, end, _) = quoted_or_token(src, v)?;
            let sev = Severity::from_text(&text).ok_or_else(|| {
                src.error(
                    v,
                    format!(
                        "unknown severity `{text}`: expected 0-7 or EMERGENCY, ALERT, CRITICAL, \
                         ERROR, WARNING, NOTICE, INFO, DEBUG"
                    ),
                )
            })?;
            (ActionKind::Severity(sev), end)
        }
        "skip" => {
            if !has_value {
                return Err(need_value("N"));
            }
            let e = digits_end(src, v);
            let n = parse_u32(src.slice(v, e)).ok_or_else(|| {
                src.error(
                    v,
                    format!("expected a number after `skip:`, found {}", src.describe(v)),
                )
            })?;
            (ActionKind::Skip(n), e)
        }
        "status" => {
            if !has_value {
                return Err(need_value("N"));
            }
            let e = digits_end(src, v);
            let n = src.slice(v, e).parse::<u16>().map_err(|_| {
                src.error(
                    v,
                    format!(
                        "expected an HTTP status after `status:`, found {}",
                        src.describe(v)
                    ),
                )
            })?;
            (ActionKind::Status(n), e)
        }
        "skipafter" => {
            if !has_value {
                return Err(need_value("MARKER"));
            }
            let e = token_end(src, v);
            let raw = src.slice(v, e);
            let marker = strip_single_quotes(src, v, raw)?;
            if marker.is_empty() {
                return Err(need_value("MARKER"));
            }
            (ActionKind::SkipAfter(marker.to_owned()), e)
        }
        "xmlns" => {
            if !has_value {
                return Err(need_value("PREFIX=URI"));
            }
            let e = token_end(src, v);
            (ActionKind::XmlNs(parse_xmlns(src, v, src.slice(v, e))?), e)
        }
        "msg" | "logdata" | "tag" | "redirect" | "setenv" | "setrsc" | "setsid" | "setuid"
        | "expirevar" => {
            if !has_value {
                return Err(need_value("'…'"));
            }
            let (value, end) = predicate(src, v, word)?;
            let kind = match lower.as_str() {
                "msg" => ActionKind::Msg(value),
                "logdata" => ActionKind::LogData(value),
                "tag" => ActionKind::Tag(value),
                "redirect" => ActionKind::Redirect(value),
                "setenv" => ActionKind::SetEnv(value),
                "setrsc" => ActionKind::SetRsc(value),
                "setsid" => ActionKind::SetSid(value),
                "setuid" => ActionKind::SetUid(value),
                _ => ActionKind::ExpireVar(value),
            };
            (kind, end)
        }
        "initcol" => {
            if !has_value {
                return Err(need_value("COLLECTION=KEY"));
            }
            let mut e = v;
            while src.at(e).is_some_and(|c| c.is_ascii_alphabetic()) {
                e += 1;
            }
            if src.at(e) != Some(b'=') || e == v {
                return Err(src.error(
                    v,
                    format!(
                        "expected `COLLECTION=KEY` after `initcol:`, found {}",
                        src.describe(v)
                    ),
                ));
            }
            let collection = match src.slice(v, e) {
                "ip" => VariableName::Ip,
                "global" => VariableName::Global,
                "resource" => VariableName::Resource,
                _ => {
                    return Err(src.error(
                        v,
                        "Something wrong with initcol: collection must be `ip', `global' or `resource'",
                    ));
                }
            };
            let (key, end) = predicate(src, e + 1, word)?;
            (ActionKind::InitCol(InitCol { collection, key }), end)
        }
        "setvar" => {
            if !has_value {
                return Err(need_value("COLLECTION.NAME=VALUE"));
            }
            let (sv, end) = parse_setvar(src, v)?;
            (ActionKind::SetVar(sv), end)
        }
        "t" => {
            if !has_value {
                return Err(need_value("TRANSFORMATION"));
            }
            let e = src.word_end(v);
            let name = src.slice(v, e);
            let id = TransformId::from_name(name).map_err(|_| {
                if name.is_empty() {
                    src.error(
                        v,
                        format!(
                            "expected a transformation name after `t:`, found {}",
                            src.describe(v)
                        ),
                    )
                } else {
                    src.error(v, format!("unknown transformation `{name}`"))
                }
            })?;
            (ActionKind::Transform(id), e)
        }
        "ctl" => {
            if !has_value {
                return Err(need_value("OPTION=VALUE"));
            }
            let (ctl, end) = parse_ctl(src, v)?;
            (ActionKind::Ctl(ctl), end)
        }
        _ => {
            if let Some((_, msg_name)) = REJECTED_ACTIONS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(word))
            {
                return Err(src.error(pos, format!("Action: {msg_name} is not yet supported.")));
            }
            return Err(src.error(pos, format!("unknown action `{word}`")));
        }
    };
    check_action_end(src, end, ctx)?;
    Ok((Action { span, kind }, end))
}

/// After an action: `,`, `"`, whitespace or a continuation (quoted lists), whitespace or the
/// end of the line (a single unquoted action).
fn check_action_end(src: &Src<'_>, end: usize, ctx: Context) -> Result<(), Diagnostic> {
    let ok = match src.at(end) {
        Some(b' ' | b'\t') => true,
        Some(b',') => true,
        Some(b'"') => ctx == Context::Quoted,
        Some(b'\\') => src.continuation_at(end).is_some(),
        _ => src.at_line_end(end),
    };
    if ok {
        Ok(())
    } else {
        Err(src.error(
            end,
            format!("unexpected {} after the action", src.describe(end)),
        ))
    }
}

/// The end of a run of digits at `pos`.
fn digits_end(src: &Src<'_>, mut pos: usize) -> usize {
    while src.at(pos).is_some_and(|c| c.is_ascii_digit()) {
        pos += 1;
    }
    pos
}

/// The end of a value token (no `,`, whitespace or `"`).
pub(crate) fn token_end(src: &Src<'_>, mut pos: usize) -> usize {
    while let Some(c) = src.at(pos) {
        if matches!(c, b',' | b' ' | b'\t' | b'"' | b'\n' | b'\r') {
            break;
        }
        pos += 1;
    }
    pos
}

fn parse_u32(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A value either in single quotes (`'…'`, `\'` kept) or a token up to `,`, whitespace or
/// `"`. Returns the text, the offset after it, and whether it was quoted.
fn quoted_or_token(src: &Src<'_>, pos: usize) -> Result<(String, usize, bool), Diagnostic> {
    if src.at(pos) == Some(b'\'') {
        let q = src.at(pos);
        let mut p = pos + 1;
        loop {
            match src.at(p) {
                None => {
                    return Err(src.error(pos, "unterminated value: the closing `'` is missing"));
                }
                Some(c) if Some(c) == q => {
                    // `X\'` keeps going, as ModSecurity's scanner does.
                    let escaped = p >= pos + 3
                        && src.at(p - 1) == Some(b'\\')
                        && src.at(p - 2) != Some(b'\\');
                    if !escaped {
                        break;
                    }
                }
                _ => {}
            }
            p += 1;
        }
        Ok((src.slice(pos + 1, p).to_owned(), p + 1, true))
    } else {
        let e = token_end(src, pos);
        Ok((src.slice(pos, e).to_owned(), e, false))
    }
}

/// ModSecurity strips one pair of single quotes around some values (`skipAfter:'END'`).
fn strip_single_quotes<'t>(src: &Src<'_>, pos: usize, raw: &'t str) -> Result<&'t str, Diagnostic> {
    if let Some(rest) = raw.strip_prefix('\'') {
        match rest.strip_suffix('\'') {
            Some(inner) => Ok(inner),
            None => Err(src.error(pos, "unbalanced `'` in the value")),
        }
    } else {
        Ok(raw)
    }
}

/// Validates a rule id as ModSecurity does (digits, no leading zero, exactly representable).
fn parse_rule_id(src: &Src<'_>, pos: usize, text: &str) -> Result<u64, Diagnostic> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(src.error(
            pos,
            format!("expected a rule id (digits) after `id:`, found `{text}`"),
        ));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(src.error(
            pos,
            format!("The input \"{text}\" does not seems to be a valid rule id."),
        ));
    }
    let id: u64 = text
        .parse()
        .map_err(|_| src.error(pos, format!("rule id `{text}` is too large")))?;
    // ModSecurity holds ids in a double and rejects those it cannot print back exactly.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let exact = (id as f64) as u64 == id;
    if !exact {
        return Err(src.error(
            pos,
            format!("rule id `{text}` is too large (ModSecurity v3 cannot represent it)"),
        ));
    }
    if id == 0 {
        return Err(src.error(
            pos,
            "rule id 0 is not valid: ModSecurity v3 reads `id:0` as a missing id",
        ));
    }
    Ok(id)
}

/// Reads a predicate (`'…'`, `"…"` or unquoted up to `,`) at `pos`.
fn predicate(src: &Src<'_>, pos: usize, action: &str) -> Result<(MacroString, usize), Diagnostic> {
    let (value, end) = match src.at(pos) {
        Some(b'\'') => {
            let (value, end) = scan_text(src, pos + 1, TextMode::SingleQuoted)?;
            if src.at(end) != Some(b'\'') {
                return Err(src.error(
                    pos,
                    format!("unterminated value of `{action}`: the closing `'` is missing"),
                ));
            }
            (value, end + 1)
        }
        Some(b'"') => {
            let (value, end) = scan_text(src, pos + 1, TextMode::DoubleQuoted)?;
            if src.at(end) != Some(b'"') {
                return Err(src.error(
                    pos,
                    format!("unterminated value of `{action}`: the closing `\"` is missing"),
                ));
            }
            (value, end + 1)
        }
        _ => scan_text(src, pos, TextMode::UnquotedPredicate)?,
    };
    if value.segments.is_empty() {
        return Err(src.error(pos, format!("`{action}` needs a value")));
    }
    Ok((value, end))
}

/// Reads `setvar:` forms at `pos` (after `setvar:`).
fn parse_setvar(src: &Src<'_>, pos: usize) -> Result<(SetVar, usize), Diagnostic> {
    let mut p = pos;
    let quoted = src.at(p) == Some(b'\'');
    if quoted {
        p += 1;
    }
    let delete = src.at(p) == Some(b'!');
    if delete {
        p += 1;
    }
    let name_end = src.word_end(p);
    let name = src.slice(p, name_end);
    let collection = VariableName::from_name(name)
        .filter(|v| v.is_writable())
        .ok_or_else(|| {
            src.error(
                p,
                format!(
                    "setvar can only write TX, IP, GLOBAL, RESOURCE, SESSION or USER, found {}",
                    src.describe(p)
                ),
            )
        })?;
    if !matches!(src.at(name_end), Some(b'.' | b':')) {
        return Err(src.error(
            name_end,
            format!("expected `.` and a variable name after `{name}`"),
        ));
    }
    let key_start = name_end + 1;
    let (key, key_end) = scan_text(src, key_start, TextMode::SetVarKey { quoted })?;
    if key.segments.is_empty() {
        return Err(src.error(
            key_start,
            format!(
                "expected a variable name after `{name}.`, found {}",
                src.describe(key_start)
            ),
        ));
    }
    p = key_end;
    let (op, value) = if src.at(p) == Some(b'=') {
        if delete {
            return Err(src.error(p, "`setvar:!…` deletes a variable and takes no value"));
        }
        let (op, value_start) = match src.at(p + 1) {
            Some(b'+') => (SetVarOp::Add, p + 2),
            Some(b'-') => (SetVarOp::Sub, p + 2),
            _ => (SetVarOp::Set, p + 1),
        };
        let (value, value_end) = scan_text(src, value_start, TextMode::SetVarValue { quoted })?;
        if value.segments.is_empty() {
            return Err(src.error(
                value_start,
                format!(
                    "expected a value after `=` in setvar, found {}",
                    src.describe(value_start)
                ),
            ));
        }
        p = value_end;
        (op, value)
    } else if delete {
        (SetVarOp::Delete, MacroString::default())
    } else {
        (SetVarOp::Set, MacroString::literal("1"))
    };
    if quoted {
        if src.at(p) != Some(b'\'') {
            return Err(src.error(
                p,
                format!(
                    "expected the closing `'` of setvar, found {}",
                    src.describe(p)
                ),
            ));
        }
        p += 1;
    }
    Ok((
        SetVar {
            collection,
            key,
            op,
            value,
        },
        p,
    ))
}

/// Validates `xmlns:PREFIX=URI` as ModSecurity does.
fn parse_xmlns(src: &Src<'_>, pos: usize, text: &str) -> Result<XmlNs, Diagnostic> {
    let Some((prefix, href)) = text.split_once('=') else {
        return Err(src.error(pos, "XMLS: Bad format, missing equals sign."));
    };
    if prefix.is_empty() || href.is_empty() {
        return Err(src.error(
            pos,
            "XMLS: XMLNS is invalid. Expecting a name=value format.",
        ));
    }
    let href = match href.strip_prefix('\'') {
        Some(rest) if href.len() > 3 => rest.strip_suffix('\'').unwrap_or(rest),
        _ => href,
    };
    if !href.starts_with("http://") {
        return Err(src.error(
            pos,
            format!("XMLS: Missing xmlns href for prefix: `{href}'."),
        ));
    }
    Ok(XmlNs {
        prefix: prefix.to_owned(),
        uri: href.to_owned(),
    })
}
