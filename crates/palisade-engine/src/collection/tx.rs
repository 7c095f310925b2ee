//! Mutable collections: `TX` and the transaction's working copies of persistent collections
//! (`IP`, `SESSION`, …). Keys are compared without regard to ASCII case; keys a rule names
//! literally are interned at compile time, others at run time. Iteration follows ModSecurity's
//! order (a libstdc++ multimap created with `reserve(1000)`).

use super::keys::{KeyId, KeyInterner, caseless_hash};
use super::stl_order::{Reserve, StlOrder, key_hash};

// A key's id is its class in the order: ids are caseless (`id_for`) and dense.

/// One variable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MutVar {
    /// The key as first stored (`setvar:tx.Foo=1` stores `Foo`).
    pub key: Vec<u8>,
    /// The value.
    pub value: Vec<u8>,
    /// Expiry in seconds since the epoch (`expirevar`), if any.
    pub expires_at: Option<i64>,
    node: u32,
    /// Set (a slot not set keeps its buffers for the next variable with that id).
    live: bool,
}

/// Buffers above this capacity are freed when a collection is cleared rather than kept for
/// the next transaction.
const KEEP_CAPACITY: usize = 1024;

/// A mutable collection.
#[derive(Clone, Debug)]
pub struct MutCollection {
    /// One slot per id; only `live` slots are variables.
    vars: Vec<MutVar>,
    runtime_keys: KeyInterner,
    base: u32,
    order: StlOrder,
    node_key: Vec<u32>,
    live: usize,
}

impl MutCollection {
    /// An empty collection whose compile-time keys have ids below `base`.
    pub fn new(base: u32) -> Self {
        MutCollection {
            vars: Vec::new(),
            runtime_keys: KeyInterner::for_client_keys(),
            base,
            order: StlOrder::new(Reserve::Thousand),
            node_key: Vec::new(),
            live: 0,
        }
    }

    /// Forgets every variable, keeping the allocations (each slot's key and value buffers
    /// serve the next variable with that id). Costs O(variables set since the last clear),
    /// not O(ids): every variable ever set has its id in `node_key` (`set` pushes it;
    /// `remove` leaves it), so marking those slots not live empties the collection. The slot
    /// table itself is as long as the largest id, past every compile-time key once a run-time
    /// key (`tx.header_name_920450_…`) was set.
    pub fn clear(&mut self) {
        for &k in &self.node_key {
            if let Some(v) = self.vars.get_mut(k as usize) {
                v.live = false;
                if v.key.capacity() > KEEP_CAPACITY {
                    v.key = Vec::new();
                }
                if v.value.capacity() > KEEP_CAPACITY {
                    v.value = Vec::new();
                }
            }
        }
        self.runtime_keys.clear();
        self.order.clear();
        self.node_key.clear();
        self.live = 0;
    }

    /// The number of variables.
    pub fn len(&self) -> usize {
        self.live
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The id of `key`: `compiled` (an id from the ruleset's interner) when the rule named the
    /// key literally, else a run-time id.
    pub fn id_for(&mut self, compiled: &KeyInterner, key: &[u8]) -> KeyId {
        match compiled.get(key) {
            Some(id) if id.0 < self.base => id,
            _ => KeyId(self.base + self.runtime_keys.intern(key).0),
        }
    }

    /// [`MutCollection::id_for`] and `key_hash(key)` (the hash [`MutCollection::set_hashed`]
    /// takes) from one pass over `key`: `compiled`'s [`KeyInterner::hasher`] gives both the
    /// keyed hash its [`KeyInterner::lookup_hashed`] needs and libstdc++'s byte sum (equal to
    /// `key_hash` for every key, `key_hasher`'s proptest), so a `setvar` whose key has macros
    /// (`tx.header_name_%{tx.0}`, 920450) hashes the key once, not three times (ruleset id,
    /// run-time id, order).
    ///
    /// Why the id is exactly `id_for`'s: `lookup_hashed` with the interner's own hash finds
    /// what `get` finds (`keys`' proptest). The run-time interner takes the same keyed hash
    /// only while its hasher *is* `compiled`'s (checked at every call; an empty run-time
    /// interner adopts `compiled`'s hasher, and `clear` keeps it), so `intern_hashed` always
    /// gets the hash `intern` would compute; otherwise it hashes the key itself (`intern`).
    /// The run-time hasher stays a random keyed one (HashDoS: `KeyInterner`).
    pub fn id_hashed(&mut self, compiled: &KeyInterner, key: &[u8]) -> (KeyId, u64) {
        let hasher = compiled.hasher();
        let h = hasher.hash(key);
        let id = match compiled.lookup_hashed(key, h.keyed) {
            id if id != KeyId::NONE && id.0 < self.base => id,
            _ => {
                if self.runtime_keys.hasher() != hasher && self.runtime_keys.is_empty() {
                    self.runtime_keys = KeyInterner::with_hasher(hasher);
                }
                let rt = if self.runtime_keys.hasher() == hasher {
                    self.runtime_keys.intern_hashed(key, h.keyed)
                } else {
                    self.runtime_keys.intern(key)
                };
                KeyId(self.base + rt.0)
            }
        };
        (id, h.stl)
    }

    /// The id of `key` without interning it.
    pub fn find_id(&self, compiled: &KeyInterner, key: &[u8]) -> Option<KeyId> {
        match compiled.get(key) {
            Some(id) if id.0 < self.base => Some(id),
            _ => self.runtime_keys.get(key).map(|k| KeyId(self.base + k.0)),
        }
    }

    /// The variable named `key`, using `id` (its compile-time id) when the rule interned it.
    pub fn get_named(&self, compiled: &KeyInterner, id: KeyId, key: &[u8]) -> Option<&MutVar> {
        if id != KeyId::NONE && id.0 < self.base {
            return self.get(id);
        }
        self.find_id(compiled, key).and_then(|i| self.get(i))
    }

    /// The variable with id `id`.
    pub fn get(&self, id: KeyId) -> Option<&MutVar> {
        self.vars.get(id.0 as usize).filter(|v| v.live)
    }

    /// Sets a variable (`storeOrUpdateFirst`): an existing one keeps its key spelling and its
    /// place in the iteration order.
    pub fn set(&mut self, id: KeyId, key: &[u8], value: &[u8]) {
        self.set_with(id, key, value, || key_hash(key));
    }

    /// [`MutCollection::set`] with the key's `key_hash` computed in advance (a `setvar` with
    /// a literal key: `SetVarAction::key_hash`). `hash` must be `key_hash(key)`.
    pub fn set_hashed(&mut self, id: KeyId, key: &[u8], hash: u64, value: &[u8]) {
        self.set_with(id, key, value, || hash);
    }

    /// Sets a variable; `hash` gives `key_hash(key)`, asked only when the variable is new.
    fn set_with(&mut self, id: KeyId, key: &[u8], value: &[u8], hash: impl FnOnce() -> u64) {
        let idx = id.0 as usize;
        if self.vars.len() <= idx {
            self.vars.resize_with(idx + 1, MutVar::default);
        }
        let Some(v) = self.vars.get_mut(idx) else {
            return;
        };
        v.value.clear();
        v.value.extend_from_slice(value);
        if v.live {
            return;
        }
        v.key.clear();
        v.key.extend_from_slice(key);
        v.expires_at = None;
        v.node = self.order.insert(hash(), id.0);
        v.live = true;
        self.node_key.push(id.0);
        self.live += 1;
    }

    /// Sets an expiry on an existing variable.
    pub fn set_expiry(&mut self, id: KeyId, at: i64) {
        if let Some(v) = self.vars.get_mut(id.0 as usize).filter(|v| v.live) {
            v.expires_at = Some(at);
        }
    }

    /// Deletes a variable.
    pub fn remove(&mut self, id: KeyId) {
        let Some(v) = self.vars.get_mut(id.0 as usize) else {
            return;
        };
        if !v.live {
            return;
        }
        v.live = false;
        self.live -= 1;
        self.order.erase(id.0);
    }

    /// Variable ids in the order ModSecurity visits a whole-collection target (`TX`,
    /// `TX:/regex/`): the container's iteration order, reversed.
    pub fn visit_order(&self, out: &mut Vec<KeyId>) {
        out.clear();
        out.extend(self.visit_ids());
    }

    /// [`MutCollection::visit_order`] as an iterator, without allocating (a TX read runs on
    /// every `TX:/regex/` target; the order comes from the list's back-links).
    pub fn visit_ids(&self) -> impl Iterator<Item = KeyId> + '_ {
        self.order
            .iter_rev()
            .filter_map(|n| self.node_key.get(n as usize).map(|&k| KeyId(k)))
    }

    /// Every variable, for persisting.
    pub fn iter(&self) -> impl Iterator<Item = &MutVar> {
        self.vars.iter().filter(|v| v.live)
    }

    /// A hash of a key, to spot keys quickly.
    pub fn key_hash(key: &[u8]) -> u64 {
        caseless_hash(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// After `clear`, a collection reads as a new one: no variable is left, whatever was
        /// set, removed or re-set before (compile-time and run-time keys), and run-time keys
        /// get the ids a new collection gives them.
        #[test]
        fn clear_forgets_everything(
            ops in proptest::collection::vec(
                (0u8..3, proptest::collection::vec(proptest::sample::select(b"abAB0".to_vec()), 1..4)),
                0..40,
            ),
            after in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"abAB0".to_vec()), 1..4),
                0..10,
            ),
        ) {
            let mut compiled = KeyInterner::default();
            compiled.intern(b"a");
            compiled.intern(b"b0");
            let base = compiled.len() as u32;
            let mut used = MutCollection::new(base);
            for (op, key) in &ops {
                let id = used.id_for(&compiled, key);
                match op {
                    0 | 1 => used.set(id, key, b"v"),
                    _ => used.remove(id),
                }
            }
            used.clear();
            proptest::prop_assert_eq!(used.len(), 0);
            proptest::prop_assert_eq!(used.iter().count(), 0);
            let mut order = Vec::new();
            used.visit_order(&mut order);
            proptest::prop_assert!(order.is_empty());
            let mut fresh = MutCollection::new(base);
            for key in &after {
                let (a, b) = (used.id_for(&compiled, key), fresh.id_for(&compiled, key));
                proptest::prop_assert_eq!(a, b);
                proptest::prop_assert_eq!(used.get(a), fresh.get(b));
                used.set(a, key, b"w");
                fresh.set(b, key, b"w");
            }
            let (mut o1, mut o2) = (Vec::new(), Vec::new());
            used.visit_order(&mut o1);
            fresh.visit_order(&mut o2);
            proptest::prop_assert_eq!(o1, o2);
            proptest::prop_assert_eq!(used.iter().cloned().collect::<Vec<_>>(), fresh.iter().cloned().collect::<Vec<_>>());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// `id_hashed` + `set_hashed` (a `setvar` with a macro key) gives the ids and builds
        /// the collection (values, spellings, order) that `id_for` + `set` build, for keys
        /// that are compile-time keys, case variants of them, and run-time keys.
        #[test]
        fn id_hashed_is_id_for(
            compiled_keys in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"aAbB_0\xc3".to_vec()), 0..12),
                0..6,
            ),
            ops in proptest::collection::vec(
                (0u8..4, proptest::collection::vec(proptest::sample::select(b"aAbB_0\xc3".to_vec()), 0..12)),
                0..40,
            ),
        ) {
            let mut compiled = KeyInterner::default();
            for k in &compiled_keys {
                compiled.intern(k);
            }
            let base = compiled.len() as u32;
            let (mut a, mut b) = (MutCollection::new(base), MutCollection::new(base));
            for (n, (op, key)) in ops.iter().enumerate() {
                let ia = a.id_for(&compiled, key);
                // Op 3 interns through `id_for` in `b` too: a run-time interner that hashed
                // keys with its own hasher before `id_hashed` first ran.
                let (ib, h) = if *op == 3 {
                    (b.id_for(&compiled, key), key_hash(key))
                } else {
                    b.id_hashed(&compiled, key)
                };
                proptest::prop_assert_eq!(ia, ib);
                proptest::prop_assert_eq!(h, key_hash(key));
                let v = n.to_string();
                if *op == 0 {
                    a.remove(ia);
                    b.remove(ib);
                } else {
                    a.set(ia, key, v.as_bytes());
                    b.set_hashed(ib, key, h, v.as_bytes());
                }
            }
            let (mut oa, mut ob) = (Vec::new(), Vec::new());
            a.visit_order(&mut oa);
            b.visit_order(&mut ob);
            proptest::prop_assert_eq!(oa, ob);
            proptest::prop_assert_eq!(a.iter().cloned().collect::<Vec<_>>(), b.iter().cloned().collect::<Vec<_>>());
        }
    }

    /// `set_hashed` with the key's `key_hash` builds the collection `set` builds (values,
    /// spellings and iteration order).
    #[test]
    fn set_hashed_is_set() {
        let mut compiled = KeyInterner::default();
        for k in [&b"a"[..], b"B", b"score"] {
            compiled.intern(k);
        }
        let base = compiled.len() as u32;
        let (mut a, mut b) = (MutCollection::new(base), MutCollection::new(base));
        let keys: [&[u8]; 7] = [b"score", b"A", b"x1", b"b", b"SCORE", b"x2", b"x1"];
        for (n, k) in keys.iter().enumerate() {
            let v = n.to_string();
            let (ia, ib) = (a.id_for(&compiled, k), b.id_for(&compiled, k));
            assert_eq!(ia, ib);
            a.set(ia, k, v.as_bytes());
            b.set_hashed(ib, k, key_hash(k), v.as_bytes());
        }
        let (mut oa, mut ob) = (Vec::new(), Vec::new());
        a.visit_order(&mut oa);
        b.visit_order(&mut ob);
        assert_eq!(oa, ob);
        assert_eq!(
            a.iter().cloned().collect::<Vec<_>>(),
            b.iter().cloned().collect::<Vec<_>>()
        );
    }

    #[test]
    fn set_update_remove() {
        let mut compiled = KeyInterner::default();
        let score = compiled.intern(b"anomaly_score");
        let mut tx = MutCollection::new(compiled.len() as u32);
        let id = tx.id_for(&compiled, b"ANOMALY_SCORE");
        assert_eq!(id, score);
        tx.set(id, b"ANOMALY_SCORE", b"5");
        tx.set(id, b"anomaly_score", b"10");
        assert_eq!(tx.get(id).map(|v| &v.value[..]), Some(&b"10"[..]));
        assert_eq!(tx.get(id).map(|v| &v.key[..]), Some(&b"ANOMALY_SCORE"[..]));
        let other = tx.id_for(&compiled, b"dyn_key");
        assert_ne!(other, score);
        tx.set(other, b"dyn_key", b"x");
        assert_eq!(tx.len(), 2);
        let mut order = Vec::new();
        tx.visit_order(&mut order);
        assert_eq!(order.len(), 2);
        tx.remove(id);
        assert!(tx.get(id).is_none());
        tx.visit_order(&mut order);
        assert_eq!(order, vec![other]);
        tx.set(id, b"anomaly_score", b"1");
        assert_eq!(tx.get(id).map(|v| &v.key[..]), Some(&b"anomaly_score"[..]));
    }
}
