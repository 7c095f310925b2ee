//! `t:sqlHexDecode`: decodes SQL hex literals: `0x` (or `0X`) followed by at least one pair of
//! hex digits becomes the bytes of those pairs; a final odd digit stays.
//!
//! Follows v3/master. v3.0.9's loop stopped one byte early and at the first NUL: it dropped the
//! last byte of any value not ending in a hex literal (`abc` became `ab`) and everything from a
//! NUL on. No CRS rule uses this transformation.

use std::borrow::Cow;

use super::{decode_copy, decode_owned, is_hex, x2c};

/// The first `0x`/`0X` that starts a literal.
fn first_literal(input: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'0', &input[from..]) {
        let i = from + p;
        if starts_literal(input, i) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

#[inline]
fn starts_literal(input: &[u8], i: usize) -> bool {
    i + 3 < input.len()
        && input[i] == b'0'
        && (input[i + 1] == b'x' || input[i + 1] == b'X')
        && is_hex(input[i + 2])
        && is_hex(input[i + 3])
}

/// Applies `t:sqlHexDecode`.
pub fn sql_hex_decode(input: &[u8]) -> Cow<'_, [u8]> {
    decode_copy(input, first_literal(input), in_place)
}

/// `t:sqlHexDecode` on an owned value, in place.
pub(crate) fn sql_hex_decode_owned(buf: Vec<u8>) -> Vec<u8> {
    let start = first_literal(&buf);
    decode_owned(buf, start, in_place)
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let len = buf.len();
    let mut i = start;
    let mut d = start;
    while i < len {
        if starts_literal(buf, i) {
            i += 2;
            loop {
                buf[d] = x2c(buf[i], buf[i + 1]);
                d += 1;
                i += 2;
                if !(i + 1 < len && is_hex(buf[i]) && is_hex(buf[i + 1])) {
                    break;
                }
            }
        } else {
            buf[d] = buf[i];
            d += 1;
            i += 1;
        }
    }
    buf.truncate(d);
}

/// `t:sqlHexDecode` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn sql_hex_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, first_literal(input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_literals() {
        assert_eq!(&*sql_hex_decode(b"0x414243"), b"ABC");
        assert_eq!(&*sql_hex_decode(b"x=0x41424 and 0X61"), b"x=AB4 and a");
        assert_eq!(&*sql_hex_decode(b"abc"), b"abc");
        assert!(matches!(sql_hex_decode(b"0x4 0xg1"), Cow::Borrowed(_)));
    }
}
