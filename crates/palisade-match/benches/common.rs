//! Shared bench inputs: CRS operators and the benchmark corpus values.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/crs.rs"]
pub mod crs;

/// Benign and attack values of the corpus (as sent, not lowercased), capped per request so
/// that a few huge bodies do not dominate.
pub fn values() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut benign = Vec::new();
    let mut attack = Vec::new();
    for (kind, vals) in palisade_testdata::bench_request_values() {
        let target = if kind == "attack" {
            &mut attack
        } else {
            &mut benign
        };
        for v in vals {
            if !v.is_empty() && v.len() <= 4096 {
                target.push(v);
            }
        }
    }
    (benign, attack)
}

/// Every `step`-th value.
pub fn every(values: &[Vec<u8>], step: usize) -> Vec<Vec<u8>> {
    values.iter().step_by(step.max(1)).cloned().collect()
}

/// Total bytes.
pub fn bytes(values: &[Vec<u8>]) -> u64 {
    values.iter().map(|v| v.len() as u64).sum()
}
