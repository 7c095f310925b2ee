//! `t:trimLeft`: removes C `isspace` bytes from the start. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::trim::{bounds, cut, cut_owned};

/// Applies `t:trimLeft`.
pub fn trim_left(input: &[u8]) -> Cow<'_, [u8]> {
    cut(input, bounds(input, true, false))
}

/// `t:trimLeft` on an owned value, in place.
pub(crate) fn trim_left_owned(buf: Vec<u8>) -> Vec<u8> {
    let b = bounds(&buf, true, false);
    cut_owned(buf, b)
}

/// `t:trimLeft` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn trim_left_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::trim::cut_into(input, bounds(input, true, false), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_the_start() {
        assert_eq!(&*trim_left(b"  a  "), b"a  ");
    }
}
