//! `t:replaceNulls`: replaces every NUL byte with a space. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

/// Applies `t:replaceNulls`.
pub fn replace_nulls(input: &[u8]) -> Cow<'_, [u8]> {
    match super::find_byte(0, input) {
        None => Cow::Borrowed(input),
        Some(first) => Cow::Owned(replace_from(input.to_vec(), first)),
    }
}

/// `t:replaceNulls` on an owned value, in place.
pub(crate) fn replace_nulls_owned(buf: Vec<u8>) -> Vec<u8> {
    match super::find_byte(0, &buf) {
        None => buf,
        Some(first) => replace_from(buf, first),
    }
}

fn replace_from(mut buf: Vec<u8>, start: usize) -> Vec<u8> {
    for b in &mut buf[start..] {
        if *b == 0 {
            *b = b' ';
        }
    }
    buf
}

/// `t:replaceNulls` into `out` (see [`crate::apply_into`]): whether the value changed.
pub(crate) fn replace_nulls_into(input: &[u8], out: &mut Vec<u8>) -> bool {
    super::decode_into(input, super::find_byte(0, input), out, |buf, first| {
        *buf = replace_from(std::mem::take(buf), first);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_nuls() {
        assert_eq!(&*replace_nulls(b"\0Test\0\0Case\0"), b" Test  Case ");
    }
}
