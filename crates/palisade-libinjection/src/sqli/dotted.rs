//! The dotted-name fast path: an input such as `json.items.array_0.sku` (a name of
//! `[A-Za-z_][A-Za-z0-9_.]*` whose first dot does not follow a SQL word) or `313.17` (digits,
//! one dot, digits) is one token, a bareword or a number, and is never SQLi, so
//! [`super::detect`] answers it without tokenizing. These are most of the values that
//! reach `@detectSQLi` in JSON requests (`ARGS_NAMES` such as `json.user.address.city`)
//! and are not plain words (those are answered by [`super::plain`]).
//!
//! # Why it is sound (libinjection 3.9.2, as [`super::tokenizer`] and [`super::fold`] follow it)
//!
//! 1. *Passes.* The input holds no `'` and no `"`, so only the `QUOTE_NONE | SQL_ANSI` pass
//!    runs; the MySQL re-parse runs only after a `#` or a `--x` comment (no `#`, no `-`).
//! 2. *A name is one token.* The first byte is a letter or `_`: it goes to `parse_word`
//!    (the `b e n q u x` parsers fall back to it: each needs a `'` or a `&` after the
//!    letter, and none leaves the position moved). No byte of `[A-Za-z0-9_.]` is in the
//!    word-end set, so the word runs to the end of the input unless `parse_word` splits it
//!    at a `.` (or `` ` ``, absent): it splits at a `.` at index `i < 31` when the bytes
//!    before it are in the table as a type other than bareword.
//!    - At the first dot (index `i`), the bytes before it are the head, `s[..i]`; this
//!      path requires `lookup(head)` to be nothing or a bareword, so no split there.
//!    - A later dot's prefix holds the first dot at index `i`, so it is in the table only if
//!      a table word starts with the head's first byte (upper-cased) and has a `.` at
//!      index `i`; this path requires that no table word does ([`may_be_dotted`], a
//!      compile-time table in the manner of `may_be_phrase`). So no split there either.
//!    - The whole word holds that dot too, so its lookup (made when it is shorter than 32
//!      bytes) finds nothing for the same reason: the token is a bareword `n`.
//! 3. *A decimal is one token.* The first byte is a digit other than a `0` followed by
//!    `x`/`b` (the second byte is a digit or the dot): `parse_number` reads the digits,
//!    the dot and the fraction digits; no `e`/`E`, `d`/`f` follows, and the input ends:
//!    the token is a number `1`.
//! 4. *Folding.* A bareword or a number is not skipped as a leading comment, `(`, SQL type
//!    or unary operator; with no second token, no fold rule applies and the fingerprint is
//!    the one type: `n` or `1` (the `` ` `` rule needs three tokens, `X` an evil token).
//! 5. *Table.* The only one-character fingerprint the table lists is `X`
//!    (`tests::one_type_fingerprints`), so `n` and `1` are not SQLi.
//!
//! The property test `dotted_fast_path_agrees_with_the_full_passes` (names and decimals
//! built from table words, dotted table words, number forms and dots) and the enumeration
//! `dotted_fast_path_agrees_on_three_pieces` would catch a wrong argument: without the head
//! lookup, without [`may_be_dotted`], or with a second dot in a decimal, they fail.

use super::keywords::{lookup, may_be_dotted};
use super::token::kind;

/// `NAME[b]`: `b` may follow the first byte of a dotted name (`[A-Za-z0-9_.]`).
static NAME: [bool; 256] = {
    let mut set = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        set[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'.';
        b += 1;
    }
    set
};

/// True when `s`, whose bytes before `dot` are `[A-Za-z0-9_]` and whose byte at `dot` is
/// not, is a dotted name or a decimal of one token (then `s` is not SQLi; see the module
/// notes). False means nothing: the caller runs the full passes.
pub(super) fn is_one_token(s: &[u8], dot: usize) -> bool {
    if dot == 0 || s.get(dot) != Some(&b'.') {
        return false;
    }
    let (head, rest) = (&s[..dot], &s[dot + 1..]);
    if head[0].is_ascii_digit() {
        // Digits, one dot, digits.
        return !rest.is_empty()
            && head.iter().all(u8::is_ascii_digit)
            && rest.iter().all(u8::is_ascii_digit);
    }
    // A name: the head is `[A-Za-z_][A-Za-z0-9_]*` (the caller scanned it).
    if !rest.iter().all(|&b| NAME[usize::from(b)]) {
        return false;
    }
    if may_be_dotted(head[0], dot) {
        return false;
    }
    let ch = lookup(head);
    ch == kind::NONE || ch == kind::BAREWORD
}

#[cfg(test)]
mod tests {
    use super::super::keywords_data::KEYWORDS;
    use super::super::tokenizer::{FLAG_QUOTE_NONE, FLAG_SQL_ANSI};
    use super::super::{Pass, detect, detect_full};
    use super::*;
    use proptest::prelude::*;

    /// Point 5: the table lists no one-character fingerprint but `X`.
    #[test]
    fn one_type_fingerprints() {
        let one: Vec<&[u8]> = KEYWORDS
            .iter()
            .filter(|(word, kind)| *kind == b'F' && word.len() == 2)
            .map(|(word, _)| &word[1..])
            .collect();
        assert_eq!(one, vec![&b"X"[..]]);
    }

    #[test]
    fn examples() {
        let position = |s: &[u8]| s.iter().position(|&b| b == b'.').unwrap_or(0);
        for yes in [
            &b"json.items.array_0.options.color"[..],
            b"button.primary",
            b"313.17",
            b"0.5",
            b"a.",
            b"a..b",
            b"_x.y",
        ] {
            assert!(is_one_token(yes, position(yes)), "{yes:?}");
            assert_eq!(detect_full(yes), None, "{yes:?}");
        }
        for no in [
            &b"select.1"[..],
            b"union.x",
            b"sys.stragg",
            b"dbms_lock.sleep.x",
            b"1.2.3",
            b"1.",
            b"0x1.2",
            b"1e.2",
            b".5",
            b"a.b-c",
            b"a.b c",
        ] {
            assert!(!is_one_token(no, position(no)), "{no:?}");
        }
    }

    /// Table words (dotted ones included, cut at random dots), SQL words, number forms
    /// and plain pieces.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        let words: Vec<Vec<u8>> = KEYWORDS
            .iter()
            .filter(|(word, kind)| *kind != b'F' && word.iter().all(|&b| NAME[usize::from(b)]))
            .map(|(word, _)| word.to_ascii_lowercase())
            .collect();
        prop_oneof![
            3 => proptest::sample::select(words),
            2 => proptest::sample::select(PIECES).prop_map(<[u8]>::to_vec),
            1 => "[A-Za-z0-9_]{0,5}".prop_map(String::into_bytes),
        ]
    }

    /// Number forms and SQL words that make SQLi next to a dot.
    const PIECES: &[&[u8]] = &[
        b"0x",
        b"0b",
        b"1e",
        b"2e5",
        b"3f",
        b"4d",
        b"9",
        b"1",
        b"0",
        b"01",
        b"0x1f",
        b"select",
        b"union",
        b"or",
        b"and",
        b"not",
        b"null",
        b"int",
        b"user",
        b"like",
        b"from",
        b"into",
        b"sys",
        b"dbms_lock",
        b"sleep",
        b"utl_http",
        b"request",
        b"json",
        b"a",
        b"_",
    ];

    /// The pieces joined by one or two dots.
    fn dotted() -> impl Strategy<Value = Vec<u8>> {
        (proptest::collection::vec(piece(), 1..5), any::<bool>()).prop_map(|(pieces, double)| {
            let sep: &[u8] = if double { b".." } else { b"." };
            pieces.join(sep)
        })
    }

    /// Where [`super::super::detect`] would look for the dot.
    fn first_other(v: &[u8]) -> usize {
        super::super::plain::first_other(v).unwrap_or(0)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The fast path agrees with the full passes.
        #[test]
        fn dotted_fast_path_agrees_with_the_full_passes(v in dotted()) {
            prop_assert_eq!(detect(&v), detect_full(&v), "{:?}", String::from_utf8_lossy(&v));
        }

        /// Points 2-4 themselves: an input the fast path takes is read as one token and
        /// folds to `n` or `1` (a split word, e.g. `sys.stragg.x` without
        /// [`may_be_dotted`], fails here even where its fingerprint is not listed).
        #[test]
        fn fast_path_inputs_are_one_token(v in dotted()) {
            if is_one_token(&v, first_other(&v)) {
                let pass = Pass::run(&v, FLAG_QUOTE_NONE | FLAG_SQL_ANSI);
                prop_assert_eq!(pass.state.stats_tokens, 1, "{:?}", String::from_utf8_lossy(&v));
                prop_assert!(
                    matches!(pass.fingerprint.as_bytes(), b"n" | b"1"),
                    "{:?} {}", String::from_utf8_lossy(&v), pass.fingerprint
                );
            }
        }
    }

    /// Every `a.bc`, `a.b.c` and `ac.b` over number forms, SQL words and dotted table words:
    /// the fast path agrees with the full passes, and some of these inputs are SQLi.
    #[test]
    fn dotted_fast_path_agrees_on_three_pieces() {
        let all: &[&[u8]] = &[
            b"0x",
            b"1e",
            b"2e5",
            b"3f",
            b"9",
            b"1",
            b"01",
            b"0x1f",
            b"select",
            b"union",
            b"or",
            b"not",
            b"null",
            b"int",
            b"user",
            b"from",
            b"into",
            b"sys",
            b"stragg",
            b"dbms_lock",
            b"sleep",
            b"sys.stragg",
            b"dbms_lock.sleep",
            b"sys.database_name",
            b"utl_http.request",
            b"a",
            b"",
        ];
        let (mut sqli, mut fast) = (0, 0);
        for &a in all {
            for &b in all {
                for &c in all {
                    for v in [
                        [a, b".", b, c].concat(),
                        [a, b".", b, b".", c].concat(),
                        [a, c, b".", b].concat(),
                    ] {
                        let full = detect_full(&v);
                        sqli += usize::from(full.is_some());
                        fast += usize::from(is_one_token(&v, first_other(&v)));
                        assert_eq!(detect(&v), full, "{:?}", String::from_utf8_lossy(&v));
                    }
                }
            }
        }
        // SQLi such as `int.1union` (`1U`) and `select.1null` (`E1v`): the head lookup keeps
        // them off the fast path.
        assert!(sqli >= 14 && fast > 10_000, "sqli {sqli}, fast {fast}");
    }
}
