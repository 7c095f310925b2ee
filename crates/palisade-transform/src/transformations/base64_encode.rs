//! `t:base64Encode`: standard base64 with `=` padding (mbed TLS's encoder). An empty value stays
//! empty. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Applies `t:base64Encode`.
pub fn base64_encode(input: &[u8]) -> Cow<'_, [u8]> {
    if input.is_empty() {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len().div_ceil(3) * 4);
    let mut chunks = input.chunks_exact(3);
    for c in &mut chunks {
        let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        out.extend_from_slice(&[
            ALPHABET[(n >> 18) as usize & 63],
            ALPHABET[(n >> 12) as usize & 63],
            ALPHABET[(n >> 6) as usize & 63],
            ALPHABET[n as usize & 63],
        ]);
    }
    match *chunks.remainder() {
        [a] => out.extend_from_slice(&[
            ALPHABET[usize::from(a >> 2)],
            ALPHABET[usize::from((a & 3) << 4)],
            b'=',
            b'=',
        ]),
        [a, b] => out.extend_from_slice(&[
            ALPHABET[usize::from(a >> 2)],
            ALPHABET[usize::from(((a & 3) << 4) | (b >> 4))],
            ALPHABET[usize::from((b & 15) << 2)],
            b'=',
        ]),
        _ => {}
    }
    // Base64 of a non-empty value is always longer than the value: never equal.
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_like_rfc_4648() {
        assert_eq!(&*base64_encode(b"TestCase12"), b"VGVzdENhc2UxMg==");
        assert_eq!(&*base64_encode(b"TestCase1"), b"VGVzdENhc2Ux");
        assert_eq!(&*base64_encode(b"\xff\xfe"), b"//4=");
        assert!(matches!(base64_encode(b""), Cow::Borrowed(_)));
    }
}
