//! `t:length`: the value's length in bytes, as decimal digits. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::finish;

/// Applies `t:length`.
pub fn length(input: &[u8]) -> Cow<'_, [u8]> {
    finish(input, input.len().to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bytes() {
        assert_eq!(&*length(b"Test\0Case"), b"9");
        assert_eq!(&*length(b""), b"0");
        // "1" is one byte long: the value does not change.
        assert!(matches!(length(b"1"), Cow::Borrowed(_)));
    }
}
