//! `t:sha1`: the 20-byte binary SHA-1 digest of the value. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use sha1::Digest;

use super::finish;

/// Applies `t:sha1`.
pub fn sha1(input: &[u8]) -> Cow<'_, [u8]> {
    finish(input, sha1::Sha1::digest(input).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        assert_eq!(
            &*sha1(b""),
            b"\xda\x39\xa3\xee\x5e\x6b\x4b\x0d\x32\x55\xbf\xef\x95\x60\x18\x90\xaf\xd8\x07\x09"
        );
    }
}
