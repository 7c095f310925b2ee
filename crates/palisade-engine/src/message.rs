//! What a matched rule reports: [`RuleMessage`] (ModSecurity v3's `RuleMessage`), rendered as
//! the error-log line ModSecurity writes:
//!
//! ```text
//! ModSecurity: Warning. Matched "Operator `Rx' with parameter `a' against variable `ARGS:x'
//! (Value: `a' ) [file "r.conf"] [line "3"] [id "1"] [rev ""] [msg "m"] [data ""]
//! [severity "2"] [ver ""] [maturity "0"] [accuracy "0"] [tag "t"] [hostname "10.0.0.1"]
//! [uri "/"] [unique_id "1"] [ref "o0,1v5,1"]
//! ```
//!
//! (one line), or `ModSecurity: Access denied with code 403 (phase 2). …` when the rule's
//! disruptive action ran.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::text::{limit_to, push_hex_if_needed};

/// One matched rule, as it is logged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleMessage {
    /// The rule id (`id:`); 0 for rules without one.
    pub rule_id: i64,
    /// The rule's file.
    pub file: Arc<str>,
    /// The rule's line.
    pub line: u32,
    /// The phase, as SecLang numbers it (1–5; 0 for connection rules).
    pub phase: u8,
    /// `rev:`.
    pub rev: Arc<str>,
    /// `ver:`.
    pub ver: Arc<str>,
    /// `maturity:`.
    pub maturity: i32,
    /// `accuracy:`.
    pub accuracy: i32,
    /// `msg:` after macro expansion (bytes, as ModSecurity keeps them).
    pub message: Vec<u8>,
    /// `logdata:` after macro expansion.
    pub data: Vec<u8>,
    /// `severity:` (0–7; 0 when the rule has none, as in ModSecurity).
    pub severity: u8,
    /// Whether the rule set `severity:` at all.
    pub has_severity: bool,
    /// `tag:`s after macro expansion, in order.
    pub tags: Vec<Vec<u8>>,
    /// The match description: ``Matched "Operator `Rx' with parameter `…' against variable `…' (Value: `…' )``.
    pub matched: Vec<u8>,
    /// The matched variable's name (`ARGS:q`), of the last matching value.
    pub matched_var_name: Vec<u8>,
    /// The matched value (after transformations), of the last matching value.
    pub matched_var: Vec<u8>,
    /// Offsets and transformation names of the matches (`[ref "…"]`).
    pub reference: String,
    /// True when the rule's disruptive action ran (the line says "Access denied").
    pub disruptive: bool,
    /// `log` (the default) versus `nolog`.
    pub save: bool,
    /// `noauditlog` was given.
    pub no_audit_log: bool,
    /// The client address.
    pub client_ip: Arc<str>,
    /// The server address (`[hostname "…"]`, as ModSecurity fills it).
    pub server_ip: Arc<str>,
    /// The request path without query string, percent-decoded (`[uri "…"]`).
    pub uri: Arc<[u8]>,
    /// The transaction id.
    pub unique_id: Arc<str>,
}

impl RuleMessage {
    /// `msg:` as text (invalid UTF-8 replaced).
    pub fn msg(&self) -> String {
        String::from_utf8_lossy(&self.message).into_owned()
    }

    /// `logdata:` as text (invalid UTF-8 replaced).
    pub fn logdata(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// The tags as text.
    pub fn tag_names(&self) -> Vec<String> {
        self.tags
            .iter()
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .collect()
    }

    /// The error-log line, without the `[client …]` prefix (what ModSecurity hands its log
    /// callback). `status` fills `Access denied with code N` for a disruptive message.
    pub fn log_line(&self, status: u16) -> String {
        self.render(false, Some(status))
    }

    /// The line with the `[client 1.2.3.4] ` prefix, as an intervention's log carries it.
    pub fn client_log_line(&self, status: u16) -> String {
        self.render(true, Some(status))
    }

    /// The intervention log template: the client-prefixed line with `%d` where the status
    /// goes (ModSecurity fills it when the intervention is read).
    pub fn render_with_client_template(&self) -> String {
        self.render(true, None)
    }

    fn render(&self, client: bool, status: Option<u16>) -> String {
        let mut raw: Vec<u8> = Vec::with_capacity(512);
        if client {
            raw.extend_from_slice(b"[client ");
            raw.extend_from_slice(self.client_ip.as_bytes());
            raw.extend_from_slice(b"] ");
        }
        if self.disruptive {
            raw.extend_from_slice(b"ModSecurity: Access denied with code ");
            match status {
                Some(s) => raw.extend_from_slice(s.to_string().as_bytes()),
                None => raw.extend_from_slice(b"%d"),
            }
            raw.extend_from_slice(format!(" (phase {}). ", self.phase).as_bytes());
        } else {
            raw.extend_from_slice(b"ModSecurity: Warning. ");
        }
        raw.extend_from_slice(&self.matched);
        self.details(&mut raw);
        let mut out = String::with_capacity(raw.len() + 16);
        push_hex_if_needed(&mut out, &raw, false);
        out
    }

    fn details(&self, raw: &mut Vec<u8>) {
        let mut s = String::with_capacity(400);
        let _ = write!(s, " [file \"{}\"]", self.file);
        let _ = write!(s, " [line \"{}\"]", self.line);
        let _ = write!(s, " [id \"{}\"]", self.rule_id);
        s.push_str(" [rev \"");
        push_hex_if_needed(&mut s, self.rev.as_bytes(), true);
        s.push_str("\"]");
        raw.extend_from_slice(s.as_bytes());
        raw.extend_from_slice(b" [msg \"");
        raw.extend_from_slice(&self.message);
        raw.extend_from_slice(b"\"]");
        let mut s = String::with_capacity(400);
        s.push_str(" [data \"");
        push_hex_if_needed(&mut s, &limit_to(200, &self.data), true);
        s.push_str("\"]");
        let _ = write!(s, " [severity \"{}\"]", self.severity);
        s.push_str(" [ver \"");
        push_hex_if_needed(&mut s, self.ver.as_bytes(), true);
        s.push_str("\"]");
        let _ = write!(s, " [maturity \"{}\"]", self.maturity);
        let _ = write!(s, " [accuracy \"{}\"]", self.accuracy);
        for t in &self.tags {
            s.push_str(" [tag \"");
            push_hex_if_needed(&mut s, t, true);
            s.push_str("\"]");
        }
        let _ = write!(s, " [hostname \"{}\"]", self.server_ip);
        raw.extend_from_slice(s.as_bytes());
        raw.extend_from_slice(b" [uri \"");
        raw.extend_from_slice(&limit_to(200, &self.uri));
        raw.extend_from_slice(b"\"]");
        raw.extend_from_slice(b" [unique_id \"");
        raw.extend_from_slice(self.unique_id.as_bytes());
        raw.extend_from_slice(b"\"]");
        raw.extend_from_slice(b" [ref \"");
        raw.extend_from_slice(&limit_to(200, self.reference.as_bytes()));
        raw.extend_from_slice(b"\"]");
    }
}

/// The match description ModSecurity's operators produce.
pub fn match_description(op_name: &str, param: &[u8], var_name: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + param.len().min(200) + value.len().min(100));
    out.extend_from_slice(b"Matched \"Operator `");
    out.extend_from_slice(op_name.as_bytes());
    out.extend_from_slice(b"' with parameter `");
    out.extend_from_slice(&limit_to(200, param));
    out.extend_from_slice(b"' against variable `");
    out.extend_from_slice(var_name);
    out.extend_from_slice(b"' (Value: `");
    let mut hexed = String::new();
    push_hex_if_needed(&mut hexed, value, false);
    out.extend_from_slice(&limit_to(100, hexed.as_bytes()));
    out.extend_from_slice(b"' )");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RuleMessage {
        RuleMessage {
            rule_id: 942100,
            file: "rules.conf".into(),
            line: 46,
            phase: 2,
            message: b"SQL Injection".to_vec(),
            data: b"Matched Data: s&1 found".to_vec(),
            severity: 2,
            has_severity: true,
            tags: vec![b"attack-sqli".to_vec(), b"a\"b".to_vec()],
            matched: b"detected SQLi using libinjection.".to_vec(),
            ver: "OWASP_CRS/4.28.0".into(),
            server_ip: "10.0.0.1".into(),
            client_ip: "1.2.3.4".into(),
            uri: Arc::from(&b"/x"[..]),
            unique_id: "abc".into(),
            save: true,
            ..Default::default()
        }
    }

    #[test]
    fn warning_line_format() {
        assert_eq!(
            sample().log_line(403),
            "ModSecurity: Warning. detected SQLi using libinjection. [file \"rules.conf\"] \
             [line \"46\"] [id \"942100\"] [rev \"\"] [msg \"SQL Injection\"] [data \"Matched \
             Data: s&1 found\"] [severity \"2\"] [ver \"OWASP_CRS/4.28.0\"] [maturity \"0\"] \
             [accuracy \"0\"] [tag \"attack-sqli\"] [tag \"a\\x22b\"] [hostname \"10.0.0.1\"] \
             [uri \"/x\"] [unique_id \"abc\"] [ref \"\"]"
        );
    }

    #[test]
    fn disruptive_line_format() {
        let mut m = sample();
        m.disruptive = true;
        let line = m.client_log_line(403);
        assert!(
            line.starts_with(
                "[client 1.2.3.4] ModSecurity: Access denied with code 403 (phase 2). detected"
            ),
            "{line}"
        );
    }

    #[test]
    fn match_text() {
        let d = match_description("Rx", b"^a", b"ARGS:x", b"ab\x01");
        assert_eq!(
            d,
            b"Matched \"Operator `Rx' with parameter `^a' against variable `ARGS:x' (Value: `ab\\x01' )"
        );
    }
}
