//! `t:parityZero7bit`: clears bit 7 of every byte. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

/// Applies `t:parityZero7bit`.
pub fn parity_zero_7bit(input: &[u8]) -> Cow<'_, [u8]> {
    match input.iter().position(|&b| b >= 0x80) {
        None => Cow::Borrowed(input),
        Some(start) => {
            let mut out = input.to_vec();
            out[start..].iter_mut().for_each(|b| *b &= 0x7f);
            Cow::Owned(out)
        }
    }
}

/// `t:parityZero7bit` on an owned value, in place.
pub(crate) fn parity_zero_7bit_owned(mut buf: Vec<u8>) -> Vec<u8> {
    buf.iter_mut().for_each(|b| *b &= 0x7f);
    buf
}

/// `t:parityZero7bit` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn parity_zero_7bit_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(
        input,
        input.iter().position(|&b| b >= 0x80),
        out,
        |buf, start| buf[start..].iter_mut().for_each(|b| *b &= 0x7f),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clears_bit_7() {
        assert_eq!(
            &*parity_zero_7bit(b"\xc2\x80\0\xc2\x8f\xc3\xbf"),
            b"B\0\0B\x0fC?"
        );
    }
}
