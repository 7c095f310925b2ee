//! Fuzzes the URI split, urlencoded argument parsing and cookie parsing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_request::{CollectArgs, cookies, uri, urlencoded};

fuzz_target!(|data: &[u8]| {
    let s = uri::split(data);
    let _ = s.basename();
    let mut sink = CollectArgs::default();
    let sep = data.first().copied().unwrap_or(b'&');
    let o = urlencoded::parse(data, sep, &mut sink);
    assert_eq!(o.args, sink.0.len());
    cookies::parse(data, |k, _| assert!(!k.is_empty()));
});
