//! Scan once: one multi-pattern automaton over the literals every operator of the ruleset
//! requires (`palisade-match`'s literal analysis), with one slot per rule link.
//!
//! A transaction scans each *distinct* transformed value once — a value that a chain leaves
//! unchanged shares the scan of the value it came from, so a benign argument that 20 chains
//! leave as it is (or only lowercase) is scanned two or three times, not twenty — and keeps the
//! candidate bits with the value in its memo. A rule whose slot is not a candidate cannot match
//! that value, so its operator is not run (for `!@op` the rule matches without running it).
//!
//! Soundness comes from `palisade-match`: whenever an operator matches an input, the input
//! contains one of the operator's literals (compared ASCII case-insensitively).
//!
//! Measured on CRS v4.28 PL1 (see the crate's benches): one automaton instead of one per chain
//! node cut ruleset load from about 2 s to the regex and `@pm` compile time, and ruleset memory
//! by over 100 MB, while scans per request fell from ~500 to ~80.
//!
//! Slots without usable literals — `@detectXSS`, regexes without a required literal, and the
//! literal sets this module does not scan for (short and common, see
//! [`GlobalPrefilterBuilder::add`]) — are not always candidates when they carry a byte
//! condition (`palisade-match`'s [`bytes`](palisade_match::prefilter::bytes) module): a
//! conjunction of byte classes every matching input satisfies, tested with one table lookup
//! per byte and one mask test per condition. Such a slot is a candidate when the value holds a
//! byte of each class. A demoted literal set implies a condition too (each of its literals
//! holds its own bytes), which is joined to the operator's own. Classes are closed under
//! ASCII case folding, so a value's candidates are also sound for any value equal to it up to
//! ASCII case.
//!
//! `@pm`/`@pmFromFile` slots are literal slots too: their literals are one window of at most
//! [`MAX_LITERAL`](palisade_match::prefilter::dfa::MAX_LITERAL) bytes of each matchable phrase
//! (its rarest by a byte commonness score), lower-cased (`@pm` is ASCII case-insensitive, and
//! ModSecurity's matcher never matches a phrase with a byte ≥ 0x80, so such phrases need no
//! literal). A phrase that occurs contains each of its windows, so the slot is sound; and the
//! operator, called only for candidates, skips its own quick check
//! (`Operator::evaluate_candidate`). On CRS v4 PL1 this takes the automaton from 7,561 to 9,831
//! literals.
//!
//! The automaton is `palisade-match`'s [`LiteralDfa`] (literals cut to their first
//! [`MAX_LITERAL`](palisade_match::prefilter::dfa::MAX_LITERAL) bytes, 16-bit transitions, rows
//! only for states with children): 658 KiB for CRS v4 PL1's literals with the `@pm` windows,
//! where `aho-corasick`'s case-insensitive DFA over the whole literals without them took 18 MB
//! and a third of the load time. It is built last, at the load's peak heap, so its build keeps
//! few temporaries (the literals are borrowed, not copied).

use palisade_match::prefilter::bytes::ByteFilter;
use palisade_match::prefilter::dfa::LiteralDfa;
use palisade_match::prefilter::{ByteCondition, Literals};

/// The shortest literal worth scanning for.
pub const MIN_LITERAL: usize = 3;

/// The ruleset-wide prefilter.
#[derive(Debug, Default)]
pub struct GlobalPrefilter {
    dfa: Option<LiteralDfa>,
    /// The byte conditions of the slots without usable literals that have one.
    bytes: Option<ByteFilter>,
    /// Slots that are always candidates (no usable literal, no byte condition).
    always: Vec<u64>,
    slots: usize,
    /// Number of slots with literals.
    pub with_literals: usize,
    /// Number of distinct literals.
    pub literals: usize,
    /// Number of slots filtered by a byte condition only.
    pub conditioned: usize,
}

/// Builds a [`GlobalPrefilter`].
#[derive(Debug, Default)]
pub struct GlobalPrefilterBuilder {
    slots: Vec<(Literals, ByteCondition)>,
}

impl GlobalPrefilterBuilder {
    /// Adds an operator's literals; returns its slot. A set holding a short literal made of
    /// common bytes (`or`, `in`, `-`, `.`) is taken as "always a candidate": such a literal
    /// occurs in most values, so it would cost a match report per occurrence and filter out
    /// almost nothing. Short literals with a rarer byte (`<`, `'`, `${`, `/*`) stay: benign
    /// values seldom hold them. A demoted set still gives its byte condition
    /// ([`ByteCondition::from_literals`]).
    pub fn add(&mut self, lits: Literals) -> u32 {
        self.add_conditioned(lits, ByteCondition::none())
    }

    /// Adds an operator's literals and byte condition (its
    /// [`Operator::byte_condition`](palisade_match::Operator::byte_condition)); returns its
    /// slot. Literals are demoted as in [`add`](Self::add); when the slot ends without
    /// literals, the condition (joined to the demoted set's) decides it.
    pub fn add_conditioned(&mut self, lits: Literals, condition: ByteCondition) -> u32 {
        self.add_lazy(lits, || condition)
    }

    /// [`add_conditioned`](Self::add_conditioned), computing the condition only when the
    /// slot ends without literals (deriving a regex's condition parses it again: too dear
    /// to do for every operator at load time).
    pub fn add_lazy(&mut self, lits: Literals, condition: impl FnOnce() -> ByteCondition) -> u32 {
        let common = |l: &[u8]| {
            l.len() < MIN_LITERAL
                && l.iter().all(|&b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'-' | b'.' | b'/' | b'=' | b',' | b':' | b'_' | b' ')
                })
        };
        let (lits, condition) = match lits {
            Literals::OneOf(v) if v.iter().any(|l| l.is_empty() || common(l)) => {
                let implied = ByteCondition::from_literals(&Literals::OneOf(v));
                (Literals::Any, condition().and(&implied))
            }
            Literals::Any => (Literals::Any, condition()),
            other => (other, ByteCondition::none()),
        };
        self.slots.push((lits, condition));
        u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
    }

    /// Builds the automaton.
    pub fn build(self) -> GlobalPrefilter {
        use std::collections::HashMap;
        let n = self.slots.len();
        let words = n.div_ceil(64);
        let mut always = vec![0u64; words];
        let mut ids: HashMap<&[u8], usize> = HashMap::new();
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut pattern_slots: Vec<Vec<u32>> = Vec::new();
        let mut with_literals = 0;
        let mut conditions = Vec::new();
        for (slot, (lits, cond)) in self.slots.iter().enumerate() {
            match lits {
                Literals::Any if !cond.is_none() => conditions.push((slot as u32, cond.clone())),
                Literals::Any => always[slot / 64] |= 1 << (slot % 64),
                Literals::Never => {}
                Literals::OneOf(strings) => {
                    with_literals += 1;
                    for s in strings {
                        let id = *ids.entry(s.as_slice()).or_insert_with(|| {
                            patterns.push(s);
                            pattern_slots.push(Vec::new());
                            patterns.len() - 1
                        });
                        if let Some(v) = pattern_slots.get_mut(id)
                            && v.last() != Some(&(slot as u32))
                        {
                            v.push(slot as u32);
                        }
                    }
                }
            }
        }
        let literals = patterns.len();
        drop(ids);
        let dfa = if patterns.is_empty() {
            None
        } else {
            // Borrowed literals: the build runs at the load's peak heap (see `LiteralDfa`).
            let pairs: Vec<(&[u8], Vec<u32>)> = patterns.into_iter().zip(pattern_slots).collect();
            Some(LiteralDfa::new(&pairs))
        };
        let conditioned = conditions.len();
        let bytes = (!conditions.is_empty()).then(|| ByteFilter::new(&conditions));
        GlobalPrefilter {
            literals,
            conditioned,
            bytes,
            dfa,
            always,
            slots: n,
            with_literals,
        }
    }
}

impl GlobalPrefilter {
    /// The number of 64-bit words of a candidate set.
    pub fn words(&self) -> usize {
        self.always.len()
    }

    /// True when `slot` is a candidate for every value (no usable literal, no byte
    /// condition).
    pub fn is_always(&self, slot: u32) -> bool {
        self.always
            .get(slot as usize / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    /// The number of slots.
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Writes the candidate set of `value` into `out` (`words()` words). The set is also
    /// sound for any value equal to `value` up to ASCII case.
    pub fn scan(&self, value: &[u8], out: &mut [u64]) {
        out.copy_from_slice(&self.always);
        let mark = |out: &mut [u64], slot: u32| {
            if let Some(w) = out.get_mut(slot as usize / 64) {
                *w |= 1 << (slot % 64);
            }
        };
        match (&self.dfa, &self.bytes) {
            // One pass computes both the literals and the byte classes seen.
            (Some(dfa), Some(bytes)) => {
                let seen = dfa.scan_seen(value, bytes.table(), |slot| mark(out, slot));
                bytes.apply_seen(seen, out);
            }
            (Some(dfa), None) => dfa.scan(value, |slot| mark(out, slot)),
            (None, Some(bytes)) => bytes.apply(value, out),
            (None, None) => {}
        }
    }

    /// The byte classes tracked for the conditioned slots, and those dropped for lack of
    /// bits (see [`ByteFilter::classes`]).
    pub fn byte_classes(&self) -> (usize, usize) {
        self.bytes.as_ref().map_or((0, 0), ByteFilter::classes)
    }

    /// The automaton's states and transition-table rows (see [`LiteralDfa`]).
    pub fn automaton_size(&self) -> (usize, usize) {
        self.dfa.as_ref().map_or((0, 0), |d| (d.states(), d.rows()))
    }

    /// Approximate heap bytes of the automaton and tables.
    pub fn memory_usage(&self) -> usize {
        self.dfa.as_ref().map_or(0, LiteralDfa::memory)
            + self.bytes.as_ref().map_or(0, ByteFilter::memory)
            + self.always.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates() {
        let mut b = GlobalPrefilterBuilder::default();
        let sel = b.add(Literals::one(b"select"));
        let any = b.add(Literals::Any);
        let never = b.add(Literals::Never);
        let both = b.add(Literals::one_of(vec![
            b"union".to_vec(),
            b"select".to_vec(),
        ]));
        let pf = b.build();
        let mut w = vec![0; pf.words()];
        pf.scan(b"1 SeLeCt 2", &mut w);
        let has = |w: &[u64], s: u32| w[s as usize / 64] & (1 << (s % 64)) != 0;
        assert!(has(&w, sel) && has(&w, any) && !has(&w, never) && has(&w, both));
        pf.scan(b"hello", &mut w);
        assert!(!has(&w, sel) && has(&w, any) && !has(&w, both));
    }

    #[test]
    fn byte_conditions_and_demoted_sets() {
        use palisade_match::prefilter::ByteClass;
        let mut b = GlobalPrefilterBuilder::default();
        let xss = b.add_conditioned(
            Literals::Any,
            ByteCondition::new(vec![ByteClass::of(b"<=")]),
        );
        // Demoted (short, common) but its bytes still count: `or` or `-`.
        let short = b.add(Literals::one_of(vec![b"or".to_vec(), b"-".to_vec()]));
        let sel = b.add(Literals::one(b"select"));
        let pf = b.build();
        assert_eq!(pf.conditioned, 2);
        assert!(!pf.is_always(xss) && !pf.is_always(short));
        let mut w = vec![0; pf.words()];
        let has = |w: &[u64], s: u32| w[s as usize / 64] & (1 << (s % 64)) != 0;
        pf.scan(b"a=b", &mut w);
        assert!(has(&w, xss) && !has(&w, short));
        pf.scan(b"1 OR 2", &mut w);
        assert!(!has(&w, xss) && has(&w, short) && !has(&w, sel));
        pf.scan(b"<SELECT", &mut w);
        assert!(has(&w, xss) && !has(&w, short) && has(&w, sel));
        pf.scan(b"a-b", &mut w);
        assert!(!has(&w, xss) && has(&w, short));
        pf.scan(b"hello", &mut w);
        assert!(!has(&w, xss) && !has(&w, short));
    }
}
