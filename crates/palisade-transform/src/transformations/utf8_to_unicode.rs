//! `t:utf8toUnicode`: rewrites each UTF-8 sequence of two to four bytes as `%uHHHH` (lowercase
//! hex, at least four digits), as ModSecurity does, with its quirks:
//!
//! - ASCII bytes are copied, except a NUL byte that is not the value's last byte, which is
//!   dropped;
//! - a lead byte whose sequence is truncated or has a bad continuation byte is dropped (its
//!   continuation bytes are then copied as invalid bytes);
//! - a stray continuation byte or a byte 0xF8-0xFF is copied;
//! - a lead byte 0xF5-0xF7 is copied before its (out-of-range) encoding;
//! - after an overlong sequence or a surrogate (U+D800-U+DFFF), the lead byte is copied again.
//!
//! Follows v3/master. v3.0.9 differs in one case only: it dropped a NUL byte at the very end too.

use std::borrow::Cow;

use super::HEX_DIGITS;

/// Applies `t:utf8toUnicode`.
pub fn utf8_to_unicode(input: &[u8]) -> Cow<'_, [u8]> {
    // Only bytes >= 0x80 and NUL bytes before the end act; whole words of other bytes are
    // skipped at once.
    let skip = super::plain_ascii_prefix(input);
    let acts = |(k, &b): (usize, &u8)| b >= 0x80 || (b == 0 && skip + k + 1 < input.len());
    let Some(start) = input[skip..].iter().enumerate().position(acts) else {
        return Cow::Borrowed(input);
    };
    let start = skip + start;
    let mut out = Vec::with_capacity(input.len() + input.len() / 2);
    out.extend_from_slice(&input[..start]);
    encode(input, start, &mut out);
    if out.as_slice() == input {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(out)
    }
}

fn push_code(out: &mut Vec<u8>, d: u32) {
    let hex = |k: u32| HEX_DIGITS[((d >> (4 * k)) & 15) as usize];
    if d < 0x1_0000 {
        out.extend_from_slice(&[b'%', b'u', hex(3), hex(2), hex(1), hex(0)]);
        return;
    }
    out.extend_from_slice(b"%u");
    let digits = (32 - d.leading_zeros()).div_ceil(4);
    for k in (0..digits).rev() {
        out.push(hex(k));
    }
}

fn encode(input: &[u8], start: usize, out: &mut Vec<u8>) {
    let len = input.len();
    // The byte at `k`, or the C string's terminating NUL at and beyond `len` (never a
    // continuation byte, so a sequence running off the end is invalid).
    let at = |k: usize| input.get(k).copied().unwrap_or(0);
    let cont = |k: usize| at(k) & 0xc0 == 0x80;
    let mut i = start;
    while i < len {
        // Copy a run of plain ASCII (no NUL) at once.
        let run = input[i..]
            .iter()
            .position(|&b| b >= 0x80 || b == 0)
            .unwrap_or(len - i);
        if run > 0 {
            out.extend_from_slice(&input[i..i + run]);
            i += run;
            continue;
        }
        let c = input[i];
        // The sequence length when valid (0: invalid or single byte) and its code point.
        let (seq, d): (usize, u32) = if c & 0x80 == 0 {
            if c != 0 || i + 1 >= len {
                out.push(c);
            }
            (0, 0)
        } else if c & 0xe0 == 0xc0 {
            if len >= 2 && cont(i + 1) {
                (2, (u32::from(c & 0x1f) << 6) | u32::from(at(i + 1) & 0x3f))
            } else {
                (0, 0)
            }
        } else if c & 0xf0 == 0xe0 {
            if len >= 3 && cont(i + 1) && cont(i + 2) {
                (
                    3,
                    (u32::from(c & 0x0f) << 12)
                        | (u32::from(at(i + 1) & 0x3f) << 6)
                        | u32::from(at(i + 2) & 0x3f),
                )
            } else {
                (0, 0)
            }
        } else if c & 0xf8 == 0xf0 {
            if c >= 0xf5 {
                out.push(c);
            }
            if len >= 4 && cont(i + 1) && cont(i + 2) && cont(i + 3) {
                (
                    4,
                    (u32::from(c & 0x07) << 18)
                        | (u32::from(at(i + 1) & 0x3f) << 12)
                        | (u32::from(at(i + 2) & 0x3f) << 6)
                        | u32::from(at(i + 3) & 0x3f),
                )
            } else {
                (0, 0)
            }
        } else {
            out.push(c);
            (0, 0)
        };
        if seq > 0 {
            push_code(out, d);
        }
        if (0xd800..=0xdfff).contains(&d) {
            out.push(c);
        }
        let overlong = match seq {
            4 => d < 0x1_0000,
            3 => d < 0x800,
            2 => d < 0x80,
            _ => false,
        };
        if overlong {
            out.push(c);
        }
        i += seq.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &[u8]) -> Vec<u8> {
        utf8_to_unicode(s).into_owned()
    }

    #[test]
    fn encodes_utf8_sequences() {
        assert_eq!(e("é€😀".as_bytes()), b"%u00e9%u20ac%u1f600");
        assert_eq!(e("Ā\u{80}".as_bytes()), b"%u0100%u0080");
        assert!(matches!(
            utf8_to_unicode(b"plain ascii\0"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn keeps_modsecurity_quirks_on_invalid_utf8() {
        assert_eq!(e(b"a\xc3"), b"a");
        assert_eq!(e(b"\xc3A"), b"A");
        assert_eq!(e(b"\xe2\x82"), b"\x82");
        assert_eq!(e(b"\x80\xff"), b"\x80\xff");
        assert_eq!(e(b"\xc0\x80"), b"%u0000\xc0");
        assert_eq!(e(b"\xed\xa0\x80"), b"%ud800\xed");
        assert_eq!(e(b"\xf5\x80\x80\x80"), b"\xf5%u140000");
        assert_eq!(e(b"a\0b\0"), b"ab\0");
    }
}
