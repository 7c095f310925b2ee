//! Where a ruleset's memory goes: loads rule files with a counting global allocator and
//! prints the live heap and its peak across parsing and compiling, the resident set growth
//! split into anonymous (heap) and file-backed (code, data files) pages, and the prefilter's
//! and `@pm` operators' own table sizes.
//!
//! ```sh
//! cargo run --release -p palisade-engine --example ruleset_memory -- \
//!     ../shared/bench/modsec/conf/crs4-pl1.conf
//! ```
//!
//! "Fragmentation" below is the anonymous RSS growth minus the live heap after the load: freed
//! load temporaries that the allocator keeps mapped (glibc returns memory to the system only
//! from the top of its heap and for large blocks), plus the allocator's own overhead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use palisade_engine::ruleset::compile::{CompileInput, compile};
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// A field of `/proc/self/status`, KiB (0 where there is none).
fn status_kib(field: &str) -> i64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .strip_prefix(':')?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn kib(bytes: usize) -> i64 {
    i64::try_from(bytes / 1024).unwrap_or(i64::MAX)
}

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    assert!(!paths.is_empty(), "usage: ruleset_memory RULES.conf…");
    let (anon0, file0, rss0) = (
        status_kib("RssAnon"),
        status_kib("RssFile"),
        status_kib("VmRSS"),
    );
    let heap0 = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let source = palisade_seclang::FsSource::new();
    let loaded = palisade_seclang::load(&source, &paths);
    assert!(loaded.is_ok(), "parse errors: {:?}", loaded.diagnostics);
    let parsed = HEAP.current_usage() - heap0;
    let parse_peak = HEAP.peak_usage() - heap0;
    HEAP.reset_peak_usage();
    let log = palisade_engine::host::NoHostLog;
    let input = CompileInput {
        directives: &loaded.directives,
        files: &loaded.files,
        log: &log,
        source: &source,
    };
    let ruleset = compile(&input).expect("compiles");
    let compile_peak = HEAP.peak_usage() - heap0;
    let with_ast = HEAP.current_usage() - heap0;
    drop(loaded);
    let live = HEAP.current_usage() - heap0;
    let (anon, file, rss) = (
        status_kib("RssAnon") - anon0,
        status_kib("RssFile") - file0,
        status_kib("VmRSS") - rss0,
    );
    println!("rules: {} links", ruleset.rules.len());
    println!(
        "heap: parsed directives {} KiB (peak while parsing {} KiB)",
        kib(parsed),
        kib(parse_peak)
    );
    println!(
        "heap: after compile {} KiB with the directives, peak while compiling {} KiB",
        kib(with_ast),
        kib(compile_peak)
    );
    println!("heap: live ruleset {} KiB", kib(live));
    println!("rss: +{rss} KiB = anon +{anon} KiB + file +{file} KiB");
    println!(
        "rss anon - live heap: {} KiB (freed load temporaries kept mapped, allocator overhead)",
        anon - kib(live)
    );
    let pf = &ruleset.prefilter;
    println!(
        "prefilter: {} slots, {} with literals, {} literals, {} conditioned, {} KiB tables",
        pf.slots(),
        pf.with_literals,
        pf.literals,
        pf.conditioned,
        pf.memory_usage() / 1024
    );
    let (states, rows) = pf.automaton_size();
    println!("prefilter automaton: {states} states, {rows} rows");
    drop(ruleset);
    println!(
        "heap after dropping the ruleset: {} KiB",
        kib(HEAP.current_usage() - heap0)
    );
}
