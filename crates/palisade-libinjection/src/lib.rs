//! The libinjection SQL-injection and XSS detectors, as ModSecurity v3 embeds them
//! (C libinjection 3.9.2), reimplemented in safe Rust.
//!
//! - [`sqli`]: `Some(fingerprint)` when the input is SQL injection (ModSecurity's `@detectSQLi`,
//!   which exposes the fingerprint as `TX:0` under `capture`).
//! - [`xss`]: true when the input is cross-site scripting (ModSecurity's `@detectXSS`).

/// A libinjection SQLi fingerprint: up to 8 token-type characters, such as `s&1`.
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
}

/// Detects SQL injection; returns the fingerprint when the input is SQLi.
///
/// (Placeholder until the detector lands: never detects.)
pub fn sqli(_input: &[u8]) -> Option<Fingerprint> {
    None
}

/// Detects cross-site scripting.
///
/// (Placeholder until the detector lands: never detects.)
pub fn xss(_input: &[u8]) -> bool {
    false
}
