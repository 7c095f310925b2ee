//! The URI split: from the raw request-target (as the client sent it), the variables ModSecurity
//! v3 derives in `Transaction::processURI`, split on the raw bytes before any decoding (the
//! v3.0.12+ behaviour that fixed CVE-2024-1019):
//!
//! | variable | value |
//! |---|---|
//! | REQUEST_URI_RAW | the target exactly as received, fragment included |
//! | QUERY_STRING | raw bytes after the first raw `?` (fragment removed); absent without `?` |
//! | REQUEST_FILENAME, PATH_INFO | the raw part before the first raw `?`, percent-decoded |
//! | REQUEST_BASENAME | what follows the last `/` or `\` of REQUEST_FILENAME, if non-empty |
//! | REQUEST_URI | the whole target without fragment, percent-decoded; for an absolute-form target (`http://host/p?q`), from the first `/` after the authority |
//! | REQUEST_LINE | `METHOD target HTTP/version` ([`request_line`]) |
//!
//! The fragment is everything from the first `#`; it survives only in REQUEST_URI_RAW and
//! REQUEST_LINE. Percent-decoding here is ModSecurity's `uri_decode`: `%XX` with two hex digits
//! becomes a byte, anything else (and `+`) stays. ARGS_GET come from QUERY_STRING through
//! [`crate::urlencoded::parse`] when it is non-empty.
//!
//! Regression shapes: `/path1%3fpath2?query=%3f` has REQUEST_FILENAME `/path1?path2` decoded
//! from the raw path `/path1%3fpath2` and QUERY_STRING `query=%3f` (CVE-2024-1019), and
//! `//bar/uploads/foo.php?a=b` keeps REQUEST_FILENAME `//bar/uploads/foo.php` (a leading `//` is
//! a path, not an authority; the shape of CVE-2025-29914, which hit Coraza, not v3).

use std::borrow::Cow;

use crate::urlencoded::hex_val;

/// The URI variables of one request-target; borrowed where no decoding was needed.
///
/// v3 always defines QUERY_STRING and REQUEST_BASENAME: read `None` as the empty value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriSplit<'a> {
    /// REQUEST_URI_RAW: the target as received.
    pub raw: &'a [u8],
    /// The raw path: the target before the first `?` (and before any `#`), undecoded.
    pub path_raw: &'a [u8],
    /// QUERY_STRING: raw bytes after the first `?`, without fragment; `None` without a `?`.
    pub query_string: Option<&'a [u8]>,
    /// The fragment after `#` (without the `#`), if any.
    pub fragment: Option<&'a [u8]>,
    /// REQUEST_FILENAME and PATH_INFO: `path_raw` percent-decoded.
    pub filename: Cow<'a, [u8]>,
    /// REQUEST_URI: the target without fragment, percent-decoded, authority removed for an
    /// absolute-form target.
    pub uri: Cow<'a, [u8]>,
}

impl UriSplit<'_> {
    /// REQUEST_BASENAME: the bytes after the last `/` or `\` of REQUEST_FILENAME; `None` when
    /// there is no separator or nothing after it (v3 leaves the variable unset then).
    pub fn basename(&self) -> Option<&[u8]> {
        let f: &[u8] = &self.filename;
        let pos = f.iter().rposition(|&c| c == b'/' || c == b'\\')?;
        if f.len() > pos + 1 {
            Some(&f[pos + 1..])
        } else {
            None
        }
    }
}

/// Splits a raw request-target (`uri` as passed to `msc_process_uri`).
pub fn split(raw: &[u8]) -> UriSplit<'_> {
    let (no_frag, fragment) = match raw.iter().position(|&c| c == b'#') {
        Some(i) => (&raw[..i], Some(&raw[i + 1..])),
        None => (raw, None),
    };
    let (path_raw, query_string) = match no_frag.iter().position(|&c| c == b'?') {
        Some(i) => (&no_frag[..i], Some(&no_frag[i + 1..])),
        None => (no_frag, None),
    };
    let filename = uri_decode(path_raw);
    let decoded = uri_decode(no_frag);
    let uri = strip_authority(decoded);
    UriSplit {
        raw,
        path_raw,
        query_string,
        fragment,
        filename,
        uri,
    }
}

/// v3's absolute-form handling of the decoded URI: when it does not start with `/`, and the
/// first `:` is immediately followed by `//`, REQUEST_URI starts at the first `/` after that
/// (and stays whole when there is none).
fn strip_authority(decoded: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    let d: &[u8] = &decoded;
    if d.is_empty() || d[0] == b'/' {
        return decoded;
    }
    // `find(":") + 1`, where a missing colon wraps to 0 in v3 (and then no `//` can sit at 0,
    // because the first byte is not `/`).
    let scheme_end = d.iter().position(|&c| c == b':').map_or(0, |i| i + 1);
    let netloc = match find(&d[scheme_end..], b"//") {
        Some(0) => scheme_end + 2,
        _ => return decoded,
    };
    match d[netloc..].iter().position(|&c| c == b'/') {
        Some(p) => {
            let start = netloc + p;
            match decoded {
                Cow::Borrowed(b) => Cow::Borrowed(&b[start..]),
                Cow::Owned(mut v) => {
                    v.drain(..start);
                    Cow::Owned(v)
                }
            }
        }
        None => decoded,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// ModSecurity's `utils::uri_decode`: `%XX` with two hex digits becomes one byte; everything
/// else, `+` included, is copied. Borrows when there is nothing to decode.
pub fn uri_decode(input: &[u8]) -> Cow<'_, [u8]> {
    let first = match input
        .windows(3)
        .position(|w| w[0] == b'%' && hex_val(w[1]).is_some() && hex_val(w[2]).is_some())
    {
        Some(i) => i,
        None => return Cow::Borrowed(input),
    };
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut i = first;
    while i < input.len() {
        if input[i] == b'%'
            && i + 2 < input.len()
            && let (Some(h), Some(l)) = (hex_val(input[i + 1]), hex_val(input[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(input[i]);
        i += 1;
    }
    Cow::Owned(out)
}

/// REQUEST_LINE: `METHOD uri HTTP/version`, with the raw target (fragment included).
/// `version` is what the host passes to `msc_process_uri` (e.g. `1.1`).
pub fn request_line(method: &[u8], raw_uri: &[u8], version: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(method.len() + raw_uri.len() + version.len() + 7);
    v.extend_from_slice(method);
    v.push(b' ');
    v.extend_from_slice(raw_uri);
    v.extend_from_slice(b" HTTP/");
    v.extend_from_slice(version);
    v
}

/// REQUEST_PROTOCOL: `HTTP/version`.
pub fn request_protocol(version: &[u8]) -> Vec<u8> {
    let mut v = b"HTTP/".to_vec();
    v.extend_from_slice(version);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    // v3/master splits on the raw `?`. libmodsecurity 3.0.9 (Debian) still cuts at the decoded
    // `?` (REQUEST_FILENAME `/path1`): that is CVE-2024-1019, fixed in 3.0.12.
    #[test]
    fn cve_2024_1019_raw_split() {
        let s = split(b"/path1%3fpath2?query=%3f");
        assert_eq!(&*s.filename, b"/path1?path2");
        assert_eq!(s.path_raw, b"/path1%3fpath2");
        assert_eq!(s.query_string, Some(&b"query=%3f"[..]));
        assert_eq!(&*s.uri, b"/path1?path2?query=?");
        assert_eq!(s.basename(), Some(&b"path1?path2"[..]));
        assert_eq!(s.raw, b"/path1%3fpath2?query=%3f");
    }

    #[test]
    fn cve_2025_29914_double_slash_is_a_path() {
        let s = split(b"//bar/uploads/foo.php?a=b#frag");
        assert_eq!(&*s.filename, b"//bar/uploads/foo.php");
        assert_eq!(&*s.uri, b"//bar/uploads/foo.php?a=b");
        assert_eq!(s.basename(), Some(&b"foo.php"[..]));
        assert_eq!(s.query_string, Some(&b"a=b"[..]));
        assert_eq!(s.fragment, Some(&b"frag"[..]));
        assert_eq!(
            request_line(b"GET", s.raw, b"1.1"),
            b"GET //bar/uploads/foo.php?a=b#frag HTTP/1.1"
        );
    }

    #[test]
    fn absolute_form_strips_authority_from_request_uri_only() {
        let s = split(b"http://host/p%61th/x.php?x=1#f");
        assert_eq!(&*s.uri, b"/path/x.php?x=1");
        assert_eq!(&*s.filename, b"http://host/path/x.php");
        assert_eq!(s.basename(), Some(&b"x.php"[..]));
        assert_eq!(s.query_string, Some(&b"x=1"[..]));
        // No path after the authority: REQUEST_URI stays whole.
        assert_eq!(&*split(b"http://host?x").uri, b"http://host?x");
        // A colon not followed by `//` is not a scheme.
        assert_eq!(&*split(b"a:b//c/d").uri, b"a:b//c/d");
        assert_eq!(&*split(b"*").uri, b"*");
    }

    #[test]
    fn query_and_fragment_edges() {
        let s = split(b"/a?");
        assert_eq!(s.query_string, Some(&b""[..]));
        let s = split(b"/a#x?y");
        assert_eq!(s.query_string, None);
        assert_eq!(&*s.filename, b"/a");
        assert_eq!(&*s.uri, b"/a");
        let s = split(b"/a?b?c");
        assert_eq!(s.query_string, Some(&b"b?c"[..]));
        let s = split(b"");
        assert_eq!(&*s.filename, b"");
        assert_eq!(s.basename(), None);
    }

    #[test]
    fn basename_rules() {
        assert_eq!(split(b"/dir/").basename(), None);
        assert_eq!(split(b"noslash").basename(), None);
        assert_eq!(split(b"/a\\b.txt").basename(), Some(&b"b.txt"[..]));
        assert_eq!(split(b"/a%2fb").basename(), Some(&b"b"[..]));
    }

    #[test]
    fn uri_decode_keeps_plus_and_bad_escapes() {
        assert_eq!(&*uri_decode(b"a+b%2"), b"a+b%2");
        assert_eq!(&*uri_decode(b"%41%zz%4"), b"A%zz%4");
        assert_eq!(&*uri_decode(b"%%41"), b"%A");
        assert!(matches!(uri_decode(b"/plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn protocol() {
        assert_eq!(request_protocol(b"2.0"), b"HTTP/2.0");
    }
}
