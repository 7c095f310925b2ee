//! Helpers shared by the differential tests against libmodsecurity 3.0.9: the oracle's TSV files
//! store byte strings as hex, and its dumps print bytes outside printable ASCII as `\xHH`.

/// Decodes the hex of an oracle TSV column into bytes.
pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Escapes bytes as the oracle's dumps do: printable ASCII as is, everything else as `\xHH`.
pub fn esc(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        if (0x20..0x7f).contains(&c) {
            s.push(c as char);
        } else {
            s.push_str(&format!("\\x{c:02x}"));
        }
    }
    s
}
