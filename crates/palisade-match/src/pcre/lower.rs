//! Lowers a parsed PCRE tree ([`super::ast::Node`]) to a regex-syntax `Hir` that
//! regex-automata compiles in byte mode.

use regex_syntax::hir::{Capture, Class, Hir, Look, Repetition};

use super::ast::{Assertion, Node};
use super::error::{PcreError, PcreErrorKind};

/// Lowers `node`. Capture group `n` becomes group `n - group_base`, so that a piece cut out
/// of a pattern (the body of a trailing lookahead) numbers its groups from 1.
pub fn lower(node: &Node, group_base: u32) -> Result<Hir, PcreError> {
    Ok(match node {
        Node::Empty => Hir::empty(),
        Node::Class(set) => match single_byte(set) {
            Some(b) => Hir::literal([b]),
            None => Hir::class(Class::Bytes(set.clone())),
        },
        Node::Assert(a) => Hir::look(match a {
            Assertion::Start => Look::Start,
            Assertion::End => Look::End,
            Assertion::StartLine => Look::StartLF,
            Assertion::EndLine => Look::EndLF,
            Assertion::WordBoundary => Look::WordAscii,
            Assertion::NotWordBoundary => Look::WordAsciiNegate,
        }),
        Node::Group { index, sub } => {
            let sub = lower(sub, group_base)?;
            match index {
                Some(i) => Hir::capture(Capture {
                    index: i.saturating_sub(group_base),
                    name: None,
                    sub: Box::new(sub),
                }),
                None => sub,
            }
        }
        Node::Lookaround { ahead, .. } => {
            return Err(PcreError {
                offset: 0,
                kind: PcreErrorKind::Unsupported(if *ahead {
                    "lookahead other than one trailing (?=…)/(?!…) after a fixed-length pattern"
                } else {
                    "lookbehind assertions"
                }),
            });
        }
        Node::Concat(items) => {
            let mut out: Vec<Hir> = Vec::with_capacity(items.len());
            let mut run: Vec<u8> = Vec::new();
            for item in items {
                if let Node::Class(set) = item
                    && let Some(b) = single_byte(set)
                {
                    run.push(b);
                    continue;
                }
                if !run.is_empty() {
                    out.push(Hir::literal(std::mem::take(&mut run)));
                }
                out.push(lower(item, group_base)?);
            }
            if !run.is_empty() {
                out.push(Hir::literal(run));
            }
            Hir::concat(out)
        }
        Node::Alt(items) => Hir::alternation(
            items
                .iter()
                .map(|n| lower(n, group_base))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Node::Repeat {
            min,
            max,
            greedy,
            sub,
        } => Hir::repetition(Repetition {
            min: *min,
            max: *max,
            greedy: *greedy,
            sub: Box::new(lower(sub, group_base)?),
        }),
    })
}

fn single_byte(set: &regex_syntax::hir::ClassBytes) -> Option<u8> {
    let mut it = set.iter();
    let r = it.next()?;
    (it.next().is_none() && r.start() == r.end()).then_some(r.start())
}
