//! `t:parityEven7bit`: sets or clears bit 7 of every byte from the parity of all eight of its
//! bits (set when that parity is odd), as ModSecurity computes it. An empty value stays empty.
//! The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::finish;

/// Whether the byte has an odd number of one bits (ModSecurity's `0x6996` nibble trick).
#[inline]
pub(crate) const fn odd_parity(x: u8) -> bool {
    x.count_ones() % 2 == 1
}

/// The byte after `t:parityEven7bit`.
#[inline]
pub(crate) const fn even(x: u8) -> u8 {
    if odd_parity(x) { x | 0x80 } else { x & 0x7f }
}

/// Applies `t:parityEven7bit`.
pub fn parity_even_7bit(input: &[u8]) -> Cow<'_, [u8]> {
    if input.iter().all(|&b| even(b) == b) {
        return Cow::Borrowed(input);
    }
    finish(input, input.iter().map(|&b| even(b)).collect())
}

/// `t:parityEven7bit` on an owned value, in place.
pub(crate) fn parity_even_7bit_owned(mut buf: Vec<u8>) -> Vec<u8> {
    buf.iter_mut().for_each(|b| *b = even(*b));
    buf
}

/// `t:parityEven7bit` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn parity_even_7bit_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(
        input,
        input.iter().position(|&b| even(b) != b),
        out,
        |buf, start| buf[start..].iter_mut().for_each(|b| *b = even(*b)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_bit_7_on_odd_parity() {
        assert_eq!(&*parity_even_7bit(b"abc"), b"\xe1\xe2c");
        assert!(matches!(
            parity_even_7bit(b"cefijloqrtwx"),
            Cow::Borrowed(_)
        ));
    }
}
