//! `t:replaceComments`: replaces each `/* … */` comment with one space; an unclosed comment to the
//! end of the value becomes one space too. A lone `*/` stays. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::finish;

/// The first `/*`.
fn first_open(input: &[u8]) -> Option<usize> {
    memchr::memmem::find(input, b"/*")
}

/// Applies `t:replaceComments`.
pub fn replace_comments(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(start) = first_open(input) else {
        return Cow::Borrowed(input);
    };
    let mut buf = input.to_vec();
    in_place(&mut buf, start);
    finish(input, buf)
}

/// `t:replaceComments` on an owned value, in place.
pub(crate) fn replace_comments_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if let Some(start) = first_open(&buf) {
        in_place(&mut buf, start);
    }
    buf
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let len = buf.len();
    let mut i = start;
    let mut j = start;
    let mut in_comment = false;
    while i < len {
        if !in_comment {
            if buf[i] == b'/' && i + 1 < len && buf[i + 1] == b'*' {
                in_comment = true;
                i += 2;
            } else {
                buf[j] = buf[i];
                i += 1;
                j += 1;
            }
        } else if buf[i] == b'*' && i + 1 < len && buf[i + 1] == b'/' {
            in_comment = false;
            i += 2;
            buf[j] = b' ';
            j += 1;
        } else {
            i += 1;
        }
    }
    if in_comment {
        // j < i here: the comment consumed at least two bytes.
        buf[j] = b' ';
        j += 1;
    }
    buf.truncate(j);
}

/// `t:replaceComments` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn replace_comments_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, first_open(input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_comments_with_a_space() {
        assert_eq!(
            &*replace_comments(b"Before/* TestCase */After"),
            b"Before After"
        );
        assert_eq!(&*replace_comments(b"Before /* Test\nCase "), b"Before  ");
        assert_eq!(&*replace_comments(b"/*"), b" ");
        assert!(matches!(replace_comments(b"a */ b"), Cow::Borrowed(_)));
    }
}
