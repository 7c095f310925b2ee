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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_the_end() {
        assert_eq!(&*trim_right(b"  a \r\n"), b"  a");
    }
}
