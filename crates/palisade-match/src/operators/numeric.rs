//! The numeric comparisons `@eq`, `@ge`, `@gt`, `@le` and `@lt`, with ModSecurity v3's integer
//! parsing of both sides:
//!
//! - `@eq` parses both with `std::stoi`: leading white space, a sign, decimal digits, junk
//!   after them ignored; no digits, or a value outside `int` (32 bits), gives 0.
//! - `@ge`, `@gt`, `@le`, `@lt` parse both with `atoll`: the same syntax, 64 bits, and a value
//!   outside `long long` saturates to its minimum or maximum.
//!
//! Both stop at the first NUL byte (they read C strings).

use palisade_seclang::MacroString;

use super::argument::Argument;
use crate::context::EvalContext;
use crate::operator::Evaluate;

/// Which comparison (input on the left, argument on the right).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumericOp {
    /// `@eq`.
    Eq,
    /// `@ge`.
    Ge,
    /// `@gt`.
    Gt,
    /// `@le`.
    Le,
    /// `@lt`.
    Lt,
}

#[derive(Debug)]
pub(crate) struct NumericCompare {
    op: NumericOp,
    arg: Argument,
    /// The parsed argument when it holds no macro.
    fixed: Option<i64>,
}

impl NumericCompare {
    pub(crate) fn new(op: NumericOp, arg: &MacroString) -> Self {
        let arg = Argument::new(arg);
        let fixed = arg.static_value().map(|v| parse_for(op, v));
        NumericCompare { op, arg, fixed }
    }
}

fn parse_for(op: NumericOp, text: &[u8]) -> i64 {
    match op {
        NumericOp::Eq => i64::from(stoi(text)),
        _ => atoll(text),
    }
}

impl Evaluate for NumericCompare {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        let p = match self.fixed {
            Some(p) => p,
            None => parse_for(self.op, &self.arg.value(ctx)),
        };
        let i = parse_for(self.op, input);
        match self.op {
            NumericOp::Eq => i == p,
            NumericOp::Ge => i >= p,
            NumericOp::Gt => i > p,
            NumericOp::Le => i <= p,
            NumericOp::Lt => i < p,
        }
    }
}

/// The C library's `isspace` in the "C" locale.
pub(crate) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Parses like `strtoll(s, NULL, 10)`: `None` when no digits were found, else the value
/// (saturated) and whether it overflowed.
pub(crate) fn strtoll(s: &[u8]) -> Option<(i64, bool)> {
    match short_decimal(s) {
        Some(v) => Some((v, false)),
        None => strtoll_general(s),
    }
}

/// [`strtoll`] without the fast path.
fn strtoll_general(s: &[u8]) -> Option<(i64, bool)> {
    let s = &s[..memchr::memchr(0, s).unwrap_or(s.len())];
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let mut neg = false;
    if let Some(&c @ (b'+' | b'-')) = s.get(i) {
        neg = c == b'-';
        i += 1;
    }
    let start = i;
    // Accumulate negatively so that i64::MIN is representable.
    let mut v: i64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).filter(|d| d.is_ascii_digit()) {
        let digit = i64::from(d - b'0');
        match v.checked_mul(10).and_then(|x| x.checked_sub(digit)) {
            Some(x) => v = x,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return None;
    }
    if overflow {
        return Some((if neg { i64::MIN } else { i64::MAX }, true));
    }
    if neg {
        Some((v, false))
    } else {
        match v.checked_neg() {
            Some(x) => Some((x, false)),
            None => Some((i64::MAX, true)),
        }
    }
}

/// The fast path of [`strtoll`]: a value of 1 to 18 ASCII digits and nothing else (the common
/// case: `tx.*` counters, paranoia levels, lengths). Sound because such a value has no white
/// space, sign, NUL or trailing junk for the general path to treat, and 18 digits stay below
/// 10^18 < `i64::MAX`, so the general path would return the same value without overflow.
/// `None` means "take the general path", never "no digits".
fn short_decimal(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + i64::from(d);
    }
    Some(v)
}

/// `atoll`: [`strtoll`] with 0 when nothing parses.
pub(crate) fn atoll(s: &[u8]) -> i64 {
    strtoll(s).map_or(0, |(v, _)| v)
}

/// `std::stoi` with ModSecurity's `catch (...) { 0 }`: 0 when nothing parses or the value
/// does not fit an `int`.
pub(crate) fn stoi(s: &[u8]) -> i32 {
    match strtoll(s) {
        Some((v, false)) => i32::try_from(v).unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_the_c_library() {
        assert_eq!(atoll(b"  -12abc"), -12);
        assert_eq!(atoll(b"+7"), 7);
        assert_eq!(atoll(b"abc"), 0);
        assert_eq!(atoll(b"- 5"), 0);
        assert_eq!(atoll(b"99999999999999999999"), i64::MAX);
        assert_eq!(atoll(b"-99999999999999999999"), i64::MIN);
        assert_eq!(atoll(b"-9223372036854775808"), i64::MIN);
        assert_eq!(atoll(b"1\x002"), 1);
        assert_eq!(stoi(b"2147483648"), 0);
        assert_eq!(stoi(b"-2147483648"), i32::MIN);
        assert_eq!(stoi(b"\x0b\x0c 42"), 42);
        assert_eq!(stoi(b""), 0);
        assert_eq!(atoll(b"999999999999999999"), 999_999_999_999_999_999);
        assert_eq!(atoll(b"0000000000000000001"), 1);
    }

    proptest::proptest! {
        /// The fast path never disagrees with the general parser, on digit strings around the
        /// 18-digit limit and on arbitrary bytes.
        #[test]
        fn fast_path_agrees_with_general(
            digits in "[0-9]{0,21}",
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
        ) {
            for s in [digits.as_bytes(), junk.as_slice()] {
                proptest::prop_assert_eq!(strtoll(s), strtoll_general(s));
            }
        }
    }
}
