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
/// an error (`out` is then unspecified: the callers clear it).
///
/// Most values `t:base64Decode` meets are plain words, identifiers and numbers: bytes of the
/// alphabet only. The decoding starts with them, four at a time, validating and decoding in one
/// pass, and hands over to mbed TLS's two passes (validation, then decoding) at the first group
/// holding another byte. Why the hand-over is exact: before it every byte was in the alphabet,
/// which mbed TLS's validation accepts at the start of an iteration with no `=` seen and no
/// pending space, and its decoding turns into whole groups of four with all three bytes kept;
/// so both passes resume at the group's first byte in exactly the state they would have reached
/// there. The test `one_pass_prefix_equals_the_two_passes` compares this with the two passes
/// run from the first byte.
fn mbedtls_decode(src: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    out.reserve(src.len() / 4 * 3);
    let mut groups = src.chunks_exact(4);
    let mut done = 0;
    for g in groups.by_ref() {
        let (a, b, c, d) = (
            DEC[usize::from(g[0])],
            DEC[usize::from(g[1])],
            DEC[usize::from(g[2])],
            DEC[usize::from(g[3])],
        );
        if (a | b | c | d) >= 64 {
            break;
        }
        let acc = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..4]);
        done += 4;
    }
    let rest = src.get(done..).unwrap_or_default();
    if rest.iter().all(|&b| DEC[usize::from(b)] < 64) {
        // A partial group of alphabet bytes at the end: valid, and dropped.
        return true;
    }
    if !mbedtls_valid(rest) {
        return false;
    }
    mbedtls_groups(rest, out);
    true
}

/// mbed TLS's first pass: whether `src` is valid base64 (see the module comment).
fn mbedtls_valid(src: &[u8]) -> bool {
    let len = src.len();
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
    true
}

/// mbed TLS's second pass over a valid `src`: appends its whole groups of four to `out`.
fn mbedtls_groups(src: &[u8], out: &mut Vec<u8>) {
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

    /// mbed TLS's two passes run from the first byte: the reference for the one-pass prefix.
    fn two_passes(src: &[u8]) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        mbedtls_valid(src).then(|| {
            mbedtls_groups(src, &mut out);
            out
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8192))]
        /// A run of alphabet bytes then any bytes, so that long valid prefixes meet every kind
        /// of other byte (`=` padding above all) at every position of a group.
        #[test]
        fn one_pass_prefix_equals_the_two_passes(
            head in proptest::collection::vec(
                proptest::sample::select(b"QUJDdz09+/".to_vec()),
                0..16,
            ),
            tail in proptest::collection::vec(
                proptest::sample::select(b"QUJ=\r\n !-_\xc3".to_vec()),
                0..8,
            ),
            junk in proptest::collection::vec(proptest::num::u8::ANY, 0..8),
        ) {
            let mut out = junk;
            let bytes = [head, tail].concat();
            let ok = mbedtls_decode(&bytes, &mut out);
            let want = two_passes(&bytes);
            proptest::prop_assert_eq!(ok, want.is_some());
            if let Some(want) = want {
                proptest::prop_assert_eq!(out, want);
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
