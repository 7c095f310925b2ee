//! `t:removeNulls`: deletes every NUL byte. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

/// Applies `t:removeNulls`.
pub fn remove_nulls(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr::memchr(0, input) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len() - 1);
    out.extend_from_slice(&input[..first]);
    let mut rest = &input[first + 1..];
    while let Some(p) = memchr::memchr(0, rest) {
        out.extend_from_slice(&rest[..p]);
        rest = &rest[p + 1..];
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

/// `t:removeNulls` on an owned value, in place.
pub(crate) fn remove_nulls_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if memchr::memchr(0, &buf).is_some() {
        buf.retain(|&b| b != 0);
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_nuls() {
        assert_eq!(&*remove_nulls(b"\0Test\0\0Case\0"), b"TestCase");
        assert!(matches!(remove_nulls(b"Test\x01Case"), Cow::Borrowed(_)));
    }
}
