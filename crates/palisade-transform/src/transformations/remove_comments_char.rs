//! `t:removeCommentsChar`: deletes the comment markers `/*`, `*/`, `<!--`, `-->`, `--` and `#`
//! (the text between them stays). The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::{byte_set, find_in_set, finish};

const ACTS: [bool; 256] = byte_set(b"/*<-#");

/// Applies `t:removeCommentsChar`.
pub fn remove_comments_char(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(start) = find_in_set(input, &ACTS) else {
        return Cow::Borrowed(input);
    };
    let mut buf = input.to_vec();
    in_place(&mut buf, start);
    finish(input, buf)
}

/// `t:removeCommentsChar` on an owned value, in place.
pub(crate) fn remove_comments_char_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if let Some(start) = find_in_set(&buf, &ACTS) {
        in_place(&mut buf, start);
    }
    buf
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let len = buf.len();
    let mut s = start;
    let mut d = start;
    while s < len {
        let rest = &buf[s..];
        let skip = if rest.starts_with(b"/*") || rest.starts_with(b"*/") {
            2
        } else if rest.starts_with(b"<!--") {
            4
        } else if rest.starts_with(b"-->") {
            3
        } else if rest.starts_with(b"--") {
            2
        } else if rest.starts_with(b"#") {
            1
        } else {
            0
        };
        if skip > 0 {
            s += skip;
        } else {
            buf[d] = buf[s];
            d += 1;
            s += 1;
        }
    }
    buf.truncate(d);
}

/// `t:removeCommentsChar` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn remove_comments_char_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, find_in_set(input, &ACTS), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletes_markers_only() {
        assert_eq!(&*remove_comments_char(b"/* TestCase */"), b" TestCase ");
        assert_eq!(&*remove_comments_char(b"a<!--b-->c--d#e"), b"abcde");
        assert!(matches!(remove_comments_char(b"a-b/c"), Cow::Borrowed(_)));
    }
}
