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
    if from > hay.len() {
        return None;
    }
    memchr::memmem::find(&hay[from..], needle).map(|i| i + from)
}

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
