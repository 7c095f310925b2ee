//! Locates the shared data that tests and benches read but the repository never holds:
//! OWASP CRS, the SecLang operator/transformation vectors, the benchmark corpus and the
//! libinjection oracle.
//!
//! Each location comes from an environment variable, else from `../shared/…` beside the
//! workspace root. A test that needs data which is not there fails loudly, naming the variable.

#![allow(clippy::panic)]

mod corpus_values;

pub use corpus_values::{bench_request_values, form_url_decode};

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    // This crate lives at <root>/crates/palisade-testdata.
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .and_then(Path::parent)
        .map_or_else(|| here.to_path_buf(), Path::to_path_buf)
}

fn locate(var: &str, default_rel: &str, what: &str) -> PathBuf {
    let dir = match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => workspace_root().join(default_rel),
    };
    if !dir.is_dir() {
        panic!(
            "\n\n*** {what} not found at {}.\n*** Set {var} to its location (default: {default_rel} \
             beside the workspace root).\n\n",
            dir.display()
        );
    }
    dir
}

/// OWASP CRS v4.28: `$PALISADE_CRS_DIR`, else `../shared/crs`.
pub fn crs_dir() -> PathBuf {
    locate("PALISADE_CRS_DIR", "../shared/crs", "OWASP CRS")
}

/// The SecLang vectors: `$PALISADE_SECLANG_TESTS_DIR`, else `../shared/seclang-tests`.
pub fn seclang_tests_dir() -> PathBuf {
    locate(
        "PALISADE_SECLANG_TESTS_DIR",
        "../shared/seclang-tests",
        "SecLang operator/transformation vectors",
    )
}

/// The benchmark corpus and ModSecurity's verdicts: `$PALISADE_BENCH_DIR`, else `../shared/bench`.
pub fn bench_dir() -> PathBuf {
    locate("PALISADE_BENCH_DIR", "../shared/bench", "benchmark corpus")
}

/// The libinjection oracle sources: `$PALISADE_ORACLE_DIR`, else
/// `../shared/tools/libinjection-oracle`.
pub fn oracle_dir() -> PathBuf {
    locate(
        "PALISADE_ORACLE_DIR",
        "../shared/tools/libinjection-oracle",
        "libinjection oracle",
    )
}

/// CRS's rule files in load order: `crs-setup.conf.example`, then `rules/*.conf` sorted.
pub fn crs_rule_files() -> Vec<PathBuf> {
    let crs = crs_dir();
    let mut rules: Vec<PathBuf> = std::fs::read_dir(crs.join("rules"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "conf"))
                .collect()
        })
        .unwrap_or_default();
    rules.sort();
    let mut files = vec![crs.join("crs-setup.conf.example")];
    files.extend(rules);
    files
}
