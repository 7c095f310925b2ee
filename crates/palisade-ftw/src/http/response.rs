//! HTTP responses: the [`HttpResponse`] a backend or WAF produces, its wire form (what
//! `response_contains` is matched against), and [`parse_response`] for responses read from a
//! live deployment (`--target`).

use super::Header;
use super::chunked;
use super::find_header;

/// A response: status, headers in order, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The protocol of the status line (`HTTP/1.1`).
    pub protocol: String,
    /// The status code.
    pub status: u16,
    /// The reason phrase.
    pub reason: String,
    /// Header fields in order.
    pub headers: Vec<Header>,
    /// The body.
    pub body: Vec<u8>,
}

/// The standard reason phrase of a status code (empty when unknown).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

impl HttpResponse {
    /// A response with the standard reason phrase, no headers and no body.
    pub fn new(status: u16) -> Self {
        Self {
            protocol: "HTTP/1.1".to_string(),
            status,
            reason: reason_phrase(status).to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The error response the harness's front server sends when it refuses a request.
    pub fn server_error(status: u16, message: &str) -> Self {
        let mut r = Self::new(status);
        r.body = format!("{status} {}: {message}\n", r.reason).into_bytes();
        r.headers = vec![
            Header::new("Content-Type", "text/plain; charset=utf-8"),
            Header::new("Content-Length", r.body.len().to_string()),
            Header::new("Connection", "close"),
        ];
        r
    }

    /// The first value of header `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        find_header(&self.headers, name)
    }

    /// Replaces the status (and its reason phrase), as an interruption does.
    pub fn set_status(&mut self, status: u16) {
        self.status = status;
        self.reason = reason_phrase(status).to_string();
    }

    /// The response as written on the wire: status line, headers, blank line, body (no body
    /// for a response to HEAD).
    pub fn to_bytes(&self, head_request: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.body.len());
        out.extend_from_slice(self.protocol.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.status.to_string().as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.reason.as_bytes());
        out.extend_from_slice(b"\r\n");
        for h in &self.headers {
            out.extend_from_slice(h.name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(&h.value);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if !head_request {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

/// Why a response read from a server could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseError {
    /// More bytes are needed (the caller should read more, or fail at end of stream).
    Incomplete,
    /// Not an HTTP/1.x response.
    Malformed(String),
}

/// Parses a response from `input`. `head_request` says the request was HEAD (no body);
/// `eof` says no more bytes will come (so a body without framing ends here).
/// Returns the response and the number of bytes it used.
pub fn parse_response(
    input: &[u8],
    head_request: bool,
    eof: bool,
) -> Result<(HttpResponse, usize), ResponseError> {
    let end = input
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| (p, p + 4))
        .or_else(|| {
            input
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|p| (p, p + 2))
        });
    let Some((head_end, body_start)) = end else {
        if !input.is_empty() && !input.starts_with(&b"HTTP/"[..input.len().min(5)]) {
            return Err(ResponseError::Malformed("no HTTP status line".into()));
        }
        return Err(ResponseError::Incomplete);
    };
    let head = String::from_utf8_lossy(&input[..head_end]).into_owned();
    let mut lines = head.split('\n').map(|l| l.trim_end_matches('\r'));
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let protocol = parts.next().unwrap_or_default();
    if !protocol.starts_with("HTTP/") {
        return Err(ResponseError::Malformed(format!(
            "malformed HTTP status line {status_line:?}"
        )));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .filter(|s| (100..1000).contains(s))
        .ok_or_else(|| {
            ResponseError::Malformed(format!("malformed HTTP status code in {status_line:?}"))
        })?;
    let reason = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    for l in lines {
        let Some((n, v)) = l.split_once(':') else {
            return Err(ResponseError::Malformed(format!(
                "malformed header line {l:?}"
            )));
        };
        headers.push(Header::new(n.trim(), v.trim()));
    }
    let mut resp = HttpResponse {
        protocol: protocol.to_string(),
        status,
        reason,
        headers,
        body: Vec::new(),
    };
    let rest = &input[body_start..];
    if head_request || status < 200 || status == 204 || status == 304 {
        return Ok((resp, body_start));
    }
    let chunked_te = resp
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case(b"chunked"));
    if chunked_te {
        return match chunked::decode(rest, usize::MAX) {
            Ok(d) => {
                resp.body = d.body;
                Ok((resp, body_start + d.consumed))
            }
            Err(chunked::ChunkedError::Incomplete) => Err(ResponseError::Incomplete),
            Err(e) => Err(ResponseError::Malformed(format!("bad chunked body: {e:?}"))),
        };
    }
    if let Some(cl) = resp.header("content-length") {
        let n: usize = std::str::from_utf8(cl)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| ResponseError::Malformed("bad Content-Length".into()))?;
        let Some(body) = rest.get(..n) else {
            return Err(ResponseError::Incomplete);
        };
        resp.body = body.to_vec();
        return Ok((resp, body_start + n));
    }
    if !eof {
        return Err(ResponseError::Incomplete);
    }
    resp.body = rest.to_vec();
    Ok((resp, input.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_and_parse_round_trip() {
        let mut r = HttpResponse::new(200);
        r.headers.push(Header::new("Content-Length", "2"));
        r.body = b"hi".to_vec();
        let bytes = r.to_bytes(false);
        assert_eq!(bytes, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        let (p, used) = parse_response(&bytes, false, false).unwrap();
        assert_eq!(p, r);
        assert_eq!(used, bytes.len());
        assert_eq!(
            r.to_bytes(true),
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
        );
    }

    #[test]
    fn parse_variants() {
        let (r, _) = parse_response(
            b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n",
            false,
            false,
        )
        .unwrap();
        assert_eq!((r.status, r.body.as_slice()), (403, &b"no"[..]));
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\n\r\nabc", false, false),
            Err(ResponseError::Incomplete)
        );
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\n\r\nabc", false, true)
                .unwrap()
                .0
                .body,
            b"abc"
        );
        assert!(matches!(
            parse_response(b"<html>hello</html>\r\n\r\n", false, true),
            Err(ResponseError::Malformed(_))
        ));
        assert!(matches!(
            parse_response(b"<html>", false, true),
            Err(ResponseError::Malformed(_))
        ));
        assert_eq!(
            parse_response(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
                false,
                false
            ),
            Err(ResponseError::Incomplete)
        );
    }
}
