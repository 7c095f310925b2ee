//! `t:removeWhitespace`: deletes C `isspace` bytes and the bytes 0xA0 and 0xC2 (the two bytes of
//! a UTF-8 no-break space, each removed wherever it appears). The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::{byte_set, find_in_set};

const REMOVED: [bool; 256] = byte_set(b" \t\n\x0b\x0c\r\xa0\xc2");

/// Applies `t:removeWhitespace`.
pub fn remove_whitespace(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = find_in_set(input, &REMOVED) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len() - 1);
    out.extend_from_slice(&input[..first]);
    out.extend(
        input[first + 1..]
            .iter()
            .copied()
            .filter(|&b| !REMOVED[usize::from(b)]),
    );
    Cow::Owned(out)
}

/// `t:removeWhitespace` on an owned value, in place.
pub(crate) fn remove_whitespace_owned(mut buf: Vec<u8>) -> Vec<u8> {
    buf.retain(|&b| !REMOVED[usize::from(b)]);
    buf
}

/// `t:removeWhitespace` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn remove_whitespace_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, find_in_set(input, &REMOVED), out, |buf, _| {
        buf.retain(|&b| !REMOVED[usize::from(b)]);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_whitespace_and_nbsp_bytes() {
        assert_eq!(&*remove_whitespace(b" a\tb\x0bc\xc2\xa0d\r\n"), b"abcd");
        assert!(matches!(remove_whitespace(b"a\0b"), Cow::Borrowed(_)));
    }
}
