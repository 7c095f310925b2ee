//! Fuzz target for `palisade-transform`: the first bytes pick a chain of up to four
//! transformations, the rest is the value. Checks what must hold for any input: no panic,
//! `Cow::Borrowed` exactly when the value is unchanged, the in-place form equal to the borrowed
//! one, and a chain evaluated from a cached prefix equal to the chain evaluated whole.

#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use palisade_transform::{Chain, TransformContext, TransformId, apply, apply_owned};

fuzz_target!(|data: &[u8]| {
    let Some((&picks, rest)) = data.split_first() else {
        return;
    };
    let steps = usize::from(picks % 5);
    if rest.len() < steps {
        return;
    }
    let (choice, value) = rest.split_at(steps);
    let all = TransformId::ALL;
    let chain: Chain = choice
        .iter()
        .map(|&b| all[usize::from(b) % all.len()])
        .collect();
    let ctx = TransformContext::default();

    for &id in chain.ids() {
        let out = apply(id, value, &ctx);
        match &out {
            Cow::Borrowed(b) => assert!(std::ptr::eq(*b, value)),
            Cow::Owned(o) => assert_ne!(o.as_slice(), value),
        }
        assert_eq!(apply_owned(id, value.to_vec(), &ctx), &*out);
    }

    let full = chain.apply(value, &ctx);
    for k in 0..=chain.len() {
        let prefix: Chain = chain.ids()[..k].iter().copied().collect();
        let cached = prefix.apply(value, &ctx);
        assert_eq!(chain.apply_from(k, &cached, &ctx), full);
    }
});
