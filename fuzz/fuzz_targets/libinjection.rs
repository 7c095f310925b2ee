//! Fuzzes the libinjection detectors: no panic, no hang, deterministic answers, and a
//! well-formed fingerprint (one to five token-type characters) whenever SQLi is found.
//!
//! Run: `cargo +nightly fuzz run libinjection -- -max_len=4096` from the repository root.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let fp = palisade_libinjection::sqli(data);
    if let Some(fp) = fp {
        let b = fp.as_bytes();
        assert!((1..=5).contains(&b.len()), "fingerprint length {}", b.len());
        assert!(
            b.iter().all(|c| b"kUBEtfn1vso&cA(){}.,:;T?X\\".contains(c)),
            "fingerprint {fp}"
        );
    }
    assert_eq!(
        palisade_libinjection::sqli(data),
        fp,
        "sqli is deterministic"
    );
    let xss = palisade_libinjection::xss(data);
    assert_eq!(
        palisade_libinjection::xss(data),
        xss,
        "xss is deterministic"
    );
});
