//! Fuzzes the XML body processor and the XPath subset over what it parses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_request::BodyConfig;
use palisade_request::xml::{self, XPath};

fuzz_target!(|data: &[u8]| {
    let cfg = BodyConfig {
        xml_nodes: 10_000,
        ..BodyConfig::default()
    };
    if let Ok(doc) = xml::parse(data, &cfg) {
        for x in ["/*", "//@*", "//*", "//text()"] {
            if let Ok(x) = XPath::compile(x) {
                x.eval(&doc, &[], |v| {
                    std::hint::black_box(v);
                });
            }
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = XPath::compile(s);
    }
});
