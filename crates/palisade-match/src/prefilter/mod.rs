//! The multi-pattern prefilter: one scan of a value tells which operators may match it.
//!
//! - [`PrefilterBuilder`] takes operators (or their [`Literals`]); each gets a slot.
//! - [`Prefilter::scan`] runs one Aho-Corasick automaton (a full DFA, ASCII
//!   case-insensitive, all overlapping occurrences; see [`dfa`]) over a value and fills a
//!   [`CandidateSet`] with the slots whose literals occur, plus every slot without literals
//!   whose [`ByteCondition`] the value satisfies (see [`bytes`]); a slot with neither is
//!   always a candidate.
//!
//! Soundness is the contract: whenever an operator matches a value, its slot is in the
//! candidate set (an operator with no usable literal is always a candidate; one that can never
//! match never is). So a slot *absent* from the set proves the operator does not match: a
//! negated rule (`!@rx`) can be decided as matching without running the operator.
//!
//! ```
//! use palisade_match::prefilter::{CandidateSet, Literals, PrefilterBuilder};
//! let mut b = PrefilterBuilder::new();
//! let select = b.add(Literals::one(b"select"));
//! let any = b.add(Literals::Any);
//! let never = b.add(Literals::Never);
//! let pf = b.build();
//! let mut set = CandidateSet::new();
//! pf.scan(b"1 SeLeCt 2", &mut set);
//! assert!(set.contains(select) && set.contains(any) && !set.contains(never));
//! pf.scan(b"hello", &mut set);
//! assert!(!set.contains(select) && set.contains(any));
//! ```

pub mod bytes;
pub mod dfa;
mod literal_str;
mod literals;

use std::collections::BTreeMap;

use bytes::ByteFilter;
use dfa::LiteralDfa;

pub use bytes::{ByteClass, ByteCondition};
pub use literals::{Literals, regex_literals};

use crate::operator::Operator;

/// A set of slots (a bitset), reused across scans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CandidateSet {
    words: Vec<u64>,
}

impl CandidateSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when `slot` is a candidate.
    pub fn contains(&self, slot: usize) -> bool {
        self.words
            .get(slot / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    /// Adds `slot`.
    pub fn insert(&mut self, slot: usize) {
        let w = slot / 64;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        self.words[w] |= 1 << (slot % 64);
    }

    /// Removes every slot.
    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }

    /// The number of candidate slots.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True when no slot is a candidate.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// The candidate slots in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

/// Collects slots and builds a [`Prefilter`].
#[derive(Clone, Debug, Default)]
pub struct PrefilterBuilder {
    slots: Vec<(Literals, ByteCondition)>,
}

/// Counts describing a prefilter, for coverage reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrefilterStats {
    /// Slots in total.
    pub slots: usize,
    /// Slots with literals (filtered by the scan).
    pub with_literals: usize,
    /// Slots without usable literals nor byte condition (always candidates).
    pub always: usize,
    /// Slots without usable literals but with a byte condition.
    pub conditioned: usize,
    /// Slots that can never match (never candidates).
    pub never: usize,
    /// Distinct literals (before they are cut to [`dfa::MAX_LITERAL`] bytes).
    pub literals: usize,
    /// States of the scanning automaton.
    pub states: usize,
    /// Heap bytes of the automaton's tables.
    pub memory: usize,
}

impl PrefilterBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a slot with these literals; returns its index (0, 1, 2, … in order).
    pub fn add(&mut self, literals: Literals) -> usize {
        self.add_conditioned(literals, ByteCondition::none())
    }

    /// Adds a slot with these literals and a byte condition (used when the literals are
    /// `Any`); returns its index.
    pub fn add_conditioned(&mut self, literals: Literals, condition: ByteCondition) -> usize {
        self.slots.push((literals, condition));
        self.slots.len() - 1
    }

    /// Adds a slot for `op` (its [`Operator::literals`] and [`Operator::byte_condition`]).
    pub fn add_operator(&mut self, op: &Operator) -> usize {
        self.add_conditioned(op.literals(), op.byte_condition())
    }

    /// Builds the automaton.
    pub fn build(self) -> Prefilter {
        let n = self.slots.len();
        let mut always = CandidateSet::new();
        let mut ids: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut pattern_slots: Vec<Vec<u32>> = Vec::new();
        let mut stats = PrefilterStats {
            slots: n,
            ..PrefilterStats::default()
        };
        let mut conditions = Vec::new();
        for (slot, (lits, cond)) in self.slots.iter().enumerate() {
            match lits {
                Literals::Any if !cond.is_none() => {
                    conditions.push((slot as u32, cond.clone()));
                    stats.conditioned += 1;
                }
                Literals::Any => {
                    always.insert(slot);
                    stats.always += 1;
                }
                Literals::Never => stats.never += 1,
                Literals::OneOf(strings) => {
                    stats.with_literals += 1;
                    for s in strings {
                        let id = *ids.entry(s.clone()).or_insert_with(|| {
                            patterns.push(s.clone());
                            pattern_slots.push(Vec::new());
                            patterns.len() - 1
                        });
                        if pattern_slots[id].last() != Some(&(slot as u32)) {
                            pattern_slots[id].push(slot as u32);
                        }
                    }
                }
            }
        }
        stats.literals = patterns.len();
        always.words.resize(n.div_ceil(64), 0);
        let dfa = if patterns.is_empty() {
            None
        } else {
            let pairs: Vec<(Vec<u8>, Vec<u32>)> = patterns.into_iter().zip(pattern_slots).collect();
            Some(LiteralDfa::new(&pairs))
        };
        if let Some(d) = &dfa {
            stats.states = d.states();
            stats.memory = d.memory();
        }
        let bytes = ByteFilter::new(&conditions);
        Prefilter {
            dfa,
            bytes,
            always,
            stats,
        }
    }
}

/// A built prefilter (immutable, `Send + Sync`).
#[derive(Clone, Debug)]
pub struct Prefilter {
    dfa: Option<LiteralDfa>,
    bytes: ByteFilter,
    always: CandidateSet,
    stats: PrefilterStats,
}

impl Prefilter {
    /// Replaces `out` with the candidate slots for `value`.
    pub fn scan(&self, value: &[u8], out: &mut CandidateSet) {
        out.words.clear();
        out.words.extend_from_slice(&self.always.words);
        self.bytes.apply(value, &mut out.words);
        let Some(dfa) = &self.dfa else { return };
        let words = &mut out.words;
        dfa.scan(value, |slot| {
            let slot = slot as usize;
            words[slot / 64] |= 1 << (slot % 64);
        });
    }

    /// The number of slots.
    pub fn slot_count(&self) -> usize {
        self.stats.slots
    }

    /// Coverage counts.
    pub fn stats(&self) -> PrefilterStats {
        self.stats
    }
}
