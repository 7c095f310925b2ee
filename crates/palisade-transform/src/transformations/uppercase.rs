//! `t:uppercase`: ASCII `a`-`z` to `A`-`Z` (`std::toupper` in the "C" locale); other bytes stay.
//! The same in v3.0.9 and v3/master.

use std::borrow::Cow;

/// Applies `t:uppercase`.
pub fn uppercase(input: &[u8]) -> Cow<'_, [u8]> {
    match input.iter().position(u8::is_ascii_lowercase) {
        None => Cow::Borrowed(input),
        Some(start) => {
            let mut out = input.to_vec();
            out[start..].make_ascii_uppercase();
            Cow::Owned(out)
        }
    }
}

/// `t:uppercase` on an owned value, in place.
pub(crate) fn uppercase_owned(mut buf: Vec<u8>) -> Vec<u8> {
    buf.make_ascii_uppercase();
    buf
}

/// `t:uppercase` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn uppercase_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(
        input,
        input.iter().position(u8::is_ascii_lowercase),
        out,
        |buf, start| buf[start..].make_ascii_uppercase(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uppercases_ascii_only() {
        assert_eq!(&*uppercase(b"Test\0case\xe4"), b"TEST\0CASE\xe4");
    }
}
