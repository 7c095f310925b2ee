//! Checks that span directives, made by ModSecurity v3 when it loads a rule set: every rule
//! (chain starter) has an id, ids are unique among `SecRule`s, a chain link carries no
//! disruptive action, one `SecDefaultAction` per phase. Also warnings for a chain left open at
//! the end and a `skipAfter` naming no `SecMarker`.

use std::collections::{HashMap, HashSet};

use crate::ast::{ActionKind, Directive, DirectiveKind, Phase, phase_of};
use crate::{Diagnostic, FileTable, Span};

/// Runs the cross-directive checks over a loaded rule set (directives in load order).
/// `files` names the files in notes; pass an empty table when there is none.
pub fn check(directives: &[Directive], files: &FileTable) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut ids: HashMap<u64, Span> = HashMap::new();
    let mut default_phases: HashSet<Phase> = HashSet::new();
    let mut markers: HashSet<&str> = HashSet::new();
    let mut skip_afters: Vec<(&str, Span)> = Vec::new();
    // The open chain's starter, when the previous SecRule carried `chain`.
    let mut open_chain: Option<Span> = None;
    for d in directives {
        match &d.kind {
            DirectiveKind::SecRule(rule) => {
                if open_chain.is_some() {
                    if let Some(a) = rule.actions.iter().find(|a| a.kind.is_disruptive()) {
                        out.push(Diagnostic::error(
                            a.span,
                            "Disruptive actions can only be specified by chain starter rules.",
                        ));
                    }
                } else {
                    match rule.id() {
                        None => out.push(
                            Diagnostic::error(d.span, "Rules must have an ID.")
                                .with_note("add an `id:N` action to the rule"),
                        ),
                        Some(id) => {
                            if let Some(first) = ids.get(&id) {
                                out.push(
                                    Diagnostic::error(
                                        d.span,
                                        format!("Rule id: {id} is duplicated"),
                                    )
                                    .with_note(format!(
                                        "the id is first used at {}",
                                        place(*first, files)
                                    )),
                                );
                            } else {
                                ids.insert(id, d.span);
                            }
                        }
                    }
                }
                collect_skip_afters(&rule.actions, &mut skip_afters);
                open_chain = if rule.is_chained() {
                    Some(open_chain.unwrap_or(d.span))
                } else {
                    None
                };
            }
            DirectiveKind::SecAction(actions) => collect_skip_afters(actions, &mut skip_afters),
            DirectiveKind::SecDefaultAction(actions) => {
                let phase = phase_of(actions).unwrap_or(Phase::RequestHeaders);
                if !default_phases.insert(phase) {
                    out.push(Diagnostic::error(
                        d.span,
                        format!(
                            "SecDefaultActions can only be placed once per phase and configuration \
                             context. Phase {} was informed already.",
                            phase.number()
                        ),
                    ));
                }
            }
            DirectiveKind::SecMarker(name) => {
                markers.insert(name.as_str());
            }
            _ => {}
        }
    }
    if let Some(span) = open_chain {
        out.push(
            Diagnostic::warning(span, "this rule starts a chain that no rule completes")
                .with_note("its last rule carries `chain` but no SecRule follows it"),
        );
    }
    for (name, span) in skip_afters {
        if !markers.contains(name) {
            out.push(
                Diagnostic::warning(span, format!("skipAfter:{name} names no SecMarker"))
                    .with_note("ModSecurity skips every remaining rule of the phase"),
            );
        }
    }
    out
}

fn collect_skip_afters<'a>(actions: &'a [crate::ast::Action], out: &mut Vec<(&'a str, Span)>) {
    for a in actions {
        if let ActionKind::SkipAfter(name) = &a.kind {
            out.push((name.as_str(), a.span));
        }
    }
}

fn place(span: Span, files: &FileTable) -> String {
    match files.get(span.file) {
        Some(f) => format!("{}:{}:{}", f.path.display(), span.line, span.column),
        None => format!("line {}, column {}", span.line, span.column),
    }
}
