//! Conformance suites for Palisade. Each suite is an integration test in this folder
//! (see `Cargo.toml`) and ends with one line saying how many cases passed.
