//! `t:compressWhitespace`: every run of C `isspace` bytes (space, `\t`, `\n`, `\v`, `\f`, `\r`)
//! becomes one space. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::{finish, is_c_space};

/// Where the value first changes: a whitespace byte that is not a space, or a space followed by
/// whitespace.
fn first_change(input: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if is_c_space(b) && (b != b' ' || input.get(i + 1).is_some_and(|&n| is_c_space(n))) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Applies `t:compressWhitespace`.
pub fn compress_whitespace(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(start) = first_change(input) else {
        return Cow::Borrowed(input);
    };
    let mut buf = input.to_vec();
    in_place(&mut buf, start);
    finish(input, buf)
}

/// `t:compressWhitespace` on an owned value, in place.
pub(crate) fn compress_whitespace_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if let Some(start) = first_change(&buf) {
        in_place(&mut buf, start);
    }
    buf
}

fn in_place(buf: &mut Vec<u8>, start: usize) {
    let mut d = start;
    let mut in_space = false;
    for i in start..buf.len() {
        let c = buf[i];
        if is_c_space(c) {
            if !in_space {
                in_space = true;
                buf[d] = b' ';
                d += 1;
            }
        } else {
            in_space = false;
            buf[d] = c;
            d += 1;
        }
    }
    buf.truncate(d);
}

/// `t:compressWhitespace` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn compress_whitespace_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, first_change(input), out, in_place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_runs() {
        assert_eq!(
            &*compress_whitespace(b"  Test  \t   Case  "),
            b" Test Case "
        );
        assert_eq!(&*compress_whitespace(b"a\tb"), b"a b");
        assert!(matches!(compress_whitespace(b"a b c"), Cow::Borrowed(_)));
        assert_eq!(&*compress_whitespace(b"a\xa0\xa0b"), b"a\xa0\xa0b");
    }
}
