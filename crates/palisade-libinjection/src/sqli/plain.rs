//! The plain-word fast path: an input made only of `[A-Za-z0-9_]` is never SQLi, so
//! [`super::detect`] answers it without tokenizing (68 % of the benchmark corpus's 117,663
//! values are of this shape: identifiers, numbers, tokens, hashes).
//!
//! # Why it is sound (libinjection 3.9.2, as [`super::tokenizer`] and [`super::fold`] follow it)
//!
//! 1. *Passes.* The input holds no `'` and no `"`, so only the `QUOTE_NONE | SQL_ANSI` pass
//!    runs; the MySQL re-parse runs only after a `#` or a `--x` comment (no `#`, no `-`).
//! 2. *Tokens.* No byte of the alphabet is white space, a quote, or in the word-end set, so:
//!    - a token starting with a letter or `_` goes to `parse_word` (the `b x e n q u` parsers
//!      fall back to it: each needs a `'` or a `&` after the letter), and the word runs to the
//!      end of the input; it holds no `.` or `` ` ``, so it is not split. Call it `w`: any
//!      type of the keyword table but `F` (fingerprint keys start with `0`, words here with a
//!      letter or `_`), or a bareword `n`.
//!    - a token starting with a digit goes to `parse_number`: `0x`/`0b` + digits (or the
//!      bareword `0x`/`0b` when none follow), or decimal digits with an optional exponent
//!      and `d`/`f` suffix (the bareword `1e` when the exponent has no digits). Such a token
//!      is followed by a letter or `_` (a word), by nothing, or — only after `0b…`, whose
//!      digits are `0` and `1` — by a digit `2`–`9` (a decimal number, which is then
//!      followed by a word or nothing).
//!
//!    So the token stream is `p{0,2} w?` with every `p` of type `1` or `n`, and the word, if
//!    any, is the last token.
//! 3. *Folding.* The leading-token skip drops only a leading `w` (comment, `(`, SQL type or
//!    unary operator types), which leaves nothing. No two- or three-token rule applies to
//!    `p p`, `p w` or `p p w` but the phrase merge, which needs a table entry spelled
//!    "`0x` …"/"`1e` …" with a space (there is none: multi-word entries start with a letter);
//!    the rules that retype a token need a `(`, `.`, `,`, `;`, `{`, `\`, an operator or a
//!    following token after a `w` — none occurs. The fingerprint is the token types.
//! 4. *Table.* Of the fingerprints of that shape (length ≤ 3, only `1`/`n` before the last
//!    type), the table lists just `1U`; the false-positive rules clear a two-character
//!    fingerprint ending in `U` unless more than two tokens were read, and here `1U` comes
//!    from exactly two tokens. `X` needs a comment or `{`. So no input of the alphabet is
//!    SQLi.
//!
//! `tests::plain_table_fingerprints` checks point 4 against the table; the property tests
//! `plain_inputs_are_never_sqli` (random words, keywords and number forms of the alphabet,
//! run through the full passes) and `one_more_byte_can_be_sqli` (the alphabet is one byte
//! away from SQLi) would catch a wrong argument.

/// `[A-Za-z0-9_]`: the bytes of plain words.
static PLAIN: [bool; 256] = {
    let mut set = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        set[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    set
};

/// True when every byte of `s` is in `[A-Za-z0-9_]` (then `s` is not SQLi; see the module
/// notes). Stops at the first other byte.
#[cfg(test)]
pub(super) fn is_plain(s: &[u8]) -> bool {
    first_other(s).is_none()
}

/// Where the first byte of `s` outside `[A-Za-z0-9_]` is; `None` when `s` is plain (then
/// `s` is not SQLi; see the module notes).
pub(super) fn first_other(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| !PLAIN[usize::from(b)])
}

#[cfg(test)]
mod tests {
    use super::super::keywords_data::KEYWORDS;
    use super::super::{detect, detect_full};
    use super::{PLAIN, is_plain};
    use proptest::prelude::*;

    /// Point 4: of the listed fingerprints of the shape `[1n]{0,2}` + one token type that a
    /// number or a word can have, only `1U`; point 3: no phrase starts with a digit.
    #[test]
    fn plain_table_fingerprints() {
        let mut last: Vec<u8> = KEYWORDS
            .iter()
            .filter(|(_, kind)| *kind != b'F')
            .map(|(_, kind)| kind.to_ascii_uppercase())
            .collect();
        last.extend_from_slice(b"1N");
        let listed: Vec<&[u8]> = KEYWORDS
            .iter()
            .filter(|(word, kind)| {
                *kind == b'F'
                    && (2..=4).contains(&word.len())
                    && word[1..word.len() - 1]
                        .iter()
                        .all(|&c| c == b'1' || c == b'N')
                    && last.contains(&word[word.len() - 1])
            })
            .map(|(word, _)| &word[1..])
            .collect();
        assert_eq!(listed, vec![&b"1U"[..]]);
        assert!(
            !KEYWORDS
                .iter()
                .any(|(word, _)| word.contains(&b' ') && word[0].is_ascii_digit())
        );
        assert!(is_plain(b"Union_Select_1"));
        assert!(is_plain(b""));
        assert!(!is_plain(b"1--"));
        assert!(!is_plain(b"a\0"));
        assert!(!is_plain(b"caf\xc3\xa9"));
    }

    /// Number forms and SQL words of the alphabet, weighted towards those that make SQLi once
    /// a separator is allowed.
    const PIECES: &[&[u8]] = &[
        b"0x",
        b"0X",
        b"0b",
        b"0B",
        b"1e",
        b"1E",
        b"2e5",
        b"3f",
        b"4d",
        b"9",
        b"1",
        b"0",
        b"01",
        b"0x1f",
        b"0b12",
        b"union",
        b"UNION",
        b"select",
        b"SELECT",
        b"or",
        b"and",
        b"xor",
        b"not",
        b"null",
        b"int",
        b"char",
        b"sleep",
        b"benchmark",
        b"user",
        b"in",
        b"like",
        b"collate",
        b"case",
        b"when",
        b"from",
        b"into",
        b"outfile",
        b"version",
        b"u",
        b"n",
        b"q",
        b"x",
        b"b",
        b"e",
        b"f",
        b"d",
        b"_",
        b"a",
        b"Z",
    ];

    /// Bytes outside the alphabet that make SQLi next to the pieces.
    const BREAKERS: &[&[u8]] = &[
        b"-", b"--", b" ", b"'", b"\"", b"#", b"(", b")", b"/*", b".", b",", b";", b"@", b"=",
    ];

    /// The words of the table (not the fingerprints), cut to the alphabet.
    fn table_words() -> Vec<Vec<u8>> {
        KEYWORDS
            .iter()
            .filter(|(_, kind)| *kind != b'F')
            .map(|(word, _)| {
                word.iter()
                    .copied()
                    .filter(|&b| PLAIN[usize::from(b)])
                    .collect()
            })
            .collect()
    }

    fn piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            4 => proptest::sample::select(PIECES).prop_map(<[u8]>::to_vec),
            2 => proptest::sample::select(table_words()),
            1 => "[A-Za-z0-9_]{1,6}".prop_map(String::into_bytes),
        ]
    }

    /// Pieces, each followed by nothing or by one breaker (the same for the whole input, so
    /// that a wrongly widened alphabet meets inputs made only of it and the pieces); with
    /// `breakers` off, inputs of the alphabet.
    fn input(breakers: bool) -> impl Strategy<Value = Vec<u8>> {
        let sep: &'static [&'static [u8]] = if breakers { BREAKERS } else { &[b""] };
        (
            proptest::sample::select(sep),
            proptest::collection::vec((piece(), any::<bool>()), 1..6),
        )
            .prop_map(|(sep, v)| {
                let mut out = Vec::new();
                for (p, with_sep) in v {
                    out.extend(p);
                    if with_sep {
                        out.extend_from_slice(sep);
                    }
                }
                out
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The argument: no input of `[A-Za-z0-9_]` is SQLi by the full passes.
        #[test]
        fn plain_inputs_are_never_sqli(v in input(false)) {
            prop_assert!(is_plain(&v));
            prop_assert_eq!(detect_full(&v), None, "{:?}", String::from_utf8_lossy(&v));
        }

        /// The same pieces joined by bytes outside the alphabet: SQLi often enough (see
        /// `plain_inputs_one_byte_away`) that a wider alphabet (`-`, ` `, `.`, ...) in
        /// [`is_plain`] fails here.
        #[test]
        fn plain_fast_path_agrees_with_the_full_passes(v in input(true)) {
            prop_assert_eq!(detect(&v), detect_full(&v), "{:?}", String::from_utf8_lossy(&v));
        }
    }

    /// Every `a s b c` and `a b s c` over number forms and SQL words, for each breaker `s`:
    /// the fast path agrees with the full passes. Among them are SQLi inputs for every
    /// breaker but `)` and `;` (e.g. `int.1union`, `null,2e5union`, `9=null`, `1eor@`), so
    /// an alphabet widened by one of those bytes fails here.
    #[test]
    fn plain_fast_path_agrees_on_three_pieces() {
        let nums: &[&[u8]] = &[
            b"0x", b"0b", b"1e", b"2e5", b"3f", b"4d", b"9", b"1", b"01", b"0x1f", b"0b12",
        ];
        let words: &[&[u8]] = &[
            b"union", b"select", b"or", b"and", b"not", b"null", b"int", b"user", b"like", b"case",
            b"from", b"into", b"outfile", b"a", b"_",
        ];
        let all: Vec<&[u8]> = nums.iter().chain(words).copied().collect();
        let mut sqli = 0;
        for sep in BREAKERS {
            for &a in &all {
                for &b in &all {
                    for &c in &all {
                        for v in [[a, sep, b, c].concat(), [a, b, sep, c].concat()] {
                            let full = detect_full(&v);
                            sqli += usize::from(full.is_some());
                            assert_eq!(detect(&v), full, "{:?}", String::from_utf8_lossy(&v));
                        }
                    }
                }
            }
        }
        assert!(sqli > 1000, "{sqli}");
    }

    /// Inputs one byte outside the alphabet that are SQLi, and the same without that byte.
    #[test]
    fn plain_inputs_one_byte_away() {
        for x in [
            &b"1--"[..],
            b"1 union select 1",
            b"int.1union",
            b"1'or'1",
            b"1,1 union",
        ] {
            assert!(detect_full(x).is_some(), "{x:?}");
            let without: Vec<u8> = x
                .iter()
                .copied()
                .filter(|&b| PLAIN[usize::from(b)])
                .collect();
            assert!(is_plain(&without));
            assert_eq!(detect_full(&without), None, "{without:?}");
        }
    }
}
