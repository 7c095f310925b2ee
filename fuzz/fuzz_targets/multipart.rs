//! Fuzzes the multipart body processor, fed whole and in chunks (both must agree). An input
//! starting with `!` carries its own Content-Type on its first line; any other input is a body
//! for `boundary=B`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_request::BodyConfig;
use palisade_request::multipart::{self, CollectMultipart, Multipart};

fuzz_target!(|data: &[u8]| {
    let fixed = &b"multipart/form-data; boundary=B"[..];
    let (ct, body) = match data.strip_prefix(b"!") {
        Some(rest) => match rest.iter().position(|&c| c == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (fixed, rest),
        },
        None => (fixed, data),
    };
    let cfg = BodyConfig {
        multipart_keep_files: true,
        multipart_file_limit: 3,
        ..BodyConfig::default()
    };
    let mut a = CollectMultipart::default();
    let o1 = multipart::parse(ct, body, &cfg, &mut a);
    let mut b = CollectMultipart::default();
    let mut m = Multipart::new(ct, &cfg);
    for c in body.chunks(7) {
        m.feed(c, &mut b);
    }
    let o2 = m.finish(&mut b);
    assert_eq!(o1, o2);
    assert_eq!(a, b);
});
