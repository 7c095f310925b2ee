//! What the engine benches share: the CRS configurations of ModSecurity's harness
//! (`shared/bench/modsec/conf`), requests picked from the shared corpus, and generated bodies.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use palisade::Waf;
use palisade::replay::Request;

/// A configuration of ModSecurity's harness (`crs4-pl1`, `crs4-pl2`, `base-only`).
pub fn conf(name: &str) -> PathBuf {
    palisade_testdata::bench_dir()
        .join("modsec/conf")
        .join(format!("{name}.conf"))
}

/// A WAF built from a harness configuration.
pub fn waf(name: &str) -> Waf {
    Waf::builder().rules_file(conf(name)).build().unwrap()
}

/// A WAF built from a harness configuration with the memo and prefilter set.
pub fn waf_with(name: &str, memoize: bool, prefilter: bool) -> Waf {
    Waf::builder()
        .rules_file(conf(name))
        .optimizations(memoize, prefilter)
        .build()
        .unwrap()
}

/// One corpus entry: class (from labels.tsv) and request.
pub struct Entry {
    /// The class from labels.tsv (`page`, `form`, `json`, …).
    pub class: String,
    /// `benign` or `attack`.
    pub kind: String,
    /// The request.
    pub request: Request,
}

/// The shared corpus with its labels.
pub fn corpus() -> Vec<Entry> {
    let dir = palisade_testdata::bench_dir();
    let labels = std::fs::read_to_string(dir.join("labels.tsv")).unwrap();
    let class: std::collections::HashMap<u64, String> = labels
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((f.first()?.parse().ok()?, (*f.get(2)?).to_owned()))
        })
        .collect();
    let text = std::fs::read_to_string(dir.join("requests.jsonl")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (request, kind) = palisade::replay::parse_corpus_line(l, 0).unwrap();
            Entry {
                class: class.get(&request.id).cloned().unwrap_or_default(),
                kind,
                request,
            }
        })
        .collect()
}

/// The benign request of `class` whose body length (or URI length, without a body) is the
/// median of its class: a typical one.
pub fn typical(corpus: &[Entry], class: &str) -> Request {
    let mut of: Vec<&Entry> = corpus
        .iter()
        .filter(|e| e.kind == "benign" && e.class == class)
        .collect();
    of.sort_by_key(|e| (e.request.body.len(), e.request.uri.len(), e.request.id));
    of[of.len() / 2].request.clone()
}

/// The benign JSON request whose body is closest to `bytes`.
pub fn json_near(corpus: &[Entry], bytes: usize) -> Request {
    corpus
        .iter()
        .filter(|e| e.kind == "benign" && e.class == "json")
        .min_by_key(|e| e.request.body.len().abs_diff(bytes))
        .unwrap()
        .request
        .clone()
}

/// A JSON API body of about `bytes` bytes, shaped like the corpus's order and event bodies:
/// nested objects and arrays, short strings, numbers, some free text.
pub fn json_body(bytes: usize) -> Vec<u8> {
    let mut items = Vec::new();
    let mut i = 0usize;
    let mut len = 64;
    while len < bytes {
        let item = format!(
            "{{\"sku\":\"SKU-{:05}\",\"name\":\"Organic cotton t-shirt, size {}\",\"qty\":{},\
             \"price\":{}.{:02},\"tags\":[\"summer\",\"sale\",\"cotton\"],\
             \"meta\":{{\"color\":\"navy blue\",\"note\":\"Please gift-wrap it; it's for my \
             sister's birthday.\"}}}}",
            i * 7919 % 100_000,
            ["S", "M", "L", "XL"][i % 4],
            i % 5 + 1,
            i % 90 + 9,
            i * 37 % 100
        );
        len += item.len() + 1;
        items.push(item);
        i += 1;
    }
    format!(
        "{{\"order\":{{\"id\":\"ord_8f2c1a\",\"currency\":\"EUR\",\"items\":[{}]}},\"coupon\":null}}",
        items.join(",")
    )
    .into_bytes()
}

/// A request to `/api/orders` carrying `body` as JSON.
pub fn json_request(body: Vec<u8>) -> Request {
    Request {
        id: 4242,
        method: "POST".into(),
        uri: "/api/orders".into(),
        version: "HTTP/1.1".into(),
        headers: vec![
            ("Host".into(), "api.example.com".into()),
            (
                "User-Agent".into(),
                "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0".into(),
            ),
            ("Accept".into(), "application/json".into()),
            ("Content-Type".into(), "application/json".into()),
            ("Content-Length".into(), body.len().to_string()),
        ],
        body,
    }
}
