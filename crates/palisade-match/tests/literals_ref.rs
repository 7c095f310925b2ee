//! The regex literal analysis (`prefilter::regex_literals`) gives exactly the literal sets of
//! the reference analysis (`support/literals_ref.rs`, the implementation of main 752d295), so
//! the prefilter built from them is the same: over every `@rx`/`@rxGlobal` pattern of CRS v4,
//! lowercased or not (`t:lowercase` adds nothing here: the analysis folds case), and over
//! random patterns built from literals, small and large classes, groups, alternations and
//! repetitions. Set PALISADE_LITERALS_TIMES=1 to print the patterns that cost the most.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod crs;
    pub mod literals_ref;
    pub mod patterns;
}

use palisade_match::pcre::{PcreRegex, RegexLimits};
use palisade_match::prefilter::regex_literals;
use palisade_seclang::OperatorName;
use proptest::prelude::*;
use support::literals_ref::regex_literals_ref;
use support::patterns::pattern;

#[test]
fn crs_patterns_have_the_reference_literals() {
    let mut checked = 0usize;
    let mut with_literals = 0usize;
    let mut times = Vec::new();
    for op in support::crs::crs_operators() {
        if !matches!(op.name, OperatorName::Rx | OperatorName::RxGlobal) {
            continue;
        }
        let arg = op.argument();
        if arg.has_macros() {
            continue;
        }
        let Ok(re) = PcreRegex::new(op.arg.as_bytes(), false, &RegexLimits::default()) else {
            continue;
        };
        let hir = re.hir();
        let t0 = std::time::Instant::now();
        let new = regex_literals(&hir);
        let t1 = std::time::Instant::now();
        let reference = regex_literals_ref(&hir);
        let t2 = std::time::Instant::now();
        times.push((t1 - t0, t2 - t1, op.id.clone(), op.arg.len()));
        assert_eq!(
            new,
            reference,
            "rule {:?} ({}:{}): /{}/",
            op.id,
            op.file.display(),
            op.line,
            op.arg
        );
        checked += 1;
        with_literals += usize::from(new.strings().is_some());
    }
    assert!(checked > 200, "only {checked} CRS patterns found");
    if std::env::var_os("PALISADE_LITERALS_TIMES").is_some() {
        times.sort_by_key(|t| std::cmp::Reverse(t.1));
        let (new, old) = times.iter().fold((0.0, 0.0), |(a, b), t| {
            (a + t.0.as_secs_f64(), b + t.1.as_secs_f64())
        });
        eprintln!(
            "analysis total: new {:.1} ms, reference {:.1} ms",
            new * 1e3,
            old * 1e3
        );
        for t in times.iter().take(15) {
            eprintln!("  {:?} len {}: new {:?} reference {:?}", t.2, t.3, t.0, t.1);
        }
    }
    println!(
        "literals vs reference: {checked} CRS patterns, {with_literals} with literals, 0 differences"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn random_patterns_have_the_reference_literals(p in pattern()) {
        if let Ok(re) = PcreRegex::new(p.as_bytes(), false, &RegexLimits::default()) {
            let hir = re.hir();
            prop_assert_eq!(regex_literals(&hir), regex_literals_ref(&hir), "/{}/", p);
        }
    }
}
