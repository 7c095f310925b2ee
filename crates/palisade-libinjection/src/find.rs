//! Byte search tuned for the short values a WAF mostly inspects: a plain loop below
//! [`SHORT`] bytes, where memchr's set-up and dispatch cost more than the search, and
//! memchr's vector search from there on.

/// Haystacks shorter than this are searched byte by byte.
const SHORT: usize = 16;

/// The position of the first `byte` in `hay` (as `memchr::memchr`).
pub(crate) fn find_byte(byte: u8, hay: &[u8]) -> Option<usize> {
    if hay.len() < SHORT {
        hay.iter().position(|&b| b == byte)
    } else {
        memchr::memchr(byte, hay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Both branches give memchr's answer, at every length around the threshold.
        #[test]
        fn find_byte_equals_memchr(hay in proptest::collection::vec(prop_oneof![Just(b'<'), Just(0u8), any::<u8>()], 0..80), byte in prop_oneof![Just(b'<'), Just(0u8), any::<u8>()]) {
            prop_assert_eq!(find_byte(byte, &hay), memchr::memchr(byte, &hay));
        }
    }
}
