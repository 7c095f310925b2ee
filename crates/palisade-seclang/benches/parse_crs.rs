//! Parsing all of OWASP CRS v4.28 (`crs-setup.conf.example` and `rules/*.conf`), from text
//! already in memory: `parse_str` file by file, and `load` through a `MemorySource` (which adds
//! the cross-directive checks); also printing the AST back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palisade_seclang::{FileId, MemorySource, load, parse_str};

fn crs() -> Vec<(PathBuf, String)> {
    palisade_testdata::crs_rule_files()
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let files = crs();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mut group = c.benchmark_group("crs");
    group.throughput(Throughput::Bytes(bytes as u64));

    group.bench_function("parse_str", |b| {
        b.iter(|| {
            let mut n = 0;
            for (i, (_, text)) in files.iter().enumerate() {
                let out = parse_str(black_box(text), FileId(i as u32));
                n += out.directives.len();
            }
            assert_eq!(n, 794);
            n
        })
    });

    let mut mem = MemorySource::new();
    for (p, t) in &files {
        mem.insert(p.clone(), t.clone());
    }
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    group.bench_function("load", |b| {
        b.iter(|| {
            let loaded = load(black_box(&mem), &paths);
            assert!(loaded.is_ok());
            loaded.directives.len()
        })
    });

    let parsed: Vec<_> = files
        .iter()
        .map(|(_, t)| parse_str(t, FileId(0)).directives)
        .collect();
    group.bench_function("print", |b| {
        b.iter(|| {
            let mut len = 0;
            for file in &parsed {
                for d in file {
                    len += black_box(d.to_string()).len();
                }
            }
            len
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
