//! Property tests: every parser takes arbitrary bytes without panicking, stays within its
//! bounds, and gives the same result whether a multipart body arrives whole or in chunks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use core::ops::ControlFlow;

use palisade_request::multipart::{self, CollectMultipart, Multipart};
use palisade_request::xml::{self, XPath};
use palisade_request::{ArgLimit, BodyConfig, CollectArgs, cookies, json, uri, urlencoded};
use proptest::prelude::*;

/// Bytes biased towards the characters each grammar cares about.
fn bytes_from(alphabet: &'static [u8], max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(alphabet),
            1 => any::<u8>(),
        ],
        0..max,
    )
}

const JSON_ALPHABET: &[u8] = b"{}[]:,\"\\u0123456789abcdefEe+-.tfnrl \t\n/";
const MP_ALPHABET: &[u8] = b"-B\r\n:;=\"' \tContent-Disposition form-data name filename*%";
const XML_ALPHABET: &[u8] = b"<>/?!=\"'&;#x[]-ab: \nCDATADOCTYPEENTITYSYSTEM";
const URL_ALPHABET: &[u8] = b"%+&=?#/:;abcdef0129 ";

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn uri_split_never_panics(raw in bytes_from(URL_ALPHABET, 200)) {
        let s = uri::split(&raw);
        // The raw path and query string are pieces of the target.
        prop_assert!(s.path_raw.len() <= raw.len());
        prop_assert!(s.filename.len() <= s.path_raw.len());
        if let Some(q) = s.query_string {
            prop_assert!(q.len() < raw.len());
        }
        let _ = s.basename();
    }

    #[test]
    fn urlencoded_never_panics(data in bytes_from(URL_ALPHABET, 300), sep in prop::sample::select(&b"&;|"[..])) {
        let mut sink = CollectArgs::default();
        let o = urlencoded::parse(&data, sep, &mut sink);
        prop_assert_eq!(o.args, sink.0.len());
        let total: usize = sink.0.iter().map(|(k, v)| k.len() + v.len()).sum();
        prop_assert!(total <= data.len());
    }

    #[test]
    fn cookies_never_panic(data in bytes_from(b"; =\t,abc", 200)) {
        let mut n = 0;
        cookies::parse(&data, |k, _| { assert!(!k.is_empty()); n += 1; });
        prop_assert!(n <= data.len());
    }

    #[test]
    fn json_never_panics(body in bytes_from(JSON_ALPHABET, 400), depth in 1u32..20, limit in 0usize..50) {
        let mut sink = ArgLimit::new(CollectArgs::default(), 0, limit);
        let r = json::parse(&body, depth, &mut sink);
        if let Ok(n) = r {
            prop_assert!(n <= limit);
        }
        if let Err(e) = r {
            prop_assert!(e.reqbody_error_msg().starts_with("JSON parsing error: "));
        }
    }

    #[test]
    fn multipart_never_panics(
        ct in prop_oneof![
            Just(b"multipart/form-data; boundary=B".to_vec()),
            Just(b"multipart/form-data; boundary=\"B\"".to_vec()),
            bytes_from(b"multipart/form-data; boundary=\"B \t,", 60),
        ],
        body in bytes_from(MP_ALPHABET, 600),
        step in 1usize..64,
        keep in any::<bool>(),
    ) {
        let cfg = BodyConfig { multipart_keep_files: keep, multipart_file_limit: 2, multipart_file_content: 16, ..BodyConfig::default() };
        let mut whole = CollectMultipart::default();
        let o1 = multipart::parse(&ct, &body, &cfg, &mut whole);
        let mut chunked = CollectMultipart::default();
        let mut m = Multipart::new(&ct, &cfg);
        for c in body.chunks(step) {
            m.feed(c, &mut chunked);
        }
        let o2 = m.finish(&mut chunked);
        prop_assert_eq!(&o1, &o2);
        prop_assert_eq!(&whole, &chunked);
        for f in &whole.files {
            prop_assert!(f.content.len() <= 16);
        }
        if let Some(e) = &o1.error {
            prop_assert!(e.reqbody_error_msg().starts_with(b"Multipart parsing error: Multipart: "));
        }
    }

    #[test]
    fn xml_never_panics(body in bytes_from(XML_ALPHABET, 400)) {
        let cfg = BodyConfig { xml_depth: 8, xml_nodes: 200, ..BodyConfig::default() };
        if let Ok(doc) = xml::parse(&body, &cfg) {
            for x in ["/*", "//@*", "//*", "//text()", "/", "//a//b/@*"] {
                let x = XPath::compile(x).unwrap();
                let mut n = 0usize;
                x.eval(&doc, &[], |v| n += v.len());
                prop_assert!(n <= 8 * body.len() + 8);
            }
        }
    }

    #[test]
    fn xpath_compile_never_panics(expr in "[/@*a-z:()\\[\\]|.0-9 ]{0,20}") {
        let _ = XPath::compile(&expr);
    }
}

#[test]
fn sink_break_stops_json_immediately() {
    let mut calls = 0;
    let r = json::parse(b"[1,2,3,4]", 10, &mut |_: &[u8], _: &[u8]| {
        calls += 1;
        ControlFlow::Break(())
    });
    assert_eq!(r, Err(json::JsonError::ArgumentsLimit));
    assert_eq!(calls, 1);
}
