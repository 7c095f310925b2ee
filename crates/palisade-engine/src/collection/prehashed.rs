//! A `Hasher` for map keys that are already hashes or small dense ids: a request
//! collection's keyed hash of a lowercased key and [`super::keys::KeyId`]s
//! ([`super::request`]). Hashing them again with the standard library's SipHash cost about 100
//! instructions per lookup for nothing: one multiply spreads the bits hashbrown reads (its
//! bucket index from the low bits, its tag from the top 7).
//!
//! Why this is safe against crafted keys: the hashes are a keyed hash of the key, with keys
//! drawn at random ([`super::key_hasher`]), so a client cannot aim its keys at one bucket;
//! `KeyId`s are the ruleset interner's dense ids, which no client chooses. (Unkeyed hashes of
//! client bytes, such as the interner's old FNV, must not use it.)

use std::hash::{BuildHasherDefault, Hasher};

/// Multiplies each integer written into the state by an odd constant (Fibonacci hashing).
#[derive(Clone, Copy, Debug, Default)]
pub struct PrehashedHasher(u64);

/// The `BuildHasher` of [`PrehashedHasher`].
pub type Prehashed = BuildHasherDefault<PrehashedHasher>;

const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for PrehashedHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    /// Bytes are folded 8 at a time (only integers are expected).
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(K);
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn maps_work_with_integer_keys() {
        let mut m: HashMap<u64, u32, Prehashed> = HashMap::default();
        for i in 0..1000u64 {
            m.insert(i.wrapping_mul(0x1234_5678_9abc_def1), i as u32);
        }
        for i in 0..1000u64 {
            assert_eq!(
                m.get(&i.wrapping_mul(0x1234_5678_9abc_def1)),
                Some(&(i as u32))
            );
        }
        assert_eq!(m.get(&7), None);
        let mut h = PrehashedHasher::default();
        h.write(b"abc");
        let mut g = PrehashedHasher::default();
        g.write(b"abd");
        assert_ne!(h.finish(), g.finish());
    }
}
