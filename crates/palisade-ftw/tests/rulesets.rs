//! The project's own ruleset tests (`rulesets/tests`, `rulesets/tests-detection-only`) load,
//! build and reach the WAF through the HTTP parser, and every rule of `rulesets/palisade.conf`
//! that logs has a test file named after its id.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use palisade_ftw::build::build_request;
use palisade_ftw::http::parse_request;
use palisade_ftw::load::load_paths;

#[test]
fn ruleset_tests_load_and_cover_every_logging_rule() {
    let root = palisade_testdata::workspace_root().join("rulesets");
    let (files, errors) = load_paths(&[root.join("tests"), root.join("tests-detection-only")]);
    assert!(errors.is_empty(), "{errors:#?}");
    let mut tested = BTreeSet::new();
    let mut tests = 0;
    for f in &files {
        tested.insert(f.rule_id);
        for t in &f.tests {
            tests += 1;
            for (i, s) in t.stages.iter().enumerate() {
                let b = build_request(&s.input).unwrap();
                assert!(b.notes.is_empty(), "{} stage {i}: {:?}", t.id(), b.notes);
                if let Err(e) = parse_request(&b.bytes) {
                    panic!("{} stage {i} never reaches the WAF: {e}", t.id());
                }
            }
        }
    }
    // Every rule id in palisade.conf whose actions do not say `nolog` has tests.
    let conf = std::fs::read_to_string(root.join("palisade.conf")).unwrap();
    let mut logging = BTreeSet::new();
    for rule in conf.split("\nSec").skip(1) {
        let Some(at) = rule.find("id:") else { continue };
        let id: u64 = rule[at + 3..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap();
        if !rule.contains("nolog") {
            logging.insert(id);
        }
    }
    let untested: Vec<_> = logging.difference(&tested).collect();
    assert!(untested.is_empty(), "rules without tests: {untested:?}");
    assert!(logging.len() >= 12, "{logging:?}");
    println!(
        "rulesets: {} files, {tests} tests, {} logging rules covered",
        files.len(),
        logging.len()
    );
}
