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
///
/// Most lookups are of keys nobody interned (every argument and header name of a request is
/// looked up in the ruleset's keys), so a lookup first checks a filter: the lengths, first and
/// last bytes (ASCII-lowercased) of the interned keys. A key that fails it is not interned
/// (an interned key equal to it ASCII case-insensitively would have put its length and both
/// lowercased end bytes in the filter); one that passes is looked up in the map.
#[derive(Clone, Debug, Default)]
pub struct KeyInterner {
    by_hash: HashMap<u64, Vec<u32>>,
    keys: Vec<Box<[u8]>>,
    filter: KeyFilter,
}

/// Lengths (bit `min(len, 63)`) and lowercased first and last bytes of the interned keys.
#[derive(Clone, Copy, Debug, Default)]
struct KeyFilter {
    lengths: u64,
    first: [u64; 4],
    last: [u64; 4],
}

impl KeyFilter {
    fn bit(b: u8) -> (usize, u64) {
        let b = b.to_ascii_lowercase();
        (usize::from(b >> 6), 1u64 << (b & 63))
    }

    fn add(&mut self, key: &[u8]) {
        self.lengths |= 1u64 << key.len().min(63);
        if let (Some(&f), Some(&l)) = (key.first(), key.last()) {
            let (i, m) = Self::bit(f);
            self.first[i] |= m;
            let (i, m) = Self::bit(l);
            self.last[i] |= m;
        }
    }

    /// False when no interned key can equal `key` ASCII case-insensitively.
    #[inline]
    fn may_hold(&self, key: &[u8]) -> bool {
        if self.lengths & (1u64 << key.len().min(63)) == 0 {
            return false;
        }
        match (key.first(), key.last()) {
            (Some(&f), Some(&l)) => {
                let (i, m) = Self::bit(f);
                let (j, n) = Self::bit(l);
                self.first[i] & m != 0 && self.last[j] & n != 0
            }
            _ => true,
        }
    }
}

impl KeyInterner {
    /// The id of `key`, interning it if new.
    pub fn intern(&mut self, key: &[u8]) -> KeyId {
        if let Some(id) = self.get(key).filter(|k| *k != KeyId::NONE) {
            return id;
        }
        let id = u32::try_from(self.keys.len()).unwrap_or(u32::MAX - 1);
        self.keys.push(key.into());
        self.filter.add(key);
        self.by_hash.entry(caseless_hash(key)).or_default().push(id);
        KeyId(id)
    }

    /// The id of `key` if it was interned.
    pub fn get(&self, key: &[u8]) -> Option<KeyId> {
        if !self.filter.may_hold(key) {
            return None;
        }
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
        self.filter = KeyFilter::default();
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
        assert_eq!(k.lookup(b""), KeyId::NONE);
        let e = k.intern(b"");
        assert_eq!(k.lookup(b""), e);
        k.clear();
        assert_eq!(k.lookup(b"user-agent"), KeyId::NONE);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// The filter never hides an interned key: a lookup finds exactly the keys a scan of
        /// the interned spellings finds (ASCII case-insensitively), bytes of every value.
        #[test]
        fn lookup_finds_what_a_scan_finds(
            interned in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"aAbZz_\xc3\xe9\x00-".to_vec()), 0..5),
                0..12,
            ),
            probes in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"aAbZz_\xc3\xe9\x00-".to_vec()), 0..5),
                0..24,
            ),
        ) {
            let mut k = KeyInterner::default();
            for key in &interned {
                k.intern(key);
            }
            for p in probes.iter().chain(interned.iter()) {
                let want = interned.iter().any(|i| i.eq_ignore_ascii_case(p));
                let got = k.lookup(p);
                proptest::prop_assert_eq!(got != KeyId::NONE, want);
                if want {
                    proptest::prop_assert!(k.spelling(got).eq_ignore_ascii_case(p));
                }
            }
        }
    }
}
