//! One `Cookie` request header into REQUEST_COOKIES / REQUEST_COOKIES_NAMES, exactly as
//! ModSecurity v3's `Transaction::addRequestHeader` splits it:
//!
//! - the value is split on `;` (no empty piece after a final `;`); trailing whitespace
//!   (C `isspace`) of the last piece is removed;
//! - empty pieces are skipped; each piece splits on its first `=` (the value keeps any further
//!   `=`); a piece without `=` is a cookie with an empty value;
//! - leading whitespace of the name is removed, trailing whitespace of the name and all
//!   whitespace of the value are kept (`b = 2` is the cookie `b ` with value ` 2`);
//! - a cookie whose name is empty after that (`=d`, `  =x`) is skipped;
//! - repeated `Cookie` headers are each parsed in turn: call [`parse`] once per header, in order.
//!
//! Cookie names and values are not percent-decoded.

/// C's `isspace` in the "C" locale.
#[inline]
pub(crate) fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Parses one `Cookie` header value, calling `sink(name, value)` for each cookie in order.
pub fn parse<F: FnMut(&[u8], &[u8])>(header_value: &[u8], mut sink: F) {
    let mut pieces = crate::urlencoded::split_getline(header_value, b';').peekable();
    while let Some(mut piece) = pieces.next() {
        if pieces.peek().is_none() {
            while let Some((&last, rest)) = piece.split_last() {
                if !is_c_space(last) {
                    break;
                }
                piece = rest;
            }
        }
        if piece.is_empty() {
            continue;
        }
        let (mut name, value) = match crate::urlencoded::memchr(b'=', piece) {
            Some(p) => (&piece[..p], &piece[p + 1..]),
            None => (piece, &piece[piece.len()..]),
        };
        while let Some((&first, rest)) = name.split_first() {
            if !is_c_space(first) {
                break;
            }
            name = rest;
        }
        if name.is_empty() {
            continue;
        }
        sink(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies(v: &[u8]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        parse(v, |k, v| {
            out.push((
                String::from_utf8_lossy(k).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            ))
        });
        out
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    // Checked against libmodsecurity 3.0.9 (Debian): `Cookie: a=1; b = 2;c;=d; e=f=g ;  `
    // gives REQUEST_COOKIES a=1, `b `=` 2`, c=``, e=`f=g ` and no cookie for `=d`.
    #[test]
    fn v3_cookie_shapes() {
        assert_eq!(
            cookies(b"a=1; b = 2;c;=d; e=f=g ;  "),
            pairs(&[("a", "1"), ("b ", " 2"), ("c", ""), ("e", "f=g ")])
        );
    }

    #[test]
    fn empty_pieces_and_whitespace() {
        assert_eq!(cookies(b";;foo=bar"), pairs(&[("foo", "bar")]));
        assert_eq!(cookies(b"   =bar; x=1 \t"), pairs(&[("x", "1")]));
        assert_eq!(cookies(b""), pairs(&[]));
        assert_eq!(cookies(b"  "), pairs(&[]));
        assert_eq!(cookies(b"a=1;"), pairs(&[("a", "1")]));
        assert_eq!(cookies(b"a= 1 ;b"), pairs(&[("a", " 1 "), ("b", "")]));
    }

    #[test]
    fn values_are_not_decoded() {
        assert_eq!(cookies(b"a=%41+b"), pairs(&[("a", "%41+b")]));
    }
}
