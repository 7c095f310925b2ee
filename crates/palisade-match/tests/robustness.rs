//! No input makes any operator panic or take more than linear time.
//!
//! - proptest: arbitrary operators, arguments and inputs (compile may fail, evaluation must
//!   not panic), arbitrary PCRE patterns through the parser and matcher.
//! - 1 MiB adversarial inputs (runs of one byte, digits, newlines, alternations that make a
//!   backtracking engine explode) for every operator family, with `capture` on: the time for
//!   1 MiB stays within a linear factor of the time for 64 KiB.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use palisade_match::pcre::{PcreRegex, RegexLimits, Slots};
use palisade_match::{Captures, CompileContext, EvalContext, NoMacros, Operator};
use palisade_seclang::{MacroString, MemorySource, OperatorName};
use proptest::prelude::*;

fn source_with(data: &[u8]) -> MemorySource {
    MemorySource::new().with_file("data.txt", data.to_vec())
}

fn eval_both(op: &Operator, input: &[u8]) -> bool {
    let plain = op.evaluate(input, &mut EvalContext::new(&NoMacros));
    let mut caps = Captures::new();
    let captured = op.evaluate(
        input,
        &mut EvalContext::new(&NoMacros).with_captures(&mut caps),
    );
    assert_eq!(
        plain, captured,
        "capturing must not change the result of {op:?}"
    );
    plain
}

fn regexish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("a"),
            Just("b"),
            Just("\\"),
            Just("("),
            Just(")"),
            Just("(?:"),
            Just("(?i)"),
            Just("(?="),
            Just("(?!"),
            Just("(?<="),
            Just("["),
            Just("]"),
            Just("^"),
            Just("$"),
            Just("*"),
            Just("+"),
            Just("?"),
            Just("{"),
            Just("}"),
            Just("{2,3}"),
            Just("|"),
            Just("."),
            Just("\\x{"),
            Just("\\x"),
            Just("ff"),
            Just("\\d"),
            Just("\\b"),
            Just("-"),
            Just(","),
            Just("0"),
            Just("9"),
            Just("[:alpha:]"),
            Just("\\Q"),
            Just("\\E"),
            Just("#"),
            Just("(?x)"),
            Just(" "),
            Just("\u{e9}"),
            Just("%{tx.a}"),
            Just("\""),
            Just("|0a|"),
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn operators_never_panic(
        which in 0usize..38,
        arg in prop_oneof![regexish(), "\\PC{0,40}", "[0-9./:,a-f -]{0,40}"],
        data in proptest::collection::vec(any::<u8>(), 0..64),
        input in proptest::collection::vec(any::<u8>(), 0..96),
    ) {
        let name = OperatorName::all().nth(which).unwrap();
        let source = source_with(&data);
        let ctx = CompileContext::new(&source);
        let arg = if matches!(name, OperatorName::PmFromFile | OperatorName::IpMatchFromFile) && arg.len() % 2 == 0 {
            "data.txt".to_string()
        } else {
            arg
        };
        if let Ok(op) = Operator::compile(name, &MacroString::parse(&arg), &ctx) {
            eval_both(&op, &input);
            let _ = op.literals();
        }
    }

    #[test]
    fn pcre_never_panics(pattern in regexish(), raw in proptest::collection::vec(any::<u8>(), 0..16), input in "[ab\\n(){}\\\\x -]{0,40}") {
        for p in [pattern.as_bytes(), &raw[..]] {
            for caseless in [false, true] {
                if let Ok(re) = PcreRegex::new(p, caseless, &RegexLimits::default()) {
                    let hay = input.as_bytes();
                    let m = re.is_match(hay);
                    let mut slots = Slots::new();
                    assert_eq!(m, re.captures_at(hay, 0, false, &mut slots));
                    assert_eq!(m, re.find_at(hay, 0, false).is_some());
                    for start in 0..=hay.len() {
                        let _ = re.find_at(hay, start, true);
                    }
                }
            }
        }
    }
}

/// Makes an input of the given length.
type Generator = Box<dyn Fn(usize) -> Vec<u8>>;

fn time(op: &Operator, input: &[u8], runs: usize) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        eval_both(op, input);
        best = best.min(t.elapsed());
    }
    best
}

#[test]
fn one_mib_adversarial_inputs_take_linear_time() {
    const SMALL: usize = 64 << 10;
    const LARGE: usize = 1 << 20;
    let source = source_with(b"abc\ndef\n# c\nxyz\n");
    let ctx = CompileContext::new(&source);
    // Each operator with the inputs that are adversarial for it.
    let all = "a*n digits newlines a\\n spaces+commas punctuation digit-runs bytes %";
    let ops: Vec<(OperatorName, &str, &str)> = vec![
        (OperatorName::Rx, "(a+)+$", "a*n a\\n bytes"),
        (OperatorName::Rx, "(a|aa)+b", "a*n"),
        (OperatorName::Rx, "(.*a){12}", "a*n newlines"),
        (OperatorName::Rx, r"^(\s*,)*x", "spaces+commas newlines"),
        (OperatorName::Rx, "(?:a*)*b", "a*n"),
        (
            OperatorName::Rx,
            r"((?:(?:[!-\+\-:->@\[\]\^`\{-~]|\x{c2}\x{b4}|\x{e2}\x80[\x98\x99])[^!-\+\-:->@\[\]\^`\{-~]*?){12})",
            "punctuation bytes",
        ),
        (OperatorName::Rx, r"<\?(?!xml)", "bytes punctuation"),
        (OperatorName::Rx, "^$", "newlines a\\n"),
        (OperatorName::RxGlobal, r"\b", "digit-runs a\\n"),
        (OperatorName::RxGlobal, "a*", "a\\n bytes"),
        (OperatorName::RxGlobal, "(a)|(b)", "a*n"),
        (OperatorName::Pm, "aaab aab ab b abcd bc", "a*n bytes"),
        (OperatorName::PmFromFile, "data.txt", "bytes"),
        (
            OperatorName::VerifyCc,
            r"(?:^|[^\d])(\d+)(?:[^\d]|$)",
            "digits % digit-runs",
        ),
        (OperatorName::VerifyCc, r"\d+", "digits digit-runs"),
        (
            OperatorName::VerifySsn,
            r"\d{3}-?\d{2}-?\d{4}",
            "digits digit-runs",
        ),
        (OperatorName::VerifySsn, r"\b\d+", "digits"),
        (
            OperatorName::VerifyCpf,
            r"([0-9]{3}\.){2}[0-9]{3}-[0-9]{2}",
            "digits",
        ),
        (OperatorName::VerifySvnr, r"\d+", "digits digit-runs"),
        (OperatorName::ContainsWord, "a", "a*n"),
        (OperatorName::Contains, "aaaaaaaab", "a*n"),
        (OperatorName::Within, "abc", "a*n"),
        (OperatorName::Strmatch, "ab", "a*n"),
        (OperatorName::ValidateByteRange, "32-126", all),
        (OperatorName::ValidateUrlEncoding, "", "% bytes"),
        (OperatorName::ValidateUtf8Encoding, "", "punctuation bytes"),
        (OperatorName::IpMatch, "10.0.0.0/8,::1", "digits bytes"),
        (OperatorName::Eq, "5", "digits spaces+commas"),
        (OperatorName::Lt, "5", "digits"),
        (OperatorName::DetectSqli, "", all),
        (OperatorName::DetectXss, "", all),
    ];
    let inputs: Vec<(&str, Generator)> = vec![
        ("a*n", Box::new(|n| vec![b'a'; n])),
        (
            "digits",
            Box::new(|n| (0..n).map(|i| b'0' + (i % 10) as u8).collect()),
        ),
        ("newlines", Box::new(|n| vec![b'\n'; n])),
        (
            "a\\n",
            Box::new(|n| b"a\n".iter().copied().cycle().take(n).collect()),
        ),
        (
            "spaces+commas",
            Box::new(|n| b" ,".iter().copied().cycle().take(n).collect()),
        ),
        (
            "punctuation",
            Box::new(|n| b"'(\xc2\xb4".iter().copied().cycle().take(n).collect()),
        ),
        (
            "digit-runs",
            Box::new(|n| {
                b"4532015112830366 123-45-6780 "
                    .iter()
                    .copied()
                    .cycle()
                    .take(n)
                    .collect()
            }),
        ),
        (
            "bytes",
            Box::new(|n| {
                (0..n)
                    .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
                    .collect()
            }),
        ),
        (
            "%",
            Box::new(|n| b"%4".iter().copied().cycle().take(n).collect()),
        ),
    ];
    let mut worst: f64 = 0.0;
    let mut pairs = 0;
    for (name, arg, labels) in &ops {
        let op = Operator::compile(*name, &MacroString::literal(arg), &ctx).unwrap();
        for label in labels.split(' ') {
            let (_, make) = inputs.iter().find(|(l, _)| *l == label).unwrap();
            pairs += 1;
            let small = time(&op, &make(SMALL), 2);
            let large = time(&op, &make(LARGE), 2);
            eprintln!("@{name} {arg:?} on {label}: {small:?} / {large:?}");
            let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
            // 16x more input: linear is ~16; quadratic would be ~256. The slack absorbs noise
            // on a shared machine.
            assert!(
                large < small * 100 + Duration::from_millis(250),
                "@{name} {arg:?} on {label}: {small:?} for 64 KiB, {large:?} for 1 MiB"
            );
            assert!(
                large < Duration::from_secs(30),
                "@{name} {arg:?} on {label}: {large:?}"
            );
            if small > Duration::from_millis(1) {
                worst = worst.max(ratio);
            }
        }
    }
    println!(
        "{pairs} (operator, 1 MiB input) pairs; worst 1 MiB / 64 KiB time ratio (where 64 KiB took over 1 ms): {worst:.1}"
    );
}
