//! `t:base64Decode`: strict base64 decoding, as ModSecurity v3 does it with mbed TLS.
//!
//! ModSecurity decodes `strlen(value)` bytes (the value up to its first NUL) with
//! `mbedtls_base64_decode` and uses an empty string when mbed TLS rejects the input. mbed TLS
//! (2.x bundled in v3.0.9, 3.6.0 as v3/master's submodule: same results) accepts `\n`, `\r\n` and
//! spaces at the end of a line or of the input; rejects any other byte outside the alphabet, a
//! space inside a line, more than two `=` and a digit after `=`; and decodes whole groups of four
//! only, silently dropping a trailing partial group.

use std::borrow::Cow;

use super::finish;

/// mbed TLS's decoding map: 0-63 for the alphabet, 64 for `=`, 127 for everything else.
const DEC: [u8; 256] = {
    let mut t = [127u8; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t[b'=' as usize] = 64;
    t
};

/// Applies `t:base64Decode`.
pub fn base64_decode(input: &[u8]) -> Cow<'_, [u8]> {
    if input.is_empty() {
        return Cow::Borrowed(input);
    }
    let data = match super::find_byte(0, input) {
        Some(nul) => &input[..nul],
        None => input,
    };
    let mut out = Vec::new();
    if !mbedtls_decode(data, &mut out) {
        out.clear();
    }
    finish(input, out)
}

/// `t:base64Decode` into `out` (see [`crate::apply_into`]): whether the value changed. Reuses
/// `out`'s buffer instead of allocating a new one per value.
pub(crate) fn base64_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    if input.is_empty() {
        return false;
    }
    let data = match super::find_byte(0, input) {
        Some(nul) => &input[..nul],
        None => input,
    };
    if !mbedtls_decode(data, out) {
        out.clear();
    }
    out.as_slice() != input
}

/// `mbedtls_base64_decode` into `out` (replacing its contents): `false` where mbed TLS returns
/// an error (`out` is then left as it was).
fn mbedtls_decode(src: &[u8], out: &mut Vec<u8>) -> bool {
    let len = src.len();
    // First pass: validity.
    let mut equals = 0u32;
    let mut i = 0;
    while i < len {
        let mut spaces = false;
        while i < len && src[i] == b' ' {
            i += 1;
            spaces = true;
        }
        if i == len {
            break;
        }
        let b = src[i];
        if (len - i >= 2 && b == b'\r' && src[i + 1] == b'\n') || b == b'\n' {
            i += 1;
            continue;
        }
        if spaces {
            return false;
        }
        if b == b'=' {
            equals += 1;
            if equals > 2 {
                return false;
            }
        }
        let v = DEC[usize::from(b)];
        if v == 127 || (v < 64 && equals != 0) {
            return false;
        }
        i += 1;
    }
    // Second pass: whole groups of four.
    out.clear();
    out.reserve(len / 4 * 3);
    let mut keep = 3u32;
    let mut acc = 0u32;
    let mut n = 0;
    for &b in src {
        if b == b'\r' || b == b'\n' || b == b' ' {
            continue;
        }
        let v = DEC[usize::from(b)];
        if v == 64 {
            keep = keep.saturating_sub(1);
        }
        acc = (acc << 6) | u32::from(v & 0x3f);
        n += 1;
        if n == 4 {
            n = 0;
            let bytes = acc.to_be_bytes();
            out.extend_from_slice(&bytes[1..1 + keep as usize]);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &[u8]) -> Vec<u8> {
        base64_decode(s).into_owned()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn into_equals_the_borrowed_form(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"QUJD=\r\n \0!a".to_vec()),
                0..20,
            ),
            junk in proptest::collection::vec(proptest::num::u8::ANY, 0..8),
        ) {
            let expected = base64_decode(&bytes);
            let mut out = junk;
            let changed = base64_decode_into(&bytes, &mut out);
            proptest::prop_assert_eq!(changed, matches!(expected, Cow::Owned(_)));
            if changed {
                proptest::prop_assert_eq!(out.as_slice(), &*expected);
            }
        }
    }

    #[test]
    fn decodes_whole_groups_only() {
        assert_eq!(d(b"VGVzdENhc2U="), b"TestCase");
        assert_eq!(d(b"QUJD"), b"ABC");
        assert_eq!(d(b"QUJDRA"), b"ABC");
        assert_eq!(d(b"QUI"), b"");
        assert_eq!(d(b"QQ=="), b"A");
    }

    #[test]
    fn rejects_what_mbedtls_rejects() {
        assert_eq!(d(b"QU JD"), b"");
        assert_eq!(d(b"QUJD!"), b"");
        assert_eq!(d(b"Q==="), b"");
        assert_eq!(d(b"QQ==QUJD"), b"");
        assert_eq!(d(b"QUJD\r"), b"");
    }

    #[test]
    fn accepts_line_breaks_and_trailing_spaces() {
        assert_eq!(d(b"QUJD\nQUJD"), b"ABCABC");
        assert_eq!(d(b"QUJD  \r\nQUJD   "), b"ABCABC");
    }

    #[test]
    fn stops_at_the_first_nul() {
        assert_eq!(d(b"VGVzdENhc2U=\0VGVzdENhc2U="), b"TestCase");
    }
}
