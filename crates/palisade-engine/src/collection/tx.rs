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
}

/// A mutable collection.
#[derive(Clone, Debug)]
pub struct MutCollection {
    vars: Vec<Option<MutVar>>,
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
            runtime_keys: KeyInterner::default(),
            base,
            order: StlOrder::new(Reserve::Thousand),
            node_key: Vec::new(),
            live: 0,
        }
    }

    /// Forgets every variable, keeping the allocations.
    pub fn clear(&mut self) {
        for v in self.vars.iter_mut() {
            *v = None;
        }
        self.runtime_keys = KeyInterner::default();
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
        self.vars.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// Sets a variable (`storeOrUpdateFirst`): an existing one keeps its key spelling and its
    /// place in the iteration order.
    pub fn set(&mut self, id: KeyId, key: &[u8], value: &[u8]) {
        let idx = id.0 as usize;
        if self.vars.len() <= idx {
            self.vars.resize(idx + 1, None);
        }
        if let Some(Some(v)) = self.vars.get_mut(idx) {
            v.value.clear();
            v.value.extend_from_slice(value);
            return;
        }
        let node = self.order.insert(key_hash(key), id.0);
        self.node_key.push(id.0);
        self.vars[idx] = Some(MutVar {
            key: key.to_vec(),
            value: value.to_vec(),
            expires_at: None,
            node,
        });
        self.live += 1;
    }

    /// Sets an expiry on an existing variable.
    pub fn set_expiry(&mut self, id: KeyId, at: i64) {
        if let Some(Some(v)) = self.vars.get_mut(id.0 as usize) {
            v.expires_at = Some(at);
        }
    }

    /// Deletes a variable.
    pub fn remove(&mut self, id: KeyId) {
        let Some(slot) = self.vars.get_mut(id.0 as usize) else {
            return;
        };
        if slot.take().is_none() {
            return;
        }
        self.live -= 1;
        self.order.erase(id.0);
    }

    /// Variable ids in the order ModSecurity visits a whole-collection target (`TX`,
    /// `TX:/regex/`): the container's iteration order, reversed.
    pub fn visit_order(&self, out: &mut Vec<KeyId>) {
        out.clear();
        for n in self.order.iter() {
            if let Some(&k) = self.node_key.get(n as usize) {
                out.push(KeyId(k));
            }
        }
        out.reverse();
    }

    /// Every variable, for persisting.
    pub fn iter(&self) -> impl Iterator<Item = &MutVar> {
        self.vars.iter().filter_map(Option::as_ref)
    }

    /// A hash of a key, to spot keys quickly.
    pub fn key_hash(key: &[u8]) -> u64 {
        caseless_hash(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
