//! [`LiteralDfa`]: the prefilter's scanner, a textbook Aho-Corasick automaton compiled to a
//! full DFA over byte classes, ASCII case-insensitive, reporting for every state the slots of
//! all literals that end there.
//!
//! Why not the `aho-corasick` crate: the prefilter needs *every* literal that occurs
//! (overlapping semantics) for thousands of literals. On the CRS literal set (12,814 literals),
//! `aho-corasick`'s DFA with ASCII case folding takes 52 MB (its contiguous NFA 2.4 MB and is
//! slower); this automaton, with literals cut to 4 bytes and 16-bit transitions, takes 1.1 MB
//! (6,548 states × 80 byte classes), and the engine builds one prefilter per transformation
//! chain. Over the 117,064 corpus values (1.6 MB, mostly under 20 bytes) it scanned at
//! 27–39 MiB/s against 21–41 MiB/s for `aho-corasick`'s overlapping iterator in the same runs,
//! on a machine with a load average near 9 on 2 cores (absolute numbers are pessimistic).
//! Cutting literals from 8 to 4 bytes let through 0.45% more (value, slot) pairs.
//!
//! ## Rows only for states with children
//!
//! Literals are cut to [`MAX_LITERAL`] bytes, so most states are leaves of the trie: a literal
//! ends there and nothing extends it. A leaf's transitions are its failure state's (it has no
//! child of its own), so a leaf needs no row of its own: it borrows the row of the nearest
//! state with children on its failure chain (the root at worst). The table holds one row per
//! state with children, and each state has a `(row, output)` entry: after a byte, the scan
//! moves to a state, reports its output and continues from its row. This is the same
//! automaton, only stored without the duplicate rows.
//!
//! ## One branch per byte for quiet states
//!
//! Most bytes of a value lead to a state with children where no literal ends. Such a state's
//! row is its own (rows are numbered as the states with children) and it reports nothing, so
//! the scan needs nothing else about it. Every other transition (to a leaf, which borrows a
//! row, or to a state with an output) has the table's top bit set ([`Cell::FLAG`]; the state
//! id is below it, since a 16-bit table is used only for fewer than 2^15 states). The scan
//! loop takes a transition, and when the flag is clear it goes on from that state's row with
//! no other lookup; only flagged transitions read the state's `(row, output)` entry. The
//! proptest `reports_exactly_the_literals_that_occur` compares the result with brute force.
//!
//! ## Long literals verified whole ([`LiteralDfa::new_verified`])
//!
//! Cutting literals to [`MAX_LITERAL`] bytes keeps the automaton small but lets common
//! prefixes through: CRS's `json_extract` (942550) and `json_…` functions (942151) are cut to
//! `json`, which every JSON argument name (`json.items.array_0.sku`) holds, so those regexes
//! ran on every JSON argument name for nothing. An automaton built with `new_verified`
//! therefore reports a literal longer than [`MAX_LITERAL`] bytes as a *tail item* instead of
//! its slots: where its first [`MAX_LITERAL`] bytes end (at byte `i` of the value), the scan
//! compares the rest of the literal with the bytes from `i + 1` on (ASCII case-insensitively,
//! as the automaton compares) and reports the literal's slots only when they are equal. *Sound:*
//! when the literal occurs whole at `j..j + len`, its first [`MAX_LITERAL`] bytes end at
//! `i = j + MAX_LITERAL - 1`, where the automaton reports them (it reports every occurrence
//! of every cut literal, including those ending on a failure path), and the bytes from
//! `i + 1` are the rest of the literal, so the comparison holds and the slots are reported. The
//! slots of a literal that does not occur whole may go unreported, which is the point. The
//! one shortcut of the scan loop that skips an output equal to the last one reported applies
//! only to outputs without tail items (a tail may follow at one place and not at another).
//! The proptest `verified_reports_exactly_the_whole_literals_that_occur` compares with brute
//! force over whole literals (it fails when tails are compared one byte early, and when an
//! output with tails is skipped as equal to the last one). Slots must be below 2^31 (the top
//! bit marks tail items).
//!
//! Two limits keep the checks cheap: a tail item carries the tail's first byte, so most
//! occurrences are rejected with one comparison; and an output that would hold more than
//! `MAX_TAILS` (8) tail items reports their slots unverified (`imag`, the cut of hundreds of PHP
//! `image…` function names, occurs in every `Accept: image/…` header). Measured with callgrind
//! on CRS v4.28 PL1 (`palisade bench --passes 2 --eager-regexes`, inside `replay::drive`), on
//! top of the per-transaction scan cache: 60 JSON POSTs 554.1 M → 526.3 M instructions
//! (`@rx` calls 63,376 → about 43,300), 200 static GETs 324.3 M → 326.3 M. Load: +3.7 M
//! instructions for the tails (+0.5 %), measured against the same code built unverified.
//!
//! ## Built with few temporaries
//!
//! The engine builds its automaton last, when the ruleset (and the parsed rules it is
//! compiled from) are all in memory, so whatever the build holds for a while sits on top of
//! the load's peak heap, which the allocator keeps resident afterwards. The build therefore
//! sorts the cut literals, creates the trie level by level (which numbers the states breadth
//! first, the order failure links need), counts the states before allocating the table in its
//! final width, and fills the rows in place; output lists are interned into one flat array.

/// Literals are cut to this many bytes in the automaton.
pub const MAX_LITERAL: usize = 4;

/// A DFA finding every occurrence of a set of literals.
#[derive(Clone, Debug)]
pub struct LiteralDfa {
    /// Byte → class (ASCII letters share their lower-case class; unused bytes are class 0).
    classes: [u8; 256],
    stride: usize,
    /// `trans[row * stride + class]`: the next state.
    trans: Trans,
    /// For each state: where the row its transitions are in starts in `trans` (the row times
    /// `stride`, premultiplied so the scan loop does no multiplication), and its output (an
    /// index into `slots` where its slot list starts, as `[len, slot, …]`; 0 when no literal
    /// ends there).
    meta: Vec<[u32; 2]>,
    /// Slot lists; index 0 is unused. A list's first word is its length; with [`TAILED`] set
    /// the list ends with tail items, as many as the bits at [`TAILS_SHIFT`] say. An item is
    /// a slot, or (with [`TAILED`] set) a tail item: a [`Tail`] in `tails` and its first
    /// byte.
    slots: Vec<u32>,
    /// The literals longer than [`MAX_LITERAL`] bytes, verified whole (see the module
    /// comment); empty unless built by [`LiteralDfa::new_verified`].
    tails: Vec<Tail>,
    /// The tails' bytes (lower case), one after the other.
    tail_bytes: Vec<u8>,
    /// The tails' slots, one list after the other.
    tail_slots: Vec<u32>,
}

/// A literal longer than [`MAX_LITERAL`] bytes: what must follow its first [`MAX_LITERAL`]
/// bytes, and its slots (ranges of `tail_bytes` and `tail_slots`).
#[derive(Clone, Copy, Debug)]
struct Tail {
    bytes: (u32, u32),
    slots: (u32, u32),
}

/// On a slot list's length word: the list holds tail items. On an item: a tail item, whose
/// bits below hold the tail's first byte (lower case) at [`FIRST_SHIFT`] and its index below
/// that.
const TAILED: u32 = 1 << 31;
/// The most tail items one output checks; an output that would check more reports their
/// slots unverified, as the cut literals would (`imag`, the cut of hundreds of PHP `image…`
/// functions, occurs in every `Accept: image/…` header).
const MAX_TAILS: usize = 8;
/// On a slot list's length word with [`TAILED`]: where the number of tail items is.
const TAILS_SHIFT: u32 = 24;
/// On a slot list's length word: the bits of the length.
const LEN_MASK: u32 = (1 << TAILS_SHIFT) - 1;
/// Where a tail item holds its tail's first byte.
const FIRST_SHIFT: u32 = 23;
/// The index bits of a tail item.
const TAIL_INDEX: u32 = (1 << FIRST_SHIFT) - 1;

/// Transitions, in 16 bits when the automaton is small enough (half the cache footprint).
#[derive(Clone, Debug)]
enum Trans {
    Small(Vec<u16>),
    Large(Vec<u32>),
}

/// A transition table cell, in the table's final width.
trait Cell: Copy + Default + Eq + Into<u32> {
    /// The top bit: set on transitions to a leaf or to a state with an output (see the
    /// module comment); the state id is in the bits below.
    const FLAG: u32;
    fn from_u32(v: u32) -> Self;
}

impl Cell for u16 {
    const FLAG: u32 = 1 << 15;
    fn from_u32(v: u32) -> Self {
        v as u16
    }
}

impl Cell for u32 {
    const FLAG: u32 = 1 << 31;
    fn from_u32(v: u32) -> Self {
        v
    }
}

/// A cut literal: its classes, and the index of the literal it came from.
struct Key {
    classes: [u8; MAX_LITERAL],
    len: u8,
    literal: u32,
}

impl Key {
    fn bytes(&self) -> &[u8] {
        &self.classes[..usize::from(self.len)]
    }
}

/// The trie, breadth first: each node's parent and the class leading to it (node 0 is the
/// root), which literals end where, and the state id of each node (states with children
/// first).
struct Trie {
    nodes: Vec<(u32, u8)>,
    /// (node, literal) for every literal, sorted by node.
    ends: Vec<(u32, u32)>,
    /// Node → state id.
    id: Vec<u32>,
    /// States with children (ids `0..rows`).
    rows: usize,
}

impl Trie {
    fn new(keys: &mut [Key]) -> Trie {
        keys.sort_unstable_by(|a, b| a.bytes().cmp(b.bytes()));
        let mut nodes: Vec<(u32, u8)> = vec![(0, 0)];
        let mut at = vec![0u32; keys.len()];
        for depth in 0..MAX_LITERAL {
            let mut last: Option<((u32, u8), u32)> = None;
            for (k, node) in keys.iter().zip(at.iter_mut()) {
                let Some(&c) = k.bytes().get(depth) else {
                    continue;
                };
                let edge = (*node, c);
                *node = match last {
                    Some((e, n)) if e == edge => n,
                    _ => {
                        let n = nodes.len() as u32;
                        nodes.push(edge);
                        last = Some((edge, n));
                        n
                    }
                };
            }
        }
        let mut ends: Vec<(u32, u32)> = at
            .iter()
            .zip(keys.iter())
            .map(|(&n, k)| (n, k.literal))
            .collect();
        ends.sort_unstable();
        let mut has_child = vec![false; nodes.len()];
        has_child[0] = true;
        for &(parent, _) in &nodes[1..] {
            has_child[parent as usize] = true;
        }
        let rows = has_child.iter().filter(|&&h| h).count();
        let (mut next_row, mut next_leaf) = (0u32, rows as u32);
        let id = has_child
            .iter()
            .map(|&h| {
                let counter = if h { &mut next_row } else { &mut next_leaf };
                *counter += 1;
                *counter - 1
            })
            .collect();
        Trie {
            nodes,
            ends,
            id,
            rows,
        }
    }
}

impl LiteralDfa {
    /// Builds the automaton from (literal, slots) pairs. An empty literal occurs everywhere:
    /// its slots are reported at every byte of a non-empty value.
    pub fn new<L: AsRef<[u8]>, S: AsRef<[u32]>>(literals: &[(L, S)]) -> Self {
        Self::build(literals, false)
    }

    /// [`new`](Self::new), but a literal longer than [`MAX_LITERAL`] bytes is reported by
    /// [`scan`](Self::scan) and [`scan_seen`](Self::scan_seen) only where it occurs whole:
    /// where its first [`MAX_LITERAL`] bytes end, the rest is compared (see the module
    /// comment). [`contains_any`](Self::contains_any) still answers for the cut literals.
    pub fn new_verified<L: AsRef<[u8]>, S: AsRef<[u32]>>(literals: &[(L, S)]) -> Self {
        Self::build(literals, true)
    }

    fn build<L: AsRef<[u8]>, S: AsRef<[u32]>>(literals: &[(L, S)], verify: bool) -> Self {
        let mut used = [false; 256];
        for (lit, _) in literals {
            for &b in lit.as_ref().iter().take(MAX_LITERAL) {
                used[usize::from(b.to_ascii_lowercase())] = true;
            }
        }
        let mut classes = [0u8; 256];
        let mut next_class: u16 = 1;
        for b in 0..=255u8 {
            if used[usize::from(b)] && !b.is_ascii_uppercase() {
                classes[usize::from(b)] = next_class as u8;
                next_class += 1;
            }
        }
        for b in b'A'..=b'Z' {
            classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
        }
        let stride = usize::from(next_class);

        let mut keys: Vec<Key> = literals
            .iter()
            .enumerate()
            .map(|(i, (lit, _))| {
                let lit = lit.as_ref();
                let mut k = Key {
                    classes: [0; MAX_LITERAL],
                    len: lit.len().min(MAX_LITERAL) as u8,
                    literal: i as u32,
                };
                for (c, &b) in k.classes.iter_mut().zip(lit) {
                    *c = classes[usize::from(b)];
                }
                k
            })
            .collect();
        let trie = Trie::new(&mut keys);
        drop(keys);
        // The literals verified whole: their tails, and the item standing for each.
        let mut tails: Vec<Tail> = Vec::new();
        let mut tail_bytes: Vec<u8> = Vec::new();
        let mut tail_slots: Vec<u32> = Vec::new();
        let mut tail_item: Vec<u32> = Vec::new();
        if verify {
            tail_item = vec![0; literals.len()];
            for ((lit, sl), item) in literals.iter().zip(tail_item.iter_mut()) {
                let (lit, sl) = (lit.as_ref(), sl.as_ref());
                if lit.len() <= MAX_LITERAL || sl.is_empty() || tails.len() > TAIL_INDEX as usize {
                    // Too many tails: the rest are reported cut (a superset, still sound).
                    continue;
                }
                let rest = &lit[MAX_LITERAL..];
                let b0 = tail_bytes.len() as u32;
                tail_bytes.extend(rest.iter().map(u8::to_ascii_lowercase));
                let s0 = tail_slots.len() as u32;
                tail_slots.extend_from_slice(sl);
                let first = u32::from(rest.first().map_or(0, u8::to_ascii_lowercase));
                *item = TAILED | (first << FIRST_SHIFT) | tails.len() as u32;
                tails.push(Tail {
                    bytes: (b0, rest.len() as u32),
                    slots: (s0, sl.len() as u32),
                });
            }
        }
        let slot_list = |lit: u32| -> &[u32] {
            match tail_item.get(lit as usize) {
                Some(item) if *item != 0 => std::slice::from_ref(item),
                _ => literals
                    .get(lit as usize)
                    .map_or(&[][..], |(_, s)| s.as_ref()),
            }
        };
        let tail_slot_list = |item: u32| -> &[u32] {
            tails
                .get((item & TAIL_INDEX) as usize)
                .map_or(&[][..], |t| {
                    let (s0, sn) = (t.slots.0 as usize, t.slots.1 as usize);
                    tail_slots.get(s0..s0 + sn).unwrap_or(&[])
                })
        };
        // Ids below the flag bit (see `Cell::FLAG`).
        let (trans, meta, slots) = if trie.nodes.len() < (1 << 15) {
            let (t, m, s) = fill::<u16, _, _>(&trie, stride, verify, slot_list, tail_slot_list);
            (Trans::Small(t), m, s)
        } else {
            let (t, m, s) = fill::<u32, _, _>(&trie, stride, verify, slot_list, tail_slot_list);
            (Trans::Large(t), m, s)
        };
        LiteralDfa {
            classes,
            stride,
            trans,
            meta,
            slots,
            tails,
            tail_bytes,
            tail_slots,
        }
    }

    /// Calls `mark` with the slots of every literal occurring in `value` (a slot may be
    /// reported more than once).
    #[inline]
    pub fn scan(&self, value: &[u8], mark: impl FnMut(u32)) {
        match &self.trans {
            Trans::Small(t) => self.run(t, u16::FLAG, value, mark),
            Trans::Large(t) => self.run(t, u32::FLAG, value, mark),
        }
    }

    #[inline]
    fn run<T: Copy + Into<u32>>(
        &self,
        trans: &[T],
        flag: u32,
        value: &[u8],
        mark: impl FnMut(u32),
    ) {
        self.walk(trans, flag, value, |_| {}, mark);
    }

    /// The scan loop: `each` sees every byte, `mark` every slot of a literal ending there.
    /// `run` passes a no-op `each`, which compiles away.
    #[inline]
    fn walk<T: Copy + Into<u32>>(
        &self,
        trans: &[T],
        flag: u32,
        value: &[u8],
        mut each: impl FnMut(u8),
        mut mark: impl FnMut(u32),
    ) {
        let stride = self.stride;
        let mut row = 0usize;
        let mut last = 0u32;
        let mut bytes = value.iter();
        while let Some(&b) = bytes.next() {
            each(b);
            let c = usize::from(self.classes[usize::from(b)]);
            let cell = trans[row + c].into();
            if cell & flag == 0 {
                // A quiet state: its own row, no output (see the module comment).
                row = cell as usize * stride;
                continue;
            }
            let [r, o] = self.meta[(cell & !flag) as usize];
            row = r as usize;
            if o == 0 {
                continue;
            }
            let head = self.slots[o as usize];
            let first = o as usize + 1;
            if head & TAILED == 0 {
                if o != last {
                    last = o;
                    for &slot in &self.slots[first..first + head as usize] {
                        mark(slot);
                    }
                }
                continue;
            }
            // Plain items first, then the tail items (see `fill`). The plain ones are marked
            // once per run of the same output; the tails are checked at every occurrence (a
            // tail may follow here and not there).
            let n = (head & LEN_MASK) as usize;
            let tails = ((head & !TAILED) >> TAILS_SHIFT) as usize;
            let plain = n.saturating_sub(tails);
            if o != last {
                last = o;
                for &slot in &self.slots[first..first + plain] {
                    mark(slot);
                }
            }
            let after = bytes.as_slice();
            // A tail item whose first byte is not the next byte is rejected at once (with no
            // next byte, no tail follows: `0x100` is no byte).
            let next = after
                .first()
                .map_or(0x100, |b| u32::from(b.to_ascii_lowercase()));
            for &item in &self.slots[first + plain..first + n] {
                if (item & !TAILED) >> FIRST_SHIFT == next {
                    self.mark_tail(item & TAIL_INDEX, after, &mut mark);
                }
            }
        }
    }

    /// [`scan`](Self::scan), also returning the OR of `table[b]` over the bytes `b` of
    /// `value` (a [`ByteFilter`](super::bytes::ByteFilter)'s classes seen), in the same pass.
    #[inline]
    pub fn scan_seen(&self, value: &[u8], table: &[u128; 256], mark: impl FnMut(u32)) -> u128 {
        match &self.trans {
            Trans::Small(t) => self.run_seen(t, u16::FLAG, value, table, mark),
            Trans::Large(t) => self.run_seen(t, u32::FLAG, value, table, mark),
        }
    }

    #[inline]
    fn run_seen<T: Copy + Into<u32>>(
        &self,
        trans: &[T],
        flag: u32,
        value: &[u8],
        table: &[u128; 256],
        mark: impl FnMut(u32),
    ) -> u128 {
        let mut seen = 0u128;
        self.walk(trans, flag, value, |b| seen |= table[usize::from(b)], mark);
        seen
    }

    /// True when some literal (cut to [`MAX_LITERAL`] bytes) occurs in `value`; stops at the
    /// first occurrence.
    #[inline]
    pub fn contains_any(&self, value: &[u8]) -> bool {
        match &self.trans {
            Trans::Small(t) => self.first(t, u16::FLAG, value),
            Trans::Large(t) => self.first(t, u32::FLAG, value),
        }
    }

    #[inline]
    fn first<T: Copy + Into<u32>>(&self, trans: &[T], flag: u32, value: &[u8]) -> bool {
        let mut row = 0usize;
        for &b in value {
            let c = usize::from(self.classes[usize::from(b)]);
            let cell = trans[row + c].into();
            if cell & flag == 0 {
                row = cell as usize * self.stride;
                continue;
            }
            let [r, o] = self.meta[(cell & !flag) as usize];
            if o != 0 {
                return true;
            }
            row = r as usize;
        }
        false
    }

    /// Marks the slots of tail `t` when `after` (the value after the end of its first
    /// [`MAX_LITERAL`] bytes) starts with the tail, ASCII case-insensitively.
    #[cold]
    #[inline(never)]
    fn mark_tail(&self, t: u32, after: &[u8], mark: &mut impl FnMut(u32)) {
        let Some(tail) = self.tails.get(t as usize) else {
            return;
        };
        let (b0, bn) = (tail.bytes.0 as usize, tail.bytes.1 as usize);
        let (Some(want), Some(got)) = (self.tail_bytes.get(b0..b0 + bn), after.get(..bn)) else {
            return;
        };
        if !want
            .iter()
            .zip(got)
            .all(|(&w, &g)| w == g.to_ascii_lowercase())
        {
            return;
        }
        let (s0, sn) = (tail.slots.0 as usize, tail.slots.1 as usize);
        for &slot in self.tail_slots.get(s0..s0 + sn).unwrap_or(&[]) {
            mark(slot);
        }
    }

    /// Heap bytes used by the tables.
    pub fn memory(&self) -> usize {
        let trans = match &self.trans {
            Trans::Small(t) => t.len() * 2,
            Trans::Large(t) => t.len() * 4,
        };
        trans
            + self.meta.len() * 8
            + self.slots.len() * 4
            + self.tails.len() * std::mem::size_of::<Tail>()
            + self.tail_bytes.len()
            + self.tail_slots.len() * 4
    }

    /// Number of states.
    pub fn states(&self) -> usize {
        self.meta.len()
    }

    /// Number of rows of the transition table (states with children; see the module
    /// comment).
    pub fn rows(&self) -> usize {
        let cells = match &self.trans {
            Trans::Small(t) => t.len(),
            Trans::Large(t) => t.len(),
        };
        cells.checked_div(self.stride).unwrap_or(0)
    }
}

/// Fills the transition table (rows of states with children), every state's row and output,
/// and the interned slot lists.
fn fill<'a, T: Cell, F: Fn(u32) -> &'a [u32], G: Fn(u32) -> &'a [u32]>(
    trie: &Trie,
    stride: usize,
    verify: bool,
    slot_list: F,
    tail_slot_list: G,
) -> (Vec<T>, Vec<[u32; 2]>, Vec<u32>) {
    let states = trie.nodes.len();
    let mut trans = vec![T::default(); trie.rows * stride];
    // The trie's own edges (every parent has a row).
    for (node, &(parent, c)) in trie.nodes.iter().enumerate().skip(1) {
        let p = trie.id[parent as usize] as usize;
        trans[p * stride + usize::from(c)] = T::from_u32(trie.id[node]);
    }
    let mut fail = vec![0u32; states];
    let mut meta = vec![[0u32; 2]; states];
    let mut slots: Vec<u32> = vec![0];
    let mut interned: std::collections::HashMap<Vec<u32>, u32> = std::collections::HashMap::new();
    let mut list: Vec<u32> = Vec::new();
    let mut ends = trie.ends.iter().peekable();
    // Breadth first: a node's failure state, and the states its row falls back to, are
    // shallower, so they are done.
    for (node, &(parent, c)) in trie.nodes.iter().enumerate() {
        let s = trie.id[node] as usize;
        let f = if node == 0 || parent == 0 {
            0
        } else {
            let pf = fail[trie.id[parent as usize] as usize] as usize;
            let row = meta[pf][0] as usize;
            trans[row * stride + usize::from(c)].into()
        };
        fail[s] = f;
        let f = f as usize;
        let fail_row = meta[f][0] as usize;
        if s < trie.rows {
            meta[s][0] = s as u32;
            if node != 0 {
                for k in 0..stride {
                    if trans[s * stride + k] == T::default() {
                        trans[s * stride + k] = trans[fail_row * stride + k];
                    }
                }
            }
        } else {
            meta[s][0] = fail_row as u32;
        }
        // The output: the literals ending here, and the failure state's.
        list.clear();
        while let Some(&&(n, lit)) = ends.peek() {
            if n as usize != node {
                break;
            }
            list.extend_from_slice(slot_list(lit));
            ends.next();
        }
        let inherited = if node == 0 { 0 } else { meta[f][1] as usize };
        meta[s][1] = if list.is_empty() {
            inherited as u32
        } else {
            if inherited != 0 {
                let n = (slots[inherited] & LEN_MASK) as usize;
                list.extend_from_slice(&slots[inherited + 1..inherited + 1 + n]);
            }
            if verify && list.iter().filter(|&&i| i & TAILED != 0).count() > MAX_TAILS {
                // Too many tails to check at each occurrence: their slots, unverified.
                let mut plain: Vec<u32> = Vec::with_capacity(list.len());
                for &i in &list {
                    if i & TAILED == 0 {
                        plain.push(i);
                    } else {
                        plain.extend_from_slice(tail_slot_list(i));
                    }
                }
                list = plain;
            }
            list.sort_unstable();
            list.dedup();
            match interned.get(&list) {
                Some(&o) => o,
                None => {
                    let o = slots.len() as u32;
                    // Sorted, the tail items (top bit set) come last.
                    let tails = if verify {
                        list.iter().filter(|&&i| i & TAILED != 0).count() as u32
                    } else {
                        0
                    };
                    let tailed = if tails > 0 {
                        TAILED | (tails << TAILS_SHIFT)
                    } else {
                        0
                    };
                    slots.push(list.len() as u32 | tailed);
                    slots.extend_from_slice(&list);
                    interned.insert(list.clone(), o);
                    o
                }
            }
        };
    }
    // Transitions to leaves and to states with an output flagged (see the module comment).
    for cell in &mut trans {
        let s: u32 = (*cell).into();
        if s as usize >= trie.rows || meta.get(s as usize).is_some_and(|m| m[1] != 0) {
            *cell = T::from_u32(s | T::FLAG);
        }
    }
    // Rows premultiplied by the stride (see `LiteralDfa::meta`).
    for m in &mut meta {
        m[0] = m[0].saturating_mul(stride as u32);
    }
    (trans, meta, slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(dfa: &LiteralDfa, value: &[u8]) -> Vec<u32> {
        let mut v = Vec::new();
        dfa.scan(value, |s| v.push(s));
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn finds_every_overlapping_literal_case_insensitively() {
        let dfa = LiteralDfa::new(&[
            (b"abcd".to_vec(), vec![0]),
            (b"bc".to_vec(), vec![1]),
            (b"cz".to_vec(), vec![2]),
            (b"<script".to_vec(), vec![3, 4]),
            (b"\xff\x00".to_vec(), vec![5]),
        ]);
        assert_eq!(found(&dfa, b"abcz"), vec![1, 2]);
        assert_eq!(found(&dfa, b"xABCD"), vec![0, 1]);
        assert_eq!(found(&dfa, b"<ScRiPt>"), vec![3, 4]);
        assert_eq!(found(&dfa, b"a\xff\x00"), vec![5]);
        assert_eq!(found(&dfa, b"nothing here"), Vec::<u32>::new());
        // Cut to MAX_LITERAL bytes: still found (a superset, which is sound).
        let long = LiteralDfa::new(&[(b"0123456789abcdef".to_vec(), vec![7])]);
        assert_eq!(found(&long, b"01234567"), vec![7]);
        assert!(dfa.contains_any(b"xxBc") && dfa.contains_any(b"<SCRIPT"));
        assert!(!dfa.contains_any(b"nothing here") && !dfa.contains_any(b""));
    }

    #[test]
    fn leaves_borrow_rows_and_empty_literals_occur_everywhere() {
        // `abcd`, `bcd`, `cd` and `d` end in leaves whose rows are shallower states'.
        let dfa = LiteralDfa::new(&[
            (b"abcd".to_vec(), vec![0]),
            (b"bcde".to_vec(), vec![1]),
            (b"cd".to_vec(), vec![2]),
            (b"dx".to_vec(), vec![3]),
        ]);
        assert!(dfa.rows() < dfa.states());
        assert_eq!(found(&dfa, b"abcde"), vec![0, 1, 2]);
        assert_eq!(found(&dfa, b"abcdx"), vec![0, 2, 3]);
        let empty = LiteralDfa::new(&[(Vec::new(), vec![9]), (b"q".to_vec(), vec![1])]);
        assert_eq!(found(&empty, b"z"), vec![9]);
        assert_eq!(found(&empty, b"Q"), vec![1, 9]);
        assert_eq!(found(&empty, b""), Vec::<u32>::new());
    }

    /// The slots of the literals (cut to [`MAX_LITERAL`] bytes) occurring in `value`, ASCII
    /// case-insensitively, by brute force.
    fn naive(literals: &[(Vec<u8>, Vec<u32>)], value: &[u8]) -> Vec<u32> {
        let value = value.to_ascii_lowercase();
        let mut v: Vec<u32> = literals
            .iter()
            .filter(|(l, _)| {
                let l = l[..l.len().min(MAX_LITERAL)].to_ascii_lowercase();
                if l.is_empty() {
                    !value.is_empty()
                } else {
                    value.windows(l.len()).any(|w| w == l.as_slice())
                }
            })
            .flat_map(|(_, s)| s.iter().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The slots of the whole literals occurring in `value`, ASCII case-insensitively, by
    /// brute force.
    fn naive_whole(literals: &[(Vec<u8>, Vec<u32>)], value: &[u8]) -> Vec<u32> {
        let value = value.to_ascii_lowercase();
        let mut v: Vec<u32> = literals
            .iter()
            .filter(|(l, _)| {
                let l = l.to_ascii_lowercase();
                if l.is_empty() {
                    !value.is_empty()
                } else {
                    value.windows(l.len()).any(|w| w == l.as_slice())
                }
            })
            .flat_map(|(_, s)| s.iter().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn verified_literals_are_reported_only_whole() {
        let dfa = LiteralDfa::new_verified(&[
            (b"json_extract".to_vec(), vec![0]),
            (b"json".to_vec(), vec![1]),
            (b"son_e".to_vec(), vec![2]),
            (b"<script".to_vec(), vec![3, 4]),
        ]);
        assert_eq!(found(&dfa, b"json.items.array_0"), vec![1]);
        assert_eq!(found(&dfa, b"JSON_EXTRACT(a)"), vec![0, 1, 2]);
        // The tail is checked where the cut prefix ends, each time it ends.
        assert_eq!(found(&dfa, b"json.x json_extract"), vec![0, 1, 2]);
        assert_eq!(found(&dfa, b"json_extrac"), vec![1, 2]);
        assert_eq!(found(&dfa, b"<scri <ScRiPt"), vec![3, 4]);
        assert_eq!(found(&dfa, b"<scri"), Vec::<u32>::new());
        // contains_any still answers for the cut literals.
        assert!(dfa.contains_any(b"<scri"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// A verified automaton reports exactly the slots of the whole literals that occur.
        #[test]
        fn verified_reports_exactly_the_whole_literals_that_occur(
            literals in proptest::collection::vec(
                (proptest::collection::vec(proptest::sample::select(b"abAB\x80\xff-".to_vec()), 0..9),
                 proptest::collection::vec(0u32..40, 1..3)),
                0..40,
            ),
            value in proptest::collection::vec(proptest::sample::select(b"abcAB\x80\xff-".to_vec()), 0..40),
        ) {
            let dfa = LiteralDfa::new_verified(&literals);
            let expected = naive_whole(&literals, &value);
            proptest::prop_assert_eq!(found(&dfa, &value), expected.clone());
            proptest::prop_assert_eq!(dfa.contains_any(&value), !naive(&literals, &value).is_empty());
            let mut slots = Vec::new();
            dfa.scan_seen(&value, &[1; 256], |s| slots.push(s));
            slots.sort_unstable();
            slots.dedup();
            proptest::prop_assert_eq!(slots, expected);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The automaton reports exactly the slots of the (cut) literals that occur.
        #[test]
        fn reports_exactly_the_literals_that_occur(
            literals in proptest::collection::vec(
                (proptest::collection::vec(proptest::sample::select(b"abAB\x80\xff-".to_vec()), 0..7),
                 proptest::collection::vec(0u32..40, 1..3)),
                0..40,
            ),
            value in proptest::collection::vec(proptest::sample::select(b"abcAB\x80\xff-".to_vec()), 0..40),
        ) {
            let dfa = LiteralDfa::new(&literals);
            let expected = naive(&literals, &value);
            proptest::prop_assert_eq!(found(&dfa, &value), expected.clone());
            proptest::prop_assert_eq!(dfa.contains_any(&value), !expected.is_empty());
            let mut slots = Vec::new();
            let seen = dfa.scan_seen(&value, &[1; 256], |s| slots.push(s));
            slots.sort_unstable();
            slots.dedup();
            proptest::prop_assert_eq!(slots, expected);
            proptest::prop_assert_eq!(seen, u128::from(!value.is_empty()));
        }
    }
}
