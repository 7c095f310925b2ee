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
//!
//! The operator's [`literals`](Evaluate::literals) are one 4-byte window of each matchable
//! phrase (its rarest, see [`super::pm_window`]), so an engine's shared prefilter scan answers a sharper
//! form of the quick check's question for every `@pm` at once: the engine then calls
//! [`evaluate_candidate`](Evaluate::evaluate_candidate), which goes straight to acmp, and the
//! quick check is built only when something calls [`evaluate`](Evaluate::evaluate). Both give
//! acmp's answer on every input (the quick check only rejects inputs in which no matchable
//! phrase occurs, which acmp rejects too: acmp matches a phrase only where it occurs, ASCII
//! case-insensitively, and never a phrase with a byte ≥ 0x80).

use std::sync::{Arc, OnceLock};

use palisade_seclang::{MacroString, resolve_relative};

use crate::acmp::Acmp;
use crate::context::{CompileContext, EvalContext, literal_text};
use crate::error::OperatorErrorKind;
use crate::operator::Evaluate;
use crate::prefilter::Literals;
use crate::prefilter::dfa::{LiteralDfa, MAX_LITERAL};

use super::numeric::is_c_space;
use super::pm_window::window;

#[derive(Debug)]
pub(crate) struct Pm {
    acmp: Acmp,
    /// Phrases that can match (ASCII only), for a fast negative answer: some phrase's first
    /// [`MAX_LITERAL`](crate::prefilter::dfa::MAX_LITERAL) bytes occur (a superset of
    /// "some phrase occurs"; acmp decides). `None` inside when no phrase can match. Built on
    /// the first [`evaluate`](Evaluate::evaluate): an engine whose prefilter scans for the
    /// phrases' windows calls [`evaluate_candidate`](Evaluate::evaluate_candidate) instead and
    /// never needs it.
    quick: OnceLock<Option<Box<LiteralDfa>>>,
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
        Ok(Pm {
            acmp: Acmp::new(phrases),
            quick: OnceLock::new(),
        })
    }

    /// The quick check, built on first use.
    fn quick(&self) -> Option<&LiteralDfa> {
        self.quick
            .get_or_init(|| {
                // Phrases with bytes ≥ 0x80 can never match in acmp; the quick check ignores
                // them.
                let literals = matchable(self.acmp.phrases());
                if literals.is_empty() {
                    return None;
                }
                let one: [u32; 1] = [0];
                let pairs: Vec<(Vec<u8>, &[u32])> =
                    literals.into_iter().map(|l| (l, &one[..])).collect();
                Some(Box::new(LiteralDfa::new(&pairs)))
            })
            .as_deref()
    }

    /// acmp's answer, capturing the matched text.
    fn find(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        match self.acmp.find(input) {
            Some(text) => {
                ctx.capture(0, text);
                true
            }
            None => false,
        }
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
        let Some(quick) = self.quick() else {
            return false;
        };
        quick.contains_any(input) && self.find(input, ctx)
    }

    /// The prefilter found a phrase's window: acmp decides (the quick check would add
    /// nothing).
    fn evaluate_candidate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        self.find(input, ctx)
    }

    fn literals(&self) -> Literals {
        phrase_literals(self.acmp.phrases())
    }
}

/// The windows of the phrases that can match (see [`super::pm_window`]).
fn phrase_windows(phrases: &[Vec<u8>]) -> Vec<Vec<u8>> {
    phrases
        .iter()
        .filter(|p| !p.is_empty() && p.is_ascii())
        .map(|p| window(p))
        .collect()
}

/// The prefilter's literals for a phrase set: each matchable phrase's [`window`] (at most
/// [`MAX_LITERAL`] bytes, the length the prefilter's automaton cuts literals to anyway),
/// deduplicated and minimised as [`Literals::one_of`] minimises (`Any`/`Never` as it decides
/// them too).
///
/// Short strings make this cheap, which matters because the engine asks for these literals
/// when it builds its prefilter, at the load's peak heap: minimising the whole phrases of CRS
/// v4's data files (700–2,100 each) took a multi-pattern automaton and ≈30 ms. `one_of` keeps
/// the strings that contain no kept string, which is the same as those that contain no
/// *other* string of the set (a string containing another contains a kept one: by induction
/// on length; and a kept string contains no other, else it would contain a kept one). For
/// strings of at most four bytes that is at most nine lookups each. The test
/// `crs_data_files_literals_equal_one_of` and the proptest `literals_are_sound` compare the
/// two.
fn phrase_literals(phrases: &[Vec<u8>]) -> Literals {
    use std::collections::{BTreeSet, HashSet};
    let cut: BTreeSet<Vec<u8>> = phrase_windows(phrases).into_iter().collect();
    if cut.is_empty() {
        return Literals::Never;
    }
    if cut
        .iter()
        .any(|s| s.len() == 1 && (s[0].is_ascii_alphanumeric() || s[0] == b' '))
    {
        return Literals::Any;
    }
    // Only a shorter string can be a substring of another: with every string of one length
    // (phrases of at least MAX_LITERAL bytes), nothing is dropped.
    let shortest = cut.iter().map(Vec::len).min().unwrap_or(0);
    let all: HashSet<&[u8]> = cut
        .iter()
        .filter(|s| s.len() < MAX_LITERAL)
        .map(Vec::as_slice)
        .collect();
    let contains_other = |s: &[u8]| {
        s.len() > shortest
            && (0..s.len()).any(|i| {
                (i + shortest..=s.len()).any(|j| j - i < s.len() && all.contains(&s[i..j]))
            })
    };
    Literals::OneOf(cut.iter().filter(|s| !contains_other(s)).cloned().collect())
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
        /// Whenever `@pm` matches, one of its literals occurs in the input (ASCII
        /// case-insensitively): the prefilter may skip it otherwise.
        #[test]
        fn literals_are_sound(
            phrases in proptest::collection::vec("[a-cA-C\\x80 .]{0,6}", 0..12),
            input in "[a-dA-D\\x80 .]{0,24}",
        ) {
            let phrases: Vec<Vec<u8>> = phrases.into_iter().map(String::into_bytes).collect();
            proptest::prop_assert_eq!(
                phrase_literals(&phrases),
                Literals::one_of(phrase_windows(&phrases))
            );
            let pm = Pm::new(phrases).unwrap();
            let input = input.into_bytes();
            let macros = crate::NoMacros;
            let mut cx = EvalContext::new(&macros);
            let matched = pm.evaluate(&input, &mut cx);
            // The quick check only rejects inputs acmp rejects too.
            proptest::prop_assert_eq!(pm.evaluate_candidate(&input, &mut cx), matched);
            if matched {
                let lower = input.to_ascii_lowercase();
                match pm.literals() {
                    Literals::Any => {}
                    Literals::Never => proptest::prop_assert!(false, "Never, yet matched"),
                    Literals::OneOf(l) => proptest::prop_assert!(
                        l.iter().any(|l| memchr::memmem::find(&lower, l).is_some()),
                        "no literal of {:?} in {:?}", l, lower
                    ),
                }
            }
        }
    }

    #[test]
    fn literals_are_rare_lowercase_windows() {
        let pm = Pm::new(vec![
            b"/etc/passwd".to_vec(),
            b"/ETC/shadow".to_vec(),
            b"caf\xc3\xa9".to_vec(),
            b"$IFS".to_vec(),
        ])
        .unwrap();
        // The rarest window of each phrase, the first on ties: `/etc/passwd` → `tc/p`,
        // `/ETC/shadow` → `tc/s`.
        assert_eq!(
            pm.literals(),
            Literals::OneOf(vec![b"$ifs".to_vec(), b"tc/p".to_vec(), b"tc/s".to_vec()])
        );
        assert_eq!(window(b"xampp/phpmyadmin"), b"hpmy".to_vec());
        assert_eq!(window(b"ab"), b"ab".to_vec());
        // Only phrases that cannot match: never a candidate.
        assert_eq!(
            Pm::new(vec![b"\xff".to_vec()]).unwrap().literals(),
            Literals::Never
        );
        // A one-letter phrase occurs almost everywhere: always a candidate.
        assert_eq!(
            Pm::new(vec![b"a".to_vec(), b"bcd".to_vec()])
                .unwrap()
                .literals(),
            Literals::Any
        );
    }

    #[test]
    fn crs_data_files_literals_equal_one_of() {
        let rules = palisade_testdata::crs_dir().join("rules");
        let mut checked = 0;
        for entry in std::fs::read_dir(&rules).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "data") {
                let phrases = file_phrases(&std::fs::read(&path).unwrap());
                assert_eq!(
                    phrase_literals(&phrases),
                    Literals::one_of(phrase_windows(&phrases)),
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
