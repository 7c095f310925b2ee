//! The directives that carry rules, as nom parsers: `SecRule VARIABLES OPERATOR [ACTIONS]`,
//! `SecAction "ACTIONS"`, `SecDefaultAction "ACTIONS"`, `SecRuleScript PATH "ACTIONS"`.
//!
//! ```text
//! SecRule = "SecRule" ws variables ws operator (ws actions)?
//! actions = "\"" list "\"" | ACTION
//! ```
//!
//! As in ModSecurity, a `SecRule` without actions takes its actions from the next line unless
//! that line is blank or the end of the file.

use nom::Parser;
use nom::bytes::complete::take_while;

use crate::Diagnostic;
use crate::ast::{Action, ActionClass, ActionKind, DirectiveKind, Rule};
use crate::parse::Src;
use crate::parse::actions::{quoted_actions, unquoted_action};
use crate::parse::error::{PError, PResult};
use crate::parse::lex::{is_blank, is_line_end, till_newline, ws0};
use crate::parse::operator::operator;
use crate::parse::values::argument;
use crate::parse::variables::{ListEnd, variable_list};
use palisade_transform::TransformId;

/// A quoted, non-empty action list (`SecAction`, `SecDefaultAction`, `SecRuleScript`).
pub(crate) fn required_quoted_actions<'a>(
    src: &Src<'a>,
    p: &'a str,
    directive: &str,
    warnings: &mut Vec<Diagnostic>,
) -> PResult<'a, Vec<Action>> {
    if !p.starts_with('"') {
        return PError::found(p, "expected a quoted action list, found ")
            .note(format!(
                "ModSecurity v3 requires the actions of {directive} in double quotes"
            ))
            .fail();
    }
    let (end, actions) = quoted_actions(src, p, warnings)?;
    if actions.is_empty() {
        return PError::text(p, format!("`{directive}` needs at least one action")).fail();
    }
    Ok((end, actions))
}

/// `SecDefaultAction`'s rules: a disruptive action other than `block`, no configuration action
/// other than `phase`, no `t:none`. `at` is the directive.
pub(crate) fn check_default_actions<'a>(
    at: &'a str,
    actions: &[Action],
) -> Result<(), nom::Err<PError<'a>>> {
    for a in actions {
        let message = match &a.kind {
            ActionKind::Phase(_) => continue,
            ActionKind::Transform(TransformId::None) => {
                "The transformation none is not suitable to be part of the SecDefaultActions"
                    .to_owned()
            }
            k if k.class() == ActionClass::Configuration => format!(
                "The action '{}' is not suitable to be part of the SecDefaultActions",
                k.name()
            ),
            _ => continue,
        };
        return Err(PError::ready(at, Diagnostic::error(a.span, message)).failure());
    }
    let disruptive = actions
        .iter()
        .any(|a| a.kind.is_disruptive() && a.kind != ActionKind::Block);
    if !disruptive {
        return Err(
            PError::text(at, "SecDefaultAction must specify a disruptive action.").failure(),
        );
    }
    Ok(())
}

/// `SecRule VARIABLES OPERATOR [ACTIONS]`, from after the name.
pub(crate) fn sec_rule<'a>(
    src: &Src<'a>,
    name_end: &'a str,
    warnings: &mut Vec<Diagnostic>,
) -> PResult<'a, DirectiveKind> {
    let (p, ()) = argument(name_end, "SecRule", "variables, an operator and actions")?;
    let (p, variables) = match p.strip_prefix('"') {
        Some(inner) => {
            let (close, v) = variable_list(src, inner, ListEnd::Quote)?;
            (close.get(1..).unwrap_or(""), v)
        }
        None => variable_list(src, p, ListEnd::Whitespace)?,
    };
    let (q, ws) = ws0(p)?;
    if is_line_end(q) {
        return PError::found(q, "expected an operator after the variables, found ").fail();
    }
    if ws.is_empty() && !q.starts_with('"') {
        return PError::found(q, "expected whitespace after the variables, found ").fail();
    }
    let (p, operator) = operator(src, q)?;
    let (q, ws) = ws0(p)?;
    let (end, actions) = if q.starts_with('"') {
        quoted_actions(src, q, warnings)?
    } else if is_line_end(q) {
        actions_on_next_line(src, q, warnings)?
    } else if ws.is_empty() {
        return PError::found(q, "expected whitespace after the operator, found ").fail();
    } else {
        let (end, a) = unquoted_action(src, q, warnings)?;
        (end, vec![a])
    };
    Ok((
        end,
        DirectiveKind::SecRule(Rule {
            variables,
            operator,
            actions,
        }),
    ))
}

/// The actions of a rule whose line ends after the operator (`q` is at that line end): none
/// when the next line is blank or missing, else that line's actions.
fn actions_on_next_line<'a>(
    src: &Src<'a>,
    q: &'a str,
    warnings: &mut Vec<Diagnostic>,
) -> PResult<'a, Vec<Action>> {
    let (after, _) = till_newline(q)?;
    let Some(next) = after.strip_prefix('\n') else {
        return Ok((q, Vec::new()));
    };
    let (r, _) = take_while(is_blank).parse(next)?;
    if is_line_end(r) {
        return Ok((q, Vec::new()));
    }
    if r.starts_with('"') {
        return quoted_actions(src, r, warnings);
    }
    match unquoted_action(src, r, warnings) {
        Ok((end, a)) => Ok((end, vec![a])),
        Err(_) => PError::text(
            q,
            "a SecRule without actions must be followed by a blank line or the end of the file",
        )
        .note(
            "ModSecurity v3 reads the next line as this rule's actions; \
             add actions (\"t:none\") or a blank line",
        )
        .fail(),
    }
}
