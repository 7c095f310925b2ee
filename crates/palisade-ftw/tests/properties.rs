//! Property tests: the HTTP parser, the template renderer, request building and the checks never
//! panic on arbitrary input, and well-formed requests survive a build → parse round trip.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_ftw::build::build_request;
use palisade_ftw::check::{Observed, check, rule_ids};
use palisade_ftw::http::response::parse_response;
use palisade_ftw::http::{ParserConfig, parse_request, parse_request_with};
use palisade_ftw::model::{HeaderTuple, Input, Output};
use palisade_ftw::template::render;
use proptest::prelude::*;

fn http_like() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        &b"GET "[..],
        b"POST ",
        b"/a?b=c ",
        b"HTTP/1.1",
        b"HTTP/1.0",
        b"\r\n",
        b"\n",
        b"Host: h",
        b"Content-Length: 3",
        b"Content-Length: 99999999999999999999999",
        b"Transfer-Encoding: chunked",
        b"3\r\nabc\r\n0\r\n\r\n",
        b"ffffffff\r\n",
        b": ",
        b" ",
        b"\t",
        b"\x00",
        b"\r",
        b"#",
        b"abc",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parser_never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_request(&bytes);
        let _ = parse_response(&bytes, false, true);
    }

    #[test]
    fn parser_never_panics_on_http_like_bytes(bytes in http_like()) {
        let small = ParserConfig { max_line: 40, max_field: 40, max_headers: 3, max_body: 16, ..ParserConfig::default() };
        let r = parse_request_with(&bytes, &small);
        if let Ok(req) = r {
            prop_assert!(req.body.len() <= 16);
            prop_assert!(req.headers.len() <= 3);
            prop_assert!(req.unread <= bytes.len());
        }
        let _ = parse_request(&bytes);
        let _ = parse_response(&bytes, false, false);
    }

    #[test]
    fn template_never_panics(s in "[{}\"'`a-z0-9 |().$/*-]{0,64}") {
        let _ = render(s.as_bytes());
    }

    #[test]
    fn plain_text_renders_verbatim(s in "[^{]{0,64}") {
        prop_assert_eq!(render(s.as_bytes()).unwrap(), s.as_bytes());
    }

    #[test]
    fn build_never_panics(
        method in "\\PC{0,8}", uri in "\\PC{0,16}", version in "\\PC{0,10}",
        data in proptest::option::of("\\PC{0,32}"),
        enc in "[A-Za-z0-9+/=\n]{0,12}",
        names in prop::collection::vec(("[A-Za-z-]{0,8}", "\\PC{0,8}"), 0..4),
        auto in any::<bool>(),
    ) {
        let input = Input {
            method: Some(method),
            uri: Some(uri),
            version: Some(version),
            data,
            encoded_request: enc,
            autocomplete_headers: Some(auto),
            ordered_headers: Some(names.into_iter().map(|(name, value)| HeaderTuple { name, value }).collect()),
            ..Input::default()
        };
        if let Ok(b) = build_request(&input) {
            let _ = parse_request(&b.bytes);
        }
    }

    #[test]
    fn well_formed_requests_round_trip(
        path in "/[a-z0-9/._-]{0,20}",
        query in proptest::option::of("[a-z0-9=&]{0,20}"),
        headers in prop::collection::btree_map("X-[a-z]{1,8}", "[ -~]{0,20}", 0..5),
        body in "[ -~]{0,40}",
    ) {
        let body = body.replace('{', "(");
        let uri = match &query { Some(q) => format!("{path}?{q}"), None => path.clone() };
        let mut hs = headers.clone();
        hs.insert("Host".into(), "localhost".into());
        hs.insert("Content-Type".into(), "text/plain".into());
        let input = Input {
            method: Some("POST".into()),
            uri: Some(uri.clone()),
            headers: Some(hs),
            data: Some(body.clone()),
            ..Input::default()
        };
        let built = build_request(&input).unwrap();
        let req = parse_request(&built.bytes).unwrap();
        prop_assert_eq!(req.method.as_str(), "POST");
        prop_assert_eq!(req.target.as_slice(), uri.as_bytes());
        prop_assert_eq!(req.body.as_slice(), body.as_bytes());
        for (k, v) in &headers {
            prop_assert_eq!(req.header(k).unwrap(), v.trim_matches(|c| c == ' ' || c == '\t').as_bytes());
        }
        prop_assert_eq!(req.unread, 0);
    }

    #[test]
    fn checks_never_panic(
        lines in prop::collection::vec("\\PC{0,40}", 0..4),
        regex in "\\PC{0,8}",
        status in any::<u16>(),
    ) {
        let mut out = Output { status: 200, response_contains: regex.clone(), ..Output::default() };
        out.log.match_regex = regex.clone();
        out.log.no_match_regex = regex;
        out.log.expect_ids = Some(vec![1]);
        let _ = rule_ids(&lines);
        let _ = check(&out, &Observed { transport_error: None, status: Some(status), raw_response: b"x", log: &lines });
    }
}
