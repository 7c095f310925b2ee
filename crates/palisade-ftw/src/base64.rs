//! Standard base64 (RFC 4648 with padding) exactly as Go's `base64.StdEncoding` decodes it for
//! go-ftw's `encoded_request`, `encoded_data` and albedo's `encodedBody`: `\r` and `\n` anywhere
//! are skipped (CRS writes multi-line base64), padding is required, and any other byte outside
//! the alphabet is an error.

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Invalid base64 input, with the offset of the offending byte (counted in the input with
/// newlines removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base64Error(pub usize);

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "illegal base64 data at input byte {}", self.0)
    }
}

impl std::error::Error for Base64Error {}

fn value(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes standard padded base64, skipping CR and LF.
pub fn decode(input: &[u8]) -> Result<Vec<u8>, Base64Error> {
    let clean: Vec<u8> = input
        .iter()
        .copied()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect();
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    for (q, quad) in clean.chunks(4).enumerate() {
        let at = q * 4;
        if quad.len() < 4 {
            return Err(Base64Error(at + quad.len()));
        }
        let last = at + 4 == clean.len();
        let pad = quad.iter().rev().take_while(|b| **b == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            let first_pad = quad.iter().position(|b| *b == b'=').unwrap_or(0);
            return Err(Base64Error(at + first_pad));
        }
        let mut n: u32 = 0;
        for (i, &b) in quad[..4 - pad].iter().enumerate() {
            let v = value(b).ok_or(Base64Error(at + i))?;
            n |= v << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Ok(out)
}

/// Encodes standard padded base64.
pub fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            b"\x00\xff\x10",
        ] {
            assert_eq!(decode(encode(s).as_bytes()).unwrap(), s);
        }
        assert_eq!(encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode(b"fo"), "Zm8=");
    }

    #[test]
    fn skips_newlines_like_go() {
        assert_eq!(decode(b"Zm9v\nYmFy\r\n").unwrap(), b"foobar");
    }

    #[test]
    fn rejects_what_go_rejects() {
        assert!(decode(b"Zm9").is_err());
        assert!(decode(b"Zm=v").is_err());
        assert!(decode(b"Zm8=Zm8=").is_err());
        assert!(decode(b"Zm 9v").is_err());
        assert!(decode(b"====").is_err());
    }
}
