//! `t:escapeSeqDecode`: decodes ANSI C escapes (`\n`, `\xHH`, `\OOO`, …).
//!
//! `\a \b \f \n \r \t \v \\ \? \' \"` decode to their byte; `\x` + two hex digits to that byte;
//! one to three octal digits to their value modulo 256; a backslash before any other byte (an
//! invalid `\x` included) disappears; a final backslash stays. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::{copy_run, decode_copy, decode_owned, is_hex, is_odigit, x2c};

/// Applies `t:escapeSeqDecode`.
pub fn escape_seq_decode(input: &[u8]) -> Cow<'_, [u8]> {
    decode_copy(input, super::find_byte(b'\\', input), in_place)
}

/// `t:escapeSeqDecode` on an owned value, in place.
pub(crate) fn escape_seq_decode_owned(buf: Vec<u8>) -> Vec<u8> {
    let start = memchr::memchr(b'\\', &buf);
    decode_owned(buf, start, in_place)
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let len = buf.len();
    let at = |buf: &Vec<u8>, k: usize| buf.get(k).copied().unwrap_or(0);
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
        let simple = match next {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'\\' => Some(b'\\'),
            b'?' => Some(b'?'),
            b'\'' => Some(b'\''),
            b'"' => Some(b'"'),
            _ => None,
        };
        let decoded = if let Some(c) = simple {
            i += 2;
            Some(c)
        } else if next == b'x' || next == b'X' {
            if i + 3 < len && is_hex(buf[i + 2]) && is_hex(buf[i + 3]) {
                let c = x2c(buf[i + 2], buf[i + 3]);
                i += 4;
                Some(c)
            } else {
                None
            }
        } else if is_odigit(next) {
            let mut value: u32 = 0;
            let mut j = 0;
            while i + 1 + j < len && j < 3 {
                value = value * 8 + u32::from(buf[i + 1 + j] - b'0');
                j += 1;
                if !is_odigit(at(buf, i + 1 + j)) {
                    break;
                }
            }
            i += 1 + j;
            Some((value & 0xff) as u8)
        } else {
            None
        };
        match decoded {
            Some(c) => buf[d] = c,
            None => {
                // Unrecognised: drop the backslash, keep the byte after it.
                buf[d] = next;
                i += 2;
            }
        }
        d += 1;
    }
    buf.truncate(d);
}

/// `t:escapeSeqDecode` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn escape_seq_decode_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, super::find_byte(b'\\', input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_c_escapes() {
        assert_eq!(
            &*escape_seq_decode(b"\\a\\b\\f\\n\\r\\t\\v\\?\\'\\\"\\0\\12\\123\\x00\\xff"),
            b"\x07\x08\x0c\n\r\t\x0b?'\"\0\nS\0\xff"
        );
        assert_eq!(
            &*escape_seq_decode(b"\\8\\9\\666\\xag\\xga\\0123"),
            b"89\xb6xagxga\x0a3"
        );
        assert_eq!(&*escape_seq_decode(b"\\"), b"\\");
        assert_eq!(&*escape_seq_decode(b"\\x\\x0"), b"xx0");
    }
}
