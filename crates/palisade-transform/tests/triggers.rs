//! The trigger-byte property ([`Triggers`]): a value holding no trigger byte of a transformation
//! (or of a chain) comes out of it equal to itself up to ASCII case. Checked with proptest for
//! every transformation and for every chain of CRS v4 (inputs drawn from the complement of the
//! set, rich in punctuation, hex digits and the letters escapes use), and exhaustively on every
//! value of the benchmark corpus (../shared/bench/requests.jsonl) for every transformation and
//! every CRS chain.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../palisade-match/tests/support/crs.rs"]
mod crs;

use std::sync::OnceLock;

use palisade_transform::{Chain, TransformContext, TransformId, Triggers, UnicodeMap, apply};
use proptest::prelude::*;

fn contexts() -> [TransformContext; 2] {
    let map = UnicodeMap::parse(b"20127 x\n00a0:20 ff1c:5b 0041:ff\n", 20127.0).unwrap();
    [
        TransformContext::default(),
        TransformContext::new().with_unicode_map(map),
    ]
}

/// The bytes outside `t`'s set, punctuation, digits and escape letters repeated so that they
/// make up most of a drawn value.
fn alphabet(t: Triggers) -> Vec<u8> {
    let bytes = t.bytes();
    let mut out = Vec::new();
    for b in 0..=255u8 {
        if bytes[usize::from(b)] {
            continue;
        }
        let weight = if b.is_ascii_punctuation() {
            8
        } else if b.is_ascii_hexdigit() || b"xXuU!<>".contains(&b) {
            4
        } else {
            1
        };
        out.extend(std::iter::repeat_n(b, weight));
    }
    out
}

fn equal_up_to_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.eq_ignore_ascii_case(b)
}

/// The chains of CRS v4's rules (distinct, unknown names dropped).
fn crs_chains() -> &'static Vec<Vec<TransformId>> {
    static CHAINS: OnceLock<Vec<Vec<TransformId>>> = OnceLock::new();
    CHAINS.get_or_init(|| {
        let mut chains: Vec<Vec<TransformId>> = crs::crs_operators()
            .iter()
            .map(|op| {
                op.transforms
                    .iter()
                    .filter_map(|t| TransformId::from_name(t).ok())
                    .collect()
            })
            .collect();
        chains.sort();
        chains.dedup();
        chains
    })
}

fn not_always() -> Vec<TransformId> {
    TransformId::ALL
        .into_iter()
        .filter(|id| !id.triggers().is_always())
        .collect()
}

fn one_transformation() -> impl Strategy<Value = (TransformId, Vec<u8>)> {
    prop::sample::select(not_always()).prop_flat_map(|id| {
        let letters = alphabet(id.triggers());
        (
            Just(id),
            proptest::collection::vec(prop::sample::select(letters), 0..=64),
        )
    })
}

/// A transformation and a value without its exact classes ([`Triggers::exact`]).
fn one_exact_transformation() -> impl Strategy<Value = (TransformId, Vec<u8>)> {
    prop::sample::select(not_always()).prop_flat_map(|id| {
        let letters = alphabet(id.exact_triggers());
        (
            Just(id),
            proptest::collection::vec(prop::sample::select(letters), 0..=64),
        )
    })
}

/// A CRS chain without an *always* transformation and a value without its exact classes.
fn one_exact_crs_chain() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let chains = crs_chains();
    let quiet: Vec<usize> = (0..chains.len())
        .filter(|&i| !Triggers::exact_chain(&chains[i]).is_always())
        .collect();
    prop::sample::select(quiet).prop_flat_map(|i| {
        let letters = alphabet(Triggers::exact_chain(&crs_chains()[i]));
        (
            Just(i),
            proptest::collection::vec(prop::sample::select(letters), 0..=64),
        )
    })
}

fn one_crs_chain() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let chains = crs_chains();
    let quiet: Vec<usize> = (0..chains.len())
        .filter(|&i| !Triggers::of_chain(&chains[i]).is_always())
        .collect();
    prop::sample::select(quiet).prop_flat_map(|i| {
        let letters = alphabet(Triggers::of_chain(&crs_chains()[i]));
        (
            Just(i),
            proptest::collection::vec(prop::sample::select(letters), 0..=64),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    #[test]
    fn no_trigger_byte_means_no_change_beyond_case((id, input) in one_transformation()) {
        for ctx in contexts() {
            let out = apply(id, &input, &ctx);
            prop_assert!(
                equal_up_to_case(&out, &input),
                "{id} changed {:?} into {:?}",
                String::from_utf8_lossy(&input),
                String::from_utf8_lossy(&out)
            );
        }
    }

    #[test]
    fn no_trigger_byte_of_a_crs_chain_means_no_change_beyond_case(
        (i, input) in one_crs_chain()
    ) {
        let chain: Chain = crs_chains()[i].iter().copied().collect();
        for ctx in contexts() {
            let mut steps_equal = true;
            chain.for_each_step(&input, &ctx, |_, _, v, _| {
                steps_equal &= equal_up_to_case(v, &input);
            });
            prop_assert!(steps_equal, "{chain} changed {:?}", String::from_utf8_lossy(&input));
        }
    }

    #[test]
    fn no_exact_trigger_byte_means_the_very_same_bytes((id, input) in one_exact_transformation()) {
        for ctx in contexts() {
            let out = apply(id, &input, &ctx);
            prop_assert!(
                *out == *input,
                "{id} changed {:?} into {:?}",
                String::from_utf8_lossy(&input),
                String::from_utf8_lossy(&out)
            );
        }
    }

    #[test]
    fn no_exact_trigger_byte_of_a_crs_chain_means_the_very_same_bytes(
        (i, input) in one_exact_crs_chain()
    ) {
        let chain: Chain = crs_chains()[i].iter().copied().collect();
        for ctx in contexts() {
            let mut steps_equal = true;
            chain.for_each_step(&input, &ctx, |_, _, v, _| {
                steps_equal &= v == input.as_slice();
            });
            prop_assert!(steps_equal, "{chain} changed {:?}", String::from_utf8_lossy(&input));
        }
    }
}

/// A transformation with a `same_result_as` partner, and a value (path-like: separators, dots,
/// letters) holding none of the classes that tell the two apart.
fn one_equivalent_pair() -> impl Strategy<Value = (TransformId, TransformId, Vec<u8>)> {
    let pairs: Vec<(TransformId, TransformId, Triggers)> = TransformId::ALL
        .into_iter()
        .filter_map(|id| id.same_result_as().map(|(other, apart)| (id, other, apart)))
        .collect();
    prop::sample::select(pairs).prop_flat_map(|(id, other, apart)| {
        let allowed = apart.bytes();
        let mut letters: Vec<u8> = b"//..//..ab:C%\\x".to_vec();
        letters.extend(0u8..=255);
        letters.retain(|&b| !allowed[usize::from(b)]);
        (
            Just(id),
            Just(other),
            proptest::collection::vec(prop::sample::select(letters), 0..=32),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

    /// `same_result_as`: the two transformations agree, byte for byte, on every value without
    /// the classes that tell them apart.
    #[test]
    fn same_result_as_gives_the_very_same_bytes((id, other, input) in one_equivalent_pair()) {
        for ctx in contexts() {
            let a = apply(id, &input, &ctx);
            let b = apply(other, &input, &ctx);
            prop_assert!(
                *a == *b,
                "{id} and {other} differ on {:?}: {:?} {:?}",
                String::from_utf8_lossy(&input),
                String::from_utf8_lossy(&a),
                String::from_utf8_lossy(&b)
            );
        }
    }
}

#[test]
fn equivalent_pairs_are_symmetric_and_exist() {
    let pairs: Vec<TransformId> = TransformId::ALL
        .into_iter()
        .filter(|id| id.same_result_as().is_some())
        .collect();
    assert_eq!(pairs.len(), 2);
    for id in pairs {
        let (other, apart) = id.same_result_as().unwrap();
        assert_eq!(other.same_result_as(), Some((id, apart)));
    }
}

#[test]
fn only_case_changing_transformations_have_larger_exact_sets() {
    let larger: Vec<&str> = TransformId::ALL
        .into_iter()
        .filter(|id| id.exact_triggers() != id.triggers())
        .map(TransformId::name)
        .collect();
    assert_eq!(larger, ["cmdLine", "lowercase", "uppercase"]);
    for id in TransformId::ALL {
        // An exact set holds its up-to-case set.
        assert_eq!(
            id.exact_triggers().union(id.triggers()),
            id.exact_triggers()
        );
    }
    // The case-changers really change case, so their letters must be in the exact set.
    let ctx = TransformContext::default();
    assert_ne!(&*apply(TransformId::Lowercase, b"A", &ctx), b"A");
    assert_ne!(&*apply(TransformId::CmdLine, b"A", &ctx), b"A");
    assert_ne!(&*apply(TransformId::Uppercase, b"a", &ctx), b"a");
    assert!(
        TransformId::Lowercase
            .exact_triggers()
            .may_change(Triggers::present_in(b"xA"))
    );
    assert!(
        !TransformId::Lowercase
            .exact_triggers()
            .may_change(Triggers::present_in(b"xa"))
    );
}

#[test]
fn every_transformation_has_its_set_checked() {
    // The proptest above draws from `not_always()`: make sure that is every transformation but
    // the ones documented as always running.
    let always: Vec<&str> = TransformId::ALL
        .into_iter()
        .filter(|id| id.triggers().is_always())
        .map(TransformId::name)
        .collect();
    assert_eq!(
        always,
        [
            "base64Decode",
            "base64DecodeExt",
            "base64Encode",
            "hexDecode",
            "hexEncode",
            "length",
            "md5",
            "parityEven7bit",
            "parityOdd7bit",
            "parityZero7bit",
            "sha1",
            "urlEncode"
        ]
    );
    assert!(crs_chains().len() > 10, "{} CRS chains", crs_chains().len());
}

#[test]
fn corpus_values_without_trigger_bytes_are_left_as_they_are() {
    let ctx = TransformContext::default();
    let chains: Vec<(Chain, Triggers, Triggers)> = crs_chains()
        .iter()
        .map(|ids| {
            (
                ids.iter().copied().collect(),
                Triggers::of_chain(ids),
                Triggers::exact_chain(ids),
            )
        })
        .collect();
    let (mut values, mut checked, mut chain_checked, mut chain_pairs) = (0u64, 0u64, 0u64, 0u64);
    let mut exact_checked = 0u64;
    for (_, request) in palisade_testdata::bench_request_values() {
        for value in &request {
            values += 1;
            let present = Triggers::present_in(value);
            for id in TransformId::ALL {
                if !id.exact_triggers().may_change(present) {
                    assert_eq!(&*apply(id, value, &ctx), value.as_slice(), "{id}");
                }
                if id.triggers().may_change(present) {
                    continue;
                }
                checked += 1;
                let out = apply(id, value, &ctx);
                assert!(
                    equal_up_to_case(&out, value),
                    "{id} changed {:?}",
                    String::from_utf8_lossy(value)
                );
            }
            for (chain, triggers, exact) in &chains {
                chain_pairs += 1;
                if !exact.may_change(present) {
                    exact_checked += 1;
                    assert_eq!(&*chain.apply(value, &ctx), value.as_slice(), "{chain}");
                }
                if triggers.may_change(present) {
                    continue;
                }
                chain_checked += 1;
                let out = chain.apply(value, &ctx);
                assert!(
                    equal_up_to_case(&out, value),
                    "{chain} changed {:?}",
                    String::from_utf8_lossy(value)
                );
            }
        }
    }
    assert!(values > 100_000, "{values} corpus values");
    println!(
        "triggers on the corpus: {values} values; {checked} (value, transformation) pairs without a \
         trigger byte left as they were; {chain_checked} of {chain_pairs} (value, CRS chain) pairs \
         ({:.1}%) without a trigger byte, all left as they were, {exact_checked} ({:.1}%) without an \
         exact trigger byte, all the very same bytes ({} chains)",
        100.0 * chain_checked as f64 / chain_pairs.max(1) as f64,
        100.0 * exact_checked as f64 / chain_pairs.max(1) as f64,
        chains.len()
    );
}
