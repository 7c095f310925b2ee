//! Palisade's own HTTP/1.x message handling for the harness: the request parser that stands in
//! for the web server in front of the WAF ([`parse_request`]), and the request and response
//! types the [`crate::Waf`] trait speaks ([`HttpRequest`], [`HttpResponse`]).
//!
//! The parser accepts what common servers accept and refuses, with the status they answer, what
//! they refuse; where Apache httpd 2.4 (with its default `HttpProtocolOptions Strict`) and nginx
//! differ, it follows Apache, the server the CRS regression expectations were written against.
//! [`request`] lists every refusal.

pub mod chunked;
pub mod request;
pub mod response;

pub use request::{ParseError, ParseErrorKind, ParserConfig, parse_request, parse_request_with};
pub use response::{HttpResponse, reason_phrase};

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// One header field: the name as sent (a token, so ASCII) and the value's bytes with leading
/// and trailing blanks removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    /// Field name, case preserved.
    pub name: String,
    /// Field value bytes.
    pub value: Vec<u8>,
}

impl Header {
    /// A header from text.
    pub fn new(name: &str, value: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.to_string(),
            value: value.into(),
        }
    }
}

/// Finds the first header named `name` (ASCII case-insensitive) in a list.
pub fn find_header<'a>(headers: &'a [Header], name: &str) -> Option<&'a [u8]> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_slice())
}

/// An HTTP version `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major version.
    pub major: u8,
    /// Minor version.
    pub minor: u8,
}

/// A parsed request, as the server in front of the WAF hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method (token characters).
    pub method: String,
    /// The request target exactly as sent (origin, absolute, authority or asterisk form).
    pub target: Vec<u8>,
    /// The protocol as written, e.g. `HTTP/1.1`.
    pub protocol: String,
    /// The parsed protocol version.
    pub version: Version,
    /// Header fields in the order received (duplicates kept).
    pub headers: Vec<Header>,
    /// The message body (de-chunked when sent chunked).
    pub body: Vec<u8>,
    /// Whether the body was sent with `Transfer-Encoding: chunked`.
    pub chunked: bool,
    /// Trailer fields of a chunked body.
    pub trailers: Vec<Header>,
    /// Bytes after the end of this message (a pipelined request or garbage), not processed.
    pub unread: usize,
    /// The client address (the harness uses 127.0.0.1 and a fixed port).
    pub client: SocketAddr,
    /// The server address (127.0.0.1:80 in-process).
    pub server: SocketAddr,
}

impl HttpRequest {
    /// The first value of header `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        find_header(&self.headers, name)
    }

    /// The request line without its line ending: `method SP target SP protocol`.
    pub fn request_line(&self) -> Vec<u8> {
        let mut l = Vec::with_capacity(self.method.len() + self.target.len() + 10);
        l.extend_from_slice(self.method.as_bytes());
        l.push(b' ');
        l.extend_from_slice(&self.target);
        l.push(b' ');
        l.extend_from_slice(self.protocol.as_bytes());
        l
    }

    /// The path part of the target (before `?`).
    pub fn path(&self) -> &[u8] {
        let end = self
            .target
            .iter()
            .position(|b| *b == b'?')
            .unwrap_or(self.target.len());
        &self.target[..end]
    }
}

/// The client address used when none is known.
pub const DEFAULT_CLIENT: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 54321);
/// The server address used when none is known.
pub const DEFAULT_SERVER: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 80);
