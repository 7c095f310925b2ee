//! The unicode map of `SecUnicodeMapFile PATH CODEPAGE`, read as ModSecurity v3 reads it
//! (`ConfigUnicodeMap::loadConfig`), for [`url_decode_uni`](crate::transformations::url_decode_uni).
//!
//! The file (ModSecurity ships `unicode.mapping`) is a list of whitespace-separated tokens: a
//! code page number (e.g. `20127`, followed by a description in words) starts a section, and the
//! section's `HHHH:HH` tokens map a code point (hex) to a byte (hex). ModSecurity reads the
//! section of the configured code page: mapping tokens count from the first token whose leading
//! number equals the code page, and the first token without `:` after a mapping ends the section.
//! Before reading, it maps four code points to `.` (U+002E, U+3002, U+FF0E, U+FF61, after RFC
//! 3490); they stay even when the code page is not in the file. The file is read up to its first
//! NUL byte. A map whose code page is not greater than zero is inert: `urlDecodeUni` then ignores
//! it, as ModSecurity does.
//!
//! Both halves of a mapping token are read with `strtol(…, 16)` as v3/master does (a half that is
//! not hex reads as 0). v3.0.9 used `sscanf("%x")`, which leaves the previous token's number in
//! place when a half is not hex; the two agree on every well-formed file.
//!
//! Without `SecUnicodeMapFile`, ModSecurity v3 uses no map at all (there is no built-in default
//! file): see [`url_decode_uni`](crate::transformations::url_decode_uni) for that path.

use core::fmt;

/// Marks a code point the map does not translate.
const UNMAPPED: u16 = u16::MAX;

/// A code point → byte table loaded from a `SecUnicodeMapFile`.
#[derive(Clone, PartialEq)]
pub struct UnicodeMap {
    /// 65,536 entries: the byte, or [`UNMAPPED`].
    table: Box<[u16]>,
    code_page: f64,
}

/// Why a unicode map file could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnicodeMapError {
    /// The file is empty (ModSecurity: "Failed to open the unicode map file").
    Empty,
}

impl fmt::Display for UnicodeMapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the unicode map file is empty"),
        }
    }
}

impl std::error::Error for UnicodeMapError {}

impl fmt::Debug for UnicodeMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mapped = self.table.iter().filter(|&&v| v != UNMAPPED).count();
        f.debug_struct("UnicodeMap")
            .field("code_page", &self.code_page)
            .field("mapped", &mapped)
            .finish()
    }
}

impl UnicodeMap {
    /// Reads the section for `code_page` from the contents of a unicode map file.
    pub fn parse(contents: &[u8], code_page: f64) -> Result<Self, UnicodeMapError> {
        if contents.is_empty() {
            return Err(UnicodeMapError::Empty);
        }
        let mut table = vec![UNMAPPED; 0x1_0000].into_boxed_slice();
        for code in [0x3002usize, 0xff61, 0xff0e, 0x002e] {
            table[code] = u16::from(b'.');
        }
        // C string functions stop at the first NUL.
        let text = match memchr::memchr(0, contents) {
            Some(nul) => &contents[..nul],
            None => contents,
        };
        let mut found = false;
        let mut processing = false;
        let tokens = text
            .split(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .filter(|t| !t.is_empty());
        for token in tokens {
            // `unsigned int codepage = atol(p)`, compared with the double code page.
            if f64::from(atol(token) as u32) == code_page {
                found = true;
            }
            let is_mapping = token.contains(&b':');
            if found && is_mapping {
                processing = true;
                if let Some((code, byte)) = mapping(token) {
                    table[code] = byte;
                }
            }
            if processing && !is_mapping {
                break;
            }
        }
        Ok(Self { table, code_page })
    }

    /// Parses the code page argument of `SecUnicodeMapFile` as ModSecurity does (`std::stod`: a
    /// decimal number at the start of the text, after optional whitespace).
    pub fn parse_code_page(text: &str) -> Option<f64> {
        let t = text.trim_start();
        let end = t
            .char_indices()
            .take_while(|&(k, c)| {
                c.is_ascii_digit() || c == '.' || ((c == '+' || c == '-') && k == 0)
            })
            .map(|(k, c)| k + c.len_utf8())
            .last()?;
        t[..end].parse().ok()
    }

    /// The code page this map was loaded for.
    pub fn code_page(&self) -> f64 {
        self.code_page
    }

    /// Whether `urlDecodeUni` uses the map: ModSecurity requires a code page greater than zero.
    pub fn is_active(&self) -> bool {
        self.code_page > 0.0
    }

    /// The byte the map gives `code_point`, if it maps it.
    #[inline]
    pub fn get(&self, code_point: u16) -> Option<u8> {
        match self.table[usize::from(code_point)] {
            UNMAPPED => None,
            v => Some(v as u8),
        }
    }
}

/// One `HHHH:HH` token: `strtok_r(token, ":")` then `strtol(…, 16)` on both halves, stored as
/// ModSecurity stores it (`int`; -1 means unmapped; the byte is the low 8 bits).
fn mapping(token: &[u8]) -> Option<(usize, u16)> {
    let start = token.iter().position(|&b| b != b':')?;
    let rest = &token[start..];
    let (code, value) = match rest.iter().position(|&b| b == b':') {
        Some(colon) => (&rest[..colon], &rest[colon + 1..]),
        None => (rest, &rest[rest.len()..]),
    };
    let code = strtol_hex(code) as i32;
    let value = strtol_hex(value) as i32;
    if !(0..=65535).contains(&code) {
        return None;
    }
    let entry = if value == -1 {
        UNMAPPED
    } else {
        u16::from(value as u8)
    };
    Some((code as usize, entry))
}

/// C's `atol`: optional whitespace and sign, then decimal digits; saturating like `strtol`.
fn atol(token: &[u8]) -> i64 {
    strtol(token, 10)
}

/// C's `strtol(s, NULL, 16)`, which also accepts a `0x` prefix.
fn strtol_hex(s: &[u8]) -> i64 {
    strtol(s, 16)
}

fn strtol(s: &[u8], radix: u32) -> i64 {
    let mut k = 0;
    while k < s.len() && matches!(s[k], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        k += 1;
    }
    let negative = match s.get(k) {
        Some(b'-') => {
            k += 1;
            true
        }
        Some(b'+') => {
            k += 1;
            false
        }
        _ => false,
    };
    if radix == 16
        && s.get(k) == Some(&b'0')
        && matches!(s.get(k + 1), Some(b'x' | b'X'))
        && s.get(k + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        k += 2;
    }
    let mut value: i64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(k).and_then(|&b| char::from(b).to_digit(radix)) {
        match value
            .checked_mul(i64::from(radix))
            .and_then(|v| v.checked_add(i64::from(d)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        k += 1;
    }
    match (overflow, negative) {
        (true, false) => i64::MAX,
        (true, true) => i64::MIN,
        (false, true) => -value,
        (false, false) => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &[u8] = b"(MAC - Roman)\n\n\n1250  (ANSI - Central Europe)\n00a1:21 00a2:63 \n\n\
        20127  (US-ASCII)\n00a0:20 00a1:21 ff1c:3c\n\n20261  (T.61)\n00a0:ff\n";

    #[test]
    fn reads_the_configured_section_only() {
        let m = UnicodeMap::parse(FILE, 20127.0).expect("parses");
        assert_eq!(m.get(0x00a0), Some(0x20));
        assert_eq!(m.get(0xff1c), Some(b'<'));
        assert_eq!(m.get(0x00a2), None);
        assert_eq!(m.get(0x3002), Some(b'.'));
        assert!(m.is_active());
        let other = UnicodeMap::parse(FILE, 1250.0).expect("parses");
        assert_eq!(other.get(0x00a2), Some(b'c'));
        assert_eq!(other.get(0x00a0), None);
    }

    #[test]
    fn unknown_code_page_keeps_the_builtin_entries() {
        let m = UnicodeMap::parse(FILE, 4242.0).expect("parses");
        assert_eq!(m.get(0xff0e), Some(b'.'));
        assert_eq!(m.get(0x00a0), None);
        assert_eq!(UnicodeMap::parse(b"", 20127.0), Err(UnicodeMapError::Empty));
        assert!(!UnicodeMap::parse(FILE, 0.0).expect("parses").is_active());
    }

    #[test]
    fn code_page_argument_parses_like_stod() {
        assert_eq!(UnicodeMap::parse_code_page("20127"), Some(20127.0));
        assert_eq!(UnicodeMap::parse_code_page(" 1252x"), Some(1252.0));
        assert_eq!(UnicodeMap::parse_code_page("abc"), None);
    }
}
