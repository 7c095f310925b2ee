//! The whole in-process path with a fake WAF: load → build → parse → WAF → albedo → checks,
//! with overrides, filters, parallel jobs and the JSON / JUnit reports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::{EXPECTED_FAIL, EXPECTED_PASS, FakeWaf};
use palisade_ftw::backend::Albedo;
use palisade_ftw::load::load_paths;
use palisade_ftw::model::TestId;
use palisade_ftw::overrides::Overrides;
use palisade_ftw::report::{failure_report, to_json, to_junit};
use palisade_ftw::runner::{Filter, InProcess, Outcome, RunConfig, RunReport, run};

fn run_with(config: &RunConfig) -> RunReport {
    let dir = common::write_tests("inproc");
    let (files, errors) = load_paths(std::slice::from_ref(&dir));
    assert!(errors.is_empty(), "{errors:?}");
    let exec = InProcess {
        waf: &FakeWaf,
        backend: &Albedo::default(),
        config: Default::default(),
    };
    let report = run(&files, config, &exec, &|_, _, _| {});
    std::fs::remove_dir_all(dir).unwrap();
    report
}

#[test]
fn fake_waf_suite_passes_and_fails_as_designed() {
    let report = run_with(&RunConfig::default());
    for r in &report.results {
        let meant_to_fail = r.id.test_id >= 90;
        assert_eq!(
            r.counts_failed(),
            meant_to_fail,
            "{}: {}",
            r.id,
            failure_report(r)
        );
    }
    assert_eq!(report.passed(), EXPECTED_PASS);
    assert_eq!(report.failed(), EXPECTED_FAIL);
    println!("{}", report.closing_line());
    assert_eq!(report.closing_line(), "ftw: 9 passed, 2 failed, 0 skipped");

    let failed = report.results.iter().find(|r| r.id.test_id == 91).unwrap();
    let text = failure_report(failed);
    assert!(text.contains("FAIL 1-91"), "{text}");
    assert!(text.contains("expect_ids: missing [2]"), "{text}");
    assert!(text.contains("seen ids: [1]"), "{text}");
    assert!(text.contains("| GET /?q=attack HTTP/1.1"), "{text}");
}

#[test]
fn parallel_jobs_give_the_same_results() {
    let one = run_with(&RunConfig {
        jobs: 1,
        ..RunConfig::default()
    });
    let four = run_with(&RunConfig {
        jobs: 4,
        ..RunConfig::default()
    });
    let ids = |r: &RunReport| -> Vec<(String, bool)> {
        r.results
            .iter()
            .map(|t| (t.id.to_string(), t.counts_passed()))
            .collect()
    };
    assert_eq!(ids(&one), ids(&four));
}

#[test]
fn overrides_and_filters() {
    let overrides = Overrides::parse(
        r#"
test_overrides:
  - rule_id: 1
    test_ids: [91]
    reason: "fake WAF logs id 1 here"
    output: {log: {expect_ids: [1]}}
testoverride:
  ignore:
    '1-92': "status differs on this platform"
"#,
        Path::new("o.yaml"),
    )
    .unwrap();
    let report = run_with(&RunConfig {
        overrides,
        ..RunConfig::default()
    });
    assert_eq!(report.closing_line(), "ftw: 10 passed, 0 failed, 1 skipped");
    let t91 = report.results.iter().find(|r| r.id.test_id == 91).unwrap();
    assert_eq!(t91.overrides, vec!["fake WAF logs id 1 here".to_string()]);
    let t92 = report.results.iter().find(|r| r.id.test_id == 92).unwrap();
    assert_eq!(
        t92.outcome,
        Outcome::Ignored("status differs on this platform".into())
    );

    let report = run_with(&RunConfig {
        filter: Filter {
            tests: vec![TestId {
                rule_id: 1,
                test_id: 4,
            }],
            rules: vec![2],
            ..Filter::default()
        },
        ..RunConfig::default()
    });
    let ran: Vec<String> = report.results.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ran, vec!["1-4", "2-1"]);
    assert_eq!(report.filtered_out, 9);
}

#[test]
fn json_and_junit_reports() {
    let report = run_with(&RunConfig::default());
    let json = to_json(&report);
    assert_eq!(json["summary"]["passed"], 9);
    assert_eq!(json["summary"]["failed"], 2);
    let tests = json["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 11);
    let t4 = tests.iter().find(|t| t["id"] == "1-4").unwrap();
    assert_eq!(t4["stages"][1]["status"], 403);
    assert_eq!(t4["stages"][1]["triggered_ids"], serde_json::json!([1, 3]));

    let xml = to_junit(&report);
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<testsuites name=\"ftw\" tests=\"11\" failures=\"2\""));
    assert!(xml.contains("<testcase classname=\"1.yaml\" name=\"1-91\""));
    assert!(xml.contains("<failure message=\"expect_ids: missing [2]\">"));
    assert!(xml.contains("<testsuite name=\"2.yml\" tests=\"1\""));
}
