//! `t:cssDecode`: decodes CSS 2 escapes (`\HHHHHH `, `\c`, `\` + newline).
//!
//! One to six hex digits after a backslash decode to one byte (the last two digits; with four, or
//! with five or six digits led by `0`/`00`, full-width ASCII `FFxx` gets 0x20 added); one
//! whitespace byte after a hex escape is swallowed; a backslash before a newline disappears with
//! it; before any other byte it just disappears; a final backslash disappears.
//!
//! Follows v3/master, which is binary-safe. v3.0.9 built its result with `std::string(char *)`,
//! cutting the decoded value at its first NUL byte (so `a\0<script>` became `a` there).

use std::borrow::Cow;

use super::{copy_run, decode_copy, decode_owned, is_c_space, is_hex, x2c, xsingle2c};

/// Applies `t:cssDecode`.
pub fn css_decode(input: &[u8]) -> Cow<'_, [u8]> {
    decode_copy(input, super::find_byte(b'\\', input), in_place)
}

/// `t:cssDecode` on an owned value, in place.
pub(crate) fn css_decode_owned(buf: Vec<u8>) -> Vec<u8> {
    let start = memchr::memchr(b'\\', &buf);
    decode_owned(buf, start, in_place)
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let len = buf.len();
    let mut i = start;
    let mut d = start;
    while i < len {
        if buf[i] != b'\\' {
            let run = memchr::memchr(b'\\', &buf[i..]).unwrap_or(len - i);
            (i, d) = copy_run(buf, i, d, run);
            continue;
        }
        if i + 1 >= len {
            // A final backslash: continuation to nothing.
            i += 1;
            continue;
        }
        i += 1;
        let mut j = 0;
        while j < 6 && i + j < len && is_hex(buf[i + j]) {
            j += 1;
        }
        if j > 0 {
            let mut full_check = false;
            let byte = match j {
                1 => xsingle2c(buf[i]),
                2 | 3 => x2c(buf[i + j - 2], buf[i + j - 1]),
                4 => {
                    full_check = true;
                    x2c(buf[i + 2], buf[i + 3])
                }
                5 => {
                    full_check = buf[i] == b'0';
                    x2c(buf[i + 3], buf[i + 4])
                }
                _ => {
                    full_check = buf[i] == b'0' && buf[i + 1] == b'0';
                    x2c(buf[i + 4], buf[i + 5])
                }
            };
            let mut out = byte;
            // Full-width ASCII (U+FF01 - U+FF5E) needs 0x20 added.
            if full_check
                && out > 0
                && out < 0x5f
                && matches!(buf[i + j - 3], b'f' | b'F')
                && matches!(buf[i + j - 4], b'f' | b'F')
            {
                out += 0x20;
            }
            buf[d] = out;
            d += 1;
            // A single whitespace byte after a hex escape is part of it.
            if i + j < len && is_c_space(buf[i + j]) {
                j += 1;
            }
            i += j;
        } else if buf[i] == b'\n' {
            i += 1;
        } else {
            buf[d] = buf[i];
            d += 1;
            i += 1;
        }
    }
    buf.truncate(d);
}

/// `t:cssDecode` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn css_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, super::find_byte(b'\\', input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_hex_escapes_like_modsecurity() {
        assert_eq!(
            &*css_decode(b"\\1A\\1 A\\1234567\\123456 7\\1x\\1 x"),
            b"\x1a\x01AV7V7\x01x\x01x"
        );
        assert_eq!(&*css_decode(b"\\ff01\\ff5e\\0ff21"), b"!~A");
        assert_eq!(&*css_decode(b"test\\"), b"test");
        assert_eq!(&*css_decode(b"a\\\nb\\qc"), b"abqc");
    }

    #[test]
    fn is_binary_safe() {
        assert_eq!(&*css_decode(b"a\\\0b\\0 c"), b"a\0b\0c");
    }
}
