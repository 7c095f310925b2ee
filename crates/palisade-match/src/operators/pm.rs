//! `@pm` and `@pmFromFile` (alias `@pmf`): case-insensitive phrase matching.
//!
//! Phrases are split as ModSecurity v3.0.9 splits them (`parse_pm_content`, then
//! `std::istringstream >>`):
//! - leading spaces and tabs are skipped; if what is left starts and ends with `"`, the
//!   quotes are removed (so `@pm "a b"` is the two phrases `a` and `b`);
//! - `|…|` encloses hex bytes, but v3.0.9 only accepts the letters `a-f`/`A-F` there (digits
//!   are dropped: `|0a|` is not a newline; v3.0.13 fixed this); `\` escapes `:`, `;`, `\`
//!   and `"` (another escape makes v3 fall back to the raw argument);
//! - the string is compacted in place without being terminated, so the tail of the original
//!   stays after the result (`a\;b c` yields the phrases `a;b` and `cc`; `|a|` stays `|a|`);
//! - the result is cut at its first NUL byte and split at white space.
//!
//! `@pmFromFile PATH` reads one file (v3 does not split the argument into several paths) through
//! the [`RuleSource`](palisade_seclang::RuleSource), relative to the rule file: one phrase per
//! line as `std::getline` returns it (a `\r` before the `\n` stays part of the phrase), blank
//! lines and lines whose first non-white-space byte is `#` skipped, nothing else trimmed.
//!
//! Matching is ModSecurity's own Aho-Corasick ([`crate::acmp`]), whose quirks decide some
//! inputs; a quick check first rejects inputs that contain no phrase at all, which is the
//! common case: the prefilter's compact [`LiteralDfa`] over the phrases' first bytes. It
//! replaced, for sets of up to 100 phrases, an `aho-corasick` DFA over the whole phrases:
//! on CRS v4's data files that DFA took 5.5 MiB for the small sets, and the `LiteralDfa`
//! evaluated the corpus values faster all the same (see the commit introducing this note).

use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};
use palisade_seclang::{MacroString, resolve_relative};

use crate::acmp::Acmp;
use crate::context::{CompileContext, EvalContext, literal_text};
use crate::error::OperatorErrorKind;
use crate::operator::Evaluate;
use crate::prefilter::Literals;
use crate::prefilter::dfa::LiteralDfa;

use super::numeric::is_c_space;

#[derive(Debug)]
pub(crate) struct Pm {
    acmp: Acmp,
    /// Phrases that can match (ASCII only), for a fast negative answer: some phrase's first
    /// [`MAX_LITERAL`](crate::prefilter::dfa::MAX_LITERAL) bytes occur (a superset of
    /// "some phrase occurs"; acmp decides).
    quick: Option<Box<LiteralDfa>>,
}

/// The phrases that can match (acmp never matches a phrase with a byte ≥ 0x80), lower-cased.
fn matchable(phrases: &[Vec<u8>]) -> Vec<Vec<u8>> {
    phrases
        .iter()
        .filter(|p| !p.is_empty() && p.is_ascii())
        .map(|p| p.to_ascii_lowercase())
        .collect()
}

/// v3.0.9's `parse_pm_content`; `None` where v3 falls back to the raw argument.
fn parse_pm_content(param: &[u8]) -> Option<Vec<u8>> {
    let mut offset = 0;
    while offset < param.len() && (param[offset] == b' ' || param[offset] == b'\t') {
        offset += 1;
    }
    // v3.0.9 checks the quotes on the C string (cut at NUL).
    let c = &param[..memchr::memchr(0, param).unwrap_or(param.len())];
    let parm: &[u8] =
        if c.get(offset) == Some(&b'"') && c.last() == Some(&b'"') && c.len() >= offset + 2 {
            &c[offset + 1..c.len() - 1]
        } else if offset <= c.len() {
            &c[offset..]
        } else {
            &[]
        };
    if parm.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(parm.len());
    let (mut bin, mut esc) = (false, false);
    let mut bin_parm: [u8; 2] = [0; 2];
    let mut bin_offset = 0;
    for &ch in parm {
        if ch == b'|' {
            bin = !bin;
        } else if !esc && ch == b'\\' {
            esc = true;
        } else if bin {
            if ch <= 9 || matches!(ch, b'A'..=b'F' | b'a'..=b'f') {
                bin_parm[bin_offset] = ch;
                bin_offset += 1;
                if bin_offset == 2 {
                    out.push(strtol_hex(&bin_parm));
                    bin_offset = 0;
                }
            }
        } else if esc {
            if matches!(ch, b':' | b';' | b'\\' | b'"') {
                out.push(ch);
            } else {
                return None;
            }
            esc = false;
        } else {
            out.push(ch);
        }
    }
    // v3.0.9 compacts the string in place without terminating it, so the bytes of the
    // original beyond the compacted length stay (`a\;b c` becomes `a;b cc`); then strdup
    // ends the result at its first NUL.
    let written = out.len();
    out.extend_from_slice(&parm[written..]);
    out.truncate(memchr::memchr(0, &out).unwrap_or(out.len()));
    Some(out)
}

/// `strtol(two_bytes, NULL, 16) & 0xFF` over acmp's 3-byte buffer.
fn strtol_hex(b: &[u8; 2]) -> u8 {
    let s = &b[..memchr::memchr(0, b).unwrap_or(2)];
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let mut v: u32 = 0;
    while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(16)) {
        v = v * 16 + d;
        i += 1;
    }
    (v & 0xff) as u8
}

/// The phrases of `@pm ARG`.
pub(crate) fn split_phrases(param: &[u8]) -> Vec<Vec<u8>> {
    let content = parse_pm_content(param).unwrap_or_else(|| param.to_vec());
    content
        .split(|&b| is_c_space(b))
        .filter(|p| !p.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// The phrases of a `@pmFromFile` data file.
pub(crate) fn file_phrases(data: &[u8]) -> Vec<Vec<u8>> {
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    // std::getline yields no empty line after a final newline.
    if data.last() == Some(&b'\n') || data.is_empty() {
        lines.pop();
    }
    lines
        .into_iter()
        .filter(|line| !is_comment(line))
        .map(<[u8]>::to_vec)
        .collect()
}

/// `PmFromFile::isComment`: empty, or `#` preceded only by white space.
fn is_comment(line: &[u8]) -> bool {
    if line.is_empty() {
        return true;
    }
    match memchr::memchr(b'#', line) {
        Some(pos) => line[..pos].iter().all(|&b| is_c_space(b)),
        None => false,
    }
}

impl Pm {
    pub(crate) fn new(phrases: Vec<Vec<u8>>) -> Result<Self, OperatorErrorKind> {
        // Phrases with bytes ≥ 0x80 can never match in acmp; the quick check ignores them.
        let literals = matchable(&phrases);
        let quick = if literals.is_empty() {
            None
        } else {
            let pairs: Vec<(Vec<u8>, Vec<u32>)> =
                literals.into_iter().map(|l| (l, vec![0])).collect();
            Some(Box::new(LiteralDfa::new(&pairs)))
        };
        Ok(Pm {
            acmp: Acmp::new(phrases),
            quick,
        })
    }

    /// `@pm ARG`.
    pub(crate) fn from_argument(
        arg: &MacroString,
        ctx: &CompileContext<'_>,
    ) -> Result<Arc<Self>, OperatorErrorKind> {
        Pm::shared(split_phrases(literal_text(arg).as_bytes()), ctx)
    }

    /// `@pmFromFile PATH`.
    pub(crate) fn from_file(
        arg: &MacroString,
        ctx: &CompileContext<'_>,
    ) -> Result<Arc<Self>, OperatorErrorKind> {
        let param = literal_text(arg);
        if param.starts_with("https://") {
            return Err(OperatorErrorKind::NeedsNetwork(format!(
                "downloads {param}"
            )));
        }
        let path = resolve_relative(ctx.rule_file(), &param);
        let data = ctx
            .source()
            .read(&path)
            .map_err(|error| OperatorErrorKind::File { path, error })?;
        Pm::shared(file_phrases(&data), ctx)
    }

    /// The matcher for `phrases`, shared through the context's cache when it has one.
    fn shared(
        phrases: Vec<Vec<u8>>,
        ctx: &CompileContext<'_>,
    ) -> Result<Arc<Self>, OperatorErrorKind> {
        match ctx.cache() {
            Some(cache) => cache.pm(phrases, Pm::new),
            None => Pm::new(phrases).map(Arc::new),
        }
    }

    /// The phrases, as given.
    pub(crate) fn phrases(&self) -> &[Vec<u8>] {
        self.acmp.phrases()
    }
}

impl Evaluate for Pm {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        let Some(quick) = &self.quick else {
            return false;
        };
        if !quick.contains_any(input) {
            return false;
        }
        match self.acmp.find(input) {
            Some(text) => {
                ctx.capture(0, text);
                true
            }
            None => false,
        }
    }

    fn literals(&self) -> Literals {
        phrase_literals(matchable(self.acmp.phrases()))
    }
}

/// [`Literals::one_of`] for a phrase set, computed in time linear in the phrases' total
/// length instead of quadratic in each phrase's (200 ms of CRS v4's load went into the
/// quadratic minimisation of its data files' 700–2,100 phrases).
///
/// `one_of` keeps, of the lower-cased distinct strings, those that contain no kept string. That
/// is the same as those that contain no *other* string of the set: a string containing another
/// one contains a kept one (the shorter one is kept, or by induction on length contains a kept
/// one), and a kept string contains no other string (else it would contain a kept one). So one
/// overlapping Aho-Corasick pass of each string over the whole set decides it. The property
/// test `fast_minimisation_equals_one_of` compares the two.
fn phrase_literals(phrases: Vec<Vec<u8>>) -> Literals {
    use std::collections::BTreeSet;
    if phrases.is_empty() || phrases.iter().any(Vec::is_empty) {
        return Literals::one_of(phrases);
    }
    let set: BTreeSet<Vec<u8>> = phrases.iter().map(|p| p.to_ascii_lowercase()).collect();
    if set.len() < 64 || set.iter().any(|s| s.len() == 1) {
        // Small sets are cheap either way; single bytes may be "common" (`one_of` decides).
        return Literals::one_of(phrases);
    }
    minimised(set.into_iter().collect()).unwrap_or_else(|| Literals::one_of(phrases))
}

/// The strings of `strings` (distinct, sorted, none empty or common) that contain no other.
fn minimised(strings: Vec<Vec<u8>>) -> Option<Literals> {
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&strings)
    else {
        return None;
    };
    let kept: Vec<Vec<u8>> = strings
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            !ac.find_overlapping_iter(s.as_slice())
                .any(|m| m.pattern().as_usize() != *i)
        })
        .map(|(_, s)| s.clone())
        .collect();
    Some(Literals::OneOf(kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(p: &str) -> Vec<String> {
        split_phrases(p.as_bytes())
            .into_iter()
            .map(|p| String::from_utf8_lossy(&p).into_owned())
            .collect()
    }

    #[test]
    fn splits_like_v3_0_9() {
        assert_eq!(phrases("abc def  ghi"), ["abc", "def", "ghi"]);
        assert_eq!(phrases("\"abc def\""), ["abc", "def"]);
        assert_eq!(phrases("\"a\" \"b\""), ["a\"", "\"b"]);
        // In-place compaction leaves the original's tail.
        assert_eq!(phrases(r"a\;b"), ["a;bb"]);
        assert_eq!(phrases(r"a\;b c"), ["a;b", "cc"]);
        assert_eq!(phrases("|a|"), ["|a|"]);
        // An unsupported escape falls back to the raw argument.
        assert_eq!(phrases(r"a\xb c"), [r"a\xb", "c"]);
        // Hex digits 0-9 are dropped inside |…| in v3.0.9: `|0a 0d|` is the byte 0xAD (and
        // the original's tail follows).
        assert_eq!(
            split_phrases(b"x|0a 0d|y"),
            vec![b"x\xadya".to_vec(), b"0d|y".to_vec()]
        );
    }

    proptest::proptest! {
        #[test]
        fn fast_minimisation_equals_one_of(
            phrases in proptest::collection::btree_set("[a-d ]{2,7}", 1..300)
        ) {
            let phrases: Vec<Vec<u8>> = phrases.into_iter().map(String::into_bytes).collect();
            proptest::prop_assert_eq!(minimised(phrases.clone()), Some(Literals::one_of(phrases)));
        }
    }

    #[test]
    fn crs_data_files_minimise_as_one_of() {
        let rules = palisade_testdata::crs_dir().join("rules");
        let mut checked = 0;
        for entry in std::fs::read_dir(&rules).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "data") {
                let phrases = matchable(&file_phrases(&std::fs::read(&path).unwrap()));
                assert_eq!(
                    phrase_literals(phrases.clone()),
                    Literals::one_of(phrases),
                    "{}",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked >= 15, "only {checked} CRS data files");
    }

    #[test]
    fn reads_data_files_like_getline() {
        let data = b"# comment\nabc\n  # indented comment\n\nx#y\n \ndef\r\nlast";
        assert_eq!(
            file_phrases(data),
            vec![
                b"abc".to_vec(),
                b"x#y".to_vec(),
                b" ".to_vec(),
                b"def\r".to_vec(),
                b"last".to_vec()
            ]
        );
    }
}
