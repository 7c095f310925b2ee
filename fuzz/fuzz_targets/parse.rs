//! Fuzzes the SecLang parser: any bytes (read as UTF-8, lossily) must parse without panicking,
//! and every directive the parser keeps must print as text that parses back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_seclang::{FileId, FileTable, check, parse_str};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let out = parse_str(&text, FileId(0));
    let _ = check(&out.directives, &FileTable::new());
    for d in &out.diagnostics {
        let _ = d.render("fuzz.conf", &text);
    }
    let printed: String = out.directives.iter().map(|d| format!("{d}\n")).collect();
    let again = parse_str(&printed, FileId(0));
    assert_eq!(
        again.directives, out.directives,
        "printed text does not parse back:\n{printed}"
    );
});
