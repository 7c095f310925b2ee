//! The order in which libmodsecurity visits the values of a collection.
//!
//! ModSecurity v3 keeps request collections (`ARGS`, `REQUEST_HEADERS`, …) and `TX` in a
//! libstdc++ `std::unordered_multimap` whose hash is the sum of the lowercased key bytes and
//! whose equality ignores ASCII case. Rules see the values in that container's iteration order
//! (reversed, for whole-collection targets), so `MATCHED_VAR`, `TX:0` and the order of log lines
//! depend on it. [`StlOrder`] replays libstdc++'s bucket and list bookkeeping (insertion at the
//! beginning of a bucket, before an equal key, rehash on growth) so that Palisade visits values
//! in exactly the order ModSecurity does. It stores only indices; the caller keeps the keys.
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

/// A simulation of one libstdc++ `unordered_multimap`'s node list. Node ids are the insertion
/// indices (0, 1, 2, …); erased nodes drop out of the iteration.
#[derive(Clone, Debug)]
pub struct StlOrder {
    growth: &'static [usize],
    growth_pos: usize,
    bucket_count: usize,
    next_resize: usize,
    head: u32,
    next: Vec<u32>,
    hash: Vec<u64>,
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
            next: Vec::new(),
            hash: Vec::new(),
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
        self.next.clear();
        self.hash.clear();
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
            self.next[p as usize]
        }
    }

    fn set_link(&mut self, p: u32, to: u32) {
        if p == BEFORE_BEGIN {
            self.head = to;
        } else {
            self.next[p as usize] = to;
        }
    }

    /// The node before the first node equal to the key (`same` says whether a node's key equals
    /// it), within bucket `b`; `NIL` when the bucket holds none.
    fn find_before(&self, b: usize, h: u64, same: &impl Fn(u32) -> bool) -> u32 {
        let Some(&mut_prev) = self.buckets.get(b) else {
            return NIL;
        };
        let mut prev = mut_prev;
        if prev == NIL {
            return NIL;
        }
        loop {
            let p = self.link(prev);
            if p == NIL {
                return NIL;
            }
            if self.hash[p as usize] == h && same(p) {
                return prev;
            }
            let n = self.next[p as usize];
            if n == NIL || self.bkt(self.hash[n as usize]) != b {
                return NIL;
            }
            prev = p;
        }
    }

    /// Inserts a node for a key with hash `h` ([`key_hash`]); `same(id)` tells whether the key of
    /// an earlier node equals the new key (ASCII case-insensitively). Returns the new node's id.
    pub fn insert(&mut self, h: u64, same: impl Fn(u32) -> bool) -> u32 {
        if self.buckets.is_empty() {
            self.buckets.resize(self.bucket_count, NIL);
        }
        if self.len + 1 > self.next_resize {
            self.grow();
        }
        let id = u32::try_from(self.next.len()).unwrap_or(NIL - 2);
        self.next.push(NIL);
        self.hash.push(h);
        let b = self.bkt(h);
        let prev = self.find_before(b, h, &same);
        if prev != NIL {
            let after = self.link(prev);
            self.next[id as usize] = after;
            self.set_link(prev, id);
        } else if self.buckets[b] != NIL {
            let before = self.buckets[b];
            let after = self.link(before);
            self.next[id as usize] = after;
            self.set_link(before, id);
        } else {
            self.next[id as usize] = self.head;
            self.head = id;
            let n = self.next[id as usize];
            if n != NIL {
                let nb = self.bkt(self.hash[n as usize]);
                self.buckets[nb] = id;
            }
            self.buckets[b] = BEFORE_BEGIN;
        }
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
            let next = self.next[p as usize];
            let b = self.bkt(self.hash[p as usize]);
            if prev_p != NIL && prev_bkt == b {
                self.next[p as usize] = self.next[prev_p as usize];
                self.next[prev_p as usize] = p;
                check_bucket = true;
            } else {
                if check_bucket {
                    let pn = self.next[prev_p as usize];
                    if pn != NIL {
                        let nb = self.bkt(self.hash[pn as usize]);
                        if nb != prev_bkt {
                            buckets[nb] = prev_p;
                        }
                    }
                    check_bucket = false;
                }
                if buckets[b] == NIL {
                    self.next[p as usize] = self.head;
                    self.head = p;
                    buckets[b] = BEFORE_BEGIN;
                    if self.next[p as usize] != NIL {
                        buckets[bbegin_bkt] = p;
                    }
                    bbegin_bkt = b;
                } else {
                    let before = buckets[b];
                    let after = if before == BEFORE_BEGIN {
                        self.head
                    } else {
                        self.next[before as usize]
                    };
                    self.next[p as usize] = after;
                    if before == BEFORE_BEGIN {
                        self.head = p;
                    } else {
                        self.next[before as usize] = p;
                    }
                }
            }
            prev_p = p;
            prev_bkt = b;
            p = next;
        }
        if check_bucket && prev_p != NIL {
            let pn = self.next[prev_p as usize];
            if pn != NIL {
                let nb = self.bkt(self.hash[pn as usize]);
                if nb != prev_bkt {
                    buckets[nb] = prev_p;
                }
            }
        }
        self.buckets = buckets;
    }

    /// Erases every node whose key equals the given one (`erase(key)`).
    pub fn erase(&mut self, h: u64, same: impl Fn(u32) -> bool) {
        if self.buckets.is_empty() {
            return;
        }
        let b = self.bkt(h);
        let prev = self.find_before(b, h, &same);
        if prev == NIL {
            return;
        }
        let first = self.link(prev);
        let mut last = self.next[first as usize];
        let mut removed = 1;
        while last != NIL && self.hash[last as usize] == h && same(last) {
            last = self.next[last as usize];
            removed += 1;
        }
        let last_bkt = if last == NIL {
            b
        } else {
            self.bkt(self.hash[last as usize])
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
        self.len -= removed;
    }

    /// The live node ids in iteration order.
    pub fn iter(&self) -> StlIter<'_> {
        StlIter {
            order: self,
            at: self.head,
        }
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
        self.at = self.order.next[id as usize];
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(reserve: Reserve, ops: &[&str]) -> Vec<u32> {
        let mut keys: Vec<Vec<u8>> = Vec::new();
        let mut o = StlOrder::new(reserve);
        for op in ops {
            if let Some(k) = op.strip_prefix('-') {
                let k = k.as_bytes().to_vec();
                let ks = keys.clone();
                o.erase(key_hash(&k), |i| ks[i as usize].eq_ignore_ascii_case(&k));
                keys.push(Vec::new());
                o.next.push(NIL);
                o.hash.push(0);
            } else {
                let k = op.as_bytes().to_vec();
                let ks = keys.clone();
                o.insert(key_hash(&k), |i| ks[i as usize].eq_ignore_ascii_case(&k));
                keys.push(k);
            }
        }
        o.iter().collect()
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
}
