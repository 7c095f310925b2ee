//! `t:trimRight`: removes C `isspace` bytes from the end. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::trim::{bounds, cut, cut_owned};

/// Applies `t:trimRight`.
pub fn trim_right(input: &[u8]) -> Cow<'_, [u8]> {
    cut(input, bounds(input, false, true))
}

/// `t:trimRight` on an owned value, in place.
pub(crate) fn trim_right_owned(buf: Vec<u8>) -> Vec<u8> {
    let b = bounds(&buf, false, true);
    cut_owned(buf, b)
}

/// `t:trimRight` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn trim_right_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::trim::cut_into(input, bounds(input, false, true), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_the_end() {
        assert_eq!(&*trim_right(b"  a \r\n"), b"  a");
    }
}
