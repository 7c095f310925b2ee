//! Fuzzes the JSON body processor with a small depth limit and an argument limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_request::{ArgLimit, CollectArgs, json};

fuzz_target!(|data: &[u8]| {
    let mut sink = ArgLimit::new(CollectArgs::default(), 0, 1000);
    let _ = json::parse(data, 64, &mut sink);
});
