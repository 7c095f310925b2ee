//! The audit log in ModSecurity v3's JSON format: which parts to write (`SecAuditLogParts`,
//! `ctl:auditLogParts=+E`), whether a transaction is written (`SecAuditEngine On|RelevantOnly`,
//! `SecAuditLogRelevantStatus`, `noauditlog`), and the JSON document itself, byte for byte as
//! libmodsecurity's yajl generator writes it.

use crate::message::RuleMessage;

/// A set of audit-log parts (`A`–`K`, `Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AuditParts(pub u16);

impl AuditParts {
    /// ModSecurity's default, `ABCFHZ`.
    pub const DEFAULT: AuditParts =
        AuditParts((1 << 0) | (1 << 1) | (1 << 2) | (1 << 5) | (1 << 7) | (1 << 11));

    fn bit(letter: u8) -> Option<u16> {
        let l = letter.to_ascii_uppercase();
        let i = match l {
            b'A'..=b'K' => l - b'A',
            b'Z' => 11,
            _ => return None,
        };
        Some(1 << i)
    }

    /// The parts named by the letters in `letters` (case-insensitive; other characters ignored,
    /// as ModSecurity does).
    pub fn parse(letters: &str) -> Self {
        AuditParts(letters.bytes().filter_map(Self::bit).fold(0, |a, b| a | b))
    }

    /// Adds the parts named in `letters`.
    pub fn with(self, letters: &str) -> Self {
        AuditParts(self.0 | Self::parse(letters).0)
    }

    /// Removes the parts named in `letters`.
    pub fn without(self, letters: &str) -> Self {
        AuditParts(self.0 & !Self::parse(letters).0)
    }

    /// Whether part `letter` is in the set.
    pub fn has(self, letter: u8) -> bool {
        Self::bit(letter).is_some_and(|b| self.0 & b != 0)
    }

    /// The letters, in order.
    pub fn letters(self) -> String {
        b"ABCDEFGHIJKZ"
            .iter()
            .filter(|&&l| self.has(l))
            .map(|&l| char::from(l))
            .collect()
    }
}

/// `SecAuditEngine`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AuditEngine {
    /// Nothing is written (ModSecurity's default).
    #[default]
    Off,
    /// Every transaction is written.
    On,
    /// Transactions with a logged rule match, or whose status matches
    /// `SecAuditLogRelevantStatus`.
    RelevantOnly,
}

/// Everything the JSON document needs from a finished transaction.
#[derive(Debug)]
pub struct AuditRecord<'a> {
    /// Client address and port.
    pub client_ip: &'a str,
    /// Client port.
    pub client_port: u16,
    /// Server address.
    pub host_ip: &'a str,
    /// Server port.
    pub host_port: u16,
    /// `ctime`-style timestamp (`Thu Nov 28 12:00:00 2024`).
    pub time_stamp: &'a str,
    /// The server's id.
    pub server_id: &'a str,
    /// The transaction id.
    pub unique_id: &'a str,
    /// Request method.
    pub method: &'a [u8],
    /// HTTP version as given (`1.1`), written as a JSON number as ModSecurity does.
    pub http_version: &'a str,
    /// The raw request URI.
    pub uri: &'a [u8],
    /// The request body as buffered.
    pub request_body: &'a [u8],
    /// Request headers in order.
    pub request_headers: Vec<(&'a [u8], &'a [u8])>,
    /// The response body as buffered.
    pub response_body: &'a [u8],
    /// The response status.
    pub http_code: u16,
    /// Response headers in order.
    pub response_headers: Vec<(&'a [u8], &'a [u8])>,
    /// Producer: the engine's name and version.
    pub producer: &'a str,
    /// Producer: the connector's name.
    pub connector: &'a str,
    /// `SecRuleEngine` state for the transaction (`Enabled`, `DetectionOnly`, `Disabled`).
    pub secrules_engine: &'a str,
    /// `SecComponentSignature`s.
    pub components: &'a [String],
    /// The logged rule matches.
    pub messages: &'a [RuleMessage],
}

/// A minimal JSON writer with yajl's escaping (no `\/`, bytes ≥ 0x80 passed through).
struct Json {
    out: Vec<u8>,
    need_comma: Vec<bool>,
}

impl Json {
    fn sep(&mut self) {
        if let Some(c) = self.need_comma.last_mut() {
            if *c {
                self.out.push(b',');
            }
            *c = true;
        }
    }
    fn open(&mut self, b: u8) {
        self.out.push(b);
        self.need_comma.push(false);
    }
    fn close(&mut self, b: u8) {
        self.out.push(b);
        self.need_comma.pop();
    }
    fn string_raw(&mut self, s: &[u8]) {
        self.out.push(b'"');
        for &b in s {
            match b {
                b'"' => self.out.extend_from_slice(b"\\\""),
                b'\\' => self.out.extend_from_slice(b"\\\\"),
                b'\n' => self.out.extend_from_slice(b"\\n"),
                b'\r' => self.out.extend_from_slice(b"\\r"),
                b'\t' => self.out.extend_from_slice(b"\\t"),
                0x08 => self.out.extend_from_slice(b"\\b"),
                0x0c => self.out.extend_from_slice(b"\\f"),
                0..=0x1f => {
                    let hex = b"0123456789abcdef";
                    self.out.extend_from_slice(b"\\u00");
                    self.out.push(hex[usize::from(b >> 4)]);
                    self.out.push(hex[usize::from(b & 15)]);
                }
                _ => self.out.push(b),
            }
        }
        self.out.push(b'"');
    }
    fn key(&mut self, k: &str) {
        self.sep();
        self.string_raw(k.as_bytes());
        self.out.push(b':');
        // The value that follows must not add a comma.
        if let Some(c) = self.need_comma.last_mut() {
            *c = false;
        }
    }
    fn value_str(&mut self, v: &[u8]) {
        self.sep();
        self.string_raw(v);
    }
    fn kv(&mut self, k: &str, v: &[u8]) {
        self.key(k);
        self.value_str(v);
    }
    fn kv_num(&mut self, k: &str, n: &str) {
        self.key(k);
        self.sep();
        self.out.extend_from_slice(n.as_bytes());
    }
    fn key_open(&mut self, k: &str, b: u8) {
        self.key(k);
        self.sep();
        self.open(b);
    }
}

/// Renders the JSON document for `parts` (newline-terminated).
pub fn render_json(r: &AuditRecord<'_>, parts: AuditParts) -> Vec<u8> {
    let mut j = Json {
        out: Vec::with_capacity(1024),
        need_comma: Vec::new(),
    };
    j.open(b'{');
    j.key_open("transaction", b'{');
    j.kv("client_ip", r.client_ip.as_bytes());
    j.kv("time_stamp", r.time_stamp.as_bytes());
    j.kv("server_id", r.server_id.as_bytes());
    j.kv_num("client_port", &r.client_port.to_string());
    j.kv("host_ip", r.host_ip.as_bytes());
    j.kv_num("host_port", &r.host_port.to_string());
    j.kv("unique_id", r.unique_id.as_bytes());

    j.key_open("request", b'{');
    j.kv("method", if r.method.is_empty() { b"-" } else { r.method });
    j.kv_num(
        "http_version",
        if r.http_version.is_empty() {
            "0"
        } else {
            r.http_version
        },
    );
    j.kv("uri", r.uri);
    if parts.has(b'C') {
        j.kv("body", r.request_body);
    }
    if parts.has(b'B') {
        j.key_open("headers", b'{');
        for (k, v) in &r.request_headers {
            j.key(&String::from_utf8_lossy(k));
            j.value_str(v);
        }
        j.close(b'}');
    }
    j.close(b'}');

    j.key_open("response", b'{');
    if parts.has(b'E') {
        j.kv("body", r.response_body);
    }
    j.kv_num("http_code", &r.http_code.to_string());
    if parts.has(b'F') {
        j.key_open("headers", b'{');
        for (k, v) in &r.response_headers {
            j.key(&String::from_utf8_lossy(k));
            j.value_str(v);
        }
        j.close(b'}');
    }
    j.close(b'}');

    if parts.has(b'H') {
        j.key_open("producer", b'{');
        j.kv("modsecurity", r.producer.as_bytes());
        j.kv("connector", r.connector.as_bytes());
        j.kv("secrules_engine", r.secrules_engine.as_bytes());
        j.key_open("components", b'[');
        for c in r.components {
            j.value_str(c.as_bytes());
        }
        j.close(b']');
        j.close(b'}');
        j.key_open("messages", b'[');
        for m in r.messages {
            j.sep();
            j.open(b'{');
            j.kv("message", &m.message);
            j.key_open("details", b'{');
            j.kv("match", &m.matched);
            j.kv("reference", m.reference.as_bytes());
            j.kv("ruleId", m.rule_id.to_string().as_bytes());
            j.kv("file", m.file.as_bytes());
            j.kv("lineNumber", m.line.to_string().as_bytes());
            j.kv("data", &m.data);
            j.kv("severity", m.severity.to_string().as_bytes());
            j.kv("ver", m.ver.as_bytes());
            j.kv("rev", m.rev.as_bytes());
            j.key_open("tags", b'[');
            for t in &m.tags {
                j.value_str(t);
            }
            j.close(b']');
            j.kv("maturity", m.maturity.to_string().as_bytes());
            j.kv("accuracy", m.accuracy.to_string().as_bytes());
            j.close(b'}');
            j.close(b'}');
        }
        j.close(b']');
    }
    j.close(b'}');
    j.close(b'}');
    j.out.push(b'\n');
    j.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(messages: &'a [RuleMessage], components: &'a [String]) -> AuditRecord<'a> {
        AuditRecord {
            client_ip: "1.2.3.4",
            client_port: 5555,
            host_ip: "10.0.0.1",
            host_port: 80,
            time_stamp: "Thu Jan  1 00:00:00 1970",
            server_id: "srv",
            unique_id: "id1",
            method: b"POST",
            http_version: "1.1",
            uri: b"/a?b=\"c\"",
            request_body: b"x=1",
            request_headers: vec![(&b"Host"[..], &b"h"[..])],
            response_body: b"",
            http_code: 403,
            response_headers: vec![(&b"Content-Type"[..], &b"text/html"[..])],
            producer: "Palisade v0.1.0",
            connector: "",
            secrules_engine: "Enabled",
            components,
            messages,
        }
    }

    #[test]
    fn parts_parse_add_remove() {
        assert_eq!(AuditParts::DEFAULT.letters(), "ABCFHZ");
        let p = AuditParts::parse("abz");
        assert_eq!(p.letters(), "ABZ");
        assert_eq!(p.with("E").without("a").letters(), "BEZ");
    }

    #[test]
    fn json_with_default_parts() {
        let msgs = [RuleMessage {
            rule_id: 7,
            message: b"m".to_vec(),
            tags: vec![b"t".to_vec()],
            file: "f".into(),
            ..Default::default()
        }];
        let comps = vec!["c/1".to_string()];
        let out =
            String::from_utf8(render_json(&record(&msgs, &comps), AuditParts::DEFAULT)).unwrap();
        assert_eq!(
            out,
            "{\"transaction\":{\"client_ip\":\"1.2.3.4\",\"time_stamp\":\"Thu Jan  1 00:00:00 1970\",\
             \"server_id\":\"srv\",\"client_port\":5555,\"host_ip\":\"10.0.0.1\",\"host_port\":80,\
             \"unique_id\":\"id1\",\"request\":{\"method\":\"POST\",\"http_version\":1.1,\
             \"uri\":\"/a?b=\\\"c\\\"\",\"body\":\"x=1\",\"headers\":{\"Host\":\"h\"}},\
             \"response\":{\"http_code\":403,\"headers\":{\"Content-Type\":\"text/html\"}},\
             \"producer\":{\"modsecurity\":\"Palisade v0.1.0\",\"connector\":\"\",\
             \"secrules_engine\":\"Enabled\",\"components\":[\"c/1\"]},\"messages\":[{\"message\":\"m\",\
             \"details\":{\"match\":\"\",\"reference\":\"\",\"ruleId\":\"7\",\"file\":\"f\",\
             \"lineNumber\":\"0\",\"data\":\"\",\"severity\":\"0\",\"ver\":\"\",\"rev\":\"\",\
             \"tags\":[\"t\"],\"maturity\":\"0\",\"accuracy\":\"0\"}}]}}\n"
        );
    }

    #[test]
    fn json_without_h_or_b() {
        let out =
            String::from_utf8(render_json(&record(&[], &[]), AuditParts::parse("AZ"))).unwrap();
        assert!(!out.contains("messages"));
        assert!(!out.contains("headers"));
        assert!(!out.contains("\"body\""));
        assert!(out.contains("\"http_code\":403"));
    }
}
