//! `t:cmdLine`: normalises a command line the way ModSecurity does to defeat shell obfuscation.
//!
//! Deletes `"`, `'`, `\` and `^`; turns each run of space, `,`, `;`, `\t`, `\r`, `\n` into one
//! space; deletes a space written just before `/` or `(`; lowercases ASCII letters. The same in
//! v3.0.9 and v3/master.
//!
//! The scan for the first byte that changes ([`first_change`]) skips what is copied unchanged:
//! every byte but the deleted ones, the separators other than a space, and uppercase letters
//! — and a space unless a space, `/` or `(` follows it (another separator after it is found
//! itself). Why that is
//! exact: before the first such byte the output is the input (each byte is copied as it is, a
//! lone space included, and `/` or `(` deletes a space only right after one, which the rule
//! for spaces catches); the only state the algorithm carries is whether the last output byte
//! came from a separator run, which for an unchanged prefix is "the previous byte is a space",
//! so [`in_place`] starts from there. A space followed by a deleted byte is left for that
//! byte to find (`a "/b`: the scan stops at `"`, which starts with the space state set). The
//! property test `skipping_the_unchanged_prefix_changes_nothing` checks this against a run from
//! the start.

use std::borrow::Cow;

use super::{byte_set, find_in_set, finish};

/// The first byte of `input` from which [`in_place`] may write something else than the input.
fn first_change(input: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let i = from + find_in_set(&input[from..], &ACTS)?;
        if input[i] != b' ' {
            return Some(i);
        }
        match input.get(i + 1) {
            Some(b' ' | b'/' | b'(') => return Some(i),
            _ => from = i + 1,
        }
    }
}

/// Bytes [`first_change`] looks at: deleted bytes, separators and uppercase letters.
const ACTS: [bool; 256] = byte_set(b"\"'\\^,;\t\r\n ABCDEFGHIJKLMNOPQRSTUVWXYZ");

/// Applies `t:cmdLine`.
pub fn cmd_line(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(start) = first_change(input) else {
        return Cow::Borrowed(input);
    };
    let mut buf = input.to_vec();
    in_place(&mut buf, start);
    finish(input, buf)
}

/// `t:cmdLine` on an owned value, in place.
pub(crate) fn cmd_line_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if let Some(start) = first_change(&buf) {
        in_place(&mut buf, start);
    }
    buf
}

/// The algorithm from `start`; the bytes before it are unchanged (see the module comment), so
/// the separator-run state is whether the byte before `start` is a space.
fn in_place(buf: &mut Vec<u8>, start: usize) {
    let mut d = start;
    let mut space = start > 0 && buf.get(start - 1) == Some(&b' ');
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
    super::decode_into(input, first_change(input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The algorithm run from the first byte, with no state: the reference.
    fn from_start(input: &[u8]) -> Vec<u8> {
        let mut buf = input.to_vec();
        in_place(&mut buf, 0);
        buf
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn skipping_the_unchanged_prefix_changes_nothing(
            bytes in proptest::collection::vec(
                proptest::sample::select(b" /(\"^,\tAax".to_vec()),
                0..16,
            ),
        ) {
            let expected = from_start(&bytes);
            let mut out = b"junk".to_vec();
            let changed = cmd_line_into(&bytes, &mut out);
            proptest::prop_assert_eq!(changed, expected != bytes);
            if changed {
                proptest::prop_assert_eq!(&out, &expected);
            }
            proptest::prop_assert_eq!(&*cmd_line(&bytes), expected.as_slice());
            proptest::prop_assert_eq!(cmd_line_owned(bytes.clone()), expected);
        }
    }

    #[test]
    fn lone_spaces_and_slashes_are_borrowed() {
        assert!(matches!(cmd_line(b"/index.php"), Cow::Borrowed(_)));
        assert!(matches!(cmd_line(b"hello world"), Cow::Borrowed(_)));
        assert_eq!(&*cmd_line(b"a \" /b"), b"a/b");
        assert_eq!(&*cmd_line(b"a /b"), b"a/b");
    }

    #[test]
    fn normalises_windows_and_unix_obfuscation() {
        assert_eq!(&*cmd_line(b"C^OMMAND /C DIR"), b"command/c dir");
        assert_eq!(&*cmd_line(b"\"command\" /c DiR"), b"command/c dir");
        assert_eq!(&*cmd_line(b"cat  ;,\t/etc/passwd"), b"cat/etc/passwd");
        assert_eq!(&*cmd_line(b" (x)"), b"(x)");
        assert!(matches!(cmd_line(b"ls -la"), Cow::Borrowed(_)));
    }
}
