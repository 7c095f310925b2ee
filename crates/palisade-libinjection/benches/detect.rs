//! Criterion benches for `sqli` and `xss` over real values: the 117,663 values a WAF inspects
//! in the benchmark corpus (`shared/bench/requests.jsonl`: path, query and form arguments and
//! their names, JSON keys and strings, header values, cookie names and values; see
//! `support/corpus.rs`), benign and attack requests apart and all together. Throughput is
//! reported in bytes of input per second; divide the time by the value count for ns per value.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "support/corpus.rs"]
mod corpus;

fn bench(c: &mut Criterion) {
    let (benign, attack) = corpus::values();
    let all: Vec<Vec<u8>> = benign.iter().chain(&attack).cloned().collect();
    for (set_name, values) in [("benign", &benign), ("attack", &attack), ("all", &all)] {
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
