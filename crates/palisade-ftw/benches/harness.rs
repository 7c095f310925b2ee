//! Harness overhead on the CRS v4.28 suite: building every stage's bytes, parsing them with the
//! HTTP parser, and a whole in-process run without a WAF (what the harness adds on top of the
//! engine's own time).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palisade_ftw::Passthrough;
use palisade_ftw::backend::Albedo;
use palisade_ftw::build::build_request;
use palisade_ftw::http::parse_request;
use palisade_ftw::load::load_paths;
use palisade_ftw::runner::{InProcess, RunConfig, run};

fn bench(c: &mut Criterion) {
    let dir = palisade_testdata::crs_dir().join("tests/regression/tests");
    let (files, errors) = load_paths(&[dir]);
    assert!(errors.is_empty());
    let inputs: Vec<_> = files
        .iter()
        .flat_map(|f| f.tests.iter())
        .flat_map(|t| t.stages.iter().map(|s| s.input.clone()))
        .collect();
    let built: Vec<Vec<u8>> = inputs
        .iter()
        .map(|i| build_request(i).unwrap().bytes)
        .collect();
    let bytes: u64 = built.iter().map(|b| b.len() as u64).sum();

    let mut g = c.benchmark_group("crs_stages");
    g.throughput(Throughput::Elements(inputs.len() as u64));
    g.bench_function("build_request", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|i| build_request(i).unwrap().bytes.len())
                .sum::<usize>()
        })
    });
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("parse_request", |b| {
        b.iter(|| built.iter().filter(|r| parse_request(r).is_ok()).count())
    });
    g.finish();

    let mut g = c.benchmark_group("crs_suite");
    g.sample_size(10);
    let exec = InProcess {
        waf: &Passthrough,
        backend: &Albedo::default(),
        config: Default::default(),
    };
    let config = RunConfig {
        jobs: 1,
        ..RunConfig::default()
    };
    g.bench_function("passthrough_run_1_job", |b| {
        b.iter(|| run(&files, &config, &exec, &|_, _, _| {}).results.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
