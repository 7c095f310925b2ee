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
//! per byte and a table-driven test of every condition at once. Such a slot is a candidate
//! when the value holds a byte of each class. A demoted literal set implies a condition too (each of its literals
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
//!
//! ## The byte-condition part of a scan, remembered per transaction
//!
//! A scan's candidate set is the union of three parts: the always-candidate slots, the slots
//! of the literals found, and the conditioned slots whose conditions the value satisfies.
//! The third part is a function of one number only: `seen`, the set of tracked byte classes
//! the value holds a byte of, which the literal walk computes as it goes (see
//! [`ByteFilter::apply_seen`]). Testing every distinct condition against `seen` costs a
//! few hundred instructions on every scan, whatever the value's length, and most scanned
//! values are short. But a transaction's values hold far fewer
//! distinct `seen` sets than they are values (letters and digits, a dot, an `@`…), so
//! [`GlobalPrefilter::scan_cached`] keeps, in a direct-mapped [`ScanCache`] owned by the
//! transaction's memo, the union of the always-candidates and the conditioned slots for the
//! `seen` sets met last.
//!
//! *Sound:* an entry is used only for exactly the `seen` it was computed from (the whole key
//! is compared) and only with the prefilter that computed it (each built prefilter has its own
//! id, and a cache meeting another prefilter forgets everything), so the set written is bit
//! for bit the one [`GlobalPrefilter::scan`] writes. The proptest `cached_scans_equal_scans`
//! checks that over random values, random conditions and two prefilters sharing one cache; it
//! fails when the key is not compared, and when the owner is not checked.
//!
//! The cache has 256 entries: a transaction's memory grows by 256 × (16 + 8 × words) bytes
//! (64 entries left static GETs at about 40 % hits). Measured with callgrind on CRS v4.28 PL1
//! (`palisade bench --passes 2 --eager-regexes`, collection inside `replay::drive`): 60 JSON
//! POSTs 570.4 M → 554.1 M instructions, 200 static GETs 333.5 M → 324.3 M; with one pass
//! (no value met in an earlier pass) −2.7 % on both.
//!
//! Misses stay frequent: the 400 requests of a sample of the corpus (`sub.jsonl`) make 45,430
//! scans per pass with 4,027 distinct `seen` sets, and about 17,900 scans per pass miss, in
//! every pass (the sets collide in 256 entries; 4,096 entries would still miss about 4,000
//! times). So what a miss costs matters: `ByteFilter::apply_seen` reads which of the 58
//! distinct conditions (split by candidate word: two words of groups) fail from a table, one
//! lookup per byte of `seen`, instead of testing each condition's mask: about 435
//! instructions per miss instead of about 860. Steady state per pass
//! (`(passes 3 − passes 1) / 2`): sub 488.8 M → 482.0 M instructions.
//! [`GlobalPrefilter::scan_cached_append`] lets the memo append the set to its bits without
//! zeroing the new words twice: 482.0 M → 480.7 M.
//!
//! Keying the cache by the set of conditions that hold instead of by `seen` was tried: it
//! cut misses by a third only (11,756 per pass) and every scan paid for computing the key
//! (sub 486.0 M).

use palisade_match::prefilter::bytes::ByteFilter;
use palisade_match::prefilter::dfa::LiteralDfa;
use palisade_match::prefilter::{ByteCondition, Literals};

/// Ids of built prefilters (0: none), so a [`ScanCache`] knows whose results it holds.
static NEXT_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

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
    /// This prefilter's id (see [`ScanCache`]); 0 for an empty (default) prefilter.
    id: usize,
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
            Some(LiteralDfa::new_verified(&pairs))
        };
        let conditioned = conditions.len();
        let bytes = (!conditions.is_empty()).then(|| ByteFilter::new(&conditions));
        GlobalPrefilter {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
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

    /// [`scan`](Self::scan), with the part that depends on the value's byte classes only (the
    /// always-candidates and the conditioned slots) taken from `cache` when the same classes
    /// were met before (see the module comment). Writes the same set as `scan`.
    pub fn scan_cached(&self, value: &[u8], out: &mut [u64], cache: &mut ScanCache) {
        out.fill(0);
        self.scan_cached_zeroed(value, out, cache);
    }

    /// [`scan_cached`](Self::scan_cached), appending the set's [`words`](Self::words) to
    /// `bits`; returns where they start. The new words are zeroed as they are appended, so
    /// the scan does not zero them again.
    #[inline]
    pub fn scan_cached_append(
        &self,
        value: &[u8],
        bits: &mut Vec<u64>,
        cache: &mut ScanCache,
    ) -> usize {
        let off = bits.len();
        bits.resize(off + self.words(), 0);
        if let Some(out) = bits.get_mut(off..) {
            self.scan_cached_zeroed(value, out, cache);
        }
        off
    }

    /// [`scan_cached`](Self::scan_cached) into an `out` whose words are all zero.
    fn scan_cached_zeroed(&self, value: &[u8], out: &mut [u64], cache: &mut ScanCache) {
        let (Some(dfa), Some(bytes)) = (&self.dfa, &self.bytes) else {
            self.scan(value, out);
            return;
        };
        let seen = dfa.scan_seen(value, bytes.table(), |slot| {
            if let Some(w) = out.get_mut(slot as usize / 64) {
                *w |= 1 << (slot % 64);
            }
        });
        let base = cache.base(self, bytes, seen);
        for (o, b) in out.iter_mut().zip(base) {
            *o |= b;
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

/// Entries of a [`ScanCache`] (a power of two).
const CACHE_ENTRIES: usize = 256;

/// What [`GlobalPrefilter::scan_cached`] remembers: for up to 256 sets of byte
/// classes seen, the union of the always-candidates and the conditioned slots they satisfy.
/// Direct-mapped by a hash of the set; a transaction keeps one for its life (its ruleset's
/// prefilter never changes, and a cache meeting another prefilter starts afresh).
#[derive(Clone, Debug, Default)]
pub struct ScanCache {
    /// The id of the prefilter whose results are held (0: none).
    owner: usize,
    /// The words of one candidate set.
    words: usize,
    /// Which entries hold a result.
    valid: [u64; CACHE_ENTRIES / 64],
    /// Each entry's set of classes seen.
    keys: Vec<u128>,
    /// Each entry's candidate words (`words` per entry).
    sets: Vec<u64>,
}

impl ScanCache {
    /// The always-candidates and the conditioned slots `seen` satisfies, computed on a miss.
    #[inline]
    fn base(&mut self, pf: &GlobalPrefilter, bytes: &ByteFilter, seen: u128) -> &[u64] {
        let words = pf.always.len();
        if self.owner != pf.id || self.words != words {
            self.owner = pf.id;
            self.words = words;
            self.valid = [0; CACHE_ENTRIES / 64];
            self.keys.clear();
            self.keys.resize(CACHE_ENTRIES, 0);
            self.sets.clear();
            self.sets.resize(CACHE_ENTRIES * words, 0);
        }
        let folded = (seen as u64) ^ ((seen >> 64) as u64);
        let i = (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % CACHE_ENTRIES;
        let hit = self.valid[i / 64] & (1 << (i % 64)) != 0 && self.keys.get(i) == Some(&seen);
        let set = self
            .sets
            .get_mut(i * words..(i + 1) * words)
            .unwrap_or(&mut []);
        if !hit {
            for (w, a) in set.iter_mut().zip(&pf.always) {
                *w = *a;
            }
            bytes.apply_seen(seen, set);
            if let Some(k) = self.keys.get_mut(i) {
                *k = seen;
            }
            self.valid[i / 64] |= 1 << (i % 64);
        }
        set
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

    mod cached {
        use super::*;
        use palisade_match::prefilter::ByteClass;
        use proptest::prelude::*;

        /// Bytes from a small alphabet (so values often share their classes, and the cache
        /// hits) plus any byte.
        fn byte() -> impl Strategy<Value = u8> {
            prop_oneof![
                4 => prop::sample::select(b"ab<'\"(%;-.&|$ 1".to_vec()),
                1 => any::<u8>(),
            ]
        }

        /// A prefilter with literal slots, conditioned slots (over 64 slots, so candidate
        /// sets take several words) and always-candidates.
        fn prefilter() -> impl Strategy<Value = GlobalPrefilter> {
            let slot = prop_oneof![
                // A literal set.
                prop::collection::vec(prop::collection::vec(byte(), 1..4), 1..3)
                    .prop_map(|v| (Literals::one_of(v), Vec::new())),
                // A byte condition of one to three classes.
                prop::collection::vec(prop::collection::vec(byte(), 1..4), 1..4)
                    .prop_map(|v| (Literals::Any, v)),
                Just((Literals::Any, Vec::new())),
            ];
            prop::collection::vec(slot, 1..90).prop_map(|slots| {
                let mut b = GlobalPrefilterBuilder::default();
                for (lits, classes) in slots {
                    let cond = if classes.is_empty() {
                        ByteCondition::none()
                    } else {
                        ByteCondition::new(classes.iter().map(|c| ByteClass::of(c)).collect())
                    };
                    b.add_conditioned(lits, cond);
                }
                b.build()
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// A scan through the cache writes exactly the set a plain scan writes, for a
            /// sequence of values and two prefilters sharing one cache.
            #[test]
            fn cached_scans_equal_scans(
                a in prefilter(),
                b in prefilter(),
                values in prop::collection::vec(
                    (any::<bool>(), prop::collection::vec(byte(), 0..12)), 1..40),
            ) {
                let mut cache = ScanCache::default();
                for (first, v) in &values {
                    let pf = if *first { &a } else { &b };
                    let mut want = vec![0; pf.words()];
                    pf.scan(v, &mut want);
                    let mut got = vec![u64::MAX; pf.words()];
                    pf.scan_cached(v, &mut got, &mut cache);
                    prop_assert_eq!(&got, &want, "value {:?}", v);
                    // Appended after other words, as the memo does.
                    let mut bits = vec![u64::MAX; 3];
                    let off = pf.scan_cached_append(v, &mut bits, &mut cache);
                    prop_assert_eq!(off, 3);
                    prop_assert_eq!(&bits[3..], &want[..], "value {:?}", v);
                }
            }
        }
    }
}
