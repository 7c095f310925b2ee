//! Request collections (`ARGS`, `REQUEST_HEADERS`, `REQUEST_COOKIES`, `FILES`, …): entries of
//! key and value slots in the transaction's [`ValueTable`], visited in ModSecurity's order.

use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;

use super::key_hasher::{KeyHasher, KeyHashes};
use super::keys::KeyId;
use super::prehashed::Prehashed;
use super::stl_order::{Reserve, StlOrder};
use super::values::{Slot, ValueTable};

/// One `key: value` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key as received.
    pub key: Slot,
    /// The value as received.
    pub value: Slot,
    /// The interned id of the key, or [`KeyId::NONE`] when no rule names it.
    pub key_id: KeyId,
}

/// A multimap of entries with case-insensitive keys, in insertion order plus ModSecurity's
/// visiting order.
///
/// Each distinct key (ASCII case-insensitively) is a class: a keyed hash of its lowercased
/// bytes ([`KeyHasher`]) finds the class, the class gives its newest entry and each entry the
/// previous one of its class, so adding an entry, selecting a key (`ARGS:name`) and the
/// visiting order cost O(1) amortised per entry whatever the keys are. Collections that share
/// a hasher (a transaction's, the ruleset interner's) can share one hashing of a key
/// ([`RequestCollection::add_hashed`]).
///
/// The visiting order is built lazily: an entry's insertion into the simulated container
/// ([`StlOrder`]) waits in `pending` until the order is first read
/// ([`RequestCollection::visit_order`], [`RequestCollection::first_visited`]), so a collection
/// no rule visits whole (`ARGS_POST` under CRS, which reads `ARGS`) never pays for it. The
/// container's state depends only on the sequence of insertions (hash, class), which the
/// pending list keeps in order, and the order is never read without replaying them first, so
/// the order read is the one eager insertion builds (the proptest
/// `lazy_order_is_the_eager_order` interleaves additions and reads).
#[derive(Clone, Debug)]
pub struct RequestCollection {
    entries: Vec<Entry>,
    order: StlOrder,
    /// Insertions (libstdc++ hash, class) not yet applied to `order`, oldest first.
    pending: Vec<(u64, u32)>,
    visit: Vec<u32>,
    visit_valid: bool,
    /// Keyed hash of the lowercased key → the newest class with that hash.
    class_by_hash: HashMap<u64, u32, Prehashed>,
    /// Class → an earlier class with the same keyed hash, or `NONE`.
    class_same_hash: Vec<u32>,
    /// Class → its newest entry.
    class_newest: Vec<u32>,
    /// Entry → the previous entry of its class, or `NONE`.
    entry_older: Vec<u32>,
    /// Interned key id → the class of the first entry added with it.
    class_by_id: HashMap<KeyId, u32, Prehashed>,
    hasher: KeyHasher,
}

const NONE: u32 = u32::MAX;

impl Default for RequestCollection {
    fn default() -> Self {
        Self::with_hasher(KeyHasher::new())
    }
}

impl RequestCollection {
    /// An empty collection hashing keys with `hasher`.
    pub fn with_hasher(hasher: KeyHasher) -> Self {
        RequestCollection {
            entries: Vec::new(),
            order: StlOrder::new(Reserve::Ten),
            pending: Vec::new(),
            visit: Vec::new(),
            visit_valid: true,
            class_by_hash: HashMap::default(),
            class_same_hash: Vec::new(),
            class_newest: Vec::new(),
            entry_older: Vec::new(),
            class_by_id: HashMap::default(),
            hasher,
        }
    }

    /// The hasher of keys ([`RequestCollection::add_hashed`] takes its hashes).
    pub fn hasher(&self) -> KeyHasher {
        self.hasher
    }

    /// Forgets every entry, keeping the allocations.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.pending.clear();
        self.visit.clear();
        self.visit_valid = true;
        self.class_by_hash.clear();
        self.class_same_hash.clear();
        self.class_newest.clear();
        self.entry_older.clear();
        self.class_by_id.clear();
    }

    /// The class of `key` (whose keyed hash is `hash`), if an entry has it.
    fn class_of(&self, values: &ValueTable, hash: u64, key: &[u8]) -> Option<u32> {
        let mut c = *self.class_by_hash.get(&hash)?;
        while c != NONE {
            let same = self
                .class_newest
                .get(c as usize)
                .and_then(|&e| self.entries.get(e as usize))
                .is_some_and(|e| values.get(e.key).eq_ignore_ascii_case(key));
            if same {
                return Some(c);
            }
            c = self
                .class_same_hash
                .get(c as usize)
                .copied()
                .unwrap_or(NONE);
        }
        None
    }

    /// Adds an entry (`AnchoredSetVariable::set`).
    pub fn add(&mut self, values: &ValueTable, key: Slot, value: Slot, key_id: KeyId) {
        let h = self.hasher.hash(values.get(key));
        self.add_hashed(values, key, value, key_id, h);
    }

    /// [`RequestCollection::add`] given the key's hashes by this collection's
    /// [`RequestCollection::hasher`] (hashes by another hasher would misfile the entry).
    pub fn add_hashed(
        &mut self,
        values: &ValueTable,
        key: Slot,
        value: Slot,
        key_id: KeyId,
        h: KeyHashes,
    ) {
        debug_assert_eq!(h, self.hasher.hash(values.get(key)));
        let k = values.get(key);
        let index = u32::try_from(self.entries.len()).unwrap_or(NONE - 1);
        let new_class = u32::try_from(self.class_newest.len()).unwrap_or(NONE - 1);
        // One probe of the map: an occupied slot starts the chain of classes with this hash.
        let (class, older) = match self.class_by_hash.entry(h.keyed) {
            MapEntry::Occupied(mut slot) => {
                let mut c = *slot.get();
                let mut found = None;
                while c != NONE {
                    let newest = self.class_newest.get(c as usize).copied().unwrap_or(NONE);
                    let same = self
                        .entries
                        .get(newest as usize)
                        .is_some_and(|e| values.get(e.key).eq_ignore_ascii_case(k));
                    if same {
                        found = Some((c, newest));
                        break;
                    }
                    c = self
                        .class_same_hash
                        .get(c as usize)
                        .copied()
                        .unwrap_or(NONE);
                }
                match found {
                    Some(f) => f,
                    None => {
                        let same_hash = core::mem::replace(slot.get_mut(), new_class);
                        self.class_same_hash.push(same_hash);
                        self.class_newest.push(index);
                        (new_class, NONE)
                    }
                }
            }
            MapEntry::Vacant(slot) => {
                slot.insert(new_class);
                self.class_same_hash.push(NONE);
                self.class_newest.push(index);
                (new_class, NONE)
            }
        };
        if key_id != KeyId::NONE {
            self.class_by_id.entry(key_id).or_insert(class);
        }
        self.pending.push((h.stl, class));
        if let Some(n) = self.class_newest.get_mut(class as usize) {
            *n = index;
        }
        self.entry_older.push(older);
        self.entries.push(Entry { key, value, key_id });
        self.visit_valid = false;
    }

    /// Entry indices of one class, the newest first.
    fn class_entries(&self, class: Option<u32>) -> impl Iterator<Item = u32> + '_ {
        let mut at = class
            .and_then(|c| self.class_newest.get(c as usize).copied())
            .unwrap_or(NONE);
        std::iter::from_fn(move || {
            if at == NONE {
                return None;
            }
            let i = at;
            at = self.entry_older.get(i as usize).copied().unwrap_or(NONE);
            Some(i)
        })
    }

    /// The entries in insertion order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entry indices in the order ModSecurity visits a whole-collection target (`ARGS`):
    /// the container's iteration order, reversed.
    pub fn visit_order(&mut self) -> &[u32] {
        if !self.visit_valid {
            for &(h, class) in &self.pending {
                self.order.insert(h, class);
            }
            self.pending.clear();
            self.visit.clear();
            self.visit.extend(self.order.iter());
            self.visit.reverse();
            self.visit_valid = true;
        }
        &self.visit
    }

    /// The visiting order if it is up to date ([`RequestCollection::visit_order`] refreshes it).
    pub fn cached_visit_order(&self) -> Option<&[u32]> {
        self.visit_valid.then_some(&self.visit[..])
    }

    /// The entry a whole-collection macro (`%{ARGS_NAMES}`) expands to: the first one
    /// ModSecurity visits, computed without refreshing the cached order.
    pub fn first_visited(&self) -> Option<u32> {
        if self.visit_valid {
            self.visit.first().copied()
        } else if self.pending.is_empty() {
            self.order.last()
        } else {
            // Rare (a `%{ARGS_NAMES}`-like macro before any rule visited the collection):
            // replay the pending insertions on a copy.
            let mut order = self.order.clone();
            for &(h, class) in &self.pending {
                order.insert(h, class);
            }
            order.last()
        }
    }

    /// Entry indices whose key has id `key` (`ARGS:name`), in ModSecurity's order: the most
    /// recently added first. O(entries selected); [`KeyId::NONE`] selects every entry whose key
    /// no rule names, by a scan.
    pub fn keyed(&self, key: KeyId) -> impl Iterator<Item = u32> + '_ {
        let scan = if key == KeyId::NONE {
            self.entries.len()
        } else {
            0
        };
        let class = self.class_by_id.get(&key).copied();
        let indexed = self
            .class_entries(class.filter(|_| key != KeyId::NONE))
            .filter(move |&i| {
                self.entries
                    .get(i as usize)
                    .is_some_and(|e| e.key_id == key)
            });
        let scanned = self
            .entries
            .iter()
            .enumerate()
            .rev()
            .take(scan)
            .filter(move |(_, e)| e.key_id == key)
            .map(|(i, _)| i as u32);
        indexed.chain(scanned)
    }

    /// Like [`RequestCollection::keyed`] for a key no rule interned, compared by bytes.
    pub fn keyed_bytes<'a>(
        &'a self,
        values: &'a ValueTable,
        key: &'a [u8],
    ) -> impl Iterator<Item = u32> + 'a {
        let hash = self.hasher.hash(key).keyed;
        self.class_entries(self.class_of(values, hash, key))
    }

    /// One entry.
    pub fn entry(&self, i: u32) -> Option<&Entry> {
        self.entries.get(i as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_is_newest_first_and_visit_is_reversed_iteration() {
        let mut v = ValueTable::default();
        let mut c = RequestCollection::default();
        for (k, val) in [("a", "1"), ("b", "2"), ("A", "3")] {
            let ks = v.push(k.as_bytes());
            let vs = v.push(val.as_bytes());
            let id = if k.eq_ignore_ascii_case("a") {
                KeyId(0)
            } else {
                KeyId::NONE
            };
            c.add(&v, ks, vs, id);
        }
        assert_eq!(c.keyed(KeyId(0)).collect::<Vec<_>>(), vec![2, 0]);
        // libstdc++ iterates b, A, a (a and b hash to buckets 97 % 11 and 98 % 11; A goes
        // before a); ModSecurity prepends each, so rules see a, A, b.
        assert_eq!(c.visit_order(), &[0, 2, 1]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Selecting a key through the index gives what a scan of every entry gives: the
        /// entries whose key equals it ASCII case-insensitively (or has its id), newest first;
        /// the first visited entry is the head of the visiting order. Also with a hasher that
        /// makes most keys collide (chains of classes with one hash).
        #[test]
        fn index_selects_as_a_scan_does(
            keys in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"aAbB1_".to_vec()), 0..4),
                0..300,
            ),
            probe in proptest::collection::vec(proptest::sample::select(b"aAbB1_".to_vec()), 0..4),
        ) {
            for hasher in [KeyHasher::new(), KeyHasher::colliding(3)] {
            let mut v = ValueTable::default();
            let mut c = RequestCollection::with_hasher(hasher);
            let id_of = |k: &[u8]| if k.eq_ignore_ascii_case(b"ab") { KeyId(7) } else { KeyId::NONE };
            for k in &keys {
                let ks = v.push(k);
                let vs = v.push(b"x");
                c.add(&v, ks, vs, id_of(k));
            }
            let scan = |want: &dyn Fn(&Entry) -> bool| -> Vec<u32> {
                (0..c.len() as u32).rev().filter(|&i| c.entry(i).is_some_and(want)).collect()
            };
            let got: Vec<u32> = c.keyed_bytes(&v, &probe).collect();
            proptest::prop_assert_eq!(got, scan(&|e| v.get(e.key).eq_ignore_ascii_case(&probe)));
            for id in [KeyId(7), KeyId::NONE, KeyId(3)] {
                let got: Vec<u32> = c.keyed(id).collect();
                proptest::prop_assert_eq!(got, scan(&|e| e.key_id == id));
            }
            let first = c.first_visited();
            proptest::prop_assert_eq!(first, c.visit_order().first().copied());
            }
        }

        /// The lazily built order, read at random points between additions, is the order
        /// of a container that applied every insertion at once (`StlOrder` directly, the
        /// checked simulation of libstdc++).
        #[test]
        fn lazy_order_is_the_eager_order(
            steps in proptest::collection::vec(
                (
                    proptest::collection::vec(proptest::sample::select(b"aAbB1_".to_vec()), 0..4),
                    0u8..4,
                ),
                0..200,
            ),
        ) {
            let mut v = ValueTable::default();
            let mut c = RequestCollection::default();
            let mut eager = StlOrder::new(Reserve::Ten);
            let mut classes: Vec<Vec<u8>> = Vec::new();
            for (k, read) in &steps {
                let ks = v.push(k);
                let vs = v.push(b"x");
                c.add(&v, ks, vs, KeyId::NONE);
                let lower = k.to_ascii_lowercase();
                let class = match classes.iter().position(|x| *x == lower) {
                    Some(i) => i,
                    None => {
                        classes.push(lower);
                        classes.len() - 1
                    }
                };
                eager.insert(super::super::stl_order::key_hash(k), class as u32);
                let mut want: Vec<u32> = eager.iter().collect();
                want.reverse();
                match read {
                    0 => proptest::prop_assert_eq!(c.visit_order(), &want[..]),
                    1 => proptest::prop_assert_eq!(c.first_visited(), want.first().copied()),
                    _ => {}
                }
            }
            let mut want: Vec<u32> = eager.iter().collect();
            want.reverse();
            proptest::prop_assert_eq!(c.first_visited(), want.first().copied());
            proptest::prop_assert_eq!(c.visit_order(), &want[..]);
        }
    }
}
