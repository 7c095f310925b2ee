//! Lowers a parsed PCRE tree ([`super::ast::Node`]) to a regex-syntax `Hir` that
//! regex-automata compiles in byte mode.

use regex_syntax::hir::{Capture, Class, ClassBytes, ClassBytesRange, Hir, Look, Repetition};

use super::ast::{Assertion, Node};
use super::error::{PcreError, PcreErrorKind};

/// Lowers `node`. Capture group `n` becomes group `n - group_base`, so that a piece cut out
/// of a pattern (the body of a trailing lookahead) numbers its groups from 1.
pub fn lower(node: &Node, group_base: u32) -> Result<Hir, PcreError> {
    Ok(match node {
        Node::Empty => Hir::empty(),
        Node::Byte(b) => Hir::literal([*b]),
        Node::Letter(l) => Hir::class(Class::Bytes(letter_class(*l))),
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
                let single = match item {
                    Node::Byte(b) => Some(*b),
                    Node::Class(set) => single_byte(set),
                    _ => None,
                };
                if let Some(b) = single {
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

/// The class of the ASCII letter `l` (lower case) and its upper case: what the parser's
/// `fold_ascii` makes of the letter's one-byte class.
pub(crate) fn letter_class(l: u8) -> ClassBytes {
    let upper = l.to_ascii_uppercase();
    ClassBytes::new([
        ClassBytesRange::new(upper, upper),
        ClassBytesRange::new(l, l),
    ])
}

fn single_byte(set: &regex_syntax::hir::ClassBytes) -> Option<u8> {
    let mut it = set.iter();
    let r = it.next()?;
    (it.next().is_none() && r.start() == r.end()).then_some(r.start())
}

/// The CRS operator extractor of the integration tests, for [`tests`].
#[cfg(test)]
#[path = "../../tests/support/crs.rs"]
mod crs_support;

/// The random patterns of the integration tests, for [`tests`].
#[cfg(test)]
#[path = "../../tests/support/patterns.rs"]
mod pattern_support;

#[cfg(test)]
mod tests {
    use super::super::parse::{parse, ranges};
    use super::*;
    use proptest::prelude::*;

    /// The tree as the parser built it before `Node::Byte` and `Node::Letter` existed: each
    /// literal byte a one-byte class, each caseless letter the class of both cases.
    fn class_form(node: &Node) -> Node {
        node.map_leaves(&|leaf| match leaf {
            Node::Byte(b) => Node::Class(ranges(&[(*b, *b)])),
            Node::Letter(l) => {
                let u = l.to_ascii_uppercase();
                Node::Class(ranges(&[(u, u), (*l, *l)]))
            }
            other => other.clone(),
        })
    }

    /// Lowers `pattern` (plain and caseless) from the parsed tree and from its class form;
    /// the two HIRs must be equal. Returns how many lowerings were compared.
    fn same_hir(pattern: &[u8]) -> usize {
        let mut compared = 0;
        for caseless in [false, true] {
            let Ok(parsed) = parse(pattern, caseless) else {
                continue;
            };
            let new = lower(&parsed.root, 0).map_err(|e| e.to_string());
            let old = lower(&class_form(&parsed.root), 0).map_err(|e| e.to_string());
            assert_eq!(
                new,
                old,
                "/{}/ caseless {caseless}",
                String::from_utf8_lossy(pattern)
            );
            compared += 1;
        }
        compared
    }

    #[test]
    fn crs_patterns_lower_as_their_class_form() {
        let mut compared = 0;
        for op in crs_support::crs_operators() {
            compared += same_hir(op.arg.as_bytes());
        }
        assert!(compared > 1000, "only {compared} lowerings compared");
        println!("byte and letter nodes: {compared} CRS lowerings equal to the class form");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_patterns_lower_as_their_class_form(p in pattern_support::pattern()) {
            same_hir(p.as_bytes());
        }
    }
}
