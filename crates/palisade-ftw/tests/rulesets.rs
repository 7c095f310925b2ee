//! The project's own ruleset tests (`rulesets/tests`, `rulesets/tests-detection-only`) load,
//! build and reach the WAF through the HTTP parser, every rule of `rulesets/palisade.conf`
//! that logs has a test file named after its id, and every test passes through the engine as
//! the rulesets README runs them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use palisade_ftw::backend::Albedo;
use palisade_ftw::build::build_request;
use palisade_ftw::engine::EngineWaf;
use palisade_ftw::http::parse_request;
use palisade_ftw::load::load_paths;
use palisade_ftw::report::failure_report;
use palisade_ftw::runner::{self, InProcess, RunConfig};

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

/// `palisade ftw --rules RULES… --tests DIR`, in-process; returns (passed, failed).
fn run_ftw(rules: &[&str], tests: &str) -> (usize, usize) {
    let root = palisade_testdata::workspace_root();
    let rules: Vec<_> = rules.iter().map(|r| root.join(r)).collect();
    let waf = EngineWaf::from_rule_files(&rules).unwrap_or_else(|e| panic!("{e}"));
    let (files, errors) = load_paths(&[root.join(tests)]);
    assert!(errors.is_empty(), "{errors:#?}");
    let backend = Albedo::default();
    let exec = InProcess {
        waf: &waf,
        backend: &backend,
        config: Default::default(),
    };
    let report = runner::run(&files, &RunConfig::default(), &exec, &|_, _, _| {});
    for r in report.results.iter().filter(|r| r.counts_failed()) {
        print!("{}", failure_report(r));
    }
    println!("{tests}: {}", report.closing_line());
    (report.passed(), report.failed())
}

#[test]
fn ruleset_tests_pass_through_the_engine() {
    let (passed, failed) = run_ftw(&["rulesets/palisade.conf"], "rulesets/tests");
    assert_eq!(failed, 0);
    assert!(passed >= 39, "{passed}");
}

#[test]
fn detection_only_tests_pass_through_the_engine() {
    let (passed, failed) = run_ftw(
        &["rulesets/detection-only.conf", "rulesets/palisade.conf"],
        "rulesets/tests-detection-only",
    );
    assert_eq!(failed, 0);
    assert!(passed >= 2, "{passed}");
}

#[test]
fn ruleset_tests_fail_without_the_rules() {
    // The tests can fail: with the detection-only switch flipped, the blocking tests fail.
    let (_, failed) = run_ftw(
        &["rulesets/detection-only.conf", "rulesets/palisade.conf"],
        "rulesets/tests",
    );
    assert!(failed >= 10, "{failed}");
}
