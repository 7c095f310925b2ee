//! Prefilter scan throughput: one automaton over the literals of every CRS operator (695
//! slots), scanning the corpus values; and the per-scan cost on short values.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palisade_match::prefilter::{CandidateSet, PrefilterBuilder};
use palisade_match::{CompileContext, Operator};
use palisade_seclang::FsSource;

fn bench(c: &mut Criterion) {
    let source = FsSource::new();
    let mut builder = PrefilterBuilder::new();
    for o in common::crs::crs_operators() {
        let ctx = CompileContext::new(&source).with_rule_file(&o.file);
        let op = Operator::compile(o.name, &o.argument(), &ctx).unwrap();
        builder.add_operator(&op);
    }
    let prefilter = builder.build();
    let (benign, attack) = common::values();
    let short: Vec<Vec<u8>> = benign
        .iter()
        .filter(|v| (10..=200).contains(&v.len()))
        .cloned()
        .collect();
    let lowered: Vec<Vec<u8>> = benign.iter().map(|v| v.to_ascii_lowercase()).collect();
    let mut group = c.benchmark_group("prefilter_scan");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for (label, values) in [
        ("benign", &benign),
        ("benign_lowercased", &lowered),
        ("attack", &attack),
        ("short_10_200", &short),
    ] {
        group.throughput(Throughput::Bytes(common::bytes(values)));
        group.bench_function(label, |b| {
            let mut set = CandidateSet::new();
            b.iter(|| {
                let mut n = 0;
                for v in values.iter() {
                    prefilter.scan(black_box(v), &mut set);
                    n += set.len();
                }
                n
            })
        });
    }
    group.finish();
    println!(
        "prefilter_scan: {} values ({} bytes) benign, {} attack, {} short; {:?}",
        benign.len(),
        common::bytes(&benign),
        attack.len(),
        short.len(),
        prefilter.stats()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
