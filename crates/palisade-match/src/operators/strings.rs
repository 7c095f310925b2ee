//! The string comparison operators: `@beginsWith`, `@contains`, `@containsWord`, `@endsWith`,
//! `@streq`, `@strmatch` and `@within`. Each expands its argument at match time and compares
//! bytes exactly (case-sensitively), as ModSecurity v3 does with `std::string`.

use palisade_seclang::MacroString;

use super::argument::Argument;
use crate::context::EvalContext;
use crate::operator::Evaluate;
use crate::prefilter::Literals;

/// Which comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StringOp {
    /// `@beginsWith`: the input starts with the argument.
    BeginsWith,
    /// `@contains`: the input contains the argument.
    Contains,
    /// `@containsWord`: the input contains the argument between non-letters.
    ContainsWord,
    /// `@endsWith`: the input ends with the argument.
    EndsWith,
    /// `@streq`: the input equals the argument.
    Streq,
    /// `@strmatch`: the input contains the argument (v3 uses `find`, like `@contains`).
    Strmatch,
    /// `@within`: the argument contains the input.
    Within,
}

#[derive(Debug)]
pub(crate) struct StringCompare {
    op: StringOp,
    arg: Argument,
}

impl StringCompare {
    pub(crate) fn new(op: StringOp, arg: &MacroString) -> Self {
        StringCompare {
            op,
            arg: Argument::new(arg),
        }
    }
}

impl Evaluate for StringCompare {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        let p = self.arg.value(ctx);
        let p: &[u8] = &p;
        match self.op {
            StringOp::BeginsWith => input.starts_with(p),
            StringOp::EndsWith => input.ends_with(p),
            StringOp::Contains | StringOp::Strmatch => find(input, p, 0).is_some(),
            StringOp::Streq => input == p,
            StringOp::Within => input.is_empty() || find(p, input, 0).is_some(),
            StringOp::ContainsWord => contains_word(input, p),
        }
    }

    fn literals(&self) -> Literals {
        match (self.op, self.arg.static_value()) {
            (StringOp::Within, _) | (_, None) => Literals::Any,
            (_, Some(p)) => Literals::one(p),
        }
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let hay = hay.get(from..)?;
    let at = if hay.len() <= SHORT_HAYSTACK {
        short_find(hay, needle)
    } else {
        memchr::memmem::find(hay, needle)
    };
    at.map(|i| i + from)
}

/// Haystacks up to this length are searched by [`short_find`]: `memmem::find` builds a new
/// searcher (rare-byte tables, Two-Way) at every call, ~800 instructions, which costs more than
/// the whole search of a short haystack (CRS 920450's `@within %{tx.restricted_headers_basic}`
/// searches a 162-byte list once per header name).
const SHORT_HAYSTACK: usize = 256;

/// The first position of `needle` in `hay`: each occurrence (found by `memchr`) of the
/// needle's least common byte, by [`COMMONNESS`] (the first rank-0 byte), followed by a compare of the whole window
/// around it. Same answer as `memmem::find` (the leftmost match, as candidates are visited in
/// increasing order of their start; `Some(0)` for an empty needle) whichever byte is the
/// anchor; at most `hay.len()` candidate compares. The anchor matters for speed only: 920450's
/// needles are `/name/` and its haystack has ~20 `/`, so anchoring on the first byte would
/// stop at every one of them.
fn short_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut k = 0;
    let mut best = u8::MAX;
    for (i, &b) in needle.iter().enumerate() {
        let rank = COMMONNESS[usize::from(b)];
        if rank < best {
            (k, best) = (i, rank);
            if rank == 0 {
                break;
            }
        }
    }
    let anchor = *needle.get(k)?;
    let end = last_start + k;
    let mut i = k;
    while i <= end {
        let at = i + memchr::memchr(anchor, hay.get(i..=end)?)?;
        let start = at - k;
        if hay.get(start..start + needle.len()) == Some(needle) {
            return Some(start);
        }
        i = at + 1;
    }
    None
}

/// A rough rank of how often each byte occurs in header names, lists and text (higher: more
/// common): separators, then frequent lowercase letters. Used only to choose an anchor.
const COMMONNESS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            b' ' | b'/' | b'-' | b'_' | b'.' | b',' | b'=' | b'&' | b'|' => 3,
            b'e' | b't' | b'a' | b'o' | b'i' | b'n' | b's' | b'r' => 2,
            b'h' | b'l' | b'd' | b'c' | b'u' | b'm' => 1,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// ModSecurity's `ContainsWord::acceptableChar`: a position is a word boundary when it is
/// inside the string and not an ASCII letter (digits and `_` are boundaries too).
fn acceptable(s: &[u8], pos: Option<usize>) -> bool {
    match pos.and_then(|p| s.get(p)) {
        Some(c) => !c.is_ascii_alphabetic(),
        None => false,
    }
}

fn contains_word(s: &[u8], p: &[u8]) -> bool {
    if p.is_empty() {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    if s == p {
        return true;
    }
    let mut pos = find(s, p, 0);
    while let Some(i) = pos {
        let before = i.checked_sub(1);
        let after = Some(i + p.len());
        if i == 0 && acceptable(s, after) {
            return true;
        }
        if i + p.len() == s.len() && acceptable(s, before) {
            return true;
        }
        if acceptable(s, before) && acceptable(s, after) {
            return true;
        }
        pos = find(s, p, i + 1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Bytes of every commonness rank, so that the anchor is at any place in the needle.
    const ALPHABET: &[u8] = b"/ exh0";

    proptest! {
        /// `find` (short haystacks by `short_find`) answers as `memmem::find` does, from any
        /// start; a small alphabet so that needles occur and near-misses are common.
        #[test]
        fn find_is_memmem(
            hay in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..300),
            needle in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..6),
            from in 0usize..310,
        ) {
            let want = if from > hay.len() {
                None
            } else {
                memchr::memmem::find(&hay[from..], &needle).map(|i| i + from)
            };
            prop_assert_eq!(find(&hay, &needle, from), want);
            prop_assert_eq!(
                short_find(&hay, &needle),
                memchr::memmem::find(&hay, &needle)
            );
        }
    }

    #[test]
    fn within_restricted_headers_basic() {
        let list: &[u8] = b"/content-encoding/ /proxy/ /lock-token/ /content-range/ /if/ \
            /x-http-method-override/ /x-http-method/ /x-method-override/ \
            /x-middleware-subrequest/ /expect/";
        assert!(find(list, b"/proxy/", 0).is_some());
        assert!(find(list, b"/expect/", 0).is_some());
        assert!(find(list, b"/host/", 0).is_none());
        assert!(find(list, b"/x-http-method/", 0).is_some());
        assert!(find(list, b"/x-http/", 0).is_none());
    }

    #[test]
    fn contains_word_boundaries_are_non_letters() {
        assert!(contains_word(b"abc def", b"def"));
        assert!(contains_word(b"1abc2", b"abc"));
        assert!(!contains_word(b"xabc", b"abc"));
        assert!(!contains_word(b"abcx", b"abc"));
        assert!(contains_word(b"hidingX hiding", b"hiding"));
        assert!(contains_word(b"x", b"x"));
        assert!(!contains_word(b"", b"x"));
        assert!(contains_word(b"", b""));
    }
}
