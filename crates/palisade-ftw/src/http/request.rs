//! The HTTP/1.x request parser: bytes in, an [`HttpRequest`] or a [`ParseError`] saying how a
//! server answers.
//!
//! Accepted: empty lines before the request line; CRLF or bare LF line endings; any token
//! method; origin-form (`/…`), absolute-form (`scheme:…`), authority-form (`host:port`, CONNECT
//! only) and asterisk-form (`*`, OPTIONS only) targets made of visible ASCII and bytes ≥ 0x80;
//! `HTTP/x.y` with a major version ≥ 1 (so `HTTP/4.0` reaches the WAF, as with Apache);
//! `Content-Length` or `Transfer-Encoding: chunked` bodies; bytes after the message are left
//! unread. As Apache does before its modules (and so ModSecurity v2) see a request, repeated
//! header fields are merged into one (`A: 1` + `a: 2` → `A: 1, 2`), and a chunked request loses
//! its `Content-Length` (chunked wins); [`ParserConfig`] turns both off (nginx's behaviour).
//!
//! Refused with **400 Bad Request**: leading whitespace before the method; a request line
//! that is not exactly `method SP target SP version` (extra spaces, spaces in the target); a
//! non-token method; an empty target, control bytes or `#` in the target, a target in none of
//! the four forms (e.g. `\`), `*` without OPTIONS, CONNECT without `host:port`; a version that
//! is not `HTTP/DIGIT.DIGIT` or has major version 0 (`HTTP/0.9`, `HTTP/2`, `1.1`, `JUNK/1.0`,
//! `HTTP\1.0`); a header line without a colon, with an empty or non-token name or whitespace
//! before the colon; obsolete line folding; NUL, bare CR or other control bytes (except tab) in
//! a header value; more than [`ParserConfig::max_headers`] fields or a field longer than
//! [`ParserConfig::max_field`]; HTTP/1.1 or later without a Host header, with an empty one, or
//! with more than one; a Host that is not `name[:port]` or `[ipv6][:port]` with name made of
//! letters, digits, `-`, `_` and `.` (so `localhost%00` is refused, as Apache does);
//! a `Content-Length` that is not all digits, or several differing ones; a `Transfer-Encoding`
//! whose last coding is not `chunked`; malformed chunked framing.
//!
//! Refused with **414 URI Too Long**: a request line longer than [`ParserConfig::max_line`].
//! **413 Content Too Large**: a body above [`ParserConfig::max_body`].
//! **501 Not Implemented**: a transfer coding other than `chunked`.
//!
//! No response at all ([`ParseErrorKind::Http09`], [`ParseErrorKind::Incomplete`]): a request
//! line without a version is an HTTP/0.9 request, which servers answer without a status line;
//! a message cut short (no blank line after the headers, fewer body bytes than declared) makes
//! a server wait until its timeout. The harness reports both as transport errors, which is what
//! go-ftw sees from a real server.

use std::fmt;

use super::chunked::{self, ChunkedError};
use super::{DEFAULT_CLIENT, DEFAULT_SERVER, Header, HttpRequest, Version};

/// Size limits and header handling of the parser. The defaults follow Apache httpd: 8190-byte
/// request line and fields, 100 fields; bodies up to 64 MiB; duplicate header fields merged;
/// Content-Length removed from chunked requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParserConfig {
    /// Longest request line (without line ending).
    pub max_line: usize,
    /// Longest header field line.
    pub max_field: usize,
    /// Most header fields.
    pub max_headers: usize,
    /// Largest body.
    pub max_body: usize,
    /// Merge repeated header fields (names compared ASCII case-insensitively) into the first,
    /// values joined with `", "`, as Apache does before modules see them (CRS test 920620-1
    /// relies on it). nginx keeps them apart: set false to see every field line.
    pub merge_duplicate_headers: bool,
    /// With `Transfer-Encoding: chunked`, remove `Content-Length` from the headers handed on,
    /// as Apache does (CRS test 920181-1 relies on it). nginx refuses such requests instead.
    pub chunked_removes_content_length: bool,
}

impl Default for ParserConfig {
    fn default() -> Self {
        Self {
            max_line: 8190,
            max_field: 8190,
            max_headers: 100,
            max_body: 64 << 20,
            merge_duplicate_headers: true,
            chunked_removes_content_length: true,
        }
    }
}

/// The kinds of refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// 400: malformed request line, method, target or version.
    BadRequestLine,
    /// 414: request line too long.
    UriTooLong,
    /// 400: malformed header section.
    BadHeader,
    /// 400: missing, empty, duplicate or invalid Host.
    BadHost,
    /// 400: invalid or conflicting Content-Length, or bad chunked framing.
    BadFraming,
    /// 413: body above the limit.
    BodyTooLarge,
    /// 501: unsupported transfer coding.
    NotImplemented,
    /// No response: an HTTP/0.9 request (answered without a status line).
    Http09,
    /// No response: the message is incomplete; a server would wait for more.
    Incomplete,
}

/// Why a request was refused, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The kind of refusal.
    pub kind: ParseErrorKind,
    /// A human explanation.
    pub message: String,
}

impl ParseError {
    fn new(kind: ParseErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The status a server answers with, or `None` when it sends no parsable response.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            ParseErrorKind::BadRequestLine
            | ParseErrorKind::BadHeader
            | ParseErrorKind::BadHost
            | ParseErrorKind::BadFraming => Some(400),
            ParseErrorKind::UriTooLong => Some(414),
            ParseErrorKind::BodyTooLarge => Some(413),
            ParseErrorKind::NotImplemented => Some(501),
            ParseErrorKind::Http09 | ParseErrorKind::Incomplete => None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status() {
            Some(s) => write!(f, "{s}: {}", self.message),
            None => write!(f, "no response: {}", self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// Removes leading and trailing spaces and tabs.
pub fn trim_blanks(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| *b != b' ' && *b != b'\t')
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| *b != b' ' && *b != b'\t')
        .map_or(start, |e| e + 1);
    &v[start..end.max(start)]
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Reads one line starting at `pos`: (line without ending, position after it).
fn next_line(input: &[u8], pos: usize, max: usize) -> Result<(&[u8], usize), ParseError> {
    let rest = &input[pos.min(input.len())..];
    let Some(lf) = rest.iter().position(|b| *b == b'\n') else {
        if rest.len() > max {
            return Err(ParseError::new(
                ParseErrorKind::BadHeader,
                "line exceeds the size limit",
            ));
        }
        return Err(ParseError::new(
            ParseErrorKind::Incomplete,
            "the request ends before the end of the header section",
        ));
    };
    let mut l = &rest[..lf];
    if l.last() == Some(&b'\r') {
        l = &l[..l.len() - 1];
    }
    Ok((l, pos + lf + 1))
}

fn bad_line(msg: impl Into<String>) -> ParseError {
    ParseError::new(ParseErrorKind::BadRequestLine, msg)
}

fn parse_version(v: &[u8]) -> Result<Version, ParseError> {
    match v {
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            let version = Version {
                major: major - b'0',
                minor: minor - b'0',
            };
            if version.major == 0 {
                return Err(bad_line("HTTP/0.x is not supported"));
            }
            Ok(version)
        }
        _ => Err(bad_line(format!(
            "invalid protocol version {:?}",
            String::from_utf8_lossy(v)
        ))),
    }
}

fn check_target(method: &str, target: &[u8]) -> Result<(), ParseError> {
    if target.is_empty() {
        return Err(bad_line("empty request target"));
    }
    if let Some(b) = target.iter().find(|b| **b < 0x21 || **b == 0x7f) {
        return Err(bad_line(format!(
            "control byte 0x{b:02x} in request target"
        )));
    }
    if target.contains(&b'#') {
        return Err(bad_line("fragment ('#') in request target"));
    }
    if method == "CONNECT" {
        let ok = target.iter().rposition(|b| *b == b':').is_some_and(|c| {
            c > 0 && c + 1 < target.len() && target[c + 1..].iter().all(u8::is_ascii_digit)
        }) && !target.contains(&b'/');
        return if ok {
            Ok(())
        } else {
            Err(bad_line("CONNECT needs an authority-form target host:port"))
        };
    }
    if target == b"*" {
        return if method == "OPTIONS" {
            Ok(())
        } else {
            Err(bad_line("asterisk-form target is only valid for OPTIONS"))
        };
    }
    if target[0] == b'/' {
        return Ok(());
    }
    let scheme_len = target
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .unwrap_or(target.len());
    if scheme_len > 0 && target[0].is_ascii_alphabetic() && target.get(scheme_len) == Some(&b':') {
        return Ok(());
    }
    Err(bad_line(format!(
        "invalid request target {:?}",
        String::from_utf8_lossy(target)
    )))
}

fn parse_request_line(
    line: &[u8],
    max: usize,
) -> Result<(String, Vec<u8>, String, Version), ParseError> {
    if line.len() > max {
        return Err(ParseError::new(
            ParseErrorKind::UriTooLong,
            "request line exceeds the size limit",
        ));
    }
    if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
        return Err(bad_line("whitespace before the method"));
    }
    if line.contains(&b'\r') {
        return Err(bad_line("bare CR in the request line"));
    }
    let mut parts = line.splitn(3, |b| *b == b' ');
    let method = parts.next().unwrap_or_default();
    if method.is_empty() || !method.iter().all(|b| is_tchar(*b)) {
        return Err(bad_line(format!(
            "invalid method {:?}",
            String::from_utf8_lossy(method)
        )));
    }
    let method = String::from_utf8_lossy(method).into_owned();
    let Some(target) = parts.next() else {
        return Err(bad_line("request line without target"));
    };
    check_target(&method, target)?;
    let version = match parts.next() {
        None | Some(b"") => {
            return Err(ParseError::new(
                ParseErrorKind::Http09,
                "request line without version (HTTP/0.9): the server answers without a status line",
            ));
        }
        Some(v) => v,
    };
    let parsed = parse_version(version)?;
    Ok((
        method,
        target.to_vec(),
        String::from_utf8_lossy(version).into_owned(),
        parsed,
    ))
}

fn parse_header_line(line: &[u8]) -> Result<Header, ParseError> {
    let bad = |m: String| ParseError::new(ParseErrorKind::BadHeader, m);
    if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
        return Err(bad("obsolete line folding".into()));
    }
    let Some(colon) = line.iter().position(|b| *b == b':') else {
        return Err(bad(format!(
            "header line without colon: {:?}",
            String::from_utf8_lossy(line)
        )));
    };
    let name = &line[..colon];
    if name.is_empty() {
        return Err(bad("empty header name".into()));
    }
    if !name.iter().all(|b| is_tchar(*b)) {
        return Err(bad(format!(
            "invalid header name {:?}",
            String::from_utf8_lossy(name)
        )));
    }
    let value = trim_blanks(&line[colon + 1..]);
    if let Some(b) = value
        .iter()
        .find(|b| (**b < 0x20 && **b != b'\t') || **b == 0x7f)
    {
        return Err(bad(format!(
            "control byte 0x{b:02x} in the value of {}",
            String::from_utf8_lossy(name)
        )));
    }
    Ok(Header {
        name: String::from_utf8_lossy(name).into_owned(),
        value: value.to_vec(),
    })
}

fn valid_host(host: &[u8]) -> bool {
    let (name, port) = if host.first() == Some(&b'[') {
        let Some(close) = host.iter().position(|b| *b == b']') else {
            return false;
        };
        let inner = &host[1..close];
        if inner.is_empty()
            || !inner
                .iter()
                .all(|b| b.is_ascii_hexdigit() || b":.".contains(b))
        {
            return false;
        }
        (None, &host[close + 1..])
    } else {
        match host.iter().position(|b| *b == b':') {
            Some(c) => (Some(&host[..c]), &host[c..]),
            None => (Some(host), &host[host.len()..]),
        }
    };
    if !port.is_empty()
        && (port[0] != b':' || port.len() == 1 || !port[1..].iter().all(u8::is_ascii_digit))
    {
        return false;
    }
    match name {
        None => true,
        Some(n) => {
            !n.is_empty()
                && !n.windows(2).any(|w| w == b"..")
                && n.iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
    }
}

fn check_host(version: Version, headers: &[Header]) -> Result<(), ParseError> {
    let hosts: Vec<&Header> = headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"))
        .collect();
    let bad = |m: &str| ParseError::new(ParseErrorKind::BadHost, m);
    if hosts.len() > 1 {
        return Err(bad("more than one Host header"));
    }
    match hosts.first() {
        None if version >= (Version { major: 1, minor: 1 }) => {
            Err(bad("HTTP/1.1 request without Host header"))
        }
        Some(h) if h.value.is_empty() && version >= (Version { major: 1, minor: 1 }) => {
            Err(bad("HTTP/1.1 request with an empty Host header"))
        }
        Some(h) if !h.value.is_empty() && !valid_host(&h.value) => Err(bad(&format!(
            "malformed Host header {:?}",
            String::from_utf8_lossy(&h.value)
        ))),
        _ => Ok(()),
    }
}

enum Framing {
    None,
    Length(usize),
    Chunked,
}

fn framing(headers: &[Header], limits: &ParserConfig) -> Result<Framing, ParseError> {
    let mut codings: Vec<Vec<u8>> = Vec::new();
    for h in headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("transfer-encoding"))
    {
        for c in h.value.split(|b| *b == b',') {
            let c = trim_blanks(c);
            if !c.is_empty() {
                codings.push(c.to_ascii_lowercase());
            }
        }
    }
    let has_te = headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("transfer-encoding"));
    if has_te {
        return match codings.last().map(Vec::as_slice) {
            Some(b"chunked") if codings.len() == 1 => Ok(Framing::Chunked),
            Some(b"chunked") => Err(ParseError::new(
                ParseErrorKind::NotImplemented,
                "transfer codings other than chunked are not supported",
            )),
            _ if codings.iter().any(|c| c == b"chunked") => Err(ParseError::new(
                ParseErrorKind::BadFraming,
                "chunked is not the final transfer coding",
            )),
            _ => Err(ParseError::new(
                ParseErrorKind::NotImplemented,
                "unsupported Transfer-Encoding",
            )),
        };
    }
    let mut length: Option<u64> = None;
    for h in headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("content-length"))
    {
        let v = &h.value;
        if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
            return Err(ParseError::new(
                ParseErrorKind::BadFraming,
                format!("invalid Content-Length {:?}", String::from_utf8_lossy(v)),
            ));
        }
        let n = std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| {
                ParseError::new(ParseErrorKind::BodyTooLarge, "Content-Length too large")
            })?;
        if length.is_some_and(|l| l != n) {
            return Err(ParseError::new(
                ParseErrorKind::BadFraming,
                "conflicting Content-Length headers",
            ));
        }
        length = Some(n);
    }
    match length {
        None | Some(0) => Ok(Framing::None),
        Some(n) => {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if n > limits.max_body {
                return Err(ParseError::new(
                    ParseErrorKind::BodyTooLarge,
                    format!("Content-Length {n} above the limit of {}", limits.max_body),
                ));
            }
            Ok(Framing::Length(n))
        }
    }
}

/// Merges repeated fields into the first occurrence (Apache's `apr_table_merge`).
fn merge_duplicates(headers: Vec<Header>) -> Vec<Header> {
    let mut out: Vec<Header> = Vec::with_capacity(headers.len());
    for h in headers {
        match out
            .iter_mut()
            .find(|o| o.name.eq_ignore_ascii_case(&h.name))
        {
            Some(first) => {
                first.value.extend_from_slice(b", ");
                first.value.extend_from_slice(&h.value);
            }
            None => out.push(h),
        }
    }
    out
}

/// Parses one request with the default [`ParserConfig`].
pub fn parse_request(input: &[u8]) -> Result<HttpRequest, ParseError> {
    parse_request_with(input, &ParserConfig::default())
}

/// Parses one request from the start of `input`.
pub fn parse_request_with(input: &[u8], limits: &ParserConfig) -> Result<HttpRequest, ParseError> {
    let mut pos = 0;
    // Empty lines before the request line are ignored.
    loop {
        match input.get(pos..) {
            Some([b'\r', b'\n', ..]) => pos += 2,
            Some([b'\n', ..]) => pos += 1,
            _ => break,
        }
    }
    if pos >= input.len() {
        return Err(ParseError::new(ParseErrorKind::Incomplete, "no request"));
    }
    let (line, next) = next_line(input, pos, limits.max_line)?;
    let (method, target, protocol, version) = parse_request_line(line, limits.max_line)?;
    pos = next;
    let mut headers = Vec::new();
    loop {
        let (line, next) = next_line(input, pos, limits.max_field)?;
        pos = next;
        if line.is_empty() {
            break;
        }
        if line.len() > limits.max_field {
            return Err(ParseError::new(
                ParseErrorKind::BadHeader,
                "header field exceeds the size limit",
            ));
        }
        if line.contains(&b'\r') {
            return Err(ParseError::new(
                ParseErrorKind::BadHeader,
                "bare CR in the header section",
            ));
        }
        headers.push(parse_header_line(line)?);
        if headers.len() > limits.max_headers {
            return Err(ParseError::new(
                ParseErrorKind::BadHeader,
                format!("more than {} header fields", limits.max_headers),
            ));
        }
    }
    check_host(version, &headers)?;
    let (body, chunked, trailers) = match framing(&headers, limits)? {
        Framing::None => (Vec::new(), false, Vec::new()),
        Framing::Length(n) => {
            let end = pos.saturating_add(n);
            let Some(body) = input.get(pos..end) else {
                return Err(ParseError::new(
                    ParseErrorKind::Incomplete,
                    format!(
                        "Content-Length {n} but only {} body bytes sent: the server waits for more",
                        input.len() - pos
                    ),
                ));
            };
            pos = end;
            (body.to_vec(), false, Vec::new())
        }
        Framing::Chunked => match chunked::decode(&input[pos..], limits.max_body) {
            Ok(d) => {
                pos += d.consumed;
                (d.body, true, d.trailers)
            }
            Err(ChunkedError::Incomplete) => {
                return Err(ParseError::new(
                    ParseErrorKind::Incomplete,
                    "chunked body ends early: the server waits for more",
                ));
            }
            Err(ChunkedError::Malformed(m)) => {
                return Err(ParseError::new(ParseErrorKind::BadFraming, m));
            }
            Err(ChunkedError::TooLarge) => {
                return Err(ParseError::new(
                    ParseErrorKind::BodyTooLarge,
                    "chunked body above the limit",
                ));
            }
        },
    };
    if chunked && limits.chunked_removes_content_length {
        headers.retain(|h| !h.name.eq_ignore_ascii_case("content-length"));
    }
    if limits.merge_duplicate_headers {
        headers = merge_duplicates(headers);
    }
    Ok(HttpRequest {
        method,
        target,
        protocol,
        version,
        headers,
        body,
        chunked,
        trailers,
        unread: input.len() - pos,
        client: DEFAULT_CLIENT,
        server: DEFAULT_SERVER,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &[u8]) -> HttpRequest {
        parse_request(s).unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(s)))
    }

    fn status(s: &[u8]) -> Option<u16> {
        parse_request(s).expect_err("should be refused").status()
    }

    #[test]
    fn parses_a_simple_get() {
        let r = ok(b"GET /a?b=c HTTP/1.1\r\nHost: localhost\r\nX: y \r\n\r\n");
        assert_eq!(r.method, "GET");
        assert_eq!(r.target, b"/a?b=c");
        assert_eq!(r.protocol, "HTTP/1.1");
        assert_eq!(
            r.headers,
            vec![Header::new("Host", "localhost"), Header::new("X", "y")]
        );
        assert_eq!(r.path(), b"/a");
        assert_eq!(r.request_line(), b"GET /a?b=c HTTP/1.1");
        assert!(r.body.is_empty());
    }

    #[test]
    fn body_by_length_and_unread_rest() {
        let r = ok(b"POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabcdef");
        assert_eq!(r.body, b"abc");
        assert_eq!(r.unread, 3);
    }

    #[test]
    fn chunked_wins_over_length() {
        let r = ok(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nfoo=bar\r\n0\r\n\r\n");
        assert_eq!(r.body, b"foo=bar");
        assert!(r.chunked);
        assert_eq!(r.header("content-length"), None);
        assert_eq!(r.headers.len(), 2);
        let keep = ParserConfig {
            chunked_removes_content_length: false,
            ..ParserConfig::default()
        };
        let r = parse_request_with(
            b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            &keep,
        )
        .unwrap();
        assert_eq!(r.headers.len(), 3);
    }

    #[test]
    fn duplicate_headers_merge_like_apache() {
        let raw = b"GET / HTTP/1.1\r\nContent-Type: a\r\nHost: h\r\ncontent-type: b\r\n\r\n";
        let r = ok(raw);
        assert_eq!(
            r.headers,
            vec![
                Header::new("Content-Type", "a, b"),
                Header::new("Host", "h")
            ]
        );
        let apart = ParserConfig {
            merge_duplicate_headers: false,
            ..ParserConfig::default()
        };
        assert_eq!(parse_request_with(raw, &apart).unwrap().headers.len(), 3);
    }

    #[test]
    fn accepts_what_servers_accept() {
        ok(b"\r\nGET / HTTP/1.1\nHost: h\n\n");
        ok(b"|GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        ok(b"GET / HTTP/4.0\r\nHost: h\r\n\r\n");
        ok(b"GET / HTTP/1.0\r\n\r\n");
        ok(b"GET / HTTP/1.0\r\nHost:\r\n\r\n");
        ok(b"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
        ok(b"CONNECT 1.2.3.4:80 HTTP/1.1\r\nHost: h\r\n\r\n");
        ok(b"GET http://localhost HTTP/1.1\r\nHost: h\r\n\r\n");
        ok(b"GET /index.html:80?x=\xff HTTP/1.1\r\nHost: [::1]:80\r\n\r\n");
        ok(b"GET / HTTP/1.1\r\nHost: deadbeef.de:8080\r\nX: a\tb\xe9\r\n\r\n");
    }

    #[test]
    fn refuses_like_apache() {
        assert_eq!(status(b"     GET / HTTP/1.1\r\nHost: h\r\n\r\n"), Some(400));
        assert_eq!(status(b"\tGET / HTTP/1.1\r\nHost: h\r\n\r\n"), Some(400));
        assert_eq!(status(b"GET \\ HTTP/1.1\r\nHost: h\r\n\r\n"), Some(400));
        assert_eq!(
            status(b"GET \\index.html HTTP\\1.0\r\nHost: h\r\n\r\n"),
            Some(400)
        );
        assert_eq!(status(b"GET /a b HTTP/1.1\r\nHost: h\r\n\r\n"), Some(400));
        assert_eq!(
            status(b"GET /#fragment HTTP/1.1\r\nHost: h\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"CONNECT www.coreruleset.org HTTP/1.1\r\nHost: h\r\n\r\n"),
            Some(400)
        );
        assert_eq!(status(b"GET * HTTP/1.1\r\nHost: h\r\n\r\n"), Some(400));
        for v in [
            "HTTP/0.9",
            "HTTP/0.8",
            "1.1",
            "TEST",
            "JUNK/1.0",
            "HTTP/2",
            "HTTP/1.1 ",
        ] {
            let req = format!("GET / {v}\r\nHost: h\r\n\r\n");
            assert_eq!(status(req.as_bytes()), Some(400), "{v}");
        }
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: h\r\nA : b\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: h\r\nA: b\r\n c\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: h\r\nSomeHeader: Headerdata\rInjected: x\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: h\r\nA: \x00\r\n\r\n"),
            Some(400)
        );
        assert_eq!(status(b"GET / HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(status(b"GET / HTTP/1.1\r\nHost: \r\n\r\n"), Some(400));
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: localhost%00\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: localhost%1F\r\n\r\n"),
            Some(400)
        );
        for cl in ["NotDigits", "123x", "3;", "-1", "3, 3", ""] {
            let req = format!("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: {cl}\r\n\r\nabc");
            assert_eq!(status(req.as_bytes()), Some(400), "{cl}");
        }
        assert_eq!(
            status(
                b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"
            ),
            Some(400)
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
            Some(400)
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"),
            Some(501)
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            Some(400)
        );
        let long = format!("GET /{} HTTP/1.1\r\nHost: h\r\n\r\n", "a".repeat(9000));
        assert_eq!(status(long.as_bytes()), Some(414));
    }

    #[test]
    fn no_response_cases() {
        assert_eq!(status(b"GET / \r\nHost: h\r\n\r\n"), None);
        assert_eq!(status(b"GET /\r\n\r\n"), None);
        assert_eq!(status(b"GET / HTTP/1.1\r\nHost: h\r\n"), None);
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc"),
            None
        );
        assert_eq!(status(b""), None);
    }
}
