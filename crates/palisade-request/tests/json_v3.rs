//! Differential test of the JSON processor against libmodsecurity 3.0.9 (yajl 2.1.0): every row
//! of `tests/data/json_v3.tsv` is a (mutated) JSON body with the ARGS and REQBODY_ERROR_MSG the
//! real ModSecurity produced (see `tests/data/oracle/README.md`, `gen_json.py`). ARGS are
//! compared as a multiset: v3 lists them in the iteration order of its hashed collection,
//! while the parser (rightly) reports them in document order.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{esc, unhex};
use palisade_request::{CollectArgs, json};

fn render(body: &[u8]) -> String {
    let mut sink = CollectArgs::default();
    let r = json::parse(body, 10_000, &mut sink);
    let mut items: Vec<String> = sink
        .0
        .iter()
        .map(|(k, v)| format!("ARGS:{}:[{}]", esc(k), esc(v)))
        .collect();
    match r {
        Ok(_) => items.push("REQBODY_ERROR_MSG:[]".into()),
        Err(e) => items.push(format!(
            "REQBODY_ERROR_MSG:[{}]",
            esc(e.reqbody_error_msg().as_bytes())
        )),
    }
    items.join(" | ")
}

/// Sorts the ARGS items, keeping REQBODY_ERROR_MSG last.
fn normalise(r: &str) -> Vec<&str> {
    let mut items: Vec<&str> = r.split(" | ").collect();
    let last = items.pop();
    items.sort_unstable();
    items.extend(last);
    items
}

#[test]
fn json_matches_libmodsecurity_3_0_9() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/json_v3.tsv");
    let data = std::fs::read_to_string(path).expect("tests/data/json_v3.tsv");
    let (mut passed, mut failed) = (0, 0);
    let mut report = String::new();
    for (n, line) in data.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (body, want) = line.split_once('\t').expect("two columns");
        let body = unhex(body);
        let got = render(&body);
        if normalise(&got) == normalise(want) {
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
    println!("json v3 differential: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "\n{report}");
    assert!(passed >= 800);
}
