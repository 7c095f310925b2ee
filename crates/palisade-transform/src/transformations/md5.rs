//! `t:md5`: the 16-byte binary MD5 digest of the value. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use md5::Digest;

use super::finish;

/// Applies `t:md5`.
pub fn md5(input: &[u8]) -> Cow<'_, [u8]> {
    finish(input, md5::Md5::digest(input).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        assert_eq!(
            &*md5(b""),
            b"\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\x09\x98\xec\xf8\x42\x7e"
        );
    }
}
