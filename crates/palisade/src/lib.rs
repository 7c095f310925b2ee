//! Palisade: a web application firewall engine that runs ModSecurity SecLang rules, above all
//! the OWASP Core Rule Set v4, inside proxies.
//!
//! This crate is the public Rust API that a proxy links.

pub use palisade_engine as engine;
