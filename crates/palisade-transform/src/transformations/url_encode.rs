//! `t:urlEncode`: percent-encodes every byte but `*`, ASCII digits and letters, with lowercase hex;
//! a space becomes `+`. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::HEX_DIGITS;

#[inline]
const fn kept(b: u8) -> bool {
    b == b'*' || b.is_ascii_alphanumeric()
}

/// Applies `t:urlEncode`.
pub fn url_encode(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(start) = input.iter().position(|&b| !kept(b)) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len() + (input.len() - start) * 2);
    out.extend_from_slice(&input[..start]);
    for &b in &input[start..] {
        if kept(b) {
            out.push(b);
        } else if b == b' ' {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[
                b'%',
                HEX_DIGITS[usize::from(b >> 4)],
                HEX_DIGITS[usize::from(b & 15)],
            ]);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_but_alphanumerics_and_star() {
        assert_eq!(&*url_encode(b"a b*-_.~\0\xff"), b"a+b*%2d%5f%2e%7e%00%ff");
        assert!(matches!(url_encode(b"abc*123"), Cow::Borrowed(_)));
    }
}
