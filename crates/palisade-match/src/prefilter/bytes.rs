//! Byte-level necessary conditions, for operators without usable literals.
//!
//! A [`ByteCondition`] is a conjunction of [`ByteClass`]es: "whenever the operator matches,
//! the input holds a byte of every class". It is weaker than a literal set but costs almost
//! nothing to test: a [`ByteFilter`] ORs one table entry per input byte into a bitmask of
//! the classes seen; which conditions that set satisfies is then read from a table, one
//! lookup per byte of the set (see [`ByteFilter::apply_seen`]).
//!
//! Every class is closed under ASCII case folding (`a` in a class means `A` is too), so a
//! condition that holds for a value holds for any value equal to it up to ASCII case: the
//! engine may scan a raw value and use the result for its lowercased form.
//!
//! Where conditions come from (each argument is in the function that derives it):
//! - [`regex_condition`]: the regex HIR. Every match of a literal contains each of its bytes,
//!   of a class one of its bytes; a concatenation needs what each item needs; a repetition
//!   with a minimum of at least one needs what its item needs; one with a minimum of zero,
//!   an empty match or an assertion needs nothing; an alternation needs, for each choice of
//!   one required class per branch, the union of those classes (whatever branch matched, its
//!   class is inside the union).
//! - [`ByteCondition::from_literals`]: a set of required literals (one of them occurs): for
//!   each position k, the union over the literals of their k-th byte (the last one for the
//!   shorter literals) is required — whichever literal occurs contributes a byte to it. This
//!   serves the short literal sets the engine does not scan for (`or`, `-`).
//! - `@detectXSS` (see `operators/libinjection.rs`): the input holds `<` or `=`.
//!
//! Dropping a class from a conjunction only weakens it, so every bound below (classes per
//! condition, classes per filter) is kept by dropping classes, never by guessing.

use super::Literals;

/// A set of bytes (256 bits), closed under ASCII case folding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteClass([u64; 4]);

impl ByteClass {
    /// The empty class.
    pub const EMPTY: ByteClass = ByteClass([0; 4]);

    /// The class of these bytes and their ASCII case variants.
    pub fn of(bytes: &[u8]) -> ByteClass {
        let mut c = ByteClass::EMPTY;
        for &b in bytes {
            c.insert(b);
        }
        c
    }

    /// Adds `b` and its other ASCII case.
    pub fn insert(&mut self, b: u8) {
        for x in [b, b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
            self.0[usize::from(x >> 6)] |= 1 << (x & 63);
        }
    }

    /// Adds the bytes `start..=end` as they are (no case folding: call
    /// [`fold_case`](Self::fold_case) after the last range). One mask per 64-byte word
    /// instead of one insertion per byte.
    fn insert_range_raw(&mut self, start: u8, end: u8) {
        if start > end {
            return;
        }
        let (start, end) = (usize::from(start), usize::from(end));
        for (w, word) in self.0.iter_mut().enumerate() {
            let (lo, hi) = (w * 64, w * 64 + 63);
            if end < lo || start > hi {
                continue;
            }
            let (from, to) = (start.max(lo) - lo, end.min(hi) - lo);
            // Bits from..=to; `to - from + 1` is 1..=64.
            let width = to - from + 1;
            let ones = if width == 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            *word |= ones << from;
        }
    }

    /// Closes the class under ASCII case folding: every letter gets its other case (the
    /// letters all sit in the second word, `A`-`Z` at bits 1-26 and `a`-`z` at 33-58), which
    /// is what [`insert`](Self::insert) does byte by byte.
    fn fold_case(&mut self) {
        const LETTERS: u64 = 0x3ff_ffff;
        let w = self.0[1];
        let both = ((w >> 1) | (w >> 33)) & LETTERS;
        self.0[1] = w | (both << 1) | (both << 33);
    }

    /// True when `b` is in the class.
    pub fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    /// The union of two classes.
    pub fn union(&self, other: &ByteClass) -> ByteClass {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0) {
            *a |= b;
        }
        out
    }

    /// True when every byte of `self` is in `other`.
    pub fn is_subset(&self, other: &ByteClass) -> bool {
        self.0.iter().zip(other.0).all(|(a, b)| a & !b == 0)
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True when the class holds no byte.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// The bytes, in increasing order.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        (0..=255u8).filter(|&b| self.contains(b))
    }

    /// How often benign values hold a byte of the class, as a rough weight (lower is rarer):
    /// letters, digits and spaces are in almost every value, a few separators in many.
    fn commonness(&self) -> u32 {
        let count = |mask: &ByteClass| -> u32 {
            self.0
                .iter()
                .zip(mask.0)
                .map(|(a, m)| (a & m).count_ones())
                .sum()
        };
        let common = count(&COMMON);
        let separators = count(&SEPARATORS);
        64 * common + 16 * separators + (self.len() as u32 - common - separators)
    }
}

/// Letters, digits and the space.
const COMMON: ByteClass = ByteClass([
    (1 << b' ') | (0x3ff << b'0'),
    (0x3ff_ffff << (b'A' - 64)) | (0x3ff_ffff << (b'a' - 64)),
    0,
    0,
]);

/// Separators frequent in benign values.
const SEPARATORS: ByteClass = ByteClass([
    (1 << b'-') | (1 << b'.') | (1 << b'/') | (1 << b',') | (1 << b':') | (1 << b'+') | (1 << b'%'),
    1 << (b'_' - 64),
    0,
    0,
]);

/// Most classes kept in one condition (the rarest ones).
pub const MAX_CLASSES: usize = 4;
/// Classes with more bytes than this are dropped (they hold almost every byte).
const MAX_CLASS_LEN: usize = 160;
/// Classes tried per alternation (the k-th rarest class of every branch, joined).
const ALT_CLASSES: usize = 3;

/// A conjunction of byte classes every matching input satisfies (no class: no condition).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ByteCondition {
    classes: Vec<ByteClass>,
}

impl ByteCondition {
    /// No condition (every input may match).
    pub fn none() -> ByteCondition {
        ByteCondition::default()
    }

    /// The condition made of these classes (normalized: empty classes stay — an empty class
    /// can never be satisfied — and implied or near-universal classes go).
    pub fn new(classes: Vec<ByteClass>) -> ByteCondition {
        let mut c = ByteCondition { classes };
        c.normalize();
        c
    }

    /// The classes, rarest first.
    pub fn classes(&self) -> &[ByteClass] {
        &self.classes
    }

    /// True when there is no condition.
    pub fn is_none(&self) -> bool {
        self.classes.is_empty()
    }

    /// True when `value` satisfies the condition (for tests and checks; the prefilter uses
    /// [`ByteFilter`]).
    pub fn holds(&self, value: &[u8]) -> bool {
        let mut seen = ByteClass::EMPTY;
        for &b in value {
            seen.0[usize::from(b >> 6)] |= 1 << (b & 63);
        }
        self.classes
            .iter()
            .all(|c| !c.0.iter().zip(seen.0).all(|(a, b)| a & b == 0))
    }

    /// Both conditions.
    pub fn and(mut self, other: &ByteCondition) -> ByteCondition {
        self.classes.extend_from_slice(&other.classes);
        self.normalize();
        self
    }

    /// The condition implied by "one of these literals occurs" (see the module comment).
    /// `Any` gives no condition; `Never` gives the unsatisfiable one.
    pub fn from_literals(lits: &Literals) -> ByteCondition {
        let strings = match lits {
            Literals::Any => return ByteCondition::none(),
            Literals::Never => return ByteCondition::new(vec![ByteClass::EMPTY]),
            Literals::OneOf(v) => v,
        };
        if strings.is_empty() {
            return ByteCondition::new(vec![ByteClass::EMPTY]);
        }
        if strings.iter().any(Vec::is_empty) {
            return ByteCondition::none();
        }
        let longest = strings.iter().map(Vec::len).max().unwrap_or(0).min(8);
        let classes = (0..longest)
            .map(|k| {
                let mut c = ByteClass::EMPTY;
                for s in strings {
                    if let Some(&b) = s.get(k.min(s.len() - 1)) {
                        c.insert(b);
                    }
                }
                c
            })
            .collect();
        ByteCondition::new(classes)
    }

    /// Sorts rarest first, drops duplicates, classes implied by another (a superset of a
    /// required class is required anyway), near-universal classes, and all but
    /// [`MAX_CLASSES`].
    fn normalize(&mut self) {
        normalize_tail(&mut self.classes, 0);
        // The ruleset keeps conditions: drop the room the derivation needed (up to one class
        // per pattern byte) and keep at most MAX_CLASSES.
        self.classes.shrink_to_fit();
    }
}

/// Normalizes `classes[start..]` in place as [`ByteCondition::normalize`] describes (the
/// classes before `start` are left alone), without allocating: the derivation below runs it
/// once per concatenation and alternation branch, on the vector it appends to.
fn normalize_tail(classes: &mut Vec<ByteClass>, start: usize) {
    // Near-universal classes go (their order does not matter: a sort follows).
    let mut w = start;
    for r in start..classes.len() {
        if classes[r].len() <= MAX_CLASS_LEN {
            classes.swap(w, r);
            w += 1;
        }
    }
    classes.truncate(w);
    if classes.len() <= start + 1 {
        // Nothing to sort, merge or drop: one class is its own normal form.
        return;
    }
    let tail = &mut classes[start..];
    // Duplicates go first, so that each distinct class gets its sort key once.
    tail.sort_unstable();
    let mut distinct = 1;
    for r in 1..tail.len() {
        if tail[r] != tail[distinct - 1] {
            tail[distinct] = tail[r];
            distinct += 1;
        }
    }
    let tail = &mut tail[..distinct];
    // The classes are distinct and the key ends with the class itself, so an unstable sort
    // gives the one order a stable sort would.
    tail.sort_unstable_by_key(|c| (c.commonness(), c.len(), *c));
    let mut kept = 0;
    for r in 0..tail.len() {
        // A class is only ever added after those kept before it, and only the first
        // MAX_CLASSES kept survive: later ones cannot change the result.
        if kept == MAX_CLASSES {
            break;
        }
        let c = tail[r];
        if !tail[..kept].iter().any(|k| k.is_subset(&c)) {
            tail[kept] = c;
            kept += 1;
        }
    }
    classes.truncate(start + kept);
}

/// The byte condition of a regex: every input the regex matches holds a byte of each class.
///
/// The HIR must describe a superset of the regex's matches (as
/// [`PcreRegex::hir`](crate::pcre::PcreRegex::hir) does: every match of the pattern contains
/// a match of it), so whatever a match of the HIR needs, the input needs.
pub fn regex_condition(hir: &regex_syntax::hir::Hir) -> ByteCondition {
    let mut classes = Vec::new();
    required(hir, &mut classes);
    ByteCondition::new(classes)
}

/// Appends to `out` the classes every match of `hir` holds a byte of (see the module comment
/// for each case). Concatenations and alternation branches normalize what they appended
/// ([`normalize_tail`]), so `out` gets exactly the list a function returning a fresh vector
/// per node would give, without a vector per node.
fn required(hir: &regex_syntax::hir::Hir, out: &mut Vec<ByteClass>) {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => out.extend(lit.0.iter().map(|&b| ByteClass::of(&[b]))),
        HirKind::Class(Class::Bytes(c)) => {
            let mut class = ByteClass::EMPTY;
            for r in c.iter() {
                class.insert_range_raw(r.start(), r.end());
            }
            class.fold_case();
            out.push(class);
        }
        // regex-syntax turns an alternation of single ASCII bytes into a Unicode class. A
        // character at or above U+0080 is matched as its UTF-8 encoding, whose first byte
        // is at least 0xC2: all lead bytes stand in for such characters.
        HirKind::Class(Class::Unicode(c)) => {
            let mut class = ByteClass::EMPTY;
            for r in c.iter() {
                let (start, end) = (u32::from(r.start()), u32::from(r.end()));
                if start <= 0x7f {
                    // Both ends are below 0x80 here, so the casts keep them.
                    class.insert_range_raw(start as u8, end.min(0x7f) as u8);
                }
                if end >= 0x80 {
                    class.insert_range_raw(0xc2, 0xff);
                }
            }
            class.fold_case();
            out.push(class);
        }
        HirKind::Capture(cap) => required(&cap.sub, out),
        HirKind::Repetition(rep) if rep.min == 0 => {}
        HirKind::Repetition(rep) => required(&rep.sub, out),
        HirKind::Concat(items) => {
            let start = out.len();
            for item in items {
                required(item, out);
            }
            normalize_tail(out, start);
        }
        HirKind::Alternation(alts) => {
            // Each branch's normalized classes (at most MAX_CLASSES) and their count.
            let mut branches: Vec<([ByteClass; MAX_CLASSES], usize)> =
                Vec::with_capacity(alts.len());
            let mut scratch = Vec::new();
            for a in alts {
                scratch.clear();
                required(a, &mut scratch);
                normalize_tail(&mut scratch, 0);
                if scratch.is_empty() {
                    // This branch needs nothing, so neither does the alternation.
                    return;
                }
                let mut classes = [ByteClass::EMPTY; MAX_CLASSES];
                let n = scratch.len().min(MAX_CLASSES);
                classes[..n].copy_from_slice(&scratch[..n]);
                branches.push((classes, n));
            }
            // Round k picks one class per branch (greedily, the one that keeps the union
            // rarest), avoiding the classes earlier rounds picked when the branch has others
            // (`used`: one bit per class index of the branch).
            let mut used: Vec<u8> = vec![0; branches.len()];
            for _ in 0..ALT_CLASSES {
                let mut acc = ByteClass::EMPTY;
                for ((classes, n), u) in branches.iter().zip(used.iter_mut()) {
                    let b = &classes[..*n];
                    let key = |i: usize| (acc.union(&b[i]).commonness(), i);
                    let fresh = (0..b.len())
                        .filter(|&i| *u & (1 << i) == 0)
                        .min_by_key(|&i| key(i));
                    let i = fresh
                        .or_else(|| (0..b.len()).min_by_key(|&i| key(i)))
                        .unwrap_or(0);
                    *u |= 1 << i;
                    if let Some(c) = b.get(i) {
                        acc = acc.union(c);
                    }
                }
                out.push(acc);
            }
        }
    }
}

/// Most distinct classes one filter tracks (one bit each).
pub const MAX_FILTER_CLASSES: usize = 128;

/// Tests many conditions on a value at once: one table lookup per byte, then one table
/// lookup per byte of the classes-seen mask that some condition reads (see
/// [`apply_seen`](Self::apply_seen)), and the slots of the conditions that hold.
#[derive(Clone, Debug)]
pub struct ByteFilter {
    /// Byte → the classes (bits) holding it.
    table: [u128; 256],
    /// Each group's required class bits. A group is a distinct (condition, candidate word)
    /// pair: the slots of one word that share one condition.
    masks: Vec<u128>,
    /// Each group's candidate word: (word index, the slots' bits).
    words: Vec<(usize, u64)>,
    /// The groups there are, 64 to a word (bit `g % 64` of word `g / 64`).
    all: Vec<u64>,
    /// The failure table, per word of groups: at `fails[g / 64][j][v]`, bit `g % 64` is set
    /// when group `g` requires a bit of byte `j` of the classes-seen mask that the byte
    /// value `v` lacks.
    fails: Vec<[[u64; 256]; 16]>,
    /// Distinct classes tracked, and dropped for lack of bits.
    classes: (usize, usize),
}

impl ByteFilter {
    /// Builds a filter over (slot, condition) pairs. A condition without classes (or whose
    /// classes did not fit in [`MAX_FILTER_CLASSES`]) makes its slot always set.
    pub fn new(conditions: &[(u32, ByteCondition)]) -> ByteFilter {
        use std::collections::BTreeMap;
        // Number the distinct classes, the rarest (most selective) first, then the most
        // used: classes dropped for lack of bits are the ones that filter least.
        let mut uses: BTreeMap<ByteClass, usize> = BTreeMap::new();
        for (_, c) in conditions {
            for class in c.classes() {
                *uses.entry(*class).or_default() += 1;
            }
        }
        let mut order: Vec<(ByteClass, usize)> = uses.into_iter().collect();
        order.sort_by_cached_key(|(c, n)| (c.commonness(), std::cmp::Reverse(*n), *c));
        let distinct = order.len();
        order.truncate(MAX_FILTER_CLASSES);
        let classes = (order.len(), distinct - order.len());
        let bit_of: BTreeMap<ByteClass, u128> = order
            .iter()
            .enumerate()
            .map(|(i, (c, _))| (*c, 1u128 << i))
            .collect();
        let mut table = [0u128; 256];
        for (class, bit) in &bit_of {
            for b in class.bytes() {
                table[usize::from(b)] |= bit;
            }
        }
        let mut by_mask: BTreeMap<(u128, usize), u64> = BTreeMap::new();
        for (slot, c) in conditions {
            // Classes without a bit are dropped (a weaker condition, still necessary).
            let mask = c
                .classes()
                .iter()
                .filter_map(|class| bit_of.get(class))
                .fold(0, |m, b| m | b);
            let slot = *slot as usize;
            *by_mask.entry((mask, slot / 64)).or_default() |= 1 << (slot % 64);
        }
        let masks: Vec<u128> = by_mask.keys().map(|&(m, _)| m).collect();
        let words: Vec<(usize, u64)> = by_mask.into_iter().map(|((_, w), b)| (w, b)).collect();
        let group_words = masks.len().div_ceil(64);
        let mut all = vec![0u64; group_words];
        let mut fails = vec![[[0u64; 256]; 16]; group_words];
        for (g, mask) in masks.iter().enumerate() {
            if let Some(a) = all.get_mut(g / 64) {
                *a |= 1 << (g % 64);
            }
            let Some(table) = fails.get_mut(g / 64) else {
                continue;
            };
            for (j, row) in table.iter_mut().enumerate() {
                let need = (mask >> (8 * j)) as u8;
                if need == 0 {
                    continue;
                }
                for (v, f) in row.iter_mut().enumerate() {
                    if need & !(v as u8) != 0 {
                        *f |= 1 << (g % 64);
                    }
                }
            }
        }
        ByteFilter {
            table,
            masks,
            words,
            all,
            fails,
            classes,
        }
    }

    /// The distinct classes tracked, and those dropped because more than
    /// [`MAX_FILTER_CLASSES`] were asked for (their conditions are weaker, still sound).
    pub fn classes(&self) -> (usize, usize) {
        self.classes
    }

    /// True when no slot is conditioned.
    pub fn is_empty(&self) -> bool {
        self.masks.is_empty()
    }

    /// Sets in `out` (a candidate bitset) the slots whose condition `value` satisfies.
    #[inline]
    pub fn apply(&self, value: &[u8], out: &mut [u64]) {
        if self.masks.is_empty() {
            return;
        }
        self.apply_seen(self.seen(value), out);
    }

    /// The classes (bits) `value` holds a byte of.
    #[inline]
    pub fn seen(&self, value: &[u8]) -> u128 {
        let mut seen = 0u128;
        for &b in value {
            seen |= self.table[usize::from(b)];
        }
        seen
    }

    /// The byte → class bits table, for scanners that compute [`seen`](Self::seen) in
    /// their own pass ([`LiteralDfa::scan_seen`](super::dfa::LiteralDfa::scan_seen)).
    pub fn table(&self) -> &[u128; 256] {
        &self.table
    }

    /// Sets in `out` the slots whose conditions the classes `seen` satisfy.
    ///
    /// A group holds when `mask & !seen == 0`, that is when no byte `j` of `mask` requires a
    /// bit that byte `j` of `seen` lacks: so the groups that fail are the union, over the 16
    /// bytes `j`, of `fails[j][seen byte j]`, and the others hold. This is the same test as
    /// one mask compare per group, done 64 groups at a time (proptest
    /// `apply_seen_equals_one_test_per_group`). On CRS v4 PL1 (58 conditions, 83
    /// conditioned slots) a call costs about 435 instructions instead of about 860.
    pub fn apply_seen(&self, seen: u128, out: &mut [u64]) {
        let seen = seen.to_le_bytes();
        for (k, (&all, table)) in self.all.iter().zip(&self.fails).enumerate() {
            let mut fail = 0u64;
            for (row, &v) in table.iter().zip(&seen) {
                fail |= row[usize::from(v)];
            }
            let mut hold = all & !fail;
            while hold != 0 {
                let g = k * 64 + hold.trailing_zeros() as usize;
                hold &= hold - 1;
                if let Some(&(w, bits)) = self.words.get(g)
                    && let Some(o) = out.get_mut(w)
                {
                    *o |= bits;
                }
            }
        }
    }

    /// [`apply_seen`](Self::apply_seen) as one mask test per group (the reference the
    /// table-driven one must equal).
    #[cfg(test)]
    fn apply_seen_per_group(&self, seen: u128, out: &mut [u64]) {
        for (mask, &(w, bits)) in self.masks.iter().zip(&self.words) {
            if mask & !seen == 0 {
                out[w] |= bits;
            }
        }
    }

    /// Heap bytes used.
    pub fn memory(&self) -> usize {
        4096 + self.masks.len() * 32
            + self.all.len() * 8
            + self.fails.len() * std::mem::size_of::<[[u64; 256]; 16]>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcre::{PcreRegex, RegexLimits};

    fn cond(pattern: &str) -> ByteCondition {
        let re = PcreRegex::new(pattern.as_bytes(), false, &RegexLimits::default())
            .unwrap_or_else(|e| panic!("{pattern}: {e}"));
        regex_condition(&re.hir())
    }

    /// `normalize` as it was before duplicates were dropped first and the loop stopped at
    /// `MAX_CLASSES` (main 752d295): the reference the faster one must equal.
    fn normalize_ref(mut classes: Vec<ByteClass>) -> Vec<ByteClass> {
        classes.retain(|c| c.len() <= MAX_CLASS_LEN);
        classes.sort_by_cached_key(|c| (c.commonness(), c.len(), *c));
        classes.dedup();
        let mut kept: Vec<ByteClass> = Vec::new();
        for c in classes.drain(..) {
            if !kept.iter().any(|k| k.is_subset(&c)) {
                kept.push(c);
            }
        }
        kept.truncate(MAX_CLASSES);
        kept
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// Classes drawn from a few small byte pools, so that duplicates, subsets and more
        /// than `MAX_CLASSES` survivors all occur.
        #[test]
        fn normalize_equals_the_reference(
            sets in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(b"aB<=;'\"%0 -\x80\xff".to_vec()), 0..4),
                0..12,
            )
        ) {
            let classes: Vec<ByteClass> = sets.iter().map(|s| ByteClass::of(s)).collect();
            proptest::prop_assert_eq!(
                ByteCondition::new(classes.clone()).classes,
                normalize_ref(classes)
            );
        }

        /// Ranges set by word masks and folded once equal byte-by-byte insertion (range
        /// ends drawn near word edges and letters, where an off-by-one would show).
        #[test]
        fn ranges_equal_bytewise_insertion(
            ranges in proptest::collection::vec(
                (proptest::sample::select(EDGES.to_vec()), proptest::sample::select(EDGES.to_vec())),
                0..4,
            )
        ) {
            let mut fast = ByteClass::EMPTY;
            let mut slow = ByteClass::EMPTY;
            for &(a, b) in &ranges {
                fast.insert_range_raw(a, b);
                for x in a..=b {
                    slow.insert(x);
                }
            }
            fast.fold_case();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The filter sets exactly the slots whose condition holds (few classes: none is
        /// dropped), whatever order the conditions' rarest classes come in; and values
        /// equal up to ASCII case get the same slots.
        #[test]
        fn filter_sets_exactly_the_slots_whose_condition_holds(
            conditions in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::collection::vec(
                        proptest::sample::select(b"aB<=;'\"%0 -\x80\xff".to_vec()), 0..3),
                    0..4,
                ),
                0..40,
            ),
            value in proptest::collection::vec(
                proptest::sample::select(b"abAB<=;'\"%0 -\x80\xffz".to_vec()), 0..12),
        ) {
            let conds: Vec<(u32, ByteCondition)> = conditions
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    // Slots spread over several words, two conditions per slot at times.
                    let slot = (i as u32 * 37) % 150;
                    (slot, ByteCondition::new(c.iter().map(|s| ByteClass::of(s)).collect()))
                })
                .collect();
            let f = ByteFilter::new(&conds);
            proptest::prop_assert_eq!(f.classes().1, 0);
            let mut out = [0u64; 3];
            f.apply(&value, &mut out);
            let mut expected = [0u64; 3];
            for (slot, c) in &conds {
                if c.holds(&value) {
                    expected[*slot as usize / 64] |= 1 << (slot % 64);
                }
            }
            proptest::prop_assert_eq!(out, expected);
            let mut upper = [0u64; 3];
            f.apply(&value.to_ascii_uppercase(), &mut upper);
            proptest::prop_assert_eq!(upper, expected);
        }

        /// The table-driven [`ByteFilter::apply_seen`] sets exactly the slots one mask test
        /// per group sets: over up to 200 conditions of one to four single-byte classes
        /// (so masks reach all 128 bits and groups fill more than one word), for seen sets
        /// sparse, dense and taken from values.
        #[test]
        fn apply_seen_equals_one_test_per_group(
            picks in proptest::collection::vec(
                proptest::collection::vec(0u8..=255, 0..5), 1..200),
            seens in proptest::collection::vec(
                (proptest::prelude::any::<u128>(), proptest::prelude::any::<u128>(), 0u8..3,
                 proptest::collection::vec(0u8..=255, 0..40)), 1..8),
        ) {
            let conds: Vec<(u32, ByteCondition)> = picks
                .iter()
                .enumerate()
                .map(|(i, bytes)| {
                    let classes = bytes.iter().map(|&b| ByteClass::of(&[b])).collect();
                    ((i as u32 * 7) % 300, ByteCondition::new(classes))
                })
                .collect();
            let f = ByteFilter::new(&conds);
            for (a, b, how, value) in &seens {
                let seen = match how {
                    0 => a & b,
                    1 => a | b,
                    _ => f.seen(value),
                };
                let mut got = [0u64; 5];
                f.apply_seen(seen, &mut got);
                let mut want = [0u64; 5];
                f.apply_seen_per_group(seen, &mut want);
                proptest::prop_assert_eq!(got, want, "seen {:032x}", seen);
            }
        }

        /// With more classes than bits, dropped classes only weaken conditions: every slot
        /// whose condition holds is set.
        #[test]
        fn filter_with_dropped_classes_stays_sound(
            picks in proptest::collection::vec((0u8..=255, 0u8..=255, 0u8..=255), 130..200),
            value in proptest::collection::vec(0u8..=255, 0..24),
        ) {
            let conds: Vec<(u32, ByteCondition)> = picks
                .iter()
                .enumerate()
                .map(|(i, &(a, b, c))| {
                    let classes = vec![ByteClass::of(&[a, b]), ByteClass::of(&[c])];
                    (i as u32, ByteCondition::new(classes))
                })
                .collect();
            let f = ByteFilter::new(&conds);
            let mut out = [0u64; 4];
            f.apply(&value, &mut out);
            for (slot, c) in &conds {
                if c.holds(&value) {
                    proptest::prop_assert!(out[*slot as usize / 64] & (1 << (slot % 64)) != 0);
                }
            }
        }
    }

    /// Range ends for `ranges_equal_bytewise_insertion`.
    const EDGES: [u8; 22] = [
        0, 1, 62, 63, 64, 65, 66, 90, 91, 96, 97, 98, 122, 123, 126, 127, 128, 129, 191, 192, 254,
        255,
    ];

    fn show(c: &ByteCondition) -> Vec<String> {
        c.classes()
            .iter()
            .map(|k| String::from_utf8_lossy(&k.bytes().collect::<Vec<u8>>()).into_owned())
            .collect()
    }

    #[test]
    fn derives_required_classes() {
        assert_eq!(show(&cond("a<b")), ["<", "Aa", "Bb"]);
        assert_eq!(show(&cond("[<>]x*")), ["<>"]);
        assert_eq!(show(&cond("(?:<|=)")), ["<="]);
        assert_eq!(show(&cond("(?:<a|=b)")), ["<=", "ABab"]);
        assert!(cond("x?").is_none());
        assert!(cond("(?:<|)").is_none());
        assert!(cond(".").is_none(), "near-universal classes are dropped");
        assert!(cond("^$").is_none());
    }

    #[test]
    fn commonness_weights() {
        assert_eq!(ByteClass::of(b"a").commonness(), 128);
        assert_eq!(ByteClass::of(b" 9").commonness(), 128);
        assert_eq!(ByteClass::of(b"-_").commonness(), 32);
        assert_eq!(ByteClass::of(b"<=").commonness(), 2);
        assert_eq!(COMMON.len(), 63);
        assert_eq!(SEPARATORS.len(), 8);
    }

    #[test]
    fn alternations_share_a_rare_class() {
        // Every branch holds `:`; the first round joins the `:`s.
        assert_eq!(show(&cond("(?:javascript:|data:x|-moz-binding:)"))[0], ":");
    }

    #[test]
    fn conditions_hold_for_matches_and_case_variants() {
        let c = cond("(?i)on[a-z]+\\s*=");
        assert!(c.holds(b"ONLOAD=") && c.holds(b"onload ="));
        assert!(!c.holds(b"onload"));
    }

    #[test]
    fn literal_sets_give_positional_classes() {
        let c = ByteCondition::from_literals(&Literals::OneOf(vec![b"or".to_vec(), b"-".to_vec()]));
        assert!(c.holds(b"OR") && c.holds(b"a-b"));
        assert!(!c.holds(b"xyz"));
        assert!(ByteCondition::from_literals(&Literals::Any).is_none());
        assert!(!ByteCondition::from_literals(&Literals::Never).holds(b"anything"));
    }

    #[test]
    fn filter_sets_slots_whose_condition_holds() {
        let f = ByteFilter::new(&[
            (0, ByteCondition::new(vec![ByteClass::of(b"<=")])),
            (
                1,
                ByteCondition::new(vec![ByteClass::of(b"<"), ByteClass::of(b"x")]),
            ),
            (70, ByteCondition::none()),
            (65, ByteCondition::new(vec![ByteClass::EMPTY])),
        ]);
        let run = |v: &[u8]| {
            let mut out = [0u64; 2];
            f.apply(v, &mut out);
            out
        };
        assert_eq!(run(b"a=b"), [1, 1 << 6]);
        assert_eq!(run(b"<X"), [3, 1 << 6]);
        assert_eq!(run(b"<"), [1, 1 << 6]);
        assert_eq!(run(b""), [0, 1 << 6]);
    }
}
