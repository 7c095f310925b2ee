//! Every operator of OWASP CRS v4 (../shared/crs) compiles: all 318 `@rx` operators (294
//! distinct patterns) in byte mode, the `@pmFromFile` data files through
//! a filesystem source relative to the rule file, and the rest. The ten `@rx` patterns that
//! spell bytes (`\x{c2}\x{b4}`, `\xac\xed`, …) match those bytes. Also reports how many `@rx`
//! get prefilter literals.
//!
//! Closing line: `crs operators: P passed, F failed`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../crates/palisade-match/tests/support/crs.rs"]
mod crs;

use std::collections::BTreeSet;

use palisade_match::prefilter::Literals;
use palisade_match::{CompileContext, EvalContext, NoMacros, Operator};
use palisade_seclang::{FsSource, OperatorName};

#[test]
fn crs_operators_compile() {
    let ops = crs::crs_operators();
    let source = FsSource::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut rx_total = 0;
    let mut distinct = BTreeSet::new();
    let mut with_literals = BTreeSet::new();
    for op in &ops {
        let ctx = CompileContext::new(&source).with_rule_file(&op.file);
        match Operator::compile(op.name, &op.argument(), &ctx) {
            Ok(compiled) => {
                passed += 1;
                if op.name == OperatorName::Rx {
                    rx_total += 1;
                    distinct.insert(op.arg.clone());
                    if matches!(compiled.literals(), Literals::OneOf(_)) {
                        with_literals.insert(op.arg.clone());
                    }
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!(
                    "FAIL {}:{} (id {:?}): {e}",
                    op.file.display(),
                    op.line,
                    op.id
                );
            }
        }
    }
    let mut per_op = std::collections::BTreeMap::new();
    for op in &ops {
        *per_op.entry(op.name.name()).or_insert(0) += 1;
    }
    println!("{} operators: {per_op:?}", ops.len());
    assert_eq!(rx_total, 318, "CRS v4.28 has 318 @rx operators");
    println!(
        "@rx: {rx_total} operators, {} distinct patterns, \
         {} of them ({:.1}%) with prefilter literals",
        distinct.len(),
        with_literals.len(),
        100.0 * with_literals.len() as f64 / distinct.len() as f64
    );
    println!("crs operators: {passed} passed, {failed} failed");
    assert_eq!(failed, 0);
}

/// The ten CRS patterns that spell bytes, each with an input holding those bytes (checked to
/// match with libmodsecurity 3.0.9) and one without them.
#[test]
fn byte_spelling_patterns_match_their_bytes() {
    let ops = crs::crs_operators();
    let source = FsSource::new();
    let spelled: Vec<&crs::CrsOp> = {
        let mut seen = BTreeSet::new();
        ops.iter()
            .filter(|o| {
                o.name == OperatorName::Rx && spells_high_byte(&o.arg) && seen.insert(o.arg.clone())
            })
            .collect()
    };
    assert_eq!(spelled.len(), 10, "patterns spelling bytes >= 0x80");
    let cases: [(&str, &[u8], &[u8]); 7] = [
        // (pattern prefix, matching input, non-matching input)
        (r"\$+(?:[A-Z_a-z\x7f-\x{ff}]", b"$\xe9t\xe9(1)", b"$ (1)"),
        (
            "(?i)(?:a(?:cap|f[ps]",
            b"http://\xe2\x91\xa0\xe2\x91\xa1",
            b"http://example.com",
        ),
        (
            r"\x{bc}[^>\x{be}]*[>\x{be}]|<[^",
            b"\xbcscript\xbealert(1)",
            b"<script",
        ),
        (
            r"\x{bc}[\s\x0b]*/[\s\x0b]*",
            b"\xbc/script\xbe",
            b"</script",
        ),
        (
            r"((?:(?:[!-\+\-:->@\[\]\^`\{-~]|\x{c2}\x{b4}",
            &[
                0xc2, 0xb4, b'a', 0xc2, 0xb4, b'b', 0xc2, 0xb4, b'c', 0xc2, 0xb4, b'd', 0xc2, 0xb4,
                0xc2, 0xb4, 0xe2, 0x80, 0x98, 0xe2, 0x80, 0x99, 0xc2, 0xb4, 0xc2, 0xb4, 0xc2, 0xb4,
                0xc2, 0xb4,
            ],
            b"abc",
        ),
        (
            r"\xac\xed\x00\x05",
            b"x\xac\xed\x00\x05sr",
            b"\xac\xed\x00\x06",
        ),
        ("", b"", b""),
    ];
    let mut checked = 0;
    for op in &spelled {
        let compiled =
            Operator::compile(op.name, &op.argument(), &CompileContext::new(&source)).unwrap();
        let case = cases
            .iter()
            .filter(|(prefix, _, _)| !prefix.is_empty())
            .find(|(prefix, _, _)| op.arg.starts_with(prefix))
            .unwrap_or_else(|| panic!("no case for {}", op.arg));
        let mut ctx = EvalContext::new(&NoMacros);
        assert!(
            compiled.evaluate(case.1, &mut ctx),
            "{} on {:?}",
            op.arg,
            case.1
        );
        assert!(
            !compiled.evaluate(case.2, &mut ctx),
            "{} on {:?}",
            op.arg,
            case.2
        );
        checked += 1;
    }
    assert_eq!(checked, 10);
}

fn spells_high_byte(pattern: &str) -> bool {
    let b = pattern.as_bytes();
    let mut i = 0;
    while i + 3 < b.len() {
        if b[i] == b'\\' && b[i + 1] == b'x' {
            let digits: String = if b[i + 2] == b'{' {
                b[i + 3..]
                    .iter()
                    .take_while(|&&c| c != b'}')
                    .map(|&c| c as char)
                    .collect()
            } else {
                b[i + 2..b.len().min(i + 4)]
                    .iter()
                    .map(|&c| c as char)
                    .collect()
            };
            if u32::from_str_radix(&digits, 16).is_ok_and(|v| v >= 0x80) {
                return true;
            }
            i += 2;
        } else if b[i] == b'\\' {
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}
