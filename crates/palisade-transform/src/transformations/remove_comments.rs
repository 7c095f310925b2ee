//! `t:removeComments`: removes `/* … */` and `<!-- … -->` comments and cuts the value at `--` or
//! `#` (an SQL comment to the end of the line), as ModSecurity does.
//!
//! Two quirks of the C code are kept: the byte right after a comment's end marker is copied
//! without being examined (so `/**//**/` becomes `/**/`), and when the end marker closes
//! the value that byte is the string's terminating NUL, so `/* x */` becomes a single `\0`; an
//! unclosed comment becomes one space. The same in v3.0.9 and v3/master.

use std::borrow::Cow;

use super::{byte_set, find_in_set, finish};

const ACTS: [bool; 256] = byte_set(b"/<-#");

/// Applies `t:removeComments`.
pub fn remove_comments(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(start) = find_in_set(input, &ACTS) else {
        return Cow::Borrowed(input);
    };
    finish(input, decode(input, start))
}

fn decode(input: &[u8], start: usize) -> Vec<u8> {
    let len = input.len();
    // The byte at `k`, or the C string's terminating NUL at `len`.
    let at = |k: usize| input.get(k).copied().unwrap_or(0);
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&input[..start]);
    let mut i = start;
    let mut in_comment = false;
    while i < len {
        if !in_comment {
            if input[i] == b'/' && at(i + 1) == b'*' && i + 1 < len {
                in_comment = true;
                i += 2;
            } else if input[i] == b'<' && i + 3 < len && &input[i + 1..i + 4] == b"!--" {
                in_comment = true;
                i += 4;
            } else if (input[i] == b'-' && i + 1 < len && input[i + 1] == b'-') || input[i] == b'#'
            {
                break;
            } else {
                out.push(input[i]);
                i += 1;
            }
        } else if input[i] == b'*' && i + 1 < len && input[i + 1] == b'/' {
            in_comment = false;
            i += 2;
            out.push(at(i));
            i += 1;
        } else if input[i] == b'-' && i + 2 < len && input[i + 1] == b'-' && input[i + 2] == b'>' {
            in_comment = false;
            i += 3;
            out.push(at(i));
            i += 1;
        } else {
            i += 1;
        }
    }
    if in_comment {
        out.push(b' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &[u8]) -> Vec<u8> {
        remove_comments(s).into_owned()
    }

    #[test]
    fn removes_comments_like_modsecurity() {
        assert_eq!(r(b"/* TestCase */"), b"\0");
        assert_eq!(r(b"Before/* TestCase */After"), b"BeforeAfter");
        assert_eq!(r(b"Before /* Test\nCase "), b"Before  ");
        assert_eq!(
            r(b"Before/* T*/ /* e */ /* s */ /* t */\r\nCase "),
            b"Before   \r\nCase "
        );
        assert_eq!(r(b"1 OR 1=1-- x"), b"1 OR 1=1");
        assert_eq!(r(b"a#b"), b"a");
        assert_eq!(r(b"<!-- x -->y"), b"y");
        assert_eq!(r(b"/**//**/"), b"/**/");
        assert!(matches!(remove_comments(b"a-b/c<d"), Cow::Borrowed(_)));
    }
}
