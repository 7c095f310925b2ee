//! `t:parityOdd7bit`: sets or clears bit 7 of every byte from the parity of all eight of its bits
//! (set when that parity is even), as ModSecurity computes it. An empty value stays empty. The
//! same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::finish;
use super::parity_even_7bit::odd_parity;

/// The byte after `t:parityOdd7bit`.
#[inline]
const fn odd(x: u8) -> u8 {
    if odd_parity(x) { x & 0x7f } else { x | 0x80 }
}

/// Applies `t:parityOdd7bit`.
pub fn parity_odd_7bit(input: &[u8]) -> Cow<'_, [u8]> {
    if input.iter().all(|&b| odd(b) == b) {
        return Cow::Borrowed(input);
    }
    finish(input, input.iter().map(|&b| odd(b)).collect())
}

/// `t:parityOdd7bit` on an owned value, in place.
pub(crate) fn parity_odd_7bit_owned(mut buf: Vec<u8>) -> Vec<u8> {
    buf.iter_mut().for_each(|b| *b = odd(*b));
    buf
}

/// `t:parityOdd7bit` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn parity_odd_7bit_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(
        input,
        input.iter().position(|&b| odd(b) != b),
        out,
        |buf, start| buf[start..].iter_mut().for_each(|b| *b = odd(*b)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_bit_7_on_even_parity() {
        assert_eq!(&*parity_odd_7bit(b"abc\0"), b"ab\xe3\x80");
    }
}
