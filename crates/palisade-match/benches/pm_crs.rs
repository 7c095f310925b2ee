//! `@pmFromFile` with CRS's largest data files, on benign and attack values.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palisade_match::{Captures, CompileContext, EvalContext, NoMacros, Operator};
use palisade_seclang::{FsSource, MacroString, OperatorName};

fn bench(c: &mut Criterion) {
    let source = FsSource::new();
    let crs = palisade_testdata::crs_dir().join("rules");
    let mut files: Vec<(usize, String)> = std::fs::read_dir(&crs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "data"))
        .map(|p| {
            let lines = std::fs::read_to_string(&p).unwrap().lines().count();
            (lines, p.to_string_lossy().into_owned())
        })
        .collect();
    files.sort();
    let largest: Vec<String> = files.iter().rev().take(3).map(|(_, p)| p.clone()).collect();
    let (benign, attack) = common::values();
    let sets = [("benign", common::every(&benign, 10)), ("attack", attack)];
    let mut group = c.benchmark_group("crs_pm");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for path in &largest {
        let op = Operator::compile(
            OperatorName::PmFromFile,
            &MacroString::literal(path),
            &CompileContext::new(&source),
        )
        .unwrap();
        let name = std::path::Path::new(path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for (label, values) in &sets {
            group.throughput(Throughput::Bytes(common::bytes(values)));
            group.bench_function(format!("{name}/{label}"), |b| {
                let mut caps = Captures::new();
                b.iter(|| {
                    let mut n = 0;
                    for v in values {
                        caps.clear();
                        let mut ctx = EvalContext::new(&NoMacros).with_captures(&mut caps);
                        n += usize::from(op.evaluate(black_box(v), &mut ctx));
                    }
                    n
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
