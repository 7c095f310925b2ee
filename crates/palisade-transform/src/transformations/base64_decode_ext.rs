//! `t:base64DecodeExt`: forgiving base64 decoding (ModSecurity's `decode_forgiven_engine`).
//!
//! Bytes outside the alphabet (whitespace included) are skipped, `=` is skipped, and the decoded
//! bytes of all complete 8-bit units are kept. Two quirks of the C code are kept too, since they
//! decide what a rule sees: the whole value decodes to nothing when a `=` follows exactly one
//! digit of a group without a second `=` after it, or when the value ends with a `=` or with the
//! digit `9` (whose value, 61, is the code of `=`) right after a complete group. The same in
//! v3.0.9 and v3/master.

use std::borrow::Cow;

use super::finish;

/// The reverse table: the digit's value, or -1 (whitespace) / -2 (other) for skipped bytes.
const REV: [i8; 256] = {
    let mut t = [-2i8; 256];
    t[b'\t' as usize] = -1;
    t[b'\n' as usize] = -1;
    t[b'\r' as usize] = -1;
    t[b' ' as usize] = -1;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as i8;
        i += 1;
    }
    t
};

/// Applies `t:base64DecodeExt`.
pub fn base64_decode_ext(input: &[u8]) -> Cow<'_, [u8]> {
    if input.is_empty() {
        return Cow::Borrowed(input);
    }
    finish(input, decode_forgiving(input).unwrap_or_default())
}

fn decode_forgiving(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
    let mut digits = 0usize;
    let mut partial = 0u8;
    // The C code's `ch`: the raw `=` after a pad, the table value after any other byte.
    let mut last: i32 = 0;
    for (idx, &b) in input.iter().enumerate() {
        if b == b'=' {
            last = i32::from(b'=');
            let next = input.get(idx + 1).copied().unwrap_or(0);
            if next != b'=' && digits % 4 == 1 {
                return None;
            }
            continue;
        }
        let v = REV[usize::from(b)];
        last = i32::from(v);
        if v < 0 {
            continue;
        }
        let v = v as u8;
        match digits % 4 {
            0 => partial = v << 2,
            1 => {
                out.push(partial | (v >> 4));
                partial = (v & 0x0f) << 4;
            }
            2 => {
                out.push(partial | (v >> 2));
                partial = (v & 0x03) << 6;
            }
            _ => out.push(partial | v),
        }
        digits += 1;
    }
    if last == i32::from(b'=') && digits % 4 == 1 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &[u8]) -> Vec<u8> {
        base64_decode_ext(s).into_owned()
    }

    #[test]
    fn skips_what_is_not_base64() {
        assert_eq!(
            d(b"P.HNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
            b"<script>alert(1)</script>"
        );
        assert_eq!(d(b"QU JD"), b"ABC");
        assert_eq!(d(b"QUJD=QUJD"), b"ABCABC");
        assert_eq!(d(b"QUI"), b"AB");
    }

    #[test]
    fn keeps_the_c_quirks() {
        assert_eq!(d(b"Q="), b"");
        assert_eq!(d(b"QUJDQ=A"), b"");
        // A final `9` after a complete group: its value 61 is the code of `=`.
        assert_eq!(d(b"QUJD9"), b"");
        assert_eq!(d(b"QUJ9"), [0x41, 0x42, 0x7d]);
    }
}
