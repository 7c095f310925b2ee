//! `t:hexDecode`: each pair of bytes, read as two hexadecimal digits, becomes one byte.
//!
//! No validation: a pair that is not hex decodes with ModSecurity's `x2c` arithmetic anyway
//! (`0z` gives `#`), and a final odd byte is dropped. An empty value stays empty.
//!
//! Follows v3.0.9, whose `int` length makes a one-byte value decode to nothing. v3/master computes
//! `len - 2` on an unsigned length and reads far past a one-byte value (CVE-2026-30923, fixed in
//! 3.0.15); for every other length the two agree.

use std::borrow::Cow;

use super::x2c;

/// Applies `t:hexDecode`.
pub fn hex_decode(input: &[u8]) -> Cow<'_, [u8]> {
    if input.is_empty() {
        return Cow::Borrowed(input);
    }
    // A non-empty value always shrinks, so it always changes.
    Cow::Owned(
        input
            .chunks_exact(2)
            .map(|pair| x2c(pair[0], pair[1]))
            .collect(),
    )
}

/// `t:hexDecode` on an owned value, in place.
pub(crate) fn hex_decode_owned(mut buf: Vec<u8>) -> Vec<u8> {
    let n = buf.len() / 2;
    for k in 0..n {
        buf[k] = x2c(buf[2 * k], buf[2 * k + 1]);
    }
    buf.truncate(n);
    buf
}

/// `t:hexDecode` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn hex_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    if input.is_empty() {
        return false;
    }
    out.clear();
    out.extend(input.chunks_exact(2).map(|pair| x2c(pair[0], pair[1])));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pairs_and_drops_an_odd_byte() {
        assert_eq!(&*hex_decode(b"5465737443617365"), b"TestCase");
        assert_eq!(&*hex_decode(b"01234567890a0"), b"\x01\x23\x45\x67\x89\x0a");
        assert_eq!(&*hex_decode(b"a"), b"");
        assert_eq!(&*hex_decode(b"abc"), b"\xab");
        assert_eq!(hex_decode_owned(b"0z41".to_vec()), b"#A");
    }
}
