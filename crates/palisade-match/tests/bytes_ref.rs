//! The regex byte condition (`prefilter::bytes::regex_condition`, which appends to one vector
//! and normalizes in place) gives exactly the condition of the reference derivation
//! (`support/bytes_ref.rs`, one vector per node as on `integ` 1dba2ad): over every
//! `@rx`/`@rxGlobal` pattern of CRS v4 and over random patterns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod bytes_ref;
    pub mod crs;
    pub mod patterns;
}

use palisade_match::pcre::{PcreRegex, RegexLimits};
use palisade_match::prefilter::bytes::regex_condition;
use palisade_seclang::OperatorName;
use proptest::prelude::*;
use support::bytes_ref::regex_condition_ref;
use support::patterns::pattern;

#[test]
fn crs_patterns_have_the_reference_condition() {
    let mut checked = 0usize;
    let mut with_condition = 0usize;
    for op in support::crs::crs_operators() {
        if !matches!(op.name, OperatorName::Rx | OperatorName::RxGlobal)
            || op.argument().has_macros()
        {
            continue;
        }
        let Ok(re) = PcreRegex::new(op.arg.as_bytes(), false, &RegexLimits::default()) else {
            continue;
        };
        let hir = re.hir();
        let new = regex_condition(&hir);
        assert_eq!(
            new,
            regex_condition_ref(&hir),
            "rule {:?}: /{}/",
            op.id,
            op.arg
        );
        checked += 1;
        with_condition += usize::from(!new.is_none());
    }
    assert!(checked > 200, "only {checked} CRS patterns found");
    println!(
        "byte conditions vs reference: {checked} CRS patterns, {with_condition} with a condition, 0 differences"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn random_patterns_have_the_reference_condition(p in pattern()) {
        if let Ok(re) = PcreRegex::new(p.as_bytes(), false, &RegexLimits::default()) {
            let hir = re.hir();
            prop_assert_eq!(regex_condition(&hir), regex_condition_ref(&hir), "/{}/", p);
        }
    }
}
