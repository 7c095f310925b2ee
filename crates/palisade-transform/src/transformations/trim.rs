//! `t:trim`: removes C `isspace` bytes from both ends. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::is_c_space;

/// The bounds of `input` without leading (`left`) and trailing (`right`) whitespace.
pub(crate) fn bounds(input: &[u8], left: bool, right: bool) -> (usize, usize) {
    let mut start = 0;
    let mut end = input.len();
    if right {
        while end > 0 && is_c_space(input[end - 1]) {
            end -= 1;
        }
    }
    if left {
        while start < end && is_c_space(input[start]) {
            start += 1;
        }
    }
    (start, end)
}

/// Returns `input[start..end]`, borrowed when that is all of it.
pub(crate) fn cut(input: &[u8], (start, end): (usize, usize)) -> Cow<'_, [u8]> {
    if start == 0 && end == input.len() {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(input[start..end].to_vec())
    }
}

/// Cuts an owned value in place.
pub(crate) fn cut_owned(mut buf: Vec<u8>, (start, end): (usize, usize)) -> Vec<u8> {
    buf.truncate(end);
    buf.drain(..start);
    buf
}

/// Applies `t:trim`.
pub fn trim(input: &[u8]) -> Cow<'_, [u8]> {
    cut(input, bounds(input, true, true))
}

/// `t:trim` on an owned value, in place.
pub(crate) fn trim_owned(buf: Vec<u8>) -> Vec<u8> {
    let b = bounds(&buf, true, true);
    cut_owned(buf, b)
}

/// `t:trim` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn trim_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::trim::cut_into(input, bounds(input, true, true), out)
}

/// Copies `input[start..end]` into `out` unless that is all of `input`: whether it changed.
pub(crate) fn cut_into(input: &[u8], (start, end): (usize, usize), out: &mut Vec<u8>) -> bool {
    if start == 0 && end == input.len() {
        return false;
    }
    out.clear();
    out.extend_from_slice(&input[start..end]);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_both_ends() {
        assert_eq!(
            &*trim(b" \t   Test \0 Case \t  \t   \r\n  "),
            b"Test \0 Case"
        );
        assert_eq!(&*trim(b" \x0b\x0c "), b"");
        assert!(matches!(trim(b"a b"), Cow::Borrowed(_)));
        assert_eq!(trim_owned(b"  a  ".to_vec()), b"a");
    }
}
