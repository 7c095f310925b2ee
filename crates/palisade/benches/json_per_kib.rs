//! The cost per KiB of JSON request body with CRS v4 PL1 (issue 7's third done-when): whole
//! transactions (`shared/bench/modsec/conf/crs4-pl1.conf`) on JSON bodies of 1 to 64 KiB,
//! with byte throughput so that criterion reports MB/s; a constant MB/s across sizes means the
//! cost grows linearly. ModSecurity 3.0.9 spends about 6 ms per KiB here.
//!
//! `cargo bench -p palisade --bench json_per_kib`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use palisade::replay;

fn json_per_kib(c: &mut Criterion) {
    let waf = common::waf("crs4-pl1");
    let mut g = c.benchmark_group("crs_pl1_json_body");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for kib in [1usize, 2, 4, 8, 16, 32, 64] {
        let body = common::json_body(kib * 1024);
        let r = common::json_request(body);
        let v = replay::run_untimed(&waf, &r);
        assert!(!v.disruptive, "{kib} KiB body blocked: {:?}", v.rule_ids);
        g.throughput(Throughput::Bytes(r.body.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{kib}KiB")),
            &r,
            |b, r| b.iter(|| black_box(replay::run_untimed(&waf, r))),
        );
    }
    g.finish();
}

criterion_group!(benches, json_per_kib);
criterion_main!(benches);
