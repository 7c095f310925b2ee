//! Criterion benches for the SQLi and XSS detectors (placeholder, filled below).
fn main() {}
