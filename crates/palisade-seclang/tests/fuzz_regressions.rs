//! Inputs the fuzzer (`fuzz/fuzz_targets/parse.rs`) found: each must parse without panicking
//! and every kept directive must print as text that parses back to it. One file per finding
//! under `tests/fuzz/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade_seclang::{FileId, FileTable, check, parse_str};

#[test]
fn fuzz_findings_round_trip() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&data);
        let out = parse_str(&text, FileId(0));
        let _ = check(&out.directives, &FileTable::new());
        let printed: String = out.directives.iter().map(|d| format!("{d}\n")).collect();
        let again = parse_str(&printed, FileId(0));
        assert_eq!(
            again.directives,
            out.directives,
            "{}:\n{printed}",
            path.display()
        );
        n += 1;
    }
    println!("fuzz regressions: {n} inputs round-trip");
    assert!(n >= 1);
}
