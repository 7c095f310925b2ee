//! Request collections (`ARGS`, `REQUEST_HEADERS`, `REQUEST_COOKIES`, `FILES`, …): entries of
//! key and value slots in the transaction's [`ValueTable`], visited in ModSecurity's order.

use super::keys::KeyId;
use super::stl_order::{Reserve, StlOrder, key_hash};
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
#[derive(Clone, Debug)]
pub struct RequestCollection {
    entries: Vec<Entry>,
    order: StlOrder,
    visit: Vec<u32>,
    visit_valid: bool,
}

impl Default for RequestCollection {
    fn default() -> Self {
        RequestCollection {
            entries: Vec::new(),
            order: StlOrder::new(Reserve::Ten),
            visit: Vec::new(),
            visit_valid: true,
        }
    }
}

impl RequestCollection {
    /// Forgets every entry, keeping the allocations.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.visit.clear();
        self.visit_valid = true;
    }

    /// Adds an entry (`AnchoredSetVariable::set`).
    pub fn add(&mut self, values: &ValueTable, key: Slot, value: Slot, key_id: KeyId) {
        let k = values.get(key);
        let entries = &self.entries;
        self.order.insert(key_hash(k), |i| {
            entries
                .get(i as usize)
                .is_some_and(|e| values.get(e.key).eq_ignore_ascii_case(k))
        });
        self.entries.push(Entry { key, value, key_id });
        self.visit_valid = false;
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

    /// Entry indices whose key has id `key` (`ARGS:name`), in ModSecurity's order: the most
    /// recently added first.
    pub fn keyed(&self, key: KeyId) -> impl Iterator<Item = u32> + '_ {
        self.entries
            .iter()
            .enumerate()
            .rev()
            .filter(move |(_, e)| e.key_id == key)
            .map(|(i, _)| i as u32)
    }

    /// Like [`RequestCollection::keyed`] for a key no rule interned, compared by bytes.
    pub fn keyed_bytes<'a>(
        &'a self,
        values: &'a ValueTable,
        key: &'a [u8],
    ) -> impl Iterator<Item = u32> + 'a {
        self.entries
            .iter()
            .enumerate()
            .rev()
            .filter(move |(_, e)| values.get(e.key).eq_ignore_ascii_case(key))
            .map(|(i, _)| i as u32)
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
}
