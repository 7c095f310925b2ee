//! [`nfa_bound`]: an upper bound, computed from a `Hir` without compiling it, on the heap that
//! regex-automata's Thompson compiler accounts against `nfa_size_limit` when it compiles that
//! `Hir` (forward with every capture group, or reverse without captures).
//!
//! A lazily compiled regex ([`super::PcreRegex`]) must not fail to compile when it is first
//! used: every error has to be reported when the rule is loaded. The only error the meta
//! engine can raise for a `Hir` that regex-syntax accepted is the NFA size limit (too many
//! states is the same limit in disguise: 2³¹ states far exceed any limit that fits in memory).
//! So a pattern whose bound is within the limit is compiled lazily; any other is compiled at
//! load, where a real limit error is reported as before.
//!
//! Why it bounds the compiler (regex-automata 0.4's `nfa::thompson::Compiler`; the builder
//! counts 32 bytes per state plus 8 per sparse transition and 4 per union alternate):
//! - a literal compiles to one state per byte; an alternation of literals to a trie with at
//!   most one state, one transition and one alternate per byte, plus an end state: at most
//!   64 bytes per byte and 64 more;
//! - a byte class to a sparse state with one transition per range and an end state; a Unicode
//!   class (never produced by Palisade's lowering, which works on bytes) is bounded by
//!   4 KiB per range, UTF-8 splitting a range into at most a few dozen states;
//! - a look-around assertion or an empty match to one state; a capture group to two states
//!   around its body; a concatenation to its items (an empty one to one state);
//! - an alternation to a union with one alternate per branch and an end state, around its
//!   branches;
//! - a repetition `{m,n}` to `max(m, 1)` copies of its body plus `n - m` optional copies,
//!   each with a union of two alternates, plus an empty end state; `{m,}` to `max(m, 1)`
//!   copies and at most two unions and an empty state.
//!
//! Each case below charges at least that. The property test `bound_holds` compiles random
//! patterns forward and in reverse and checks the NFA's own accounting against the bound.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Bytes charged per state, transition or alternate: the largest of them, with room.
const STATE: u64 = 32;

/// An upper bound on the NFA heap the Thompson compiler counts for `hir` (forward or reverse),
/// including the meta engine's unanchored prefix; saturates instead of overflowing.
pub(crate) fn nfa_bound(hir: &Hir) -> u64 {
    // The unanchored `(?s-u:.)*?` prefix and the match state.
    (8 * STATE).saturating_add(weight(hir))
}

fn weight(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => STATE,
        HirKind::Literal(lit) => 2 * STATE * (lit.0.len() as u64 + 1),
        HirKind::Class(Class::Bytes(c)) => 2 * STATE + 8 * c.ranges().len() as u64,
        HirKind::Class(Class::Unicode(c)) => {
            2 * STATE + 4096u64.saturating_mul(c.ranges().len() as u64)
        }
        HirKind::Capture(cap) => (2 * STATE).saturating_add(weight(&cap.sub)),
        HirKind::Concat(items) => items
            .iter()
            .fold(STATE, |acc, h| acc.saturating_add(weight(h))),
        HirKind::Alternation(items) => items.iter().fold(2 * STATE, |acc, h| {
            acc.saturating_add(weight(h)).saturating_add(2 * STATE)
        }),
        HirKind::Repetition(rep) => {
            let min = u64::from(rep.min);
            let copies = match rep.max {
                Some(max) => min
                    .max(1)
                    .saturating_add(u64::from(max).saturating_sub(min)),
                None => min.max(1),
            };
            let each = weight(&rep.sub).saturating_add(2 * STATE);
            (4 * STATE).saturating_add(copies.saturating_mul(each))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::nfa::thompson::{Compiler, Config, WhichCaptures};

    fn compiled(hir: &Hir, reverse: bool) -> usize {
        let which = if reverse {
            WhichCaptures::None
        } else {
            WhichCaptures::All
        };
        Compiler::new()
            .configure(
                Config::new()
                    .reverse(reverse)
                    .shrink(false)
                    .which_captures(which),
            )
            .build_from_hir(hir)
            .unwrap()
            .memory_usage()
            // The NFA's fixed part (its `Inner`), which the builder's count does not include.
            .saturating_sub(fixed(reverse))
    }

    fn fixed(reverse: bool) -> usize {
        let which = if reverse {
            WhichCaptures::None
        } else {
            WhichCaptures::All
        };
        Compiler::new()
            .configure(Config::new().reverse(reverse).which_captures(which))
            .build_from_hir(&Hir::fail())
            .unwrap()
            .memory_usage()
    }

    fn check(pattern: &str) {
        let parsed = super::super::parse::parse(pattern.as_bytes(), false).unwrap();
        let hir = super::super::lower::lower(&parsed.root, 0).unwrap();
        let bound = nfa_bound(&hir) as usize;
        for reverse in [false, true] {
            let actual = compiled(&hir, reverse);
            assert!(
                actual <= bound,
                "{pattern} (reverse {reverse}): NFA {actual} bytes > bound {bound}"
            );
        }
    }

    #[test]
    fn bound_holds_for_repetitions_and_alternations() {
        for p in [
            "a",
            "",
            "(?i)select|union|insert|update",
            "(a|b){3,40}",
            "(?:x{2,5}){4}",
            "[a-z0-9_.]+@\\w{1,64}",
            "(((a)))*?b",
            "^(?:GET|HEAD|POST|PUT)$",
            "a{0}",
            "(?:ab|cd|ef|gh|ij)+",
            "\\b(?:on\\w+)\\s*=",
        ] {
            check(p);
        }
    }

    proptest::proptest! {
        #[test]
        fn bound_holds(pattern in "([ab.]|\\[a-f\\]|\\(a\\|bc\\)|\\(\\?:x\\|y\\|z\\|ww\\)|\\\\d|[*+?]|\\{[0-3],[3-6]\\}|\\(|\\)){0,24}") {
            let Ok(parsed) = super::super::parse::parse(pattern.as_bytes(), false) else {
                return Ok(());
            };
            let Ok(hir) = super::super::lower::lower(&parsed.root, 0) else {
                return Ok(());
            };
            let bound = nfa_bound(&hir) as usize;
            for reverse in [false, true] {
                let actual = compiled(&hir, reverse);
                proptest::prop_assert!(actual <= bound, "{} reverse {}: {} > {}", pattern, reverse, actual, bound);
            }
        }
    }
}
