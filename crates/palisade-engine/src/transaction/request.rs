//! Request line, arguments and cookies as libmodsecurity 3.0.9 splits them (stand-in until the
//! `palisade-request` parsers are wired in).

use crate::text::is_c_space;

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `urldecode_nonstrict`: `+` is a space, valid `%XX` decoded, invalid escapes kept; returns
/// the decoded bytes and whether an invalid escape was seen.
pub fn urldecode_nonstrict(input: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(input.len());
    let mut invalid = false;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b == b'%' {
            if i + 2 < input.len()
                && let (Some(h), Some(l)) = (hex(input[i + 1]), hex(input[i + 2]))
            {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
            invalid = true;
            out.push(b);
        } else {
            out.push(if b == b'+' { b' ' } else { b });
        }
        i += 1;
    }
    (out, invalid)
}

/// `utils::uri_decode`: `%XX` decoded where valid, `+` kept.
pub fn uri_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i + 2 < input.len() {
        if input[i] == b'%'
            && let (Some(h), Some(l)) = (hex(input[i + 1]), hex(input[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(input[i]);
        i += 1;
    }
    out.extend_from_slice(&input[i..]);
    out
}

/// `std::getline`-style split: an empty trailing piece is dropped.
pub fn ssplit(s: &[u8], sep: u8) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = s.split(|&b| b == sep).collect();
    if out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// Splits `name=value` pairs; returns (name, value, invalid-encoding) triples.
pub fn parse_urlencoded(s: &[u8], sep: u8) -> Vec<(Vec<u8>, Vec<u8>, bool)> {
    ssplit(s, sep)
        .into_iter()
        .map(|t| {
            let (k, v) = match t.iter().position(|&b| b == b'=') {
                Some(p) => (&t[..p], &t[p + 1..]),
                None => (t, &b""[..]),
            };
            let (k, ik) = urldecode_nonstrict(k);
            let (v, iv) = urldecode_nonstrict(v);
            (k, v, ik || iv)
        })
        .collect()
}

/// The `Cookie` header's pairs, as ModSecurity v3 splits them.
pub fn parse_cookies(value: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut cookies = ssplit(value, b';');
    if let Some(last) = cookies.last_mut() {
        while let Some((&b, rest)) = last.split_last() {
            if is_c_space(b) {
                *last = rest;
            } else {
                break;
            }
        }
    }
    let mut out = Vec::new();
    for c in cookies {
        if c.is_empty() {
            continue;
        }
        let (mut k, v) = match c.iter().position(|&b| b == b'=') {
            Some(p) => (&c[..p], &c[p + 1..]),
            None => (c, &b""[..]),
        };
        while let Some((&b, rest)) = k.split_first() {
            if is_c_space(b) {
                k = rest;
            } else {
                break;
            }
        }
        if k.is_empty() {
            continue;
        }
        out.push((k.to_vec(), v.to_vec()));
    }
    out
}

/// The parts of the request line (ModSecurity v3.0.9's `processURI`).
#[derive(Debug, Default)]
pub struct UriParts {
    /// `QUERY_STRING` (raw), if there is a `?`.
    pub query: Option<Vec<u8>>,
    /// `PATH_INFO` / `REQUEST_FILENAME`.
    pub path: Vec<u8>,
    /// `REQUEST_BASENAME`, if any.
    pub basename: Option<Vec<u8>>,
    /// `REQUEST_URI`.
    pub request_uri: Vec<u8>,
    /// The decoded path without query (log lines' `[uri]`).
    pub path_decoded: Vec<u8>,
}

/// Splits a request target.
pub fn split_uri(uri: &[u8]) -> UriParts {
    let no_frag = match uri.iter().position(|&b| b == b'#') {
        Some(p) => &uri[..p],
        None => uri,
    };
    let raw_q = no_frag.iter().position(|&b| b == b'?');
    let decoded = uri_decode(no_frag);
    let dq = decoded.iter().position(|&b| b == b'?');
    let path_decoded = match dq {
        Some(p) => decoded[..p].to_vec(),
        None => decoded.clone(),
    };
    let query = raw_q.map(|p| no_frag[p + 1..].to_vec());
    let path = path_decoded.clone();
    let basename = path
        .iter()
        .rposition(|&b| b == b'/' || b == b'\\')
        .filter(|&o| path.len() > o + 1)
        .map(|o| path[o + 1..].to_vec());
    let mut request_uri = decoded.clone();
    if !decoded.is_empty()
        && decoded[0] != b'/'
        && let Some(colon) = decoded.iter().position(|&b| b == b':')
    {
        let scheme = colon + 1;
        if decoded[scheme..].starts_with(b"//") {
            let netloc = scheme + 2;
            if let Some(p) = decoded[netloc..].iter().position(|&b| b == b'/') {
                request_uri = decoded[netloc + p..].to_vec();
            }
        }
    }
    UriParts {
        query,
        path,
        basename,
        request_uri,
        path_decoded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_and_cookies() {
        let a = parse_urlencoded(b"a=1&b&&c=%41+x&d=%zz", b'&');
        assert_eq!(a.len(), 5);
        assert_eq!(a[1], (b"b".to_vec(), b"".to_vec(), false));
        assert_eq!(a[2], (b"".to_vec(), b"".to_vec(), false));
        assert_eq!(a[3], (b"c".to_vec(), b"A x".to_vec(), false));
        assert!(a[4].2);
        let c = parse_cookies(b"a=1; b=2=3;;  =x; c ");
        assert_eq!(
            c,
            vec![
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"2=3".to_vec()),
                (b"c".to_vec(), b"".to_vec())
            ]
        );
    }

    #[test]
    fn uri() {
        let u = split_uri(b"/a/b%2Fc.php?x=1#f");
        assert_eq!(u.query.as_deref(), Some(&b"x=1"[..]));
        assert_eq!(u.basename.as_deref(), Some(&b"c.php"[..]));
        let u = split_uri(b"http://h/p?q");
        assert_eq!(u.request_uri, b"/p?q");
    }
}
