//! Small string helpers that reproduce libmodsecurity's formatting and number parsing exactly:
//! `toHexIfNeeded`, `limitTo`, `std::stoi` as `setvar` and the numeric operators use it.

use std::fmt::Write as _;

/// Appends `bytes` to `out` as ModSecurity's `utils::string::toHexIfNeeded` writes them: bytes
/// below 32 or above 126 become `\xHH` (lowercase hex); with `escape_spec`, `"` and `\` too.
pub fn push_hex_if_needed(out: &mut String, bytes: &[u8], escape_spec: bool) {
    for &b in bytes {
        if !(32..=126).contains(&b) || (escape_spec && (b == b'"' || b == b'\\')) {
            let _ = write!(out, "\\x{b:02x}");
        } else {
            out.push(char::from(b));
        }
    }
}

/// [`push_hex_if_needed`] into a new string.
pub fn hex_if_needed(bytes: &[u8], escape_spec: bool) -> String {
    let mut s = String::with_capacity(bytes.len());
    push_hex_if_needed(&mut s, bytes, escape_spec);
    s
}

/// ModSecurity's `limitTo(amount, str)`: the first `amount` bytes followed by
/// ` (N characters omitted)` when the input is longer.
pub fn limit_to(amount: usize, bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if bytes.len() > amount {
        let mut v = bytes[..amount].to_vec();
        let _ = write!(
            VecWriter(&mut v),
            " ({} characters omitted)",
            bytes.len() - amount
        );
        std::borrow::Cow::Owned(v)
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

struct VecWriter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// C++ `std::stoi` as libmodsecurity calls it: leading whitespace skipped, an optional sign,
/// decimal digits, anything after the digits ignored. `None` where `stoi` throws (no digits, or a
/// value outside `int`), which ModSecurity's callers turn into 0.
pub fn stoi(bytes: &[u8]) -> Option<i32> {
    let mut i = 0;
    while i < bytes.len() && is_c_space(bytes[i]) {
        i += 1;
    }
    let mut neg = false;
    if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
        neg = bytes[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut value: i64 = 0;
    let mut overflow = false;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        if !overflow {
            value = value * 10 + i64::from(bytes[i] - b'0');
            if value > i64::from(i32::MAX) + 1 {
                overflow = true;
            }
        }
        i += 1;
    }
    if i == start || overflow {
        return None;
    }
    let v = if neg { -value } else { value };
    i32::try_from(v).ok()
}

/// `stoi` with ModSecurity's `catch (...) { x = 0; }` around it.
pub fn stoi_or_zero(bytes: &[u8]) -> i32 {
    stoi(bytes).unwrap_or(0)
}

/// Writes `n` in decimal into `buf` (12 bytes hold any `i32`) and returns the digits.
pub fn fmt_i32(n: i32, buf: &mut [u8; 12]) -> &[u8] {
    let mut i = buf.len();
    let mut v = i64::from(n).unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

/// C's `isspace` in the "C" locale.
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stoi_matches_cpp() {
        assert_eq!(stoi(b"42"), Some(42));
        assert_eq!(stoi(b"  -7abc"), Some(-7));
        assert_eq!(stoi(b"+5"), Some(5));
        assert_eq!(stoi(b"abc"), None);
        assert_eq!(stoi(b""), None);
        assert_eq!(stoi(b"-"), None);
        assert_eq!(stoi(b"2147483647"), Some(i32::MAX));
        assert_eq!(stoi(b"2147483648"), None);
        assert_eq!(stoi(b"-2147483648"), Some(i32::MIN));
        assert_eq!(stoi(b"99999999999999999999999"), None);
        assert_eq!(stoi(b"\t\n 12 34"), Some(12));
    }

    #[test]
    fn formats_i32() {
        let mut b = [0u8; 12];
        assert_eq!(fmt_i32(0, &mut b), b"0");
        assert_eq!(fmt_i32(-2147483648, &mut b), b"-2147483648");
        assert_eq!(fmt_i32(12345, &mut b), b"12345");
    }

    #[test]
    fn hex_and_limit() {
        assert_eq!(
            hex_if_needed(b"a\"b\\c\x01\xff", true),
            "a\\x22b\\x5cc\\x01\\xff"
        );
        assert_eq!(hex_if_needed(b"a\"b", false), "a\"b");
        assert_eq!(&*limit_to(3, b"abcdef"), b"abc (3 characters omitted)");
        assert_eq!(&*limit_to(6, b"abcdef"), b"abcdef");
    }
}
