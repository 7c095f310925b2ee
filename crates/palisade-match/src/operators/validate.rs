//! `@validateByteRange`, `@validateUrlEncoding` and `@validateUtf8Encoding`: they match when
//! the input is *not* valid.

use palisade_seclang::MacroString;

use super::numeric::stoi;
use crate::context::{EvalContext, literal_text};
use crate::operator::Evaluate;
use crate::prefilter::{ByteClass, ByteCondition};

/// `@validateByteRange 10,13,32-126`: matches when some byte is outside the ranges.
///
/// The argument is read as v3.0.9 reads it: split at `,`; an item with a `-` is a range whose
/// ends go through `std::stoi` (white space and a sign allowed, junk after the digits ignored);
/// an item that does not parse, a range end outside 0..255 or an inverted range is skipped
/// silently (v3 reports the error but loads the rule). A single value outside 0..255 is also
/// skipped (v3 writes outside its table there).
#[derive(Debug)]
pub(crate) struct ValidateByteRange {
    allowed: [bool; 256],
}

fn parse_int(s: &[u8]) -> Option<i64> {
    // std::stoi throws when nothing parses or the value does not fit an int.
    let (v, overflow) = super::numeric::strtoll(s)?;
    if overflow || i32::try_from(v).is_err() {
        return None;
    }
    Some(i64::from(stoi(s)))
}

impl ValidateByteRange {
    pub(crate) fn new(arg: &MacroString) -> Self {
        let mut allowed = [false; 256];
        let text = literal_text(arg);
        for item in text.as_bytes().split(|&b| b == b',') {
            match memchr::memchr(b'-', item) {
                None => {
                    if let Some(v) = parse_int(item)
                        && let Ok(b) = u8::try_from(v)
                    {
                        allowed[usize::from(b)] = true;
                    }
                }
                Some(p) => {
                    let (Some(lo), Some(hi)) = (parse_int(&item[..p]), parse_int(&item[p + 1..]))
                    else {
                        continue;
                    };
                    if !(0..=255).contains(&lo) || !(0..=255).contains(&hi) || lo > hi {
                        continue;
                    }
                    for b in lo..=hi {
                        allowed[b as usize] = true;
                    }
                }
            }
        }
        ValidateByteRange { allowed }
    }
}

impl Evaluate for ValidateByteRange {
    fn evaluate(&self, input: &[u8], _ctx: &mut EvalContext<'_>) -> bool {
        input.iter().any(|&b| !self.allowed[usize::from(b)])
    }

    /// A match holds a byte outside the ranges (with its other ASCII case, to keep the
    /// class case-closed); when every byte is allowed the class is empty: never a match.
    fn byte_condition(&self) -> ByteCondition {
        let outside: Vec<u8> = (0..=255u8)
            .filter(|&b| !self.allowed[usize::from(b)])
            .collect();
        ByteCondition::new(vec![ByteClass::of(&outside)])
    }
}

/// `@validateUrlEncoding`: matches when a `%` is not followed by two hex digits. An empty
/// input does not match.
#[derive(Debug)]
pub(crate) struct ValidateUrlEncoding;

impl Evaluate for ValidateUrlEncoding {
    fn evaluate(&self, input: &[u8], _ctx: &mut EvalContext<'_>) -> bool {
        let mut i = 0;
        while i < input.len() {
            if input[i] == b'%' {
                if i + 2 >= input.len() {
                    return true;
                }
                if !(input[i + 1].is_ascii_hexdigit() && input[i + 2].is_ascii_hexdigit()) {
                    return true;
                }
                i += 3;
            } else {
                i += 1;
            }
        }
        false
    }

    /// Only a `%` can be malformed.
    fn byte_condition(&self) -> ByteCondition {
        ByteCondition::new(vec![ByteClass::of(b"%")])
    }
}

/// `@validateUtf8Encoding`: matches when the input is not well-formed UTF-8 by v3's rules
/// (truncated sequences, bad continuation bytes, overlong forms, surrogates, code points above
/// U+10FFFF).
#[derive(Debug)]
pub(crate) struct ValidateUtf8Encoding;

/// The length of the character at the start of `s`, or `None` when it is invalid
/// (`detect_utf8_character`).
fn utf8_char_len(s: &[u8]) -> Option<usize> {
    let c = *s.first()?;
    let cont = |i: usize| s.get(i).is_some_and(|b| b & 0xc0 == 0x80);
    let (len, d) = if c & 0x80 == 0 {
        return Some(1);
    } else if c & 0xe0 == 0xc0 {
        if s.len() < 2 || !cont(1) {
            return None;
        }
        (2, (u32::from(c & 0x1f) << 6) | u32::from(s[1] & 0x3f))
    } else if c & 0xf0 == 0xe0 {
        if s.len() < 3 || !cont(1) || !cont(2) {
            return None;
        }
        (
            3,
            (u32::from(c & 0x0f) << 12) | (u32::from(s[1] & 0x3f) << 6) | u32::from(s[2] & 0x3f),
        )
    } else if c & 0xf8 == 0xf0 {
        if c >= 0xf5 || s.len() < 4 || !cont(1) || !cont(2) || !cont(3) {
            return None;
        }
        (
            4,
            (u32::from(c & 0x07) << 18)
                | (u32::from(s[1] & 0x3f) << 12)
                | (u32::from(s[2] & 0x3f) << 6)
                | u32::from(s[3] & 0x3f),
        )
    } else {
        return None;
    };
    let overlong = match len {
        2 => d < 0x80,
        3 => d < 0x800,
        _ => d < 0x10000,
    };
    if (0xd800..=0xdfff).contains(&d) || overlong {
        return None;
    }
    Some(len)
}

impl Evaluate for ValidateUtf8Encoding {
    fn evaluate(&self, input: &[u8], _ctx: &mut EvalContext<'_>) -> bool {
        let mut i = 0;
        while i < input.len() {
            match utf8_char_len(&input[i..]) {
                Some(n) => i += n,
                None => return true,
            }
        }
        false
    }

    /// `utf8_char_len` fails only on a byte with the high bit set (ASCII is one character).
    fn byte_condition(&self) -> ByteCondition {
        let high: Vec<u8> = (0x80..=0xffu8).collect();
        ByteCondition::new(vec![ByteClass::of(&high)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ops() -> Vec<Box<dyn Evaluate>> {
        vec![
            Box::new(ValidateByteRange::new(&MacroString::literal("1-255"))),
            Box::new(ValidateByteRange::new(&MacroString::literal(
                "9,10,13,32-126,128-255",
            ))),
            Box::new(ValidateByteRange::new(&MacroString::literal("0-255"))),
            Box::new(ValidateUrlEncoding),
            Box::new(ValidateUtf8Encoding),
        ]
    }

    #[test]
    fn byte_conditions_are_the_expected_classes() {
        let ops = ops();
        assert!(ops[0].byte_condition().holds(b"a\0") && !ops[0].byte_condition().holds(b"abc"));
        assert!(
            !ops[2].byte_condition().holds(b"\0\xff"),
            "all allowed: never matches"
        );
        assert!(ops[3].byte_condition().holds(b"%zz") && !ops[3].byte_condition().holds(b"zz"));
        assert!(ops[4].byte_condition().holds(b"\xc3") && !ops[4].byte_condition().holds(b"abc"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// Whenever one of these operators matches, its byte condition holds.
        #[test]
        fn matches_satisfy_byte_conditions(
            value in proptest::collection::vec(
                prop_oneof![any::<u8>(), proptest::sample::select(b"%0aF\xc3\xa9\x80".to_vec())],
                0..40,
            )
        ) {
            let mut ctx = EvalContext::new(&crate::NoMacros);
            for op in ops() {
                if op.evaluate(&value, &mut ctx) {
                    prop_assert!(op.byte_condition().holds(&value), "{op:?} {value:?}");
                }
            }
        }
    }
}
