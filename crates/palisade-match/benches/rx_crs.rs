//! Every CRS `@rx` on benign and attack values of the benchmark corpus.
//!
//! - `crs_rx/{benign,attack}/all`: all 294 distinct patterns on every sampled value.
//! - `crs_rx/{benign,attack}/prefiltered`: the same work behind the prefilter (one scan per
//!   value, then only the candidate patterns).
//! - `crs_rx_each/{benign,attack}`: each pattern alone, timed once and printed (median and
//!   slowest patterns), outside criterion.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palisade_match::prefilter::{CandidateSet, PrefilterBuilder};
use palisade_match::{CompileContext, EvalContext, NoMacros, Operator};
use palisade_seclang::{FsSource, OperatorName};

fn rx_operators() -> Vec<(String, Operator)> {
    let source = FsSource::new();
    let mut seen = std::collections::HashSet::new();
    common::crs::crs_operators()
        .into_iter()
        .filter(|o| o.name == OperatorName::Rx && seen.insert(o.arg.clone()))
        .map(|o| {
            let op =
                Operator::compile(o.name, &o.argument(), &CompileContext::new(&source)).unwrap();
            (
                format!(
                    "{}-{}",
                    o.id.clone().unwrap_or_else(|| "chain".into()),
                    o.line
                ),
                op,
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let ops = rx_operators();
    let (benign, attack) = common::values();
    let sets = [
        ("benign", common::every(&benign, 40)),
        ("attack", common::every(&attack, 2)),
    ];
    let mut builder = PrefilterBuilder::new();
    for (_, op) in &ops {
        builder.add_operator(op);
    }
    let prefilter = builder.build();
    let mut group = c.benchmark_group("crs_rx");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for (label, values) in &sets {
        group.throughput(Throughput::Bytes(common::bytes(values) * ops.len() as u64));
        group.bench_function(format!("{label}/all"), |b| {
            b.iter(|| {
                let mut n = 0;
                for v in values {
                    for (_, op) in &ops {
                        n += usize::from(
                            op.evaluate(black_box(v), &mut EvalContext::new(&NoMacros)),
                        );
                    }
                }
                n
            })
        });
        group.bench_function(format!("{label}/prefiltered"), |b| {
            let mut set = CandidateSet::new();
            b.iter(|| {
                let mut n = 0;
                for v in values {
                    prefilter.scan(black_box(v), &mut set);
                    for slot in set.iter() {
                        n += usize::from(ops[slot].1.evaluate(v, &mut EvalContext::new(&NoMacros)));
                    }
                }
                n
            })
        });
    }
    group.finish();

    // Each pattern alone, timed once over the benign and attack samples (informative, not a
    // criterion measurement: 294 of those would take most of an hour).
    for (label, values) in &sets {
        let mut times: Vec<(f64, &str)> = ops
            .iter()
            .map(|(id, op)| {
                let t = std::time::Instant::now();
                for _ in 0..3 {
                    for v in values {
                        black_box(op.evaluate(black_box(v), &mut EvalContext::new(&NoMacros)));
                    }
                }
                (t.elapsed().as_secs_f64() / 3.0, id.as_str())
            })
            .collect();
        times.sort_by(|a, b| b.0.total_cmp(&a.0));
        let total: f64 = times.iter().map(|t| t.0).sum();
        let mb = common::bytes(values) as f64 / (1024.0 * 1024.0);
        println!(
            "crs_rx_each/{label}: {} patterns over {:.2} MiB: median {:.0} MiB/s, slowest: {}",
            times.len(),
            mb,
            mb / times[times.len() / 2].0,
            times
                .iter()
                .take(8)
                .map(|(t, id)| format!("{id} {:.0} MiB/s", mb / t))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = total;
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
