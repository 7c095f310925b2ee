//! Criterion benches for `sqli` and `xss` over real values: the benign and the attack
//! requests of the benchmark corpus (`shared/bench/requests.jsonl`), split into the values
//! a WAF inspects (query and form arguments, JSON strings, header and cookie values).
//! Throughput is reported in bytes of input per second.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'+' {
            out.push(b' ');
        } else if s[i] == b'%'
            && i + 2 < s.len()
            && let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        } else {
            out.push(s[i]);
        }
        i += 1;
    }
    out
}

fn json_strings(v: &serde_json::Value, out: &mut Vec<Vec<u8>>) {
    match v {
        serde_json::Value::String(s) => out.push(s.as_bytes().to_vec()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// (benign values, attack values) of the benchmark corpus.
fn corpus_values() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let path = palisade_testdata::bench_dir().join("requests.jsonl");
    let text = std::fs::read_to_string(path).expect("read requests.jsonl");
    let (mut benign, mut attack) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let r: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let mut values = Vec::new();
        let uri = r["uri"].as_str().unwrap_or_default().as_bytes();
        if let Some(q) = uri.iter().position(|&b| b == b'?') {
            for pair in uri[q + 1..].split(|&b| b == b'&') {
                let v = pair.splitn(2, |&b| b == b'=').nth(1).unwrap_or(pair);
                values.push(percent_decode(v));
            }
        }
        for h in r["headers"].as_array().into_iter().flatten() {
            values.push(h[1].as_str().unwrap_or_default().as_bytes().to_vec());
        }
        let body = r["body"].as_str().unwrap_or_default().as_bytes();
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
            json_strings(&json, &mut values);
        } else if !body.is_empty() && !body.contains(&b'\n') {
            for pair in body.split(|&b| b == b'&') {
                let v = pair.splitn(2, |&b| b == b'=').nth(1).unwrap_or(pair);
                values.push(percent_decode(v));
            }
        }
        values.retain(|v| !v.is_empty());
        if r["kind"] == "attack" {
            attack.extend(values);
        } else {
            benign.extend(values);
        }
    }
    (benign, attack)
}

fn bench(c: &mut Criterion) {
    let (benign, attack) = corpus_values();
    for (set_name, values) in [("benign", &benign), ("attack", &attack)] {
        let bytes: usize = values.iter().map(Vec::len).sum();
        let mut group = c.benchmark_group(format!("libinjection/{set_name}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("sqli ({} values, {bytes} B)", values.len()), |b| {
            b.iter(|| {
                let mut hits = 0usize;
                for v in values {
                    hits += usize::from(palisade_libinjection::sqli(black_box(v)).is_some());
                }
                hits
            })
        });
        group.bench_function(format!("xss ({} values, {bytes} B)", values.len()), |b| {
            b.iter(|| {
                let mut hits = 0usize;
                for v in values {
                    hits += usize::from(palisade_libinjection::xss(black_box(v)));
                }
                hits
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
