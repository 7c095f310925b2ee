//! `t:hexEncode`: each byte becomes two lowercase hexadecimal digits. An empty value stays empty.
//! The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::HEX_DIGITS;

/// Applies `t:hexEncode`.
pub fn hex_encode(input: &[u8]) -> Cow<'_, [u8]> {
    if input.is_empty() {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len() * 2);
    for &b in input {
        out.push(HEX_DIGITS[usize::from(b >> 4)]);
        out.push(HEX_DIGITS[usize::from(b & 15)]);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_lowercase() {
        assert_eq!(&*hex_encode(b"Test\0\xff"), b"5465737400ff");
    }
}
