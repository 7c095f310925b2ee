//! `t:removeNulls`: deletes every NUL byte. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

/// Applies `t:removeNulls`.
pub fn remove_nulls(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = super::find_byte(0, input) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len() - 1);
    out.extend_from_slice(&input[..first]);
    // One pass that the compiler turns into branch-free code: fast for dense and sparse NULs.
    let mut d = out.len();
    out.resize(input.len(), 0);
    for &b in &input[first + 1..] {
        out[d] = b;
        d += usize::from(b != 0);
    }
    out.truncate(d);
    Cow::Owned(out)
}

/// `t:removeNulls` on an owned value, in place.
pub(crate) fn remove_nulls_owned(mut buf: Vec<u8>) -> Vec<u8> {
    if let Some(first) = super::find_byte(0, &buf) {
        drop_nulls_from(&mut buf, first);
    }
    buf
}

/// Removes the NUL bytes of `buf` from `first` (a NUL) on, branch-free, in place.
fn drop_nulls_from(buf: &mut Vec<u8>, first: usize) {
    let mut d = first;
    for i in first + 1..buf.len() {
        let b = buf[i];
        buf[d] = b;
        d += usize::from(b != 0);
    }
    buf.truncate(d);
}

/// `t:removeNulls` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn remove_nulls_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, super::find_byte(0, input), out, drop_nulls_from)
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
