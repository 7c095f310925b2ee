//! Rule exceptions, as nom parsers: `SecRuleRemoveById/ByTag/ByMsg` and
//! `SecRuleUpdateTargetById/ByTag/ByMsg`, `SecRuleUpdateActionById` (from after the name).
//!
//! ```text
//! SecRuleRemoveById       = (ID | ID "-" ID)+                  -- to the end of the line
//! SecRuleUpdateTarget…    = selector ws variables              -- no third argument in v3
//! SecRuleUpdateActionById = selector ws actions
//! selector                = "\"" TEXT "\"" | TOKEN              -- TEXT: no `"` or `|`
//! ```

use nom::Parser;
use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::sequence::preceded;

use crate::Diagnostic;
use crate::ast::{ActionClass, DirectiveKind, DirectiveName};
use crate::parse::Src;
use crate::parse::actions::{quoted_actions, unquoted_action};
use crate::parse::error::{Checked, PError, PResult};
use crate::parse::lex::{is_line_end, ws0};
use crate::parse::values::{argument, bare_token, parse_id_range, rest_of_line, strip_quotes};
use crate::parse::variables::{ListEnd, variable_list};

/// `SecRuleRemoveById 1 2 10-20`.
pub(crate) fn remove_by_id<'a>(name_end: &'a str, n: &str) -> PResult<'a, DirectiveKind> {
    let (p, ()) = argument(name_end, n, "rule ids or ranges")?;
    let (end, text) = rest_of_line(p, n)?;
    let ranges = text
        .split_whitespace()
        .map(|piece| parse_id_range(strip_quotes(piece)))
        .collect::<Result<Vec<_>, _>>();
    match ranges {
        Ok(ranges) => Ok((end, DirectiveKind::SecRuleRemoveById(ranges))),
        Err(why) => PError::text(
            p,
            format!("SecRuleRemoveById: failed to load:{text}. {why}"),
        )
        .fail(),
    }
}

/// `SecRuleRemoveByTag TAG` and `SecRuleRemoveByMsg MSG`, quoted or to the end of the line.
pub(crate) fn remove_by_text<'a>(
    name_end: &'a str,
    name: DirectiveName,
) -> PResult<'a, DirectiveKind> {
    let n = name.name();
    let (p, ()) = argument(name_end, n, "a value")?;
    let (end, text) = if p.starts_with('"') {
        quoted_to_line_end(p, n)?
    } else {
        rest_of_line(p, n)?
    };
    let kind = if name == DirectiveName::SecRuleRemoveByTag {
        DirectiveKind::SecRuleRemoveByTag(text)
    } else {
        DirectiveKind::SecRuleRemoveByMsg(text)
    };
    Ok((end, kind))
}

/// `"…"` around a value on one line (`SecRuleRemoveByTag "a b"`): up to the first `"`, no `|`.
fn quoted_to_line_end<'a>(p: &'a str, directive: &str) -> PResult<'a, String> {
    let (close, text) = preceded(char('"'), take_till(|c| c == '"' || c == '\n')).parse(p)?;
    let Ok((after, _)) = char::<&str, PError<'a>>('"').parse(close) else {
        return PError::text(p, "unterminated value: the closing `\"` is missing").fail();
    };
    if text.is_empty() {
        return PError::text(p, format!("`{directive}` needs a value")).fail();
    }
    if let Some(k) = text.find('|') {
        return PError::text(
            text.get(k..).unwrap_or(""),
            format!("unexpected `|` in the value of `{directive}`"),
        )
        .fail();
    }
    Ok((after, text.to_owned()))
}

/// The first argument of `SecRuleUpdate…`: `"text"` (no `"` or `|` inside) or a token.
fn selector<'a>(p: &'a str, directive: &str) -> PResult<'a, String> {
    if p.starts_with('"') {
        return quoted_to_line_end(p, directive);
    }
    let (end, text) = bare_token(p)?;
    if text.is_empty() {
        return PError::text(p, format!("`{directive}` needs a rule selector")).fail();
    }
    Ok((end, text.to_owned()))
}

/// The rule id of `SecRuleUpdate…ById`, read from the selector `text` found at `at`.
fn rule_id<'a>(at: &'a str, text: &str, directive: &str) -> Checked<'a, u64> {
    let at = at.strip_prefix('"').unwrap_or(at);
    if !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(id) = text.parse()
    {
        return Ok(id);
    }
    let mut e = PError::text(
        at,
        format!(
            "{directive}: failed to load:The input \"{text}\" does not seems to be a valid rule id."
        ),
    );
    if text.contains('-') {
        e = e.note(format!(
            "ModSecurity v3's {directive} takes one rule id, not a range"
        ));
    }
    Err(e.failure())
}

/// `SecRuleUpdateTargetById|ByTag|ByMsg SELECTOR TARGETS`.
pub(crate) fn update_target<'a>(
    src: &Src<'a>,
    name_end: &'a str,
    name: DirectiveName,
) -> PResult<'a, DirectiveKind> {
    let n = name.name();
    let (sel_at, ()) = argument(name_end, n, "a rule selector and targets")?;
    let (p, sel) = selector(sel_at, n)?;
    let (q, _) = ws0(p)?;
    if is_line_end(q) {
        return PError::text(q, format!("`{n}` needs targets, found end of line")).fail();
    }
    let (end, targets) = match q.strip_prefix('"') {
        Some(inner) => {
            let (close, v) = variable_list(src, inner, ListEnd::Quote)?;
            (close.get(1..).unwrap_or(""), v)
        }
        None => variable_list(src, q, ListEnd::Whitespace)?,
    };
    let kind = match name {
        DirectiveName::SecRuleUpdateTargetById => DirectiveKind::SecRuleUpdateTargetById {
            id: rule_id(sel_at, &sel, n)?,
            targets,
        },
        DirectiveName::SecRuleUpdateTargetByTag => {
            DirectiveKind::SecRuleUpdateTargetByTag { tag: sel, targets }
        }
        _ => DirectiveKind::SecRuleUpdateTargetByMsg { msg: sel, targets },
    };
    let (rest, _) = ws0(end)?;
    if !is_line_end(rest) && !rest.starts_with('#') {
        return PError::around(rest, "unexpected ", " after the targets")
            .note(format!(
                "ModSecurity v3's {n} takes no third argument (replacement target)"
            ))
            .fail();
    }
    Ok((end, kind))
}

/// `SecRuleUpdateActionById ID ACTIONS`.
pub(crate) fn update_action<'a>(
    src: &Src<'a>,
    name_end: &'a str,
    n: &str,
    warnings: &mut Vec<Diagnostic>,
) -> PResult<'a, DirectiveKind> {
    let (sel_at, ()) = argument(name_end, n, "a rule id and actions")?;
    let (p, sel) = selector(sel_at, n)?;
    let id = rule_id(sel_at, &sel, n)?;
    let (q, _) = ws0(p)?;
    let (end, actions) = if q.starts_with('"') {
        quoted_actions(src, q, warnings)?
    } else if is_line_end(q) {
        return PError::text(q, format!("`{n}` needs actions, found end of line")).fail();
    } else {
        let (e, a) = unquoted_action(src, q, warnings)?;
        (e, vec![a])
    };
    if actions.is_empty() {
        return PError::text(q, format!("`{n}` needs at least one action")).fail();
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
    Ok((end, DirectiveKind::SecRuleUpdateActionById { id, actions }))
}
