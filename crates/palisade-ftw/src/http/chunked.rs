//! Decoding of the `chunked` transfer coding (RFC 9112 §7.1): `chunk-size [; ext] CRLF data
//! CRLF … 0 CRLF trailers CRLF`. A bare LF is accepted as a line ending (as Apache and nginx
//! do); everything else that deviates is an error, and running out of input is
//! [`ChunkedError::Incomplete`] (a server would wait for more).

use super::Header;

/// Why a chunked body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkedError {
    /// The input ended inside the body.
    Incomplete,
    /// Malformed framing (bad size, missing CRLF after data, bad trailer line).
    Malformed(&'static str),
    /// The decoded body would exceed the limit.
    TooLarge,
}

/// A decoded chunked body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The body bytes.
    pub body: Vec<u8>,
    /// Trailer fields.
    pub trailers: Vec<Header>,
    /// Bytes of input consumed.
    pub consumed: usize,
}

/// One line (without its CRLF or LF) starting at `pos`, and the position after it.
fn line(input: &[u8], pos: usize) -> Result<(&[u8], usize), ChunkedError> {
    let rest = input.get(pos..).ok_or(ChunkedError::Incomplete)?;
    let lf = rest
        .iter()
        .position(|b| *b == b'\n')
        .ok_or(ChunkedError::Incomplete)?;
    let mut l = &rest[..lf];
    if l.last() == Some(&b'\r') {
        l = &l[..l.len() - 1];
    }
    if l.contains(&b'\r') {
        return Err(ChunkedError::Malformed("bare CR in chunked framing"));
    }
    Ok((l, pos + lf + 1))
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Decodes a chunked body that starts at `input[0]`, limiting the body to `max_body` bytes.
pub fn decode(input: &[u8], max_body: usize) -> Result<Decoded, ChunkedError> {
    let mut body = Vec::new();
    let mut pos = 0;
    loop {
        let (size_line, next) = line(input, pos)?;
        let hex_len = size_line
            .iter()
            .position(|b| !b.is_ascii_hexdigit())
            .unwrap_or(size_line.len());
        if hex_len == 0 || hex_len > 16 {
            return Err(ChunkedError::Malformed("bad chunk size"));
        }
        let after = &size_line[hex_len..];
        let ext_ok = after.is_empty()
            || after
                .iter()
                .position(|b| *b == b';')
                .is_some_and(|i| after[..i].iter().all(|b| *b == b' ' || *b == b'\t'));
        if !ext_ok {
            return Err(ChunkedError::Malformed("bad chunk size"));
        }
        let mut size: u64 = 0;
        for &d in &size_line[..hex_len] {
            let v = (d as char).to_digit(16).unwrap_or(0);
            size = size
                .checked_mul(16)
                .and_then(|s| s.checked_add(u64::from(v)))
                .ok_or(ChunkedError::Malformed("chunk size overflow"))?;
        }
        pos = next;
        if size == 0 {
            break;
        }
        let size = usize::try_from(size).map_err(|_| ChunkedError::TooLarge)?;
        if body.len().saturating_add(size) > max_body {
            return Err(ChunkedError::TooLarge);
        }
        let end = pos.checked_add(size).ok_or(ChunkedError::TooLarge)?;
        let data = input.get(pos..end).ok_or(ChunkedError::Incomplete)?;
        body.extend_from_slice(data);
        pos = end;
        match input.get(pos..pos + 2) {
            Some(b"\r\n") => pos += 2,
            _ if input.get(pos) == Some(&b'\n') => pos += 1,
            Some(_) => return Err(ChunkedError::Malformed("missing CRLF after chunk data")),
            None if input.get(pos) == Some(&b'\r') || pos >= input.len() => {
                return Err(ChunkedError::Incomplete);
            }
            None => return Err(ChunkedError::Malformed("missing CRLF after chunk data")),
        }
    }
    let mut trailers = Vec::new();
    loop {
        let (l, next) = line(input, pos)?;
        pos = next;
        if l.is_empty() {
            break;
        }
        let colon = l
            .iter()
            .position(|b| *b == b':')
            .ok_or(ChunkedError::Malformed("trailer line without colon"))?;
        let name = &l[..colon];
        if name.is_empty() || !name.iter().all(|b| is_tchar(*b)) {
            return Err(ChunkedError::Malformed("bad trailer name"));
        }
        let value = super::request::trim_blanks(&l[colon + 1..]);
        trailers.push(Header {
            name: String::from_utf8_lossy(name).into_owned(),
            value: value.to_vec(),
        });
    }
    Ok(Decoded {
        body,
        trailers,
        consumed: pos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_chunks_extensions_and_trailers() {
        let d = decode(b"3\r\nHi \r\n3;x=y\r\nCRS\r\n0\r\nT: v\r\n\r\nrest", 100).unwrap();
        assert_eq!(d.body, b"Hi CRS");
        assert_eq!(d.trailers, vec![Header::new("T", "v")]);
        assert_eq!(d.consumed, 31);
    }

    #[test]
    fn bare_lf_is_accepted() {
        assert_eq!(decode(b"1\na\n0\n\n", 10).unwrap().body, b"a");
    }

    #[test]
    fn errors() {
        assert_eq!(decode(b"3\r\nab", 10), Err(ChunkedError::Incomplete));
        assert_eq!(decode(b"3\r\nabc", 10), Err(ChunkedError::Incomplete));
        assert_eq!(decode(b"0\r\n", 10), Err(ChunkedError::Incomplete));
        assert!(matches!(
            decode(b"x\r\n", 10),
            Err(ChunkedError::Malformed(_))
        ));
        assert!(matches!(
            decode(b"3\r\nabcX\r\n", 10),
            Err(ChunkedError::Malformed(_))
        ));
        assert!(matches!(
            decode(b"3 x\r\nabc\r\n", 10),
            Err(ChunkedError::Malformed(_))
        ));
        assert_eq!(decode(b"b\r\n", 10), Err(ChunkedError::TooLarge));
        assert!(matches!(
            decode(b"fffffffffffffffff\r\n", 10),
            Err(ChunkedError::Malformed(_))
        ));
    }
}
