//! Interned collection keys: every key a rule names literally (`ARGS:id`,
//! `REQUEST_HEADERS:User-Agent`, `TX:anomaly_score`, `!REQUEST_COOKIES:_ga`) gets a small id at
//! compile time, compared without regard to ASCII case, so that selecting a key at request time
//! is an integer comparison instead of a string comparison.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::key_hasher::KeyHasher;
use super::prehashed::Prehashed;

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

/// A key's bytes, hashed ASCII-lowercased (for keyed hashers).
pub struct Caseless<'a>(pub &'a [u8]);

impl Hash for Caseless<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut buf = [0u8; 64];
        for chunk in self.0.chunks(buf.len()) {
            let lower = &mut buf[..chunk.len()];
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            state.write(lower);
        }
        state.write_usize(self.0.len());
    }
}

const NONE: u32 = u32::MAX;

/// Keys interned without regard to ASCII case.
///
/// Most lookups are of keys nobody interned (every argument and header name of a request is
/// looked up in the ruleset's keys), so a lookup first checks a filter: the lengths, first and
/// last bytes (ASCII-lowercased) of the interned keys. A key that fails it is not interned
/// (an interned key equal to it ASCII case-insensitively would have put its length and both
/// lowercased end bytes in the filter); one that passes is looked up in the map.
///
/// The map is keyed by a hash of the lowercased key, not hashed again ([`Prehashed`]): the
/// interner's own [`KeyHasher`], keyed at random, so that client-chosen keys (the `TX` keys an
/// interner from [`KeyInterner::for_client_keys`] takes, such as `tx.header_name_920450_…`)
/// cannot pile up in one bucket. A request's collections hash their keys with the ruleset
/// interner's hasher ([`KeyInterner::hasher`]), so one hash of a key serves both the lookup of
/// its id ([`KeyInterner::lookup_hashed`]) and its collection. Ids with the same hash are
/// chained.
#[derive(Clone, Debug, Default)]
pub struct KeyInterner {
    /// Hash → the newest id with that hash.
    by_hash: HashMap<u64, u32, Prehashed>,
    /// Id → an older id with the same hash, or `NONE`.
    same_hash: Vec<u32>,
    /// The keys' bytes, one after the other.
    bytes: Vec<u8>,
    /// Id → (start, length) in `bytes`.
    spans: Vec<(u32, u32)>,
    filter: KeyFilter,
    /// The hash of keys.
    hasher: KeyHasher,
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
    /// An interner for keys a client chooses (see [`KeyInterner`]: every interner hashes
    /// with a random key now, so this is [`KeyInterner::default`]).
    pub fn for_client_keys() -> Self {
        KeyInterner::default()
    }

    /// The hash this interner keys its map with (request collections built for its ruleset
    /// use it too).
    pub fn hasher(&self) -> KeyHasher {
        self.hasher
    }

    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash(key).keyed
    }

    fn key(&self, id: u32) -> &[u8] {
        self.spans.get(id as usize).map_or(&[], |&(s, l)| {
            self.bytes
                .get(s as usize..s as usize + l as usize)
                .unwrap_or(&[])
        })
    }

    /// The id of the key equal to `key` among those with hash `h`.
    fn find(&self, h: u64, key: &[u8]) -> Option<u32> {
        let mut id = *self.by_hash.get(&h)?;
        while id != NONE {
            if self.key(id).eq_ignore_ascii_case(key) {
                return Some(id);
            }
            id = self.same_hash.get(id as usize).copied().unwrap_or(NONE);
        }
        None
    }

    /// An empty interner hashing with `hasher` (so that a hash by another interner with the
    /// same hasher serves [`KeyInterner::intern_hashed`]).
    pub fn with_hasher(hasher: KeyHasher) -> Self {
        KeyInterner {
            hasher,
            ..KeyInterner::default()
        }
    }

    /// The id of `key`, interning it if new.
    pub fn intern(&mut self, key: &[u8]) -> KeyId {
        self.intern_hashed(key, self.hash(key))
    }

    /// [`KeyInterner::intern`] given `h`, the keyed hash of `key` by this interner's
    /// [`KeyInterner::hasher`] (with another hash, equal keys may get different ids).
    pub fn intern_hashed(&mut self, key: &[u8], h: u64) -> KeyId {
        if self.filter.may_hold(key)
            && let Some(id) = self.find(h, key)
        {
            return KeyId(id);
        }
        let id = u32::try_from(self.spans.len()).unwrap_or(NONE - 1);
        let start = u32::try_from(self.bytes.len()).unwrap_or(NONE);
        self.bytes.extend_from_slice(key);
        self.spans
            .push((start, u32::try_from(key.len()).unwrap_or(0)));
        self.filter.add(key);
        let older = self.by_hash.insert(h, id).unwrap_or(NONE);
        self.same_hash.push(older);
        KeyId(id)
    }

    /// The id of `key` if it was interned.
    pub fn get(&self, key: &[u8]) -> Option<KeyId> {
        if !self.filter.may_hold(key) {
            return None;
        }
        self.find(self.hash(key), key).map(KeyId)
    }

    /// The id of `key`, or [`KeyId::NONE`].
    pub fn lookup(&self, key: &[u8]) -> KeyId {
        self.get(key).unwrap_or(KeyId::NONE)
    }

    /// [`KeyInterner::lookup`] given `keyed`, the keyed hash of `key` by this interner's
    /// [`KeyInterner::hasher`] (a hash by another hasher finds nothing, or a wrong id).
    #[inline]
    pub fn lookup_hashed(&self, key: &[u8], keyed: u64) -> KeyId {
        if !self.filter.may_hold(key) {
            return KeyId::NONE;
        }
        self.find(keyed, key).map_or(KeyId::NONE, KeyId)
    }

    /// Forgets every key, keeping the allocations.
    pub fn clear(&mut self) {
        self.by_hash.clear();
        self.same_hash.clear();
        self.bytes.clear();
        self.spans.clear();
        self.filter = KeyFilter::default();
    }

    /// The number of interned keys.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The spelling a key was first interned with.
    pub fn spelling(&self, id: KeyId) -> &[u8] {
        self.key(id.0)
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
            let colliding = KeyInterner { hasher: KeyHasher::colliding(3), ..KeyInterner::default() };
            for mut k in [KeyInterner::default(), KeyInterner::for_client_keys(), colliding] {
                let mut ids = Vec::new();
                for key in &interned {
                    ids.push(k.intern(key));
                }
                // Equal keys (ASCII case ignored) share an id; distinct keys do not.
                for (a, ka) in interned.iter().enumerate() {
                    for (b, kb) in interned.iter().enumerate() {
                        proptest::prop_assert_eq!(ids[a] == ids[b], ka.eq_ignore_ascii_case(kb));
                    }
                }
                for p in probes.iter().chain(interned.iter()) {
                    let want = interned.iter().any(|i| i.eq_ignore_ascii_case(p));
                    let got = k.lookup(p);
                    proptest::prop_assert_eq!(k.lookup_hashed(p, k.hasher().hash(p).keyed), got);
                    proptest::prop_assert_eq!(got != KeyId::NONE, want);
                    if want {
                        proptest::prop_assert!(k.spelling(got).eq_ignore_ascii_case(p));
                    }
                }
            }
        }
    }
}
