//! No panics on any input, and time linear in the input: property tests over arbitrary
//! and SQL/HTML-flavoured bytes, and 1 MiB adversarial inputs aimed at every loop that
//! could go quadratic (`$tag$` search, backslash runs, NUL runs in comments and tag
//! names, numeric character references, deep parentheses, long folds).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use proptest::prelude::*;

/// Every fingerprint is one to five characters from libinjection's token-type alphabet.
fn check_fingerprint(input: &[u8]) {
    if let Some(fp) = palisade_libinjection::sqli(input) {
        let b = fp.as_bytes();
        assert!((1..=5).contains(&b.len()), "fingerprint {fp} for {input:?}");
        assert!(
            b.iter().all(|c| b"kUBEtfn1vso&cA(){}.,:;T?X\\".contains(c)),
            "fingerprint {fp} for {input:?}"
        );
        assert_eq!(
            palisade_libinjection::sqli(input),
            Some(fp),
            "deterministic"
        );
    }
    let x = palisade_libinjection::xss(input);
    assert_eq!(palisade_libinjection::xss(input), x, "deterministic");
}

/// Bytes that steer the tokenizers: quotes, comment and operator characters, NUL, 0xA0,
/// 0xFF, letters that start special strings.
fn flavoured() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"'\"`-#/*!\\$@[]{}()<>=&;:,.%?^|~+ \t\n\x0b\0\xa0\xff\x80qQnNeEuUxXbB0123456789aosSrRiIfFdD_"
        .to_vec();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..200)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(input in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_fingerprint(&input);
    }

    #[test]
    fn flavoured_bytes_never_panic(input in flavoured()) {
        check_fingerprint(&input);
    }

    #[test]
    fn sql_and_html_fragments_never_panic(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "select", "union", "all", "or", "1", "'", "\"", "`", "--", "#", "/*", "*/", "/*!",
                "(", ")", "{", "}", ";", "if", "not", "in", "like", "collate", "$$", "$a$", "q'[",
                "N'", "U&'", "x'", "0x", "\\N", "@@", "<", ">", "</", "<!--", "-->", "<!DOCTYPE",
                "<![CDATA[", "]]>", "<%", "%>", "<?", "script", "onerror=", "href=", "javascript:",
                "&#x6a;", "&#0", "\0", "\u{a0}", " ",
            ]),
            0..24,
        )
    ) {
        check_fingerprint(parts.concat().as_bytes());
    }
}

/// 1 MiB inputs built to make a naive implementation quadratic. A quadratic pass over
/// 1 MiB would take minutes; the bound below is generous for a debug build on a busy
/// machine and only catches super-linear behaviour.
#[test]
fn one_mebibyte_adversarial_inputs_finish_in_linear_time() {
    const MIB: usize = 1 << 20;
    let fill = |unit: &[u8], head: &[u8]| {
        let mut v = head.to_vec();
        while v.len() < MIB {
            v.extend_from_slice(unit);
        }
        v.truncate(MIB);
        v
    };
    let long_tag: Vec<u8> = std::iter::repeat_n(b'a', 4096).collect();
    let mut dollar_unit = b"$".to_vec();
    dollar_unit.extend_from_slice(&long_tag[..4095]);
    let mut dollar_head = b"$".to_vec();
    dollar_head.extend_from_slice(&long_tag);
    dollar_head.push(b'$');

    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "$tag$ with near-miss closers",
            fill(&dollar_unit, &dollar_head),
        ),
        (
            "backslash runs before quotes",
            fill(b"\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\'", b"'"),
        ),
        (
            "NUL runs in a comment",
            fill(b"-\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", b"<!--"),
        ),
        ("NULs in a tag name", fill(b"\0", b"<")),
        ("numeric reference of zeros", fill(b"0", b"<a href=&#")),
        ("hex reference of zeros", fill(b"0", b"<a href=&#x")),
        ("open parentheses", fill(b"(", b"")),
        ("arithmetic folds", fill(b"1+", b"")),
        ("comma folds", fill(b",-1", b"1")),
        ("quotes", fill(b"'", b"")),
        ("double quotes", fill(b"\"\"", b"")),
        ("one long word", fill(b"a", b"")),
        ("dotted words", fill(b"select.", b"")),
        ("comments", fill(b"/**/", b"1")),
        ("dashes", fill(b"-", b"<!--")),
        ("percent signs", fill(b"%", b"<%")),
        ("brackets", fill(b"]", b"<![CDATA[")),
        ("many attributes", fill(b" onabcd", b"<a")),
        ("many tags", fill(b"<a>", b"")),
        ("close tags", fill(b"</>", b"")),
        ("bogus comments", fill(b"<?", b"")),
        (
            "random-ish mix",
            fill(b"1' or '1'='1' -- <script>\0\xa0$$@@`x`", b""),
        ),
    ];
    let started = Instant::now();
    for (name, input) in &cases {
        let t = Instant::now();
        check_fingerprint(input);
        let spent = t.elapsed();
        assert!(
            spent < Duration::from_secs(30),
            "{name}: {spent:?} for 1 MiB"
        );
        eprintln!("  {name}: {spent:?}");
    }
    println!(
        "1 MiB adversarial inputs: {} passed, 0 failed ({:?})",
        cases.len(),
        started.elapsed()
    );
}
