//! The libinjection SQL-injection and XSS detectors, as ModSecurity v3 embeds them
//! (C libinjection 3.9.2), reimplemented in safe Rust.
//!
//! - [`sqli`]: `Some(fingerprint)` when the input is SQL injection (ModSecurity's `@detectSQLi`,
//!   which exposes the fingerprint as `TX:0` under `capture`).
//! - [`xss`]: true when the input is cross-site scripting (ModSecurity's `@detectXSS`).
//!
//! The reference is the libinjection that ModSecurity v3.0.9 builds in: its
//! `others/libinjection` submodule at commit `bfba51f` (version string "3.9.2", with the
//! fixes that followed the 3.9.2 tag: `IF NOT` as a function, `on*` event handlers only
//! from five bytes, the `$tag$` string search, the extra fingerprints). ModSecurity passes
//! the whole value with its length, NUL bytes included, and both detectors treat NUL as
//! the C code does (mostly as white space). Agreement is checked byte for byte against
//! ModSecurity itself by the `libinjection_oracle` conformance suite.
//!
//! ```
//! let fp = palisade_libinjection::sqli(b"1' OR '1'='1").map(|f| f.to_string());
//! assert_eq!(fp.as_deref(), Some("s&sos"));
//! assert!(palisade_libinjection::xss(b"<script>alert(1)</script>"));
//! assert!(palisade_libinjection::sqli(b"hello world").is_none());
//! ```
//!
//! Both run in time linear in the input, never recurse on input, and never panic.
//!
//! How ModSecurity v3.0.9 uses them (`src/operators/detect_sqli.cc`, `detect_xss.cc`):
//! `libinjection_sqli(input.c_str(), input.length(), fp)` and
//! `libinjection_xss(input.c_str(), input.length())` on each transformed value, whole, NUL
//! bytes included (the C code may read the terminating NUL one byte past the value, which
//! these functions model as a 0 byte). With `capture`, `@detectSQLi` stores the fingerprint
//! (e.g. `s&1c`) in `TX:0` and `@detectXSS` stores the whole input in `TX:0`.

mod find;
mod sqli;
mod xss;

use core::fmt;

/// A libinjection SQLi fingerprint: one to five token-type characters, such as `s&1`
/// (`X` alone when the input could not be parsed: nested or MySQL `/*!` comments).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    bytes: [u8; 8],
    len: u8,
}

impl Fingerprint {
    /// The fingerprint's characters.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The fingerprint as text (fingerprints are ASCII).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// Appends one token type (ignored when full).
    pub(crate) fn push(&mut self, ch: u8) {
        if let Some(slot) = self.bytes.get_mut(usize::from(self.len)) {
            *slot = ch;
            self.len += 1;
        }
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Detects SQL injection; returns the fingerprint when the input is SQLi
/// (`libinjection_sqli`, ModSecurity's `@detectSQLi`).
pub fn sqli(input: &[u8]) -> Option<Fingerprint> {
    sqli::detect(input)
}

/// Detects cross-site scripting (`libinjection_xss`, ModSecurity's `@detectXSS`).
pub fn xss(input: &[u8]) -> bool {
    xss::detect(input)
}
