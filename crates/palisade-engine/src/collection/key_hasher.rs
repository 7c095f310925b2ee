//! One pass over a collection key for both hashes a request collection needs: a keyed hash of
//! the ASCII-lowercased bytes (to find the key's class, and the interned id) and libstdc++'s sum
//! of the lowercased bytes ([`super::stl_order::key_hash`], for ModSecurity's visiting order).
//!
//! The bytes are read eight at a time: a word is lowercased with bit operations (a byte in
//! `A..=Z` gets `0x20` added, every other byte, non-ASCII included, stays), its bytes are summed
//! with two masks and a multiply, and it is mixed into the keyed hash with a 64×64→128-bit
//! multiply whose halves are folded (`fold`). The last partial word is zero-padded, and the
//! length is mixed in first, so keys that differ only by trailing zero bytes differ.
//!
//! Why this is safe against crafted keys (HashDoS): argument and header names are chosen by the
//! client, and the maps keyed by these hashes chain only on a *full* 64-bit collision. The two
//! keys of the hash come from the standard library's `RandomState` (random per process where
//! the platform has randomness; on wasm32-unknown-unknown `RandomState` is fixed, as
//! everything hashed there already is), so the hash of a key is not predictable without them;
//! each word is mixed with both keys before the multiply, so a word cannot cancel the state
//! without knowing it. This is the strength of the multiply-fold hashers (`foldhash`, `ahash`'s
//! fallback), not of SipHash: it resists collisions chosen without knowledge of the keys, which
//! is what a client that sees only verdicts can do.
//!
//! Both hashes equal, for every key, what the byte-at-a-time definitions give (a proptest
//! compares them against `to_ascii_lowercase` per byte).

use std::hash::{BuildHasher, RandomState};

/// The keys of the collection-key hash; equal hashers give equal hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyHasher {
    k0: u64,
    k1: u64,
    /// Tests only: the keyed hash is and-ed with it, to make keys collide.
    #[cfg(test)]
    mask: u64,
}

/// Both hashes of one key (computed by one [`KeyHasher`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyHashes {
    /// The keyed hash of the ASCII-lowercased bytes.
    pub keyed: u64,
    /// The sum of the ASCII-lowercased bytes (libstdc++'s hash in ModSecurity's containers).
    pub stl: u64,
}

const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HI: u64 = 0x8080_8080_8080_8080;
const ONES: u64 = 0x0101_0101_0101_0101;
const P0: u64 = 0x9e37_79b9_7f4a_7c15;
const P1: u64 = 0xa076_1d64_78bd_642f;

impl Default for KeyHasher {
    fn default() -> Self {
        Self::new()
    }
}

/// The 128-bit product of `a` and `b`, its halves xor-ed.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// `w` with every byte in `A..=Z` lowercased.
#[inline]
fn lower_word(w: u64) -> u64 {
    let low = w & LO7;
    // High bit of each byte: low >= 'A', low >= 'Z' + 1 (no carries: low <= 0x7f).
    let ge_a = low.wrapping_add(ONES * (0x80 - 0x41));
    let gt_z = low.wrapping_add(ONES * (0x80 - 0x5b));
    let upper = ge_a & !gt_z & !w & HI;
    w | (upper >> 2)
}

/// The sum of the bytes of `w`.
#[inline]
fn byte_sum(w: u64) -> u64 {
    const M: u64 = 0x00ff_00ff_00ff_00ff;
    let pairs = (w & M) + ((w >> 8) & M);
    pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48
}

impl KeyHasher {
    /// A hasher with keys drawn from the standard library's `RandomState`.
    pub fn new() -> Self {
        let s = RandomState::new();
        Self::with_keys(s.hash_one(0x6b65_7930_u64), s.hash_one(0x6b65_7931_u64))
    }

    /// A hasher with the given keys (tests; hosts that seed themselves).
    pub fn with_keys(k0: u64, k1: u64) -> Self {
        KeyHasher {
            k0,
            // Odd, so that the multiply by it loses no low bits.
            k1: k1 | 1,
            #[cfg(test)]
            mask: u64::MAX,
        }
    }

    /// Tests only: a hasher whose keyed hashes keep only the bits of `mask`, so that distinct
    /// keys collide and the chains of equal hashes get exercised.
    #[cfg(test)]
    pub(crate) fn colliding(mask: u64) -> Self {
        KeyHasher {
            mask,
            ..Self::with_keys(7, 11)
        }
    }

    /// Both hashes of `key`.
    #[inline]
    pub fn hash(&self, key: &[u8]) -> KeyHashes {
        let mut h = fold(self.k0 ^ (key.len() as u64).wrapping_mul(P0), self.k1 ^ P1);
        let mut sum = 0u64;
        let mut words = key.chunks_exact(8);
        for c in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            let w = lower_word(u64::from_le_bytes(b));
            sum += byte_sum(w);
            h = fold(h ^ w ^ self.k0, self.k1 ^ P0);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            let w = lower_word(u64::from_le_bytes(b));
            sum += byte_sum(w);
            h = fold(h ^ w ^ self.k0, self.k1 ^ P0);
        }
        let keyed = fold(h ^ self.k1, self.k0 ^ P1);
        #[cfg(test)]
        let keyed = keyed & self.mask;
        KeyHashes { keyed, stl: sum }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::stl_order::key_hash;

    /// The keyed hash as its definition reads: byte by byte, lowercased, eight to a word.
    fn keyed_slow(h: &KeyHasher, key: &[u8]) -> u64 {
        let lower: Vec<u8> = key.iter().map(u8::to_ascii_lowercase).collect();
        let mut s = fold(h.k0 ^ (key.len() as u64).wrapping_mul(P0), h.k1 ^ P1);
        for c in lower.chunks(8) {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            s = fold(s ^ u64::from_le_bytes(b) ^ h.k0, h.k1 ^ P0);
        }
        fold(s ^ h.k1, h.k0 ^ P1)
    }

    #[test]
    fn case_is_ignored_and_lengths_count() {
        let h = KeyHasher::with_keys(1, 2);
        assert_eq!(h.hash(b"User-Agent"), h.hash(b"USER-AGENT"));
        assert_ne!(h.hash(b"a").keyed, h.hash(b"a\0").keyed);
        assert_ne!(h.hash(b"").keyed, h.hash(b"\0").keyed);
        assert_eq!(h.hash(b"AZ[@`{").stl, key_hash(b"AZ[@`{"));
        assert_ne!(KeyHasher::new(), KeyHasher::new());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// Both hashes equal their byte-at-a-time definitions, for bytes of every value; keys
        /// equal ASCII case-insensitively hash alike.
        #[test]
        fn word_at_a_time_equals_byte_at_a_time(
            key in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            k0 in proptest::num::u64::ANY,
            k1 in proptest::num::u64::ANY,
        ) {
            let h = KeyHasher::with_keys(k0, k1);
            let got = h.hash(&key);
            proptest::prop_assert_eq!(got.stl, key_hash(&key));
            proptest::prop_assert_eq!(got.keyed, keyed_slow(&h, &key));
            let upper: Vec<u8> = key.iter().map(u8::to_ascii_uppercase).collect();
            proptest::prop_assert_eq!(h.hash(&upper), got);
        }
    }
}
