//! `t:urlDecode`: decodes `%HH` and turns `+` into a space.
//!
//! A `%` not followed by two hex digits (`%`, `%4`, `%zz`, `%u0041`) is kept as it is. The same in
//! v3.0.9 and v3/master (`urldecode_nonstrict_inplace`).

use std::borrow::Cow;

use super::{copy_run, decode_copy, decode_owned, is_hex, x2c};

/// The first byte that may decode: a `+`, or a `%` starting a valid escape.
pub(crate) fn first_change(input: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = super::find_byte2(b'%', b'+', &input[from..]) {
        let i = from + p;
        if input[i] == b'+' || (i + 2 < input.len() && is_hex(input[i + 1]) && is_hex(input[i + 2]))
        {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Applies `t:urlDecode`.
pub fn url_decode(input: &[u8]) -> Cow<'_, [u8]> {
    decode_copy(input, first_change(input), in_place)
}

/// `t:urlDecode` on an owned value, in place.
pub(crate) fn url_decode_owned(buf: Vec<u8>) -> Vec<u8> {
    let start = first_change(&buf);
    decode_owned(buf, start, in_place)
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let len = buf.len();
    let mut i = start;
    let mut d = start;
    while i < len {
        let b = buf[i];
        if b == b'%' && i + 2 < len && is_hex(buf[i + 1]) && is_hex(buf[i + 2]) {
            buf[d] = x2c(buf[i + 1], buf[i + 2]);
            i += 3;
        } else if b == b'+' || b == b'%' {
            buf[d] = if b == b'+' { b' ' } else { b };
            i += 1;
        } else {
            let run = memchr::memchr2(b'%', b'+', &buf[i..]).unwrap_or(len - i);
            (i, d) = copy_run(buf, i, d, run);
            continue;
        }
        d += 1;
    }
    buf.truncate(d);
}

/// `t:urlDecode` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn url_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, first_change(input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_valid_escapes_only() {
        assert_eq!(&*url_decode(b"Test+Case%21"), b"Test Case!");
        assert_eq!(&*url_decode(b"%%20%0g%20%0%20"), b"% %0g %0 ");
        for s in [&b"%"[..], b"%0", b"%%", b"%0g", b"%gg", b"%u0041"] {
            assert!(matches!(url_decode(s), Cow::Borrowed(_)), "{s:?}");
        }
    }
}
