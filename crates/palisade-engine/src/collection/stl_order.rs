//! The order in which libmodsecurity visits the values of a collection.
//!
//! ModSecurity v3 keeps request collections (`ARGS`, `REQUEST_HEADERS`, …) and `TX` in a
//! libstdc++ `std::unordered_multimap` whose hash is the sum of the lowercased key bytes and
//! whose equality ignores ASCII case. Rules see the values in that container's iteration order
//! (reversed, for whole-collection targets), so `MATCHED_VAR`, `TX:0` and the order of log lines
//! depend on it. [`StlOrder`] replays libstdc++'s bucket and list bookkeeping (insertion at the
//! beginning of a bucket, before an equal key, rehash on growth) so that Palisade visits values
//! in exactly the order ModSecurity does. It stores only indices; the caller keeps the keys and
//! gives each distinct key a class id, so that finding an equal key costs O(1).
//!
//! Checked against g++ 12's libstdc++ (Debian bookworm, the platform of the reference
//! libmodsecurity 3.0.9) on random key sequences with repeats, case variants and erasures.

#[cfg(test)]
mod reference;

const NIL: u32 = u32::MAX;
const BEFORE_BEGIN: u32 = u32::MAX - 1;

/// libstdc++'s bucket counts when a table created with `reserve(10)` grows one insertion at a
/// time (AnchoredSetVariable).
const GROWTH_FROM_11: [usize; 16] = [
    11, 23, 47, 97, 199, 409, 823, 1741, 3739, 7517, 15173, 30727, 62233, 126271, 256279, 520241,
];
/// The same from `reserve(1000)` (the TX collection).
const GROWTH_FROM_1031: [usize; 9] = [1031, 2179, 4703, 9497, 19183, 38873, 78779, 159871, 324503];

/// The initial size of the simulated container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reserve {
    /// `reserve(10)`: request collections.
    Ten,
    /// `reserve(1000)`: the TX collection.
    Thousand,
}

/// The hash ModSecurity uses for collection keys: the sum of `tolower(c)` over the key's
/// bytes. (glibc's `tolower` maps a negative `char` to its unsigned byte value, so every byte
/// adds its ASCII-lowercased value.)
pub fn key_hash(key: &[u8]) -> u64 {
    key.iter().fold(0u64, |h, &b| {
        h.wrapping_add(u64::from(b.to_ascii_lowercase()))
    })
}

/// One node of the list: its key's hash and class, and its links (`NIL` at the ends;
/// `prev` is `BEFORE_BEGIN` for the head).
#[derive(Clone, Copy, Debug)]
struct Node {
    hash: u64,
    next: u32,
    prev: u32,
    class: u32,
}

/// A simulation of one libstdc++ `unordered_multimap`'s node list. Node ids are the insertion
/// indices (0, 1, 2, …); erased nodes drop out of the iteration.
///
/// Each node belongs to a key class (the caller's small, dense id for a key, equal for keys
/// that are equal ASCII case-insensitively). libstdc++ inserts a node before the first node of
/// an equal key, which it finds by scanning the key's bucket: O(N) per insertion when keys
/// collide, as ModSecurity's hash makes `k1` … `kN` do. Here a side index gives each class's
/// first node and back-links give its predecessor, so insertion is O(1) amortised (a rehash is
/// O(N) at geometric sizes) and erasure is O(nodes erased), while the list is exactly the one
/// libstdc++ builds (checked against the scanning implementation, `stl_order/reference.rs`).
#[derive(Clone, Debug)]
pub struct StlOrder {
    growth: &'static [usize],
    growth_pos: usize,
    bucket_count: usize,
    next_resize: usize,
    head: u32,
    tail: u32,
    /// The nodes, by id.
    nodes: Vec<Node>,
    /// Class → the first live node of that class in the list, or `NIL`.
    first_of_class: Vec<u32>,
    buckets: Vec<u32>,
    len: usize,
}

impl StlOrder {
    /// An empty container as `reserve` makes it.
    pub fn new(reserve: Reserve) -> Self {
        let growth: &'static [usize] = match reserve {
            Reserve::Ten => &GROWTH_FROM_11,
            Reserve::Thousand => &GROWTH_FROM_1031,
        };
        let bucket_count = growth[0];
        StlOrder {
            growth,
            growth_pos: 0,
            bucket_count,
            next_resize: bucket_count,
            head: NIL,
            tail: NIL,
            nodes: Vec::new(),
            first_of_class: Vec::new(),
            // Allocated on the first insertion.
            buckets: Vec::new(),
            len: 0,
        }
    }

    /// Forgets every node, keeping the allocation (the bucket count returns to its initial value).
    pub fn clear(&mut self) {
        self.growth_pos = 0;
        self.bucket_count = self.growth[0];
        self.next_resize = self.bucket_count;
        self.head = NIL;
        self.tail = NIL;
        self.nodes.clear();
        self.first_of_class.clear();
        self.buckets.clear();
        self.len = 0;
    }

    /// The number of live nodes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no node is live.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn bkt(&self, h: u64) -> usize {
        (h % self.bucket_count as u64) as usize
    }

    fn link(&self, p: u32) -> u32 {
        if p == BEFORE_BEGIN {
            self.head
        } else {
            self.nodes[p as usize].next
        }
    }

    fn set_link(&mut self, p: u32, to: u32) {
        if p == BEFORE_BEGIN {
            self.head = to;
        } else {
            self.nodes[p as usize].next = to;
        }
    }

    /// Inserts a node for a key with hash `h` ([`key_hash`]) and class `class`: the caller's id
    /// for the key, the same for keys equal ASCII case-insensitively (which then have the same
    /// hash) and different otherwise. Classes should be small and dense (they index a table).
    /// Returns the new node's id.
    pub fn insert(&mut self, h: u64, class: u32) -> u32 {
        if self.buckets.is_empty() {
            self.buckets.resize(self.bucket_count, NIL);
        }
        if self.len + 1 > self.next_resize {
            self.grow();
        }
        let id = u32::try_from(self.nodes.len()).unwrap_or(NIL - 2);
        let i = id as usize;
        // One push per node (one capacity check), its links set below.
        self.nodes.push(Node {
            hash: h,
            next: NIL,
            prev: NIL,
            class,
        });
        let ci = class as usize;
        if self.first_of_class.len() <= ci {
            self.first_of_class.resize(ci + 1, NIL);
        }
        let b = self.bkt(h);
        let first = self.first_of_class[ci];
        if first != NIL {
            // Before the first node of an equal key (libstdc++'s `_M_find_before_node`).
            let before = self.nodes[first as usize].prev;
            self.nodes[i].next = first;
            self.nodes[i].prev = before;
            self.set_link(before, id);
            self.nodes[first as usize].prev = id;
        } else if self.buckets[b] != NIL {
            // At the beginning of a non-empty bucket.
            let before = self.buckets[b];
            let after = self.link(before);
            self.nodes[i].next = after;
            self.nodes[i].prev = before;
            self.set_link(before, id);
            if after == NIL {
                self.tail = id;
            } else {
                self.nodes[after as usize].prev = id;
            }
        } else {
            // An empty bucket: at the beginning of the list.
            let old = self.head;
            self.nodes[i].next = old;
            self.nodes[i].prev = BEFORE_BEGIN;
            self.head = id;
            if old == NIL {
                self.tail = id;
            } else {
                self.nodes[old as usize].prev = id;
                let nb = self.bkt(self.nodes[old as usize].hash);
                self.buckets[nb] = id;
            }
            self.buckets[b] = BEFORE_BEGIN;
        }
        self.first_of_class[ci] = id;
        self.len += 1;
        id
    }

    fn grow(&mut self) {
        let new_count = if self.growth_pos + 1 < self.growth.len() {
            self.growth_pos += 1;
            self.growth[self.growth_pos]
        } else {
            // Beyond the recorded sizes (over half a million entries): an approximation.
            self.bucket_count * 2 + 1
        };
        self.rehash(new_count);
        self.next_resize = new_count;
    }

    /// libstdc++'s `_M_rehash_aux` for multimaps (equal keys stay together, in order), then
    /// the back-links and the tail, which it does not keep, rebuilt in one pass.
    fn rehash(&mut self, count: usize) {
        self.bucket_count = count;
        let mut buckets = vec![NIL; count];
        let mut p = self.head;
        self.head = NIL;
        let mut bbegin_bkt = 0usize;
        let mut prev_bkt = 0usize;
        let mut prev_p = NIL;
        let mut check_bucket = false;
        while p != NIL {
            let next = self.nodes[p as usize].next;
            let b = self.bkt(self.nodes[p as usize].hash);
            if prev_p != NIL && prev_bkt == b {
                self.nodes[p as usize].next = self.nodes[prev_p as usize].next;
                self.nodes[prev_p as usize].next = p;
                check_bucket = true;
            } else {
                if check_bucket {
                    let pn = self.nodes[prev_p as usize].next;
                    if pn != NIL {
                        let nb = self.bkt(self.nodes[pn as usize].hash);
                        if nb != prev_bkt {
                            buckets[nb] = prev_p;
                        }
                    }
                    check_bucket = false;
                }
                if buckets[b] == NIL {
                    self.nodes[p as usize].next = self.head;
                    self.head = p;
                    buckets[b] = BEFORE_BEGIN;
                    if self.nodes[p as usize].next != NIL {
                        buckets[bbegin_bkt] = p;
                    }
                    bbegin_bkt = b;
                } else {
                    let before = buckets[b];
                    let after = if before == BEFORE_BEGIN {
                        self.head
                    } else {
                        self.nodes[before as usize].next
                    };
                    self.nodes[p as usize].next = after;
                    if before == BEFORE_BEGIN {
                        self.head = p;
                    } else {
                        self.nodes[before as usize].next = p;
                    }
                }
            }
            prev_p = p;
            prev_bkt = b;
            p = next;
        }
        if check_bucket && prev_p != NIL {
            let pn = self.nodes[prev_p as usize].next;
            if pn != NIL {
                let nb = self.bkt(self.nodes[pn as usize].hash);
                if nb != prev_bkt {
                    buckets[nb] = prev_p;
                }
            }
        }
        self.buckets = buckets;
        let mut before = BEFORE_BEGIN;
        let mut p = self.head;
        while p != NIL {
            self.nodes[p as usize].prev = before;
            before = p;
            p = self.nodes[p as usize].next;
        }
        self.tail = if before == BEFORE_BEGIN { NIL } else { before };
    }

    /// Erases every node of class `class` (`erase(key)`).
    pub fn erase(&mut self, class: u32) {
        let Some(&first) = self.first_of_class.get(class as usize) else {
            return;
        };
        if first == NIL || self.buckets.is_empty() {
            return;
        }
        let b = self.bkt(self.nodes[first as usize].hash);
        let prev = self.nodes[first as usize].prev;
        let mut last = self.nodes[first as usize].next;
        let mut removed = 1;
        while last != NIL && self.nodes[last as usize].class == class {
            last = self.nodes[last as usize].next;
            removed += 1;
        }
        let last_bkt = if last == NIL {
            b
        } else {
            self.bkt(self.nodes[last as usize].hash)
        };
        if prev == self.buckets[b] {
            if last == NIL || last_bkt != b {
                if last != NIL {
                    self.buckets[last_bkt] = self.buckets[b];
                }
                if self.buckets[b] == BEFORE_BEGIN {
                    self.head = last;
                }
                self.buckets[b] = NIL;
            }
        } else if last_bkt != b {
            self.buckets[last_bkt] = prev;
        }
        self.set_link(prev, last);
        if last == NIL {
            self.tail = if prev == BEFORE_BEGIN { NIL } else { prev };
        } else {
            self.nodes[last as usize].prev = prev;
        }
        self.first_of_class[class as usize] = NIL;
        self.len -= removed;
    }

    /// The live node ids in iteration order.
    pub fn iter(&self) -> StlIter<'_> {
        StlIter {
            order: self,
            at: self.head,
        }
    }

    /// The live node ids in reverse iteration order (the order ModSecurity visits a
    /// whole-collection target), following the back-links from the tail: no allocation.
    ///
    /// Sound because every operation keeps the back-links of the live list exact: `insert`
    /// links the new node both ways, `erase` relinks the node after the erased run to the
    /// node before it (or moves the tail), and `rehash` rebuilds every back-link and the
    /// tail in one pass. The tests check `iter_rev` against `iter` reversed after every
    /// random operation sequence.
    pub fn iter_rev(&self) -> StlRevIter<'_> {
        StlRevIter {
            order: self,
            at: self.tail,
            left: self.len,
        }
    }

    /// The last live node in iteration order (the first ModSecurity visits), in O(1).
    pub fn last(&self) -> Option<u32> {
        (self.tail != NIL).then_some(self.tail)
    }
}

/// Iterator over [`StlOrder`] node ids.
#[derive(Debug)]
pub struct StlIter<'a> {
    order: &'a StlOrder,
    at: u32,
}

impl Iterator for StlIter<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.at == NIL {
            return None;
        }
        let id = self.at;
        self.at = self.order.nodes[id as usize].next;
        Some(id)
    }
}

/// Iterator over [`StlOrder`] node ids, last to first.
#[derive(Debug)]
pub struct StlRevIter<'a> {
    order: &'a StlOrder,
    at: u32,
    /// Live nodes not yet yielded: a bound that ends the walk even if a back-link were wrong.
    left: usize,
}

impl Iterator for StlRevIter<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.at == NIL || self.at == BEFORE_BEGIN || self.left == 0 {
            return None;
        }
        let id = self.at;
        self.left -= 1;
        self.at = self.order.nodes.get(id as usize).map_or(NIL, |n| n.prev);
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// One operation: insert a key, or erase every node of a key (`-key`).
    fn ops_of<'a>(ops: &'a [&'a str]) -> impl Iterator<Item = (bool, &'a [u8])> + 'a {
        ops.iter().map(|op| match op.strip_prefix('-') {
            Some(k) => (true, k.as_bytes()),
            None => (false, op.as_bytes()),
        })
    }

    /// Runs the operations on the indexed implementation; returns the live node ids in
    /// iteration order.
    fn indexed<'a>(reserve: Reserve, ops: impl Iterator<Item = (bool, &'a [u8])>) -> Vec<u32> {
        let mut classes: HashMap<Vec<u8>, u32> = HashMap::new();
        let mut o = StlOrder::new(reserve);
        for (erase, k) in ops {
            let n = classes.len() as u32;
            let class = *classes.entry(k.to_ascii_lowercase()).or_insert(n);
            if erase {
                o.erase(class);
            } else {
                o.insert(key_hash(k), class);
            }
        }
        let order: Vec<u32> = o.iter().collect();
        assert_eq!(o.len(), order.len());
        let mut rev: Vec<u32> = o.iter_rev().collect();
        rev.reverse();
        assert_eq!(rev, order, "iter_rev is iter reversed");
        assert_eq!(o.last(), order.last().copied());
        order
    }

    /// The same on the scanning reference implementation.
    fn scanning<'a>(reserve: Reserve, ops: impl Iterator<Item = (bool, &'a [u8])>) -> Vec<u32> {
        let mut keys: Vec<Vec<u8>> = Vec::new();
        let mut o = reference::StlOrder::new(reserve);
        for (erase, k) in ops {
            let same = |i: u32| keys[i as usize].eq_ignore_ascii_case(k);
            if erase {
                o.erase(key_hash(k), same);
            } else {
                o.insert(key_hash(k), same);
                keys.push(k.to_vec());
            }
        }
        o.iter().collect()
    }

    /// The iteration order as operation indices (what the g++ program printed).
    fn run(reserve: Reserve, ops: &[&str]) -> Vec<u32> {
        let op_of_node: Vec<u32> = (0..ops.len() as u32)
            .filter(|&i| !ops[i as usize].starts_with('-'))
            .collect();
        let got = indexed(reserve, ops_of(ops));
        assert_eq!(got, scanning(reserve, ops_of(ops)));
        got.iter().map(|&n| op_of_node[n as usize]).collect()
    }

    // Expected orders printed by a g++ 12 program inserting the same keys into
    // std::unordered_multimap<std::string, int, MyHash, MyEqual> after reserve(10).
    #[test]
    fn small_table_matches_libstdcxx() {
        assert_eq!(
            run(Reserve::Ten, &["a", "b", "A", "c", "ab", "ba"]),
            vec![5, 4, 3, 1, 2, 0]
        );
    }

    #[test]
    fn growth_matches_libstdcxx() {
        let ops = [
            "aa", "1", "aa", "A", "aa", "aa1", "a_A", "A", "_a_", "11_", "aa", "baA", "AB", "_a_",
            "1", "A", "AB", "1", "1", "baA", "AB", "AB", "baA", "_", "AB", "1", "aa1", "aa1", "A",
            "1", "11_", "aa", "_", "AB", "_a_", "baA", "_a_", "A", "A", "1",
        ];
        let want = [
            32, 23, 27, 26, 5, 30, 9, 36, 34, 13, 8, 6, 33, 24, 21, 20, 16, 12, 38, 37, 28, 15, 7,
            3, 39, 29, 25, 18, 17, 14, 1, 31, 10, 4, 2, 0, 35, 22, 19, 11,
        ];
        assert_eq!(run(Reserve::Ten, &ops), want);
    }

    #[test]
    fn erase_matches_libstdcxx() {
        let ops = [
            "A", "B_b", "b", "A1B", "A1B", "b", "AB", "Baa", "-a11", "B_b", "aBB", "A", "-b1b",
            "b", "A1B", "b", "-b", "1", "b", "b_A", "B_b", "1", "b1b", "b1b", "-aBB", "-Baa",
            "aBB", "Baa", "-1", "-A", "a11", "-aBB", "b1b", "A1B", "AB", "aBB", "1", "-A", "a11",
            "b1b", "Baa", "1", "-1", "A", "aBB", "A1B", "B_b", "A", "b", "-1", "Baa", "aBB",
            "-b1b", "1", "A1B", "1", "b1b", "b_A", "b", "b1b",
        ];
        let want = [
            55, 53, 38, 30, 34, 6, 57, 19, 54, 45, 33, 14, 4, 3, 46, 20, 9, 1, 58, 48, 18, 59, 56,
            50, 40, 27, 51, 44, 35, 47, 43,
        ];
        assert_eq!(run(Reserve::Ten, &ops), want);
        let ops = [
            "a", "baa", "a", "aAa", "-a_a", "a", "Aa", "-_", "Aa", "-baa", "1_a", "Aa", "a", "a1A",
            "1_", "a_a", "a_a", "B__", "Aa", "1_a", "Aa", "1_a", "_", "a", "a_a", "a_", "A",
            "-aAa", "A", "-1_a",
        ];
        let want = [
            25, 22, 17, 24, 16, 15, 14, 13, 20, 18, 11, 8, 6, 28, 26, 23, 12, 5, 2, 0,
        ];
        assert_eq!(run(Reserve::Thousand, &ops), want);
    }

    #[test]
    fn hash_uses_unsigned_bytes() {
        assert_eq!(key_hash(b"A\xe9"), 97 + 0xe9);
    }

    /// Keys from a tiny alphabet whose byte sums collide often (`ab` = `ba`, `A` = `a`), and
    /// `k` + digits keys as in a form with many fields.
    fn key() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            3 => proptest::collection::vec(prop::sample::select(b"aAbB1_".to_vec()), 0..4),
            2 => (0u32..400).prop_map(|n| format!("k{n}").into_bytes()),
            1 => (0u32..400).prop_map(|n| format!("K{n}").into_bytes()),
        ]
    }

    fn ops() -> impl Strategy<Value = Vec<(bool, Vec<u8>)>> {
        proptest::collection::vec((prop::bool::weighted(0.08), key()), 0..2500)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The indexed implementation visits in the scanning implementation's order, through
        /// growth, case variants, repeats and erasures, for both initial sizes.
        #[test]
        fn indexed_order_equals_scanning_order(ops in ops()) {
            let it = || ops.iter().map(|(e, k)| (*e, &k[..]));
            prop_assert_eq!(indexed(Reserve::Ten, it()), scanning(Reserve::Ten, it()));
            prop_assert_eq!(indexed(Reserve::Thousand, it()), scanning(Reserve::Thousand, it()));
        }
    }

    /// 20,000 form fields `k0` … `k19999`, some repeated or in another case, through five
    /// rehashes: the same order as the scanning implementation.
    #[test]
    fn many_colliding_fields_keep_the_order() {
        let keys: Vec<Vec<u8>> = (0..20_000u32)
            .map(|i| match i % 7 {
                0 => format!("K{}", i / 3).into_bytes(),
                3 => format!("k{}", i / 2).into_bytes(),
                _ => format!("k{i}").into_bytes(),
            })
            .collect();
        let it = || keys.iter().map(|k| (false, &k[..]));
        let got = indexed(Reserve::Ten, it());
        assert_eq!(got.len(), 20_000);
        assert_eq!(got, scanning(Reserve::Ten, it()));
    }
}
