//! `@verifyCC`, `@verifyCPF`, `@verifySSN` and `@verifySVNR`: a regex finds candidates, a
//! checksum confirms them (ModSecurity v3.0.9's `luhnVerify`, `VerifyCPF::verify`,
//! `VerifySSN::verify`, `VerifySVNR::verify`). With `capture`, `TX:0` is the confirmed number.
//! An empty argument never matches (`@verifyCC` runs the empty pattern, whose empty matches no
//! checksum accepts; the others return early). See [`super::search_all`] for the search loops and their work budget.

use palisade_seclang::MacroString;

use super::search_all::{first_verified, searchall_verified};
use crate::context::{EvalContext, EvalNote, literal_text};
use crate::operator::Evaluate;
use crate::pcre::{PcreError, PcreRegex, RegexLimits};

/// Which number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VerifyKind {
    /// `@verifyCC`: credit card numbers (Luhn).
    Cc,
    /// `@verifyCPF`: Brazilian CPF numbers.
    Cpf,
    /// `@verifySSN`: US social security numbers.
    Ssn,
    /// `@verifySVNR`: Austrian social insurance numbers.
    Svnr,
}

#[derive(Debug)]
pub(crate) struct Verify {
    kind: VerifyKind,
    re: PcreRegex,
    empty_param: bool,
}

impl Verify {
    pub(crate) fn new(
        kind: VerifyKind,
        arg: &MacroString,
        limits: &RegexLimits,
    ) -> Result<Self, PcreError> {
        let param = literal_text(arg);
        // `@verifyCC` compiles its argument with pcre2_compile itself; the others through the
        // Regex class, which turns an empty pattern into `.*`.
        let re = match kind {
            VerifyKind::Cc => PcreRegex::new_raw(param.as_bytes(), false, limits)?,
            _ => PcreRegex::new(param.as_bytes(), false, limits)?,
        };
        Ok(Verify {
            kind,
            re,
            empty_param: param.is_empty(),
        })
    }

    fn check(&self, candidate: &[u8]) -> bool {
        match self.kind {
            VerifyKind::Cc => luhn(candidate),
            VerifyKind::Cpf => cpf(candidate),
            VerifyKind::Ssn => ssn(candidate),
            VerifyKind::Svnr => svnr(candidate),
        }
    }
}

impl Evaluate for Verify {
    fn compile_now(&self) -> bool {
        self.re.compile_now()
    }

    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        if self.empty_param && self.kind != VerifyKind::Cc {
            return false;
        }
        let check = |c: &[u8]| self.check(c);
        let found = match self.kind {
            VerifyKind::Cc => first_verified(&self.re, input, check),
            _ => searchall_verified(&self.re, input, check),
        };
        match found {
            Ok(Some((s, e))) => {
                ctx.capture(0, &input[s..e]);
                true
            }
            Ok(None) => false,
            Err(_) => {
                ctx.note(EvalNote::WorkLimitExceeded);
                false
            }
        }
    }
}

/// `VerifyCC::luhnVerify`: the digits (other bytes skipped) pass the Luhn check; no digits
/// fails.
pub(crate) fn luhn(s: &[u8]) -> bool {
    const WEIGHT: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    let mut sum = [0u32; 2];
    let mut odd = 0usize;
    let mut digits = 0usize;
    for &c in s {
        if c.is_ascii_digit() {
            let d = u32::from(c - b'0');
            sum[0] += if odd == 0 { WEIGHT[d as usize] } else { d };
            sum[1] += if odd == 1 { WEIGHT[d as usize] } else { d };
            odd = 1 - odd;
            digits += 1;
        }
    }
    digits > 0 && sum[odd] % 10 == 0
}

/// The first up to `max` ASCII digits before the first NUL (the C loops of CPF and SVNR).
fn leading_digits(s: &[u8], max: usize) -> Vec<u8> {
    s.iter()
        .take_while(|&&c| c != 0)
        .filter(|c| c.is_ascii_digit())
        .take(max)
        .map(|c| c - b'0')
        .collect()
}

/// `VerifyCPF::verify`.
pub(crate) fn cpf(s: &[u8]) -> bool {
    const BAD: [&[u8; 11]; 11] = [
        b"00000000000",
        b"01234567890",
        b"11111111111",
        b"22222222222",
        b"33333333333",
        b"44444444444",
        b"55555555555",
        b"66666666666",
        b"77777777777",
        b"88888888888",
        b"99999999999",
    ];
    let d = leading_digits(s, 11);
    if d.len() != 11 {
        return false;
    }
    let text: Vec<u8> = d.iter().map(|x| x + b'0').collect();
    if BAD.iter().any(|b| b[..] == text[..]) {
        return false;
    }
    let check_digit = |n: usize| {
        let mut sum: u32 = 0;
        for (k, &x) in d[..n].iter().enumerate() {
            sum += u32::from(x) * (n + 1 - k) as u32;
        }
        let f = sum % 11;
        if f < 2 { 0 } else { 11 - f }
    };
    let d9 = check_digit(9);
    // The second check digit is computed over the first nine digits and the computed tenth.
    let mut sum: u32 = 0;
    for (k, &x) in d[..9].iter().enumerate() {
        sum += u32::from(x) * (11 - k) as u32;
    }
    sum += d9 * 2;
    let f = sum % 11;
    let d10 = if f < 2 { 0 } else { 11 - f };
    u32::from(d[9]) == d9 && u32::from(d[10]) == d10
}

/// `VerifySSN::verify`.
pub(crate) fn ssn(s: &[u8]) -> bool {
    let digits: Vec<u8> = s
        .iter()
        .filter(|c| c.is_ascii_digit())
        .map(|c| c - b'0')
        .collect();
    if digits.len() != 9 {
        return false;
    }
    let sequential = digits
        .windows(2)
        .filter(|w| i32::from(w[0]) == i32::from(w[1]) - 1)
        .count();
    let repeated = digits.windows(2).filter(|w| w[0] == w[1]).count();
    if sequential == 8 || repeated == 8 {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| digits[r].iter().fold(0u32, |a, &d| a * 10 + u32::from(d));
    let (area, group, serial) = (num(0..3), num(3..5), num(5..9));
    !(area == 0 || group == 0 || serial == 0 || area >= 740 || area == 666)
}

/// `VerifySVNR::verify` (only the first ten entries of v3's list of bad numbers are checked).
pub(crate) fn svnr(s: &[u8]) -> bool {
    const BAD: [&[u8; 10]; 10] = [
        b"0000000000",
        b"0123456789",
        b"1234567890",
        b"1111111111",
        b"2222222222",
        b"3333333333",
        b"4444444444",
        b"5555555555",
        b"6666666666",
        b"7777777777",
    ];
    let d = leading_digits(s, 10);
    if d.len() != 10 {
        return false;
    }
    let text: Vec<u8> = d.iter().map(|x| x + b'0').collect();
    if BAD.iter().any(|b| b[..] == text[..]) {
        return false;
    }
    let w = |i: usize| u32::from(d[i]);
    let mut sum = w(0) * 3
        + w(1) * 7
        + w(2) * 9
        + w(4) * 5
        + w(5) * 8
        + w(6) * 4
        + w(7) * 2
        + w(8)
        + w(9) * 6;
    sum %= 11;
    if sum == 10 {
        sum = 0;
    }
    sum == w(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert!(luhn(b"4532015112830366"));
        assert!(!luhn(b"4532015112830367"));
        assert!(!luhn(b"abc"));
        assert!(cpf(b"529.982.247-25"));
        assert!(!cpf(b"529.982.247-26"));
        assert!(!cpf(b"111.111.111-11"));
        assert!(ssn(b"123-45-6780"));
        assert!(!ssn(b"000-00-0000"));
        assert!(!ssn(b"666-12-3456"));
        assert!(!ssn(b"123456789"));
    }
}
