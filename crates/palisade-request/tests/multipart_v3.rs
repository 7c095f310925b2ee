//! Differential test of the multipart processor against libmodsecurity 3.0.9: every row of
//! `tests/data/multipart_v3.tsv` is a (mutated) multipart body with the variables the real
//! ModSecurity set for it (see `tests/data/oracle/README.md`); the processor must produce the
//! same variables, flags and error message, rendered the same way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{esc, unhex};
use palisade_request::BodyConfig;
use palisade_request::multipart::{self, CollectMultipart};

/// Renders the processor's output as the oracle's `dump.conf` renders v3's variables.
fn render(ct: &[u8], body: &[u8]) -> String {
    let config = BodyConfig {
        multipart_v3_0_9: true,
        ..BodyConfig::default()
    };
    let mut sink = CollectMultipart::default();
    let o = multipart::parse(ct, body, &config, &mut sink);
    let mut items: Vec<String> = Vec::new();
    for (k, v) in &sink.args {
        items.push(format!("ARGS:{}:[{}]", esc(k), esc(v)));
    }
    for f in &sink.files {
        items.push(format!("FILES:{}:[{}]", esc(&f.name), esc(&f.filename)));
    }
    for f in &sink.files {
        items.push(format!("FILES_NAMES:{}:[{}]", esc(&f.name), esc(&f.name)));
    }
    for f in &sink.files {
        items.push(format!("FILES_SIZES:{}:[{}]", esc(&f.name), f.size));
    }
    if sink.files.is_empty() {
        items.push("FILES_COMBINED_SIZE:[]".into());
    } else {
        items.push(format!("FILES_COMBINED_SIZE:[{}]", o.files_combined_size));
    }
    for f in &sink.files {
        items.push(format!(
            "FILES_TMP_CONTENT:{}:[{}]",
            esc(&f.name),
            esc(&f.content)
        ));
    }
    for (k, l) in &sink.part_headers {
        items.push(format!("MULTIPART_PART_HEADERS:{}:[{}]", esc(k), esc(l)));
    }
    for n in &sink.names {
        items.push(format!("MULTIPART_NAME:{}:[{}]", esc(n), esc(n)));
    }
    for n in &sink.filenames {
        items.push(format!("MULTIPART_FILENAME:{}:[{}]", esc(n), esc(n)));
    }
    let f = o.flags;
    for (n, on) in [
        ("MULTIPART_STRICT_ERROR", f.strict_error()),
        ("MULTIPART_BOUNDARY_QUOTED", f.boundary_quoted),
        ("MULTIPART_BOUNDARY_WHITESPACE", f.boundary_whitespace),
        ("MULTIPART_DATA_BEFORE", f.data_before),
        ("MULTIPART_DATA_AFTER", f.data_after),
        ("MULTIPART_HEADER_FOLDING", f.header_folding),
        ("MULTIPART_LF_LINE", f.lf_line),
        ("MULTIPART_CRLF_LF_LINES", f.crlf_lf_lines()),
        ("MULTIPART_MISSING_SEMICOLON", f.missing_semicolon),
        ("MULTIPART_INVALID_QUOTING", f.invalid_quoting),
        ("MULTIPART_INVALID_PART", f.invalid_part),
        ("MULTIPART_INVALID_HEADER_FOLDING", f.invalid_header_folding),
    ] {
        if on {
            items.push(format!("{n}:[1]"));
        }
    }
    items.push("MULTIPART_FILE_LIMIT_EXCEEDED:[]".into());
    if f.unmatched_boundary != 0 {
        items.push(format!(
            "MULTIPART_UNMATCHED_BOUNDARY:[{}]",
            f.unmatched_boundary
        ));
    }
    match &o.error {
        Some(e) => {
            items.push("REQBODY_ERROR:[1]".into());
            items.push(format!(
                "REQBODY_ERROR_MSG:[{}]",
                esc(&e.reqbody_error_msg())
            ));
        }
        None => {
            items.push("REQBODY_ERROR:[0]".into());
            items.push("REQBODY_ERROR_MSG:[]".into());
        }
    }
    items.join(" | ")
}

#[test]
fn multipart_matches_libmodsecurity_3_0_9() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/multipart_v3.tsv");
    let data = std::fs::read_to_string(path).expect("tests/data/multipart_v3.tsv");
    let (mut passed, mut failed) = (0, 0);
    let mut report = String::new();
    for (n, line) in data.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (ct, body, want) = (
            unhex(cols.next().unwrap()),
            unhex(cols.next().unwrap()),
            cols.next().unwrap(),
        );
        let got = render(&ct, &body);
        if got == want {
            passed += 1;
        } else {
            failed += 1;
            if failed <= 5 {
                report.push_str(&format!(
                    "line {}: body {:?}\n  want {want}\n  got  {got}\n",
                    n + 1,
                    String::from_utf8_lossy(&body)
                ));
            }
        }
    }
    println!("multipart v3 differential: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "\n{report}");
    assert!(passed >= 400);
}
