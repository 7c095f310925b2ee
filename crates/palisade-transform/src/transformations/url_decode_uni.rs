//! `t:urlDecodeUni`: [`url_decode`](super::url_decode) plus IIS's `%uHHHH` escapes.
//!
//! `%uHHHH` (`u` or `U`) becomes one byte: the code point's entry in the `SecUnicodeMapFile` map
//! when the rule set configured one (see [`UnicodeMap`]) and it maps that code point; otherwise the
//! low byte of the code point, plus 0x20 for full-width ASCII (U+FF01 - U+FF5E, so `%uFF1C` is
//! `<`). Without `SecUnicodeMapFile`, ModSecurity v3 has no map at all (it loads none by default),
//! so every code point takes the low-byte path. An invalid or truncated `%u` escape keeps both
//! its `%` and its `u`; an invalid `%` escape keeps the `%`. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::{copy_run, decode_copy, decode_owned, is_hex, x2c};
use crate::unicode_map::UnicodeMap;

/// The first byte that may decode: a `+`, or a `%` starting a valid `%HH` or `%uHHHH` escape.
fn first_change(input: &[u8]) -> Option<usize> {
    let len = input.len();
    let mut from = 0;
    while let Some(p) = super::find_byte2(b'%', b'+', &input[from..]) {
        let i = from + p;
        if input[i] == b'+' {
            return Some(i);
        }
        if i + 1 < len && (input[i + 1] == b'u' || input[i + 1] == b'U') {
            if i + 5 < len && input[i + 2..i + 6].iter().all(|&b| is_hex(b)) {
                return Some(i);
            }
            // An invalid `%u` keeps `%u`: resume after the `u`.
            from = i + 2;
            continue;
        }
        if i + 2 < len && is_hex(input[i + 1]) && is_hex(input[i + 2]) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Applies `t:urlDecodeUni` with the rule set's unicode map (`None` when it has none).
pub fn url_decode_uni<'a>(input: &'a [u8], map: Option<&UnicodeMap>) -> Cow<'a, [u8]> {
    decode_copy(input, first_change(input), |buf, start| {
        in_place(buf, start, map)
    })
}

/// `t:urlDecodeUni` on an owned value, in place.
pub(crate) fn url_decode_uni_owned(buf: Vec<u8>, map: Option<&UnicodeMap>) -> Vec<u8> {
    let start = first_change(&buf);
    decode_owned(buf, start, |buf, start| in_place(buf, start, map))
}

/// `t:urlDecodeUni` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn url_decode_uni_into(
    input: &[u8],
    map: Option<&UnicodeMap>,
    out: &mut Vec<u8>,
) -> bool {
    super::decode_into(input, first_change(input), out, |buf, start| {
        in_place(buf, start, map)
    })
}

fn in_place(buf: &mut Vec<u8>, start: usize, map: Option<&UnicodeMap>) {
    let len = buf.len();
    let map = map.filter(|m| m.is_active());
    let mut i = start;
    let mut d = start;
    while i < len {
        let b = buf[i];
        if b == b'+' {
            buf[d] = b' ';
            d += 1;
            i += 1;
            continue;
        }
        if b != b'%' {
            let run = memchr::memchr2(b'%', b'+', &buf[i..]).unwrap_or(len - i);
            (i, d) = copy_run(buf, i, d, run);
            continue;
        }
        if i + 1 < len && (buf[i + 1] == b'u' || buf[i + 1] == b'U') {
            if i + 5 < len && buf[i + 2..i + 6].iter().all(|&h| is_hex(h)) {
                let code = (u16::from(x2c(buf[i + 2], buf[i + 3])) << 8)
                    | u16::from(x2c(buf[i + 4], buf[i + 5]));
                let mapped = map.and_then(|m| m.get(code));
                buf[d] = match mapped {
                    Some(byte) => byte,
                    None => {
                        let mut c = x2c(buf[i + 4], buf[i + 5]);
                        if c > 0
                            && c < 0x5f
                            && matches!(buf[i + 2], b'f' | b'F')
                            && matches!(buf[i + 3], b'f' | b'F')
                        {
                            c += 0x20;
                        }
                        c
                    }
                };
                d += 1;
                i += 6;
            } else {
                // Invalid or truncated: keep `%u`.
                buf[d] = buf[i];
                buf[d + 1] = buf[i + 1];
                d += 2;
                i += 2;
            }
        } else if i + 2 < len && is_hex(buf[i + 1]) && is_hex(buf[i + 2]) {
            buf[d] = x2c(buf[i + 1], buf[i + 2]);
            d += 1;
            i += 3;
        } else {
            buf[d] = b'%';
            d += 1;
            i += 1;
        }
    }
    buf.truncate(d);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &[u8]) -> Vec<u8> {
        url_decode_uni(s, None).into_owned()
    }

    #[test]
    fn decodes_iis_escapes_without_a_map() {
        assert_eq!(u(b"%u0041%U0042%u1143+%2F"), b"ABC /");
        assert_eq!(u(b"%uff1cscript%uFF1E"), b"<script>");
        assert_eq!(u(b"%uff00%uff7f%uff5f"), b"\x00\x7f\x5f");
        assert_eq!(u(b"%u%u0020%u000g%u0020"), b"%u %u000g ");
        assert!(matches!(
            url_decode_uni(b"%u12 %uzzzz %", None),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_configured_map_wins_over_the_low_byte() {
        let map =
            UnicodeMap::parse(b"20127 (US-ASCII)\n00c0:41 ff1c:5b\n", 20127.0).expect("map parses");
        let mapped = url_decode_uni(b"%u00c0%uff1c%u3002%u00c1", Some(&map)).into_owned();
        // 0x3002 is one of ModSecurity's built-in entries (ideographic full stop -> '.').
        assert_eq!(mapped, b"A[.\xc1");
    }
}
