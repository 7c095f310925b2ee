//! Runs a detector over every value of the benchmark corpus (see `benches/support/corpus.rs`)
//! a number of times and prints the hit count: a fixed workload for `valgrind --tool=callgrind --toggle-collect='sqli_corpus::run_all'`.
//!
//! Usage: `cargo run --release -p palisade-libinjection --example sqli_corpus -- [sqli|xss] [ROUNDS]`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "sqli".to_string());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let (benign, attack) = corpus::values();
    let values: Vec<Vec<u8>> = benign.into_iter().chain(attack).collect();
    let bytes: usize = values.iter().map(Vec::len).sum();
    let xss = which == "xss";
    let mut hits = 0usize;
    for _ in 0..rounds {
        hits += run_all(&values, xss);
    }
    println!(
        "{which}: {} values, {bytes} bytes, {rounds} rounds, {hits} hits",
        values.len()
    );
}

/// The measured loop (`valgrind --tool=callgrind --toggle-collect='sqli_corpus::run_all'`).
#[inline(never)]
fn run_all(values: &[Vec<u8>], xss: bool) -> usize {
    let mut hits = 0;
    for v in values {
        hits += usize::from(if xss {
            palisade_libinjection::xss(v)
        } else {
            palisade_libinjection::sqli(v).is_some()
        });
    }
    hits
}
