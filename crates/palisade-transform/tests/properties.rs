//! Property tests over arbitrary bytes for every transformation and for chains: no panic; a
//! decoder's output is never longer than its input; idempotence where it holds; evaluating a chain
//! from a cached prefix equals evaluating it from scratch; an unchanged value comes back borrowed
//! (and an owned one always differs); the in-place form and the buffer-writing form (`apply_into`,
//! given a buffer holding leftovers of earlier values) agree with the borrowed one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;

use palisade_transform::{
    Chain, TransformContext, TransformId, UnicodeMap, apply, apply_into, apply_owned,
};
use proptest::prelude::*;

/// Byte strings that hit the transformations' trigger bytes often, plus fully arbitrary ones.
fn value() -> impl Strategy<Value = Vec<u8>> {
    const FRAGMENTS: &[&[u8]] = &[
        b"%",
        b"%u",
        b"+",
        b"0",
        b"4",
        b"7",
        b"9",
        b"a",
        b"f",
        b"F",
        b"x",
        b"g",
        b"&",
        b"#",
        b";",
        b"&#",
        b"&#x",
        b"amp",
        b"lt",
        b"\\",
        b"\\u",
        b"\\x",
        b"/",
        b".",
        b"..",
        b"*",
        b"/*",
        b"*/",
        b"-",
        b"--",
        b"<!--",
        b"-->",
        b" ",
        b"\t",
        b"\n",
        b"\r",
        b"\0",
        b"\x80",
        b"\xa0",
        b"\xc2",
        b"\xc3",
        b"\xe2\x82",
        b"\xf0\x9f",
        b"\xff",
        b"ff",
        b"0x",
        b"=",
        b"QUJD",
        b"^",
        b"\"",
        b"A",
    ];
    let fragment = prop_oneof![
        prop::sample::select(FRAGMENTS).prop_map(<[u8]>::to_vec),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    prop_oneof![
        prop::collection::vec(fragment, 0..24).prop_map(|parts| parts.concat()),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

fn any_id() -> impl Strategy<Value = TransformId> {
    prop::sample::select(TransformId::ALL.to_vec())
}

/// Transformations whose output is never longer than their input.
const DECODERS: &[TransformId] = &[
    TransformId::Base64Decode,
    TransformId::Base64DecodeExt,
    TransformId::CmdLine,
    TransformId::CompressWhitespace,
    TransformId::CssDecode,
    TransformId::EscapeSeqDecode,
    TransformId::HexDecode,
    TransformId::HtmlEntityDecode,
    TransformId::JsDecode,
    TransformId::NormalisePath,
    TransformId::NormalisePathWin,
    TransformId::RemoveComments,
    TransformId::RemoveCommentsChar,
    TransformId::RemoveNulls,
    TransformId::RemoveWhitespace,
    TransformId::ReplaceComments,
    TransformId::SqlHexDecode,
    TransformId::Trim,
    TransformId::TrimLeft,
    TransformId::TrimRight,
    TransformId::UrlDecode,
    TransformId::UrlDecodeUni,
];

/// Transformations for which applying twice equals applying once.
const IDEMPOTENT: &[TransformId] = &[
    TransformId::Lowercase,
    TransformId::Uppercase,
    TransformId::Trim,
    TransformId::TrimLeft,
    TransformId::TrimRight,
    TransformId::CompressWhitespace,
    TransformId::RemoveNulls,
    TransformId::RemoveWhitespace,
];

fn contexts() -> [TransformContext; 2] {
    let map = UnicodeMap::parse(b"20127 x\n00a0:20 ff1c:5b 0041:ff\n", 20127.0).unwrap();
    [
        TransformContext::default(),
        TransformContext::new().with_unicode_map(map),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_transformation_is_total_and_borrowed_exactly_when_unchanged(input in value()) {
        for ctx in &contexts() {
            for id in TransformId::ALL {
                let out = apply(id, &input, ctx);
                match &out {
                    Cow::Borrowed(b) => {
                        prop_assert!(std::ptr::eq(*b, input.as_slice()), "{id}: borrowed another slice");
                    }
                    Cow::Owned(o) => prop_assert_ne!(o, &input, "{}: owned but unchanged", id),
                }
                let owned = apply_owned(id, input.clone(), ctx);
                prop_assert_eq!(&owned[..], &out[..], "{}: in-place form differs", id);
                // A reused buffer: leftovers of a longer earlier value must not leak in.
                let mut buf = b"leftover bytes of an earlier, longer value %41&amp;\\x41".to_vec();
                let changed = apply_into(id, &input, ctx, &mut buf);
                prop_assert_eq!(changed, matches!(out, Cow::Owned(_)), "{}: apply_into's flag", id);
                if changed {
                    prop_assert_eq!(&buf[..], &out[..], "{}: apply_into's value differs", id);
                }
            }
        }
    }

    #[test]
    fn decoders_never_grow(input in value()) {
        for ctx in &contexts() {
            for &id in DECODERS {
                let out = apply(id, &input, ctx);
                prop_assert!(out.len() <= input.len(), "{id}: {} -> {} bytes", input.len(), out.len());
            }
        }
    }

    #[test]
    fn idempotent_transformations_are(input in value()) {
        let ctx = TransformContext::default();
        for &id in IDEMPOTENT {
            let once = apply(id, &input, &ctx).into_owned();
            let twice = apply(id, &once, &ctx);
            prop_assert_eq!(&twice[..], &once[..], "{}", id);
            prop_assert!(matches!(twice, Cow::Borrowed(_)), "{id}: second pass not borrowed");
        }
    }

    #[test]
    fn a_chain_from_a_cached_prefix_equals_the_chain(
        ids in prop::collection::vec(any_id(), 0..7),
        input in value(),
    ) {
        for ctx in &contexts() {
            let chain: Chain = ids.iter().copied().collect();
            let full = chain.apply(&input, ctx);
            for k in 0..=chain.len() {
                let prefix: Chain = chain.ids()[..k].iter().copied().collect();
                let cached = prefix.apply(&input, ctx);
                let rest = chain.apply_from(k, &cached, ctx);
                prop_assert_eq!(&rest[..], &full[..], "{} from step {}", chain, k);
            }
            // Step by step, applying one transformation at a time, gives the same value.
            let mut manual = input.clone();
            for &id in chain.ids() {
                manual = apply(id, &manual, ctx).into_owned();
            }
            prop_assert_eq!(&manual[..], &full[..]);
            if chain.ids().iter().all(|&id| matches!(apply(id, &input, ctx), Cow::Borrowed(_))) {
                prop_assert!(matches!(full, Cow::Borrowed(_)));
            }
        }
    }

    #[test]
    fn steps_report_what_apply_computes(
        ids in prop::collection::vec(any_id(), 0..6),
        input in value(),
    ) {
        let ctx = TransformContext::default();
        let chain: Chain = ids.iter().copied().collect();
        let mut last = input.clone();
        let mut count = 0;
        chain.for_each_step(&input, &ctx, |_, _, value, changed| {
            assert_eq!(changed, value != last.as_slice());
            last = value.to_vec();
            count += 1;
        });
        prop_assert_eq!(count, chain.len());
        prop_assert_eq!(&last[..], &chain.apply(&input, &ctx)[..]);
    }
}
