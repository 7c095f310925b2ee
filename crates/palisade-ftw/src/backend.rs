//! The backend behind the WAF: the [`Backend`] trait and [`Albedo`], an in-process emulation of
//! the CRS test backend `coreruleset/albedo` v0.3.0 as served by Go's `net/http`.
//!
//! Albedo semantics reproduced:
//! * any request: `200` with an empty body (`Content-Length: 0`);
//! * `POST /reflect` and `POST /reflect/…`: the body is a JSON object with `status`, `headers`,
//!   `body`, `encodedBody` (base64) and `logMessage` (keys matched case-insensitively, unknown
//!   keys ignored, as Go's `encoding/json` does); invalid JSON answers `400` "Invalid JSON in
//!   request body"; a status in 1..=99 or ≥ 600 answers `400` "Invalid status code: N"; status
//!   0 means 200; `body` wins over `encodedBody`; invalid base64 keeps the status and sends
//!   "invalid base64 encoding of response body".
//!
//! Go `net/http` behaviour reproduced: reflected header names that are not tokens are dropped,
//! CR/LF in values become spaces; a non-empty body without `Content-Type` gets the type
//! `http.DetectContentType` sniffs (text/html, text/xml, text/plain, …); `Content-Length` is
//! always set; no body for 1xx, 204 and 304. Not reproduced: the `Date` header, and chunked
//! encoding of bodies above 2 KiB (the WAF sees `Content-Length` instead).

use serde_json::Value;

use crate::base64;
use crate::http::{Header, HttpRequest, HttpResponse};

/// What answers a request that the WAF lets through.
pub trait Backend: Send + Sync {
    /// The backend's response to `request`.
    fn respond(&self, request: &HttpRequest) -> HttpResponse;
}

/// The emulated albedo backend.
#[derive(Debug, Clone, Default)]
pub struct Albedo {
    /// When set, every response's Content-Type is first set to this value (Coraza's CRS test
    /// wrapper forces `text/plain`); reflected Content-Type headers are added after it.
    pub force_content_type: Option<String>,
}

/// The path of a request target (origin form, or the path of an absolute-form URL).
fn target_path(target: &[u8]) -> &[u8] {
    let mut t = target;
    if let Some(p) = t.windows(3).position(|w| w == b"://") {
        let after = &t[p + 3..];
        t = after
            .iter()
            .position(|b| *b == b'/')
            .map_or(&b""[..], |s| &after[s..]);
    }
    let end = t
        .iter()
        .position(|b| *b == b'?' || *b == b'#')
        .unwrap_or(t.len());
    &t[..end]
}

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Go's `http.DetectContentType` (WHATWG MIME sniffing over the first 512 bytes).
pub fn detect_content_type(data: &[u8]) -> &'static str {
    let data = &data[..data.len().min(512)];
    let is_ws = |b: u8| matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ');
    let first = data.iter().position(|b| !is_ws(*b)).unwrap_or(data.len());
    let ws_skipped = &data[first..];
    const HTML: [&[u8]; 17] = [
        b"<!DOCTYPE HTML",
        b"<HTML",
        b"<HEAD",
        b"<SCRIPT",
        b"<IFRAME",
        b"<H1",
        b"<DIV",
        b"<FONT",
        b"<TABLE",
        b"<A",
        b"<STYLE",
        b"<TITLE",
        b"<B",
        b"<BODY",
        b"<BR",
        b"<P",
        b"<!--",
    ];
    for sig in HTML {
        if ws_skipped.len() > sig.len()
            && sig.iter().zip(ws_skipped).all(|(s, d)| {
                if s.is_ascii_uppercase() {
                    d & 0xDF == *s
                } else {
                    d == s
                }
            })
            && matches!(ws_skipped[sig.len()], b' ' | b'>')
        {
            return "text/html; charset=utf-8";
        }
    }
    if ws_skipped.starts_with(b"<?xml") {
        return "text/xml; charset=utf-8";
    }
    // The BOM signatures are masked 4-byte patterns: they need 4 bytes of input.
    if data.len() >= 4 {
        if data.starts_with(b"\xFE\xFF") {
            return "text/plain; charset=utf-16be";
        }
        if data.starts_with(b"\xFF\xFE") {
            return "text/plain; charset=utf-16le";
        }
        if data.starts_with(b"\xEF\xBB\xBF") {
            return "text/plain; charset=utf-8";
        }
    }
    const EXACT: [(&[u8], &str); 13] = [
        (b"%PDF-", "application/pdf"),
        (b"%!PS-Adobe-", "application/postscript"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"\x89PNG\x0D\x0A\x1A\x0A", "image/png"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"BM", "image/bmp"),
        (b"\x00\x00\x01\x00", "image/vnd.microsoft.icon"),
        (b"OggS\x00", "application/ogg"),
        (b"\x1A\x45\xDF\xA3", "video/webm"),
        (b"Rar \x1A\x07\x00", "application/x-rar-compressed"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1F\x8B\x08", "application/x-gzip"),
    ];
    for (sig, ct) in EXACT {
        if data.starts_with(sig) {
            return ct;
        }
    }
    if data.len() >= 12 && data.starts_with(b"RIFF") {
        if &data[8..12] == b"WAVE" {
            return "audio/wave";
        }
        if data.len() >= 14 && &data[8..14] == b"WEBPVP" {
            return "image/webp";
        }
    }
    let binary = ws_skipped
        .iter()
        .any(|b| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F));
    if binary {
        "application/octet-stream"
    } else {
        "text/plain; charset=utf-8"
    }
}

/// A reflection spec decoded as Go's `encoding/json` would decode albedo's `reflectionSpec`.
#[derive(Default)]
struct Spec {
    status: i64,
    headers: Vec<(String, String)>,
    body: String,
    encoded_body: String,
}

fn parse_spec(body: &[u8]) -> Option<Spec> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let mut spec = Spec::default();
    let obj = match v {
        Value::Object(o) => o,
        Value::Null => return Some(spec),
        _ => return None,
    };
    for (k, v) in obj {
        match k.to_ascii_lowercase().as_str() {
            "status" => match v {
                Value::Number(n) => spec.status = n.as_i64()?,
                Value::Null => {}
                _ => return None,
            },
            "headers" => match v {
                Value::Object(h) => {
                    for (name, value) in h {
                        match value {
                            Value::String(s) => spec.headers.push((name, s)),
                            Value::Null => spec.headers.push((name, String::new())),
                            _ => return None,
                        }
                    }
                }
                Value::Null => {}
                _ => return None,
            },
            "body" | "encodedbody" | "logmessage" => {
                let s = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    _ => return None,
                };
                match k.to_ascii_lowercase().as_str() {
                    "body" => spec.body = s,
                    "encodedbody" => spec.encoded_body = s,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    spec.headers.sort();
    Some(spec)
}

impl Albedo {
    fn finish(
        &self,
        mut resp: HttpResponse,
        extra: Vec<Header>,
        request: &HttpRequest,
    ) -> HttpResponse {
        let mut headers = Vec::new();
        if let Some(ct) = &self.force_content_type {
            headers.push(Header::new("Content-Type", ct.as_str()));
        }
        headers.extend(extra);
        let no_body = resp.status < 200 || resp.status == 204 || resp.status == 304;
        if no_body {
            resp.body.clear();
        }
        if !resp.body.is_empty()
            && !headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("content-type"))
        {
            headers.push(Header::new("Content-Type", detect_content_type(&resp.body)));
        }
        if !no_body
            && !headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("content-length"))
        {
            headers.push(Header::new("Content-Length", resp.body.len().to_string()));
        }
        resp.headers = headers;
        if request.method == "HEAD" {
            resp.body.clear();
        }
        resp
    }

    fn reflect(&self, request: &HttpRequest) -> HttpResponse {
        let Some(spec) = parse_spec(&request.body) else {
            let mut r = HttpResponse::new(400);
            r.body = b"Invalid JSON in request body".to_vec();
            return self.finish(r, Vec::new(), request);
        };
        let mut headers = Vec::new();
        for (name, value) in spec.headers {
            if !is_token(&name) {
                continue;
            }
            let clean: String = value
                .chars()
                .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
                .collect();
            headers.push(Header::new(&name, clean.trim()));
        }
        if (spec.status > 0 && spec.status < 100) || spec.status >= 600 {
            let mut r = HttpResponse::new(400);
            r.body = format!("Invalid status code: {}", spec.status).into_bytes();
            return self.finish(r, headers, request);
        }
        let status = if spec.status == 0 {
            200
        } else {
            u16::try_from(spec.status).unwrap_or(200)
        };
        let mut r = HttpResponse::new(status);
        r.body = if !spec.body.is_empty() {
            spec.body.into_bytes()
        } else if spec.encoded_body.is_empty() {
            Vec::new()
        } else {
            base64::decode(spec.encoded_body.as_bytes())
                .unwrap_or_else(|_| b"invalid base64 encoding of response body".to_vec())
        };
        self.finish(r, headers, request)
    }
}

impl Backend for Albedo {
    fn respond(&self, request: &HttpRequest) -> HttpResponse {
        let path = target_path(&request.target);
        if request.method == "POST" && (path == b"/reflect" || path.starts_with(b"/reflect/")) {
            return self.reflect(request);
        }
        self.finish(HttpResponse::new(200), Vec::new(), request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::parse_request;

    fn post(target: &str, body: &str) -> HttpRequest {
        let raw = format!(
            "POST {target} HTTP/1.1\r\nHost: h\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        parse_request(raw.as_bytes()).unwrap()
    }

    #[test]
    fn empty_200_for_anything() {
        let r = Albedo::default()
            .respond(&parse_request(b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n").unwrap());
        assert_eq!(r.status, 200);
        assert!(r.body.is_empty());
        assert_eq!(r.header("content-length"), Some(&b"0"[..]));
        assert_eq!(r.header("content-type"), None);
        let r = Albedo::default().respond(&post("/other", r#"{"status":500}"#));
        assert_eq!(r.status, 200);
    }

    #[test]
    fn reflects_status_headers_body() {
        let r = Albedo::default().respond(&post(
            "/reflect?x=1",
            r#"{"Status": 404, "headers": {"X-A": "1\r\n2", "bad name": "x"}, "body": "<html><b>hi"}"#,
        ));
        assert_eq!(r.status, 404);
        assert_eq!(r.header("x-a"), Some(&b"1  2"[..]));
        assert_eq!(r.headers.iter().filter(|h| h.name == "bad name").count(), 0);
        assert_eq!(r.body, b"<html><b>hi");
        assert_eq!(
            r.header("content-type"),
            Some(&b"text/html; charset=utf-8"[..])
        );
        let r = Albedo::default().respond(&post("/reflect/", r#"{"encodedBody": "aGk="}"#));
        assert_eq!((r.status, r.body.as_slice()), (200, &b"hi"[..]));
        assert_eq!(
            r.header("content-type"),
            Some(&b"text/plain; charset=utf-8"[..])
        );
    }

    #[test]
    fn reflect_errors() {
        let r = Albedo::default().respond(&post("/reflect", "{nope"));
        assert_eq!(
            (r.status, r.body.as_slice()),
            (400, &b"Invalid JSON in request body"[..])
        );
        let r = Albedo::default().respond(&post("/reflect", r#"{"status": 99}"#));
        assert_eq!(
            (r.status, r.body.as_slice()),
            (400, &b"Invalid status code: 99"[..])
        );
        let r = Albedo::default().respond(&post("/reflect", r#"{"status": "200"}"#));
        assert_eq!(r.status, 400);
        let r =
            Albedo::default().respond(&post("/reflect", r#"{"status": 201, "encodedBody": "!!"}"#));
        assert_eq!(r.status, 201);
        assert_eq!(r.body, b"invalid base64 encoding of response body");
        let r = Albedo::default().respond(&post("/reflect", r#"{"status": 204, "body": "x"}"#));
        assert!(r.body.is_empty());
    }

    #[test]
    fn forced_content_type() {
        let a = Albedo {
            force_content_type: Some("text/plain".into()),
        };
        let r = a.respond(&post(
            "/reflect",
            r#"{"headers": {"Content-Type": "application/json"}, "body": "{}"}"#,
        ));
        let cts: Vec<_> = r
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("content-type"))
            .collect();
        assert_eq!(cts.len(), 2);
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            detect_content_type(b"  <!-- x -->"),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            detect_content_type(b"<?xml version=\"1.0\"?>"),
            "text/xml; charset=utf-8"
        );
        assert_eq!(detect_content_type(b"%PDF-1.4"), "application/pdf");
        assert_eq!(detect_content_type(b"plain"), "text/plain; charset=utf-8");
        assert_eq!(detect_content_type(b"\x00\x01"), "application/octet-stream");
        assert_eq!(detect_content_type(b"<bx"), "text/plain; charset=utf-8");
        assert_eq!(detect_content_type(b"<b>"), "text/html; charset=utf-8");
    }
}
