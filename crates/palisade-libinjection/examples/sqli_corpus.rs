//! Runs a detector over every value of the benchmark corpus (see `benches/support/corpus.rs`)
//! a number of times and prints the hit count: a fixed workload for `valgrind --tool=callgrind`.
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
    let mut hits = 0usize;
    for _ in 0..rounds {
        for v in &values {
            hits += usize::from(match which.as_str() {
                "xss" => palisade_libinjection::xss(v),
                _ => palisade_libinjection::sqli(v).is_some(),
            });
        }
    }
    println!(
        "{which}: {} values, {bytes} bytes, {rounds} rounds, {hits} hits",
        values.len()
    );
}
