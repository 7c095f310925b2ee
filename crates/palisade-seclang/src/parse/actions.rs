//! Action lists, as nom parsers: `"id:1,phase:2,t:none,msg:'…',setvar:'tx.score=+%{tx.critical}'"`,
//! or one unquoted action (`SecRule ARGS "@rx a" deny`).
//!
//! ```text
//! list    = "\"" ws* ( "\"" | action (ws* "," ws* action)* ws* ("\"" | end-of-line) )
//! action  = NAME (":" value)?          -- then `,`, `"`, whitespace or the end of the line
//! ```
//!
//! An action's value is read in the form ModSecurity's scanner gives that action
//! ([`action_values`](super::action_values)): predicates (`msg`, `logdata`, `tag`, `setenv`, …)
//! quoted with `'…'`, `"…"` or unquoted; fixed forms for `id`, `phase`, `severity`,
//! `skipAfter`, …; `setvar` and `ctl` with their own grammars. A list left without its closing
//! `"` ends at the end of the line, with a warning, as in ModSecurity.

use nom::Parser;
use nom::character::complete::char;
use nom::combinator::cut;
use nom::multi::separated_list1;
use nom::sequence::delimited;
use palisade_transform::TransformId;

use crate::Diagnostic;
use crate::ast::{Action, ActionKind, AllowScope, REJECTED_ACTIONS};
use crate::parse::Src;
use crate::parse::action_values::{
    digits_u16, digits_u32, initcol, phase, predicate, quoted_or_token, rule_id, severity,
    skip_after, u32_value, xmlns,
};
use crate::parse::ctl::ctl;
use crate::parse::error::{PError, PResult};
use crate::parse::lex::{continuation, is_line_end, word, ws0};
use crate::parse::setvar::setvar;

/// Where an action sits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// Inside a `"…"` action list: ends at `,`, `"` or whitespace.
    Quoted,
    /// A single unquoted action: ends at whitespace or the end of the line.
    Unquoted,
}

/// A quoted action list, from its opening `"` to after its closing one. An empty list (`""`)
/// is returned as it is; callers that need an action check. Warnings go to `warnings`.
pub(crate) fn quoted_actions<'a>(
    src: &Src<'a>,
    i: &'a str,
    warnings: &mut Vec<Diagnostic>,
) -> PResult<'a, Vec<Action>> {
    let (p, _) = (char('"'), ws0).parse(i)?;
    if let Some(after) = p.strip_prefix('"') {
        return Ok((after, Vec::new()));
    }
    let item = |i: &'a str| {
        if is_line_end(i) {
            return PError::found(i, "expected an action, found ")
                .note(
                    "continue the action list on the next line with a `\\` at the end of this one",
                )
                .fail();
        }
        let (rest, (a, w)) = action(src, i, Context::Quoted)?;
        warnings.extend(w);
        Ok((rest, a))
    };
    let (end, actions) = separated_list1(delimited(ws0, char(','), ws0), cut(item)).parse(p)?;
    let (p, _) = ws0(end)?;
    if let Some(after) = p.strip_prefix('"') {
        return Ok((after, actions));
    }
    if is_line_end(p) {
        // ModSecurity ends an unclosed action list at the end of the line.
        warnings.push(
            PError::found(p, "the action list is not closed: expected `\"`, found ")
                .note(
                    "ModSecurity v3 ends the list here; continue it on the next line with a \
                     `\\` at the end of this one",
                )
                .into_warning(src),
        );
        return Ok((p, actions));
    }
    PError::found(
        p,
        "expected `,` or the closing `\"` after the action, found ",
    )
    .fail()
}

/// One unquoted action (ModSecurity accepts a single action without quotes).
pub(crate) fn unquoted_action<'a>(
    src: &Src<'a>,
    i: &'a str,
    warnings: &mut Vec<Diagnostic>,
) -> PResult<'a, Action> {
    let (end, (a, w)) = action(src, i, Context::Unquoted)?;
    if end.starts_with(',') {
        return PError::text(end, "more than one action must be quoted")
            .note("write the actions as one quoted list: \"id:1,deny\"")
            .fail();
    }
    warnings.extend(w);
    Ok((end, a))
}

/// One action, with the warning it may give.
pub(crate) fn action<'a>(
    src: &Src<'a>,
    i: &'a str,
    ctx: Context,
) -> PResult<'a, (Action, Option<Diagnostic>)> {
    let (name_end, w) = word(i)?;
    if w.is_empty() {
        return PError::found(i, "expected an action, found ").fail();
    }
    let mut buf = [0u8; 16];
    let lower = lowercase(w, &mut buf);
    let value = name_end.strip_prefix(':');
    let need_value =
        |what: &str| PError::text(name_end, format!("`{w}` needs a value: `{w}:{what}`"));
    let flag = |kind: ActionKind| match value {
        Some(_) => PError::text(name_end, format!("`{w}` takes no value")).fail(),
        None => Ok((name_end, kind)),
    };
    let mut warning = None;
    let (end, kind) = match (lower, value) {
        ("auditlog", _) => flag(ActionKind::AuditLog)?,
        ("block", _) => flag(ActionKind::Block)?,
        ("capture", _) => flag(ActionKind::Capture)?,
        ("chain", _) => flag(ActionKind::Chain)?,
        ("deny", _) => flag(ActionKind::Deny)?,
        ("drop", _) => flag(ActionKind::Drop)?,
        ("log", _) => flag(ActionKind::Log)?,
        ("multimatch", _) => flag(ActionKind::MultiMatch)?,
        ("noauditlog", _) => flag(ActionKind::NoAuditLog)?,
        ("nolog", _) => flag(ActionKind::NoLog)?,
        ("pass", _) => flag(ActionKind::Pass)?,
        ("allow", None) => (name_end, ActionKind::Allow(AllowScope::All)),
        ("allow", Some(v)) => {
            let (e, scope) = word(v)?;
            let scope = match scope.to_ascii_lowercase().as_str() {
                "request" => AllowScope::Request,
                "phase" => AllowScope::Phase,
                _ => {
                    return PError::text(
                        v,
                        "Allow: if specified, the parameter must be: phase, request",
                    )
                    .fail();
                }
            };
            (e, ActionKind::Allow(scope))
        }
        ("accuracy" | "maturity", Some(v)) => {
            let (end, (text, quoted)) = quoted_or_token(v)?;
            let label = if lower == "accuracy" {
                "Accuracy"
            } else {
                "Maturity"
            };
            let n = u32_value(v, text, label)?;
            if !quoted && ctx == Context::Quoted && end.starts_with(',') {
                warning = Some(Diagnostic::warning(
                    src.span_of(i),
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
            (end, kind)
        }
        ("exec", Some(v)) => {
            let (end, (text, _)) = quoted_or_token(v)?;
            if text.is_empty() {
                return need_value("PATH").fail();
            }
            (end, ActionKind::Exec(text.to_owned()))
        }
        ("id", Some(v)) => {
            let (end, (text, _)) = quoted_or_token(v)?;
            (end, ActionKind::Id(rule_id(v, text)?))
        }
        ("phase", Some(v)) => {
            let (end, (text, quoted)) = quoted_or_token(v)?;
            (end, ActionKind::Phase(phase(v, text, quoted)?))
        }
        ("rev", Some(v)) => {
            let (end, (text, quoted)) = quoted_or_token(v)?;
            // ModSecurity reads `rev` as `[^,']+`, quoted or not.
            if text.is_empty() || text.contains([',', '\'']) {
                return PError::text(v, "expected a revision without `,` or `'` after `rev:`")
                    .fail();
            }
            if !quoted && ctx == Context::Quoted && end.starts_with('"') {
                warning = Some(Diagnostic::warning(
                    src.span_of(i),
                    "ModSecurity v3 reads an unquoted `rev` value past the closing `\"`; quote it: rev:'…'",
                ));
            }
            (end, ActionKind::Rev(text.to_owned()))
        }
        ("ver", Some(v)) => {
            if !v.starts_with('\'') {
                return PError::text(v, "the value of `ver` must be quoted: ver:'…'").fail();
            }
            let (end, (text, _)) = quoted_or_token(v)?;
            if text.is_empty() {
                return need_value("'…'").fail();
            }
            (end, ActionKind::Ver(text.to_owned()))
        }
        ("severity", Some(v)) => {
            let (end, (text, _)) = quoted_or_token(v)?;
            (end, ActionKind::Severity(severity(v, text)?))
        }
        ("skip", Some(v)) => {
            let (end, n) = digits_u32(v, "expected a number after `skip:`, found ")?;
            (end, ActionKind::Skip(n))
        }
        ("status", Some(v)) => {
            let (end, n) = digits_u16(v, "expected an HTTP status after `status:`, found ")?;
            (end, ActionKind::Status(n))
        }
        ("skipafter", Some(v)) => {
            let (end, marker) = skip_after(v)?;
            if marker.is_empty() {
                return need_value("MARKER").fail();
            }
            (end, ActionKind::SkipAfter(marker.to_owned()))
        }
        ("xmlns", Some(v)) => {
            let (end, ns) = xmlns(v)?;
            (end, ActionKind::XmlNs(ns))
        }
        (
            "msg" | "logdata" | "tag" | "redirect" | "setenv" | "setrsc" | "setsid" | "setuid"
            | "expirevar",
            Some(v),
        ) => {
            let (end, value) = predicate(v, w)?;
            let kind = match lower {
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
            (end, kind)
        }
        ("initcol", Some(v)) => {
            let (end, ic) = initcol(v, w)?;
            (end, ActionKind::InitCol(ic))
        }
        ("setvar", Some(v)) => {
            let (end, sv) = setvar(v)?;
            (end, ActionKind::SetVar(sv))
        }
        ("t", Some(v)) => {
            let (end, name) = word(v)?;
            let Ok(id) = TransformId::from_name(name) else {
                return if name.is_empty() {
                    PError::found(v, "expected a transformation name after `t:`, found ").fail()
                } else {
                    PError::text(v, format!("unknown transformation `{name}`")).fail()
                };
            };
            (end, ActionKind::Transform(id))
        }
        ("ctl", Some(v)) => {
            let (end, c) = ctl(src, v)?;
            (end, ActionKind::Ctl(c))
        }
        (known, None) if takes_value(known) => {
            return need_value(value_hint(known)).fail();
        }
        _ => {
            if let Some((_, msg_name)) = REJECTED_ACTIONS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(w))
            {
                return PError::text(i, format!("Action: {msg_name} is not yet supported.")).fail();
            }
            return PError::text(i, format!("unknown action `{w}`")).fail();
        }
    };
    action_end(end, ctx)?;
    Ok((
        end,
        (
            Action {
                span: src.span_of(i),
                kind,
            },
            warning,
        ),
    ))
}

/// `word` in lower case, in `buf` (no allocation); empty when it does not fit, which no
/// action name does.
fn lowercase<'b>(word: &str, buf: &'b mut [u8; 16]) -> &'b str {
    let Some(dst) = buf.get_mut(..word.len()) else {
        return "";
    };
    dst.copy_from_slice(word.as_bytes());
    dst.make_ascii_lowercase();
    std::str::from_utf8(dst).unwrap_or("")
}

/// Actions that need a value (`NAME:VALUE`).
fn takes_value(lower: &str) -> bool {
    !value_hint(lower).is_empty()
}

/// What the value of an action looks like, for "`id` needs a value: `id:N`"; empty for the
/// actions that take no value or are unknown.
fn value_hint(lower: &str) -> &'static str {
    match lower {
        "accuracy" | "maturity" | "id" | "phase" | "severity" | "skip" | "status" => "N",
        "exec" => "PATH",
        "rev" | "ver" | "msg" | "logdata" | "tag" | "redirect" | "setenv" | "setrsc" | "setsid"
        | "setuid" | "expirevar" => "'…'",
        "skipafter" => "MARKER",
        "xmlns" => "PREFIX=URI",
        "initcol" => "COLLECTION=KEY",
        "setvar" => "COLLECTION.NAME=VALUE",
        "t" => "TRANSFORMATION",
        "ctl" => "OPTION=VALUE",
        _ => "",
    }
}

/// What may follow an action: `,`, `"` (in a quoted list), whitespace, a continuation or the
/// end of the line.
fn action_end(i: &str, ctx: Context) -> PResult<'_, ()> {
    let ok = i.starts_with([' ', '\t', ','])
        || (ctx == Context::Quoted && i.starts_with('"'))
        || continuation(i).is_ok()
        || is_line_end(i);
    if ok {
        Ok((i, ()))
    } else {
        PError::around(i, "unexpected ", " after the action").fail()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn list(text: &str) -> Result<(Vec<Action>, Vec<Diagnostic>), String> {
        let src = Src::new(text, FileId(0));
        let mut w = Vec::new();
        match quoted_actions(&src, src.text, &mut w) {
            Ok((_, a)) => Ok((a, w)),
            Err(e) => Err(crate::parse::error::into_error(e, src.text)
                .into_diagnostic(&src)
                .to_string()),
        }
    }

    #[test]
    fn lists_and_their_ends() {
        let (a, w) = list("\"id:1, pass ,t:none\"").unwrap();
        assert_eq!(a.len(), 3);
        assert!(w.is_empty());
        let (a, w) = list("\"id:1,pass\nx").unwrap();
        assert_eq!((a.len(), w.len()), (2, 1));
        assert_eq!(list("\"\"").unwrap().0.len(), 0);
        assert_eq!(
            list("\"id:1,\"").unwrap_err(),
            "1:7: error: expected an action, found `\"`"
        );
        assert_eq!(
            list("\"id:1 pass\"").unwrap_err(),
            "1:7: error: expected `,` or the closing `\"` after the action, found `pass`"
        );
        assert_eq!(
            list("\"id\"").unwrap_err(),
            "1:4: error: `id` needs a value: `id:N`"
        );
        assert_eq!(
            list("\"deny;\"").unwrap_err(),
            "1:6: error: unexpected `;` after the action"
        );
    }

    #[test]
    fn warnings_for_what_modsecurity_misreads() {
        let (_, w) = list("\"id:1,accuracy:5,pass\"").unwrap();
        assert_eq!(w.len(), 1);
        let (_, w) = list("\"id:1,rev:2\"").unwrap();
        assert_eq!(w.len(), 1);
        let (_, w) = list("\"id:1,rev:'2'\"").unwrap();
        assert!(w.is_empty());
    }
}
