//! The first, quadratic implementation of [`super::StlOrder`], kept for tests only: it scans
//! a bucket for an equal key on every insertion, exactly as libstdc++ does, and so is the
//! reference the indexed implementation is compared with (same visiting order for any
//! sequence of insertions and erasures).
#![allow(dead_code)]

use super::{GROWTH_FROM_11, GROWTH_FROM_1031, Reserve};

const NIL: u32 = u32::MAX;
const BEFORE_BEGIN: u32 = u32::MAX - 1;

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

    /// Inserts a node for a key with hash `h` ([`super::key_hash`]); `same(id)` tells whether the key of
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
