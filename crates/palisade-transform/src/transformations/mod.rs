//! One module per transformation, each named after its SecLang name (`t:urlDecodeUni` lives in
//! `url_decode_uni.rs`), plus the byte helpers they share.
//!
//! Every transformation is a `pub fn name(input: &[u8]) -> Cow<'_, [u8]>` that returns
//! [`Cow::Borrowed`] (the very input slice) exactly when the output equals the input, and
//! [`Cow::Owned`] otherwise. Most values never change, so each function first scans for the bytes
//! that could make it act (with `memchr` where one to three bytes matter) and returns at once when
//! there are none.
//!
//! Transformations whose output is never longer than their input also have an in-place form
//! (`*_owned(Vec<u8>) -> Vec<u8>`), used by [`crate::Chain`] once a value is already owned, so a
//! chain allocates at most once per value however many of its steps change it.
//!
//! The comments in each module say which ModSecurity v3 version's behaviour it follows where
//! v3.0.9 (Debian's build, which produced the benchmark verdicts) and v3/master differ.

use std::borrow::Cow;

pub mod base64_decode;
pub mod base64_decode_ext;
pub mod base64_encode;
pub mod cmd_line;
pub mod compress_whitespace;
pub mod css_decode;
pub mod escape_seq_decode;
pub mod hex_decode;
pub mod hex_encode;
pub mod html_entity_decode;
pub mod js_decode;
pub mod length;
pub mod lowercase;
pub mod md5;
pub mod normalise_path;
pub mod normalise_path_win;
pub mod parity_even_7bit;
pub mod parity_odd_7bit;
pub mod parity_zero_7bit;
pub mod remove_comments;
pub mod remove_comments_char;
pub mod remove_nulls;
pub mod remove_whitespace;
pub mod replace_comments;
pub mod replace_nulls;
pub mod sha1;
pub mod sql_hex_decode;
pub mod trim;
pub mod trim_left;
pub mod trim_right;
pub mod uppercase;
pub mod url_decode;
pub mod url_decode_uni;
pub mod url_encode;
pub mod utf8_to_unicode;

/// Returns the input borrowed when `out` holds the same bytes, else `out` owned.
#[inline]
pub(crate) fn finish(input: &[u8], out: Vec<u8>) -> Cow<'_, [u8]> {
    if out.as_slice() == input {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(out)
    }
}

/// Runs an in-place decoder over a copy of `input` from `start`, the first byte it may change
/// (found by the caller's fast scan); without a `start` the value is unchanged and stays borrowed.
#[inline]
pub(crate) fn decode_copy<'a>(
    input: &'a [u8],
    start: Option<usize>,
    in_place: impl FnOnce(&mut Vec<u8>, usize),
) -> Cow<'a, [u8]> {
    match start {
        None => Cow::Borrowed(input),
        Some(start) => {
            let mut buf = input.to_vec();
            in_place(&mut buf, start);
            finish(input, buf)
        }
    }
}

/// Runs an in-place decoder over an owned value from `start` (see [`decode_copy`]).
#[inline]
pub(crate) fn decode_owned(
    mut buf: Vec<u8>,
    start: Option<usize>,
    in_place: impl FnOnce(&mut Vec<u8>, usize),
) -> Vec<u8> {
    if let Some(start) = start {
        in_place(&mut buf, start);
    }
    buf
}

/// Runs an in-place decoder over a copy of `input` written into `out` (replacing what `out`
/// held) from `start`, the first byte it may change (see [`decode_copy`]). Without a `start` the
/// value is unchanged and `out` is left alone. Returns whether the result differs from `input`.
#[inline]
pub(crate) fn decode_into(
    input: &[u8],
    start: Option<usize>,
    out: &mut Vec<u8>,
    in_place: impl FnOnce(&mut Vec<u8>, usize),
) -> bool {
    let Some(start) = start else {
        return false;
    };
    out.clear();
    out.extend_from_slice(input);
    in_place(out, start);
    out.as_slice() != input
}

/// Moves the run `buf[i..i + run]` to `d` (an in-place decoder's copy of bytes that need no work)
/// and returns the advanced `(i, d)`. Decoders find `run` with `memchr`, so sparse escapes cost
/// a SIMD scan and one `memmove` instead of a loop iteration per byte.
#[inline]
pub(crate) fn copy_run(buf: &mut [u8], i: usize, d: usize, run: usize) -> (usize, usize) {
    if d != i {
        buf.copy_within(i..i + run, d);
    }
    (i + run, d + run)
}

/// `VALID_HEX` of ModSecurity: an ASCII hexadecimal digit.
#[inline]
pub(crate) const fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// `ISODIGIT` of ModSecurity: an ASCII octal digit.
#[inline]
pub(crate) const fn is_odigit(b: u8) -> bool {
    matches!(b, b'0'..=b'7')
}

/// C's `isspace` in the "C" locale: space, `\t`, `\n`, `\v`, `\f`, `\r`.
#[inline]
pub(crate) const fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// ModSecurity's `xsingle2c`: the value of one hexadecimal digit, computed with the same wrapping
/// byte arithmetic as the C code (so a non-hex byte gives the same garbage value it gives there).
#[inline]
pub(crate) const fn xsingle2c(b: u8) -> u8 {
    if b >= b'A' {
        (b & 0xdf).wrapping_sub(b'A').wrapping_add(10)
    } else {
        b.wrapping_sub(b'0')
    }
}

/// ModSecurity's `x2c`: two hexadecimal digits to one byte, with `xsingle2c`'s arithmetic.
#[inline]
pub(crate) const fn x2c(hi: u8, lo: u8) -> u8 {
    xsingle2c(hi).wrapping_mul(16).wrapping_add(xsingle2c(lo))
}

/// Lowercase hexadecimal digits, as ModSecurity's `c2x` writes them.
pub(crate) const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// A 256-entry byte class table: `true` for the bytes a transformation may act on.
pub(crate) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// The length of the longest prefix of `input` made of whole 8-byte words whose bytes are all
/// in `0x01..=0x7F` (ASCII without NUL); a scan for NUL or non-ASCII bytes can start there.
///
/// A word `x` qualifies exactly when `(x - 0x0101…01 | x) & 0x8080…80 == 0`: a byte ≥ 0x80
/// sets its own high bit in `x`; a byte in 1..=0x7F minus 1 stays below 0x80 and borrows
/// nothing; the lowest NUL byte becomes 0xFF (bytes below it borrow nothing), so a word with a
/// NUL is always caught (the proptest `plain_ascii_prefix_is_exact` checks it).
#[inline]
pub(crate) fn plain_ascii_prefix(input: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut n = 0;
    for word in input.chunks_exact(8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(word);
        let x = u64::from_le_bytes(b);
        if (x.wrapping_sub(LO) | x) & HI != 0 {
            break;
        }
        n += 8;
    }
    n
}

/// Values shorter than this are searched byte by byte: `memchr` would do the same for them,
/// after its dispatch and setup (a third of a short value's cost).
const SHORT: usize = 16;

/// `memchr::memchr(b, input)`, without `memchr`'s per-call setup on short values.
#[inline]
pub(crate) fn find_byte(b: u8, input: &[u8]) -> Option<usize> {
    if input.len() < SHORT {
        input.iter().position(|&c| c == b)
    } else {
        memchr::memchr(b, input)
    }
}

/// `memchr::memchr2(b1, b2, input)`, without `memchr`'s per-call setup on short values.
#[inline]
pub(crate) fn find_byte2(b1: u8, b2: u8, input: &[u8]) -> Option<usize> {
    if input.len() < SHORT {
        input.iter().position(|&c| c == b1 || c == b2)
    } else {
        memchr::memchr2(b1, b2, input)
    }
}

/// The position of the first ASCII uppercase letter of `input`, 8 bytes at a time.
///
/// Per byte `b` of a word, with `y = b & 0x7F`: `y + 0x3F` has its high bit set exactly when
/// `y ≥ 'A'`, `y + 0x25` exactly when `y > 'Z'`, and neither sum carries into the next byte
/// (both stay below 0x100); `b`'s own high bit rules out bytes ≥ 0x80. So the flag word marks
/// exactly the uppercase letters, the lowest flag being the first (little-endian); the proptest
/// `first_ascii_upper_is_exact` checks it.
#[inline]
pub(crate) fn first_ascii_upper(input: &[u8]) -> Option<usize> {
    const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const TO_A: u64 = 0x3f3f_3f3f_3f3f_3f3f;
    const PAST_Z: u64 = 0x2525_2525_2525_2525;
    let mut words = input.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(word);
        let x = u64::from_le_bytes(b);
        let y = x & LOW7;
        let flags = (y + TO_A) & !(y + PAST_Z) & !x & HI;
        if flags != 0 {
            return Some(at + (flags.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(u8::is_ascii_uppercase)
        .map(|k| at + k)
}

/// The position of the first byte of `input` in `set`.
#[inline]
pub(crate) fn find_in_set(input: &[u8], set: &[bool; 256]) -> Option<usize> {
    input.iter().position(|&b| set[usize::from(b)])
}

/// C's `strtol` over a run of digits already known to be valid in `radix` (10 or 16), cast to
/// `unsigned char` as ModSecurity does: the value modulo 256, or 0xFF when the value overflows a
/// 64-bit `long` (strtol then returns `LONG_MAX`).
pub(crate) fn strtol_digits_to_byte(digits: &[u8], radix: u32) -> u8 {
    let mut value: u64 = 0;
    for &d in digits {
        let v = match char::from(d).to_digit(radix) {
            Some(v) => u64::from(v),
            None => break,
        };
        value = match value
            .checked_mul(u64::from(radix))
            .and_then(|x| x.checked_add(v))
        {
            Some(x) if x <= i64::MAX as u64 => x,
            _ => return 0xff,
        };
    }
    (value & 0xff) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn plain_ascii_prefix_is_exact(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![0u8, 1, 0x7f, 0x80, 0xff, b'a']),
                    proptest::num::u8::ANY,
                ],
                0..40,
            ),
        ) {
            let n = plain_ascii_prefix(&bytes);
            let first_bad = bytes.iter().position(|&b| b == 0 || b >= 0x80).unwrap_or(bytes.len());
            proptest::prop_assert_eq!(n, first_bad / 8 * 8);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn first_ascii_upper_is_exact(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"@AZ[`az{\0\x7f\x80\xc1\xda\xff".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..40,
            ),
        ) {
            proptest::prop_assert_eq!(
                first_ascii_upper(&bytes),
                bytes.iter().position(u8::is_ascii_uppercase)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn find_byte_equals_memchr(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"%+\0a".to_vec()),
                0..40,
            ),
        ) {
            proptest::prop_assert_eq!(find_byte(0, &bytes), memchr::memchr(0, &bytes));
            proptest::prop_assert_eq!(
                find_byte2(b'%', b'+', &bytes),
                memchr::memchr2(b'%', b'+', &bytes)
            );
        }
    }

    #[test]
    fn x2c_matches_modsecurity_arithmetic_on_any_byte() {
        assert_eq!(x2c(b'4', b'1'), b'A');
        assert_eq!(x2c(b'f', b'F'), 0xff);
        // `0z`: 'z' is (0x7a & 0xdf) - 'A' + 10 = 35, as hexDecode's vectors expect (`#`).
        assert_eq!(x2c(b'0', b'z'), b'#');
        // Bytes below '0' wrap around.
        assert_eq!(xsingle2c(b' '), 0x20u8.wrapping_sub(0x30));
    }

    #[test]
    fn strtol_overflow_saturates_to_ff() {
        assert_eq!(strtol_digits_to_byte(b"123", 10), 123);
        assert_eq!(
            strtol_digits_to_byte(b"0000000000000000000000000000123", 10),
            123
        );
        assert_eq!(strtol_digits_to_byte(b"4142", 16), 0x42);
        assert_eq!(strtol_digits_to_byte(b"9223372036854775807", 10), 0xff);
        assert_eq!(strtol_digits_to_byte(b"9223372036854775806", 10), 0xfe);
        assert_eq!(strtol_digits_to_byte(b"9223372036854775808", 10), 0xff);
        assert_eq!(strtol_digits_to_byte(b"7fffffffffffff41", 16), 0x41);
        assert_eq!(strtol_digits_to_byte(b"8000000000000041", 16), 0xff);
    }
}
