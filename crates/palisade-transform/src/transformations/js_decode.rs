//! `t:jsDecode`: decodes JavaScript escapes.
//!
//! `\uHHHH` decodes to its low byte (full-width ASCII `\uFF01`-`\uFF5E` gets 0x20 added), `\xHH`
//! to its byte, `\OOO` to its byte (a third octal digit only when the first is 0-3), `\a \b \f \n
//! \r \t \v` to their control byte, and `\` before any other byte to that byte; a final backslash
//! stays. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::{copy_run, decode_copy, decode_owned, is_hex, is_odigit, x2c};

/// Applies `t:jsDecode`.
pub fn js_decode(input: &[u8]) -> Cow<'_, [u8]> {
    decode_copy(input, super::find_byte(b'\\', input), in_place)
}

/// `t:jsDecode` on an owned value, in place.
pub(crate) fn js_decode_owned(buf: Vec<u8>) -> Vec<u8> {
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
            // A final backslash stays.
            buf[d] = buf[i];
            d += 1;
            i += 1;
            continue;
        }
        let next = buf[i + 1];
        if i + 5 < len && next == b'u' && buf[i + 2..i + 6].iter().all(|&b| is_hex(b)) {
            let mut c = x2c(buf[i + 4], buf[i + 5]);
            if c > 0
                && c < 0x5f
                && matches!(buf[i + 2], b'f' | b'F')
                && matches!(buf[i + 3], b'f' | b'F')
            {
                c += 0x20;
            }
            buf[d] = c;
            i += 6;
        } else if i + 3 < len && next == b'x' && is_hex(buf[i + 2]) && is_hex(buf[i + 3]) {
            buf[d] = x2c(buf[i + 2], buf[i + 3]);
            i += 4;
        } else if is_odigit(next) {
            let mut j = 0;
            while i + 1 + j < len && j < 3 {
                j += 1;
                if !is_odigit(buf.get(i + 1 + j).copied().unwrap_or(0)) {
                    break;
                }
            }
            // Do not use three digits if the value would not fit in one byte.
            if j == 3 && buf[i + 1] > b'3' {
                j = 2;
            }
            let value = buf[i + 1..i + 1 + j]
                .iter()
                .fold(0u32, |v, &b| v * 8 + u32::from(b - b'0'));
            buf[d] = (value & 0xff) as u8;
            i += 1 + j;
        } else {
            buf[d] = match next {
                b'a' => 0x07,
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'v' => 0x0b,
                other => other,
            };
            i += 2;
        }
        d += 1;
    }
    buf.truncate(d);
}

/// `t:jsDecode` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn js_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, super::find_byte(b'\\', input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(s: &[u8]) -> Vec<u8> {
        js_decode(s).into_owned()
    }

    #[test]
    fn decodes_javascript_escapes() {
        assert_eq!(
            j(b"\\\\a\\\\b\\\\f\\\\n\\\\r\\\\t\\\\v\\?\\'\\\"\\0\\12\\123\\x00\\xff"),
            b"\\a\\b\\f\\n\\r\\t\\v?'\"\0\x0a\x53\0\xff"
        );
        assert_eq!(j(b"\\u0041\\uff01\\uFF5e\\u1234"), b"A!~4");
        assert_eq!(j(b"\\400\\377\\8"), b"\x200\xff8");
    }

    #[test]
    fn truncated_escapes_keep_the_letter() {
        assert_eq!(j(b"\\u\\u0\\u01\\u012"), b"uu0u01u012");
        assert_eq!(j(b"\\x\\x0"), b"xx0");
        assert_eq!(j(b"\\"), b"\\");
    }
}
