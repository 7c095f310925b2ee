//! go-ftw's form encoding of `data` (`ftwhttp/request.go`, `encodeDataParameters`) and the Go
//! `net/url` functions it relies on.
//!
//! With autocomplete on and a `Content-Type` equal (ASCII case-insensitively) to
//! `application/x-www-form-urlencoded`, go-ftw tries `url.QueryUnescape(data)`. Only when that
//! succeeds and changes nothing — i.e. the data holds no `+` and no `%` — does it encode the data:
//! split on `&`, then on the first `=`, and `QueryEscape` keys and values separately. A trailing
//! `&` is dropped by that loop, and so is every `&` that ends the data.

/// Go's `url.QueryEscape`: unreserved bytes (`A-Z a-z 0-9 - _ . ~`) stay, space becomes `+`,
/// every other byte becomes `%XX` with upper-case hex.
pub fn query_escape(s: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    out
}

/// Whether Go's `url.QueryUnescape(data)` would succeed and return `data` unchanged: true
/// exactly when `data` contains neither `+` (decoded to space) nor `%` (either a valid escape,
/// which changes the text, or an invalid one, which is an error).
pub fn query_unescape_is_identity(data: &[u8]) -> bool {
    !data.iter().any(|b| *b == b'+' || *b == b'%')
}

/// go-ftw's `encodeDataParameters` for form data (the caller has checked the Content-Type).
pub fn encode_form_data(data: &[u8]) -> Vec<u8> {
    if data.is_empty() || !query_unescape_is_identity(data) {
        return data.to_vec();
    }
    let mut out = Vec::with_capacity(data.len() + data.len() / 4);
    let mut remaining = data;
    while !remaining.is_empty() {
        let (token, rest) = match remaining.iter().position(|b| *b == b'&') {
            Some(i) => (&remaining[..i], &remaining[i + 1..]),
            None => (remaining, &remaining[remaining.len()..]),
        };
        remaining = rest;
        match token.iter().position(|b| *b == b'=') {
            Some(eq) => {
                out.extend_from_slice(query_escape(&token[..eq]).as_bytes());
                out.push(b'=');
                out.extend_from_slice(query_escape(&token[eq + 1..]).as_bytes());
            }
            None => out.extend_from_slice(query_escape(token).as_bytes()),
        }
        out.push(b'&');
    }
    out.pop();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go() {
        assert_eq!(
            query_escape(b"a b/c?d=e&f~g.h_i-j"),
            "a+b%2Fc%3Fd%3De%26f~g.h_i-j"
        );
        assert_eq!(query_escape(b"\x00\xff'\"<>"), "%00%FF%27%22%3C%3E");
    }

    #[test]
    fn encodes_pairs_separately() {
        assert_eq!(
            encode_form_data(b"var=1' or '1'='1&x y=<z>"),
            b"var=1%27+or+%271%27%3D%271&x+y=%3Cz%3E".to_vec()
        );
        assert_eq!(encode_form_data(b"a=b&"), b"a=b".to_vec());
        assert_eq!(encode_form_data(b"a&&b"), b"a&&b".to_vec());
        assert_eq!(encode_form_data(b"novalue"), b"novalue".to_vec());
    }

    #[test]
    fn leaves_already_escaped_data() {
        assert_eq!(encode_form_data(b"a=%27x"), b"a=%27x".to_vec());
        assert_eq!(encode_form_data(b"a=b+c"), b"a=b+c".to_vec());
        assert_eq!(encode_form_data(b"a=100%"), b"a=100%".to_vec());
    }
}
