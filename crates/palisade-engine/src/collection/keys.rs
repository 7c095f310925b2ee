//! Interned collection keys: every key a rule names literally (`ARGS:id`,
//! `REQUEST_HEADERS:User-Agent`, `TX:anomaly_score`, `!REQUEST_COOKIES:_ga`) gets a small id at
//! compile time, compared without regard to ASCII case, so that selecting a key at request time
//! is an integer comparison instead of a string comparison.

use std::collections::HashMap;

/// The id of an interned key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

impl KeyId {
    /// The id of a key no rule names.
    pub const NONE: KeyId = KeyId(u32::MAX);
}

/// FNV-1a over the ASCII-lowercased bytes.
pub fn caseless_hash(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Keys interned without regard to ASCII case.
#[derive(Clone, Debug, Default)]
pub struct KeyInterner {
    by_hash: HashMap<u64, Vec<u32>>,
    keys: Vec<Box<[u8]>>,
}

impl KeyInterner {
    /// The id of `key`, interning it if new.
    pub fn intern(&mut self, key: &[u8]) -> KeyId {
        if let Some(id) = self.get(key).filter(|k| *k != KeyId::NONE) {
            return id;
        }
        let id = u32::try_from(self.keys.len()).unwrap_or(u32::MAX - 1);
        self.keys.push(key.into());
        self.by_hash.entry(caseless_hash(key)).or_default().push(id);
        KeyId(id)
    }

    /// The id of `key` if it was interned.
    pub fn get(&self, key: &[u8]) -> Option<KeyId> {
        let ids = self.by_hash.get(&caseless_hash(key))?;
        ids.iter()
            .copied()
            .find(|&i| {
                self.keys
                    .get(i as usize)
                    .is_some_and(|k| k.eq_ignore_ascii_case(key))
            })
            .map(KeyId)
    }

    /// The id of `key`, or [`KeyId::NONE`].
    pub fn lookup(&self, key: &[u8]) -> KeyId {
        self.get(key).unwrap_or(KeyId::NONE)
    }

    /// Forgets every key, keeping the allocations.
    pub fn clear(&mut self) {
        self.by_hash.clear();
        self.keys.clear();
    }

    /// The number of interned keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The spelling a key was first interned with.
    pub fn spelling(&self, id: KeyId) -> &[u8] {
        self.keys.get(id.0 as usize).map_or(&[], |k| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caseless() {
        let mut k = KeyInterner::default();
        let a = k.intern(b"User-Agent");
        assert_eq!(k.intern(b"user-agent"), a);
        assert_eq!(k.lookup(b"USER-AGENT"), a);
        assert_eq!(k.lookup(b"referer"), KeyId::NONE);
        assert_ne!(k.intern(b"referer"), a);
        assert_eq!(k.spelling(a), b"User-Agent");
    }
}
