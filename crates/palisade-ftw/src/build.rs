//! Building a stage's request bytes exactly as go-ftw v2.3.0 writes them on the wire
//! (`runner/run.go` `getRequestFromTest`, `ftwhttp/request.go` `BuildRequest`).
//!
//! * `encoded_request` (base64) is sent verbatim, nothing else applies.
//! * Otherwise the request line is `"<method> <uri> <version>\r\n"`, written verbatim (invalid
//!   methods and versions, even an empty version, reach the server as written).
//! * Headers: `ordered_headers`, else the `headers` map sorted by name; nothing is added unless
//!   autocomplete is on (no automatic Host).
//! * Body: `data` rendered as a Go template (no body if rendering fails), else `encoded_data`
//!   decoded (no body if invalid).
//! * Autocomplete (default on), in this order: with a non-empty body and no Content-Type, add
//!   `Content-Type: application/x-www-form-urlencoded`; form-encode the body (see
//!   [`crate::form`]); then, independent of autocomplete, if a Content-Type value contains
//!   `multipart/form-data;` (case-insensitively) replace every `\n` of the body with `\r\n`
//!   (an existing `\r\n` becomes `\r\r\n`, as in go-ftw); then with autocomplete add
//!   `Connection: close` if absent, and `Content-Length: <len>` if absent and the body is
//!   non-empty or the method matches go-ftw's `^POST|PUT|PATCH|DELETE$` (sic: that regex
//!   matches a method *starting* with POST, *containing* PUT or PATCH, or *ending* with DELETE).
//! * Header names are compared as Go's `textproto.CanonicalMIMEHeaderKey` compares them.

use std::fmt;

use crate::base64::{self, Base64Error};
use crate::form::encode_form_data;
use crate::model::{HeaderTuple, Input};
use crate::template;

/// Why a stage's request could not be built (go-ftw aborts the run in these cases; Palisade
/// fails the stage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// `encoded_request` is not valid base64.
    EncodedRequest(Base64Error),
    /// `data` and `encoded_request` are both set.
    DataAndEncodedRequest,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::EncodedRequest(e) => write!(f, "encoded_request: {e}"),
            BuildError::DataAndEncodedRequest => {
                write!(
                    f,
                    "'data' and 'encoded_request' must not be set simultaneously"
                )
            }
        }
    }
}

impl std::error::Error for BuildError {}

/// A request ready to send, with notes on anything go-ftw would silently drop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuiltRequest {
    /// The exact bytes to send.
    pub bytes: Vec<u8>,
    /// Notes such as "data template failed: … (sent without body)".
    pub notes: Vec<String>,
}

/// Go's `validHeaderFieldByte` (RFC 7230 token characters).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Go's `textproto.CanonicalMIMEHeaderKey`: names made only of token bytes are title-cased at
/// word starts (after `-`); any other name is returned unchanged.
pub fn canonical_header_key(name: &str) -> String {
    let bytes = name.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|b| is_token_byte(*b)) {
        return name.to_string();
    }
    let mut upper = true;
    let mut out = String::with_capacity(name.len());
    for &b in bytes {
        let c = if upper {
            b.to_ascii_uppercase()
        } else {
            b.to_ascii_lowercase()
        };
        out.push(char::from(c));
        upper = b == b'-';
    }
    out
}

/// go-ftw's `Header` helpers over an ordered header list.
struct Headers(Vec<HeaderTuple>);

impl Headers {
    fn has_any(&self, name: &str) -> bool {
        let key = canonical_header_key(name);
        self.0.iter().any(|h| canonical_header_key(&h.name) == key)
    }

    fn has_value_eq_fold(&self, name: &str, value: &str) -> bool {
        let key = canonical_header_key(name);
        self.0.iter().any(|h| {
            canonical_header_key(&h.name) == key && h.value.to_lowercase() == value.to_lowercase()
        })
    }

    fn has_value_containing(&self, name: &str, needle: &str) -> bool {
        let key = canonical_header_key(name);
        let needle = needle.to_lowercase();
        self.0.iter().any(|h| {
            canonical_header_key(&h.name) == key && h.value.to_lowercase().contains(&needle)
        })
    }

    fn add(&mut self, name: &str, value: &str) {
        self.0.push(HeaderTuple {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
}

/// go-ftw's `methodsWithBodyRegex` = `^POST|PUT|PATCH|DELETE$`.
fn method_wants_length(method: &str) -> bool {
    method.starts_with("POST")
        || method.contains("PUT")
        || method.contains("PATCH")
        || method.ends_with("DELETE")
}

/// The stage body (`data` rendered, else `encoded_data` decoded), with a note when go-ftw would
/// drop it.
pub fn stage_data(input: &Input) -> (Vec<u8>, Option<String>) {
    if let Some(data) = &input.data {
        return match template::render(data.as_bytes()) {
            Ok(b) => (b, None),
            Err(e) => (
                Vec::new(),
                Some(format!("data not sent: {e} (go-ftw sends no body then)")),
            ),
        };
    }
    if let Some(enc) = &input.encoded_data {
        return match base64::decode(enc.as_bytes()) {
            Ok(b) => (b, None),
            Err(e) => (
                Vec::new(),
                Some(format!(
                    "encoded_data not sent: {e} (go-ftw sends no body then)"
                )),
            ),
        };
    }
    (Vec::new(), None)
}

/// Builds the bytes go-ftw sends for `input`.
pub fn build_request(input: &Input) -> Result<BuiltRequest, BuildError> {
    if input.data.as_deref().is_some_and(|d| !d.is_empty()) && !input.encoded_request.is_empty() {
        return Err(BuildError::DataAndEncodedRequest);
    }
    if !input.encoded_request.is_empty() {
        let bytes =
            base64::decode(input.encoded_request.as_bytes()).map_err(BuildError::EncodedRequest)?;
        return Ok(BuiltRequest {
            bytes,
            notes: Vec::new(),
        });
    }
    let mut notes = Vec::new();
    let (mut data, note) = stage_data(input);
    notes.extend(note);
    let autocomplete = input.autocomplete();
    let mut headers = Headers(input.header_list());

    let mut out = Vec::with_capacity(256 + data.len());
    out.extend_from_slice(input.method().as_bytes());
    out.push(b' ');
    out.extend_from_slice(input.uri().as_bytes());
    out.push(b' ');
    out.extend_from_slice(input.version().as_bytes());
    out.extend_from_slice(b"\r\n");

    if !data.is_empty() && autocomplete {
        if !headers.has_any("Content-Type") {
            headers.add("Content-Type", "application/x-www-form-urlencoded");
        }
        if headers.has_value_eq_fold("Content-Type", "application/x-www-form-urlencoded") {
            data = encode_form_data(&data);
        }
    }
    if headers.has_value_containing("Content-Type", "multipart/form-data;") {
        let mut crlf = Vec::with_capacity(data.len() + data.len() / 16);
        for &b in &data {
            if b == b'\n' {
                crlf.extend_from_slice(b"\r\n");
            } else {
                crlf.push(b);
            }
        }
        data = crlf;
    }
    if autocomplete {
        if !headers.has_any("Connection") {
            headers.add("Connection", "close");
        }
        if !headers.has_any("Content-Length")
            && (!data.is_empty() || method_wants_length(input.method()))
        {
            headers.add("Content-Length", &data.len().to_string());
        }
    }
    for h in &headers.0 {
        out.extend_from_slice(h.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(h.value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&data);
    Ok(BuiltRequest { bytes: out, notes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_test_file;
    use std::path::Path;

    fn input(yaml_input: &str) -> Input {
        let y = format!("rule_id: 1\ntests:\n  - stages:\n      - input:\n{yaml_input}");
        let mut f = parse_test_file(&y, Path::new("t.yaml")).unwrap();
        f.tests.remove(0).stages.remove(0).input
    }

    fn built(yaml_input: &str) -> String {
        String::from_utf8(build_request(&input(yaml_input)).unwrap().bytes).unwrap()
    }

    #[test]
    fn defaults_and_sorted_headers() {
        let s =
            built("          headers:\n            User-Agent: a\n            Host: localhost\n");
        assert_eq!(
            s,
            "GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn post_gets_form_type_escaped_data_and_length() {
        let s = built(
            "          method: POST\n          headers:\n            Host: h\n          data: \"a=1' or 1=1&b=x y\"\n",
        );
        assert_eq!(
            s,
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Connection: close\r\nContent-Length: 21\r\n\r\na=1%27+or+1%3D1&b=x+y"
        );
    }

    #[test]
    fn post_without_data_gets_zero_length_and_odd_methods_follow_the_regex() {
        assert!(built("          method: POST\n").contains("Content-Length: 0\r\n"));
        assert!(built("          method: OUTPUT\n").contains("Content-Length: 0\r\n"));
        assert!(built("          method: XDELETE\n").contains("Content-Length: 0\r\n"));
        assert!(!built("          method: DELETEX\n").contains("Content-Length"));
        assert!(!built("          method: GET\n").contains("Content-Length"));
    }

    #[test]
    fn verbatim_request_line() {
        let s = built(
            "          method: \"\\tGET\"\n          version: \"\"\n          uri: \"\\\\\"\n",
        );
        assert!(s.starts_with("\tGET \\ \r\n"), "{s:?}");
    }

    #[test]
    fn no_autocomplete_adds_nothing() {
        let s = built(
            "          method: POST\n          autocomplete_headers: false\n          data: \"a=b c\"\n",
        );
        assert_eq!(s, "POST / HTTP/1.1\r\n\r\na=b c");
    }

    #[test]
    fn multipart_newlines_become_crlf_even_without_autocomplete() {
        let s = built(
            "          autocomplete_headers: false\n          headers:\n            content-type: \"Multipart/Form-Data; boundary=x\"\n          data: \"--x\\r\\na\\n--x--\\n\"\n",
        );
        assert!(s.ends_with("\r\n\r\n--x\r\r\na\r\n--x--\r\n"), "{s:?}");
    }

    #[test]
    fn form_type_with_parameters_is_not_escaped() {
        let s = built(
            "          headers:\n            Content-Type: \"application/x-www-form-urlencoded; charset=utf-8\"\n          data: \"a=<b>\"\n",
        );
        assert!(s.ends_with("a=<b>"));
    }

    #[test]
    fn template_failure_sends_no_body() {
        let i = input("          method: POST\n          data: \"{{7*7}}\"\n");
        let b = build_request(&i).unwrap();
        assert!(String::from_utf8_lossy(&b.bytes).ends_with("Content-Length: 0\r\n\r\n"));
        assert_eq!(b.notes.len(), 1);
    }

    #[test]
    fn encoded_request_is_verbatim_and_multiline_base64_works() {
        let b = build_request(&input(
            "          encoded_request: \"R0VUIC8g\\nSFRUUC8xLjENCg0K\"\n",
        ))
        .unwrap();
        assert_eq!(b.bytes, b"GET / HTTP/1.1\r\n\r\n");
    }

    #[test]
    fn ordered_headers_keep_order_and_duplicates() {
        let s = built(
            "          ordered_headers:\n            - name: B\n              value: \"1\"\n            - name: A\n              value: \"2\"\n            - name: B\n              value: \"3\"\n",
        );
        assert!(s.contains("B: 1\r\nA: 2\r\nB: 3\r\n"));
    }

    #[test]
    fn canonical_keys() {
        assert_eq!(canonical_header_key("content-type"), "Content-Type");
        assert_eq!(canonical_header_key("x-CRS-test"), "X-Crs-Test");
        assert_eq!(canonical_header_key("bad name"), "bad name");
    }
}
