//! `t:cmdLine`: normalises a command line the way ModSecurity does to defeat shell obfuscation.
//!
//! Deletes `"`, `'`, `\` and `^`; turns each run of space, `,`, `;`, `\t`, `\r`, `\n` into one
//! space; deletes a space written just before `/` or `(`; lowercases ASCII letters. The same in
//! v3.0.9 and v3/master.

use std::borrow::Cow;

use super::{byte_set, find_in_set, finish};

/// Bytes that can change the value: deleted bytes, separators, `/`, `(` and uppercase letters.
const ACTS: [bool; 256] = byte_set(b"\"'\\^ ,;\t\r\n/(ABCDEFGHIJKLMNOPQRSTUVWXYZ");

/// Applies `t:cmdLine`.
pub fn cmd_line(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(start) = find_in_set(input, &ACTS) else {
        return Cow::Borrowed(input);
    };
    let mut buf = input.to_vec();
    in_place(&mut buf, start);
    finish(input, buf)
}

/// `t:cmdLine` on an owned value, in place.
pub(crate) fn cmd_line_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if let Some(start) = find_in_set(&buf, &ACTS) {
        in_place(&mut buf, start);
    }
    buf
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let mut d = start;
    let mut space = false;
    for i in start..buf.len() {
        let a = buf[i];
        match a {
            b'"' | b'\'' | b'\\' | b'^' => {}
            b' ' | b',' | b';' | b'\t' | b'\r' | b'\n' => {
                if !space {
                    buf[d] = b' ';
                    d += 1;
                    space = true;
                }
            }
            b'/' | b'(' => {
                if space {
                    d -= 1;
                }
                space = false;
                buf[d] = a;
                d += 1;
            }
            _ => {
                buf[d] = a.to_ascii_lowercase();
                d += 1;
                space = false;
            }
        }
    }
    buf.truncate(d);
}

/// `t:cmdLine` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn cmd_line_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, find_in_set(input, &ACTS), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_windows_and_unix_obfuscation() {
        assert_eq!(&*cmd_line(b"C^OMMAND /C DIR"), b"command/c dir");
        assert_eq!(&*cmd_line(b"\"command\" /c DiR"), b"command/c dir");
        assert_eq!(&*cmd_line(b"cat  ;,\t/etc/passwd"), b"cat/etc/passwd");
        assert_eq!(&*cmd_line(b" (x)"), b"(x)");
        assert!(matches!(cmd_line(b"ls -la"), Cow::Borrowed(_)));
    }
}
