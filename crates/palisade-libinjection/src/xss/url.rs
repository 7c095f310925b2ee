//! Dangerous URL schemes in attribute values, seen through HTML character references.
//!
//! `is_black_url` skips leading control, space and non-ASCII bytes, then asks whether the
//! value, with `&#…;` references decoded, NULs and newlines ignored and leading white
//! space skipped, starts with `DATA`, `VIEW-SOURCE`, `JAVA` (covers `javascript:`) or
//! `VBSCRIPT`, case-insensitively.
//!
//! The decoder may look one or two bytes past the value (`&#x` at its end), as the C code
//! does; those bytes are read from the rest of the input, and as 0 past its end (the C
//! string's terminator).

/// Hex digit value, or `None`.
fn hex_val(b: u8) -> Option<i32> {
    match b {
        b'0'..=b'9' => Some(i32::from(b - b'0')),
        b'a'..=b'f' => Some(i32::from(b - b'a' + 10)),
        b'A'..=b'F' => Some(i32::from(b - b'A' + 10)),
        _ => None,
    }
}

/// Largest code point the decoder accepts before giving up (returns `&`).
const MAX_CODE: i32 = 0x0010_00FF;

/// `html_decode_char_at`: the character at the start of `src` (whose logical length is
/// `len`; bytes past it are readable look-ahead) and how many bytes it spans.
fn decode_char_at(src: &[u8], len: usize) -> (i32, usize) {
    let at = |i: usize| src.get(i).copied().unwrap_or(0);
    let first = at(0);
    if first != b'&' || len < 2 {
        return (i32::from(first), 1);
    }
    if at(1) != b'#' {
        return (i32::from(b'&'), 1);
    }
    if matches!(at(2), b'x' | b'X') {
        let Some(mut val) = hex_val(at(3)) else {
            return (i32::from(b'&'), 1);
        };
        let mut i = 4;
        while i < len {
            let ch = at(i);
            if ch == b';' {
                return (val, i + 1);
            }
            let Some(d) = hex_val(ch) else {
                return (val, i);
            };
            val = val * 16 + d;
            if val > MAX_CODE {
                return (i32::from(b'&'), 1);
            }
            i += 1;
        }
        (val, i)
    } else {
        let ch = at(2);
        if !ch.is_ascii_digit() {
            return (i32::from(b'&'), 1);
        }
        let mut val = i32::from(ch - b'0');
        let mut i = 3;
        while i < len {
            let ch = at(i);
            if ch == b';' {
                return (val, i + 1);
            }
            if !ch.is_ascii_digit() {
                return (val, i);
            }
            val = val * 10 + i32::from(ch - b'0');
            if val > MAX_CODE {
                return (i32::from(b'&'), 1);
            }
            i += 1;
        }
        (val, i)
    }
}

/// `htmlencode_startswith`: whether the HTML-encoded `src[..len]` starts with `prefix`
/// (upper case).
fn encoded_starts_with(prefix: &[u8], src: &[u8], len: usize) -> bool {
    let mut want = prefix.iter().peekable();
    let mut off = 0;
    let mut n = len;
    let mut first = true;
    while n > 0 {
        let Some(&&expected) = want.peek() else {
            return true;
        };
        let (cb, consumed) = decode_char_at(src.get(off..).unwrap_or(&[]), n);
        off += consumed;
        n = n.saturating_sub(consumed);
        if first && cb <= 32 {
            // Leading white space and control characters.
            continue;
        }
        first = false;
        if cb == 0 || cb == 10 {
            // NUL and newline are ignored anywhere.
            continue;
        }
        let cb = if (i32::from(b'a')..=i32::from(b'z')).contains(&cb) {
            cb - 0x20
        } else {
            cb
        };
        // The C code compares as `char`: only the low byte counts.
        if expected != (cb & 0xff) as u8 {
            return false;
        }
        want.next();
    }
    want.peek().is_none()
}

/// `is_black_url`: `rest` is the input from the value's start, `len` the value's length.
pub(super) fn is_black_url(rest: &[u8], len: usize) -> bool {
    let skip = rest[..len.min(rest.len())]
        .iter()
        .take_while(|&&b| b <= 32 || b >= 127)
        .count();
    let src = &rest[skip..];
    let len = len - skip;
    [&b"DATA"[..], b"VIEW-SOURCE", b"JAVA", b"VBSCRIPT"]
        .iter()
        .any(|prefix| encoded_starts_with(prefix, src, len))
}
