//! `@rx`/`@rxGlobal` compute their byte condition at load only when their literals are weak
//! (`operators::regex_source::load_condition`) and derive it from the pattern when asked
//! otherwise. Whichever way it was obtained, `Operator::byte_condition` must equal
//! `regex_condition` of the pattern's HIR, and `Operator::literals` must equal
//! `regex_literals` of it: over every CRS v4 `@rx`/`@rxGlobal` pattern and over random
//! patterns, with and without a shared `CompileCache` (which hands one compiled pattern to
//! several rules).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod crs;
    pub mod patterns;
}

use palisade_match::pcre::{PcreRegex, RegexLimits};
use palisade_match::prefilter::bytes::regex_condition;
use palisade_match::prefilter::regex_literals;
use palisade_match::{CompileCache, CompileContext, Operator};
use palisade_seclang::{MacroString, MemorySource, OperatorName};
use proptest::prelude::*;
use support::patterns::pattern;

/// Compiles `pattern` as `name` (twice through `cache` when given, so that the second one
/// comes from the cache) and checks its condition and literals; returns whether the
/// condition is a real one.
fn check(name: OperatorName, pattern: &str, cache: Option<&CompileCache>) -> Option<bool> {
    let source = MemorySource::new();
    let ctx = match cache {
        Some(c) => CompileContext::new(&source).with_cache(c),
        None => CompileContext::new(&source),
    };
    let arg = MacroString::parse(pattern);
    if arg.has_macros() {
        return None;
    }
    let (_, hir) =
        PcreRegex::new_with_hir(pattern.as_bytes(), false, &RegexLimits::default()).ok()?;
    let expected = regex_condition(&hir);
    let lits = regex_literals(&hir);
    let rounds = if cache.is_some() { 2 } else { 1 };
    for _ in 0..rounds {
        let op = Operator::compile(name, &arg, &ctx).unwrap_or_else(|e| panic!("/{pattern}/: {e}"));
        // Asked twice: derived or stored, then kept.
        assert_eq!(op.byte_condition(), expected, "/{pattern}/");
        assert_eq!(op.byte_condition(), expected, "/{pattern}/ (second call)");
        assert_eq!(op.literals(), lits, "/{pattern}/");
    }
    Some(!expected.is_none())
}

#[test]
fn crs_conditions_equal_the_eager_ones() {
    let cache = CompileCache::new();
    let (mut checked, mut with_condition) = (0usize, 0usize);
    for op in support::crs::crs_operators() {
        if !matches!(op.name, OperatorName::Rx | OperatorName::RxGlobal) {
            continue;
        }
        for c in [None, Some(&cache)] {
            if let Some(real) = check(op.name, &op.arg, c) {
                checked += 1;
                with_condition += usize::from(real);
            }
        }
    }
    assert!(checked > 400, "only {checked} CRS checks");
    println!(
        "lazy byte conditions: {checked} CRS operator compilations, {with_condition} with a condition, 0 differences"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_conditions_equal_the_eager_ones(p in pattern(), global in any::<bool>(), cached in any::<bool>()) {
        let name = if global { OperatorName::RxGlobal } else { OperatorName::Rx };
        let cache = CompileCache::new();
        check(name, &p, cached.then_some(&cache));
    }
}
