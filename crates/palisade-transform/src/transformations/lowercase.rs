//! `t:lowercase`: ASCII `A`-`Z` to `a`-`z` (`std::tolower` in the "C" locale); other bytes stay.
//! The same in v3.0.9 and v3/master.

use std::borrow::Cow;

/// Applies `t:lowercase`.
pub fn lowercase(input: &[u8]) -> Cow<'_, [u8]> {
    match super::first_ascii_upper(input) {
        None => Cow::Borrowed(input),
        Some(start) => {
            let mut out = input.to_vec();
            out[start..].make_ascii_lowercase();
            Cow::Owned(out)
        }
    }
}

/// `t:lowercase` on an owned value, in place.
pub(crate) fn lowercase_owned(mut buf: Vec<u8>) -> Vec<u8> {
    buf.make_ascii_lowercase();
    buf
}

/// `t:lowercase` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn lowercase_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, super::first_ascii_upper(input), out, |buf, start| {
        buf[start..].make_ascii_lowercase()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_ascii_only() {
        assert_eq!(&*lowercase(b"Test\0CASE\xc4"), b"test\0case\xc4");
        assert!(matches!(lowercase(b"abc\xc4"), Cow::Borrowed(_)));
    }
}
