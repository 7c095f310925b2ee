//! `palisade ftw` end to end: `--passthrough` runs the harness without a WAF, so status checks
//! and the HTTP parser's refusals decide; checks the closing line, exit codes, filters,
//! overrides and the JSON / JUnit files; `--rules` runs the engine over rule files, and rules
//! that do not load are a usage error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

const TESTS: &str = r#"
rule_id: 7
tests:
  - test_id: 1
    stages:
      - input: {headers: {Host: localhost}}
        output: {status: 200}
  - test_id: 2
    stages:
      - input: {headers: {Host: localhost}, version: "JUNK/1.0"}
        output: {status: 400}
  - test_id: 3
    desc: fails without a WAF
    stages:
      - input: {headers: {Host: localhost}, uri: "/?attack"}
        output: {log: {expect_ids: [7]}}
"#;

fn dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("palisade-ftw-cmd-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("7.yaml"), TESTS).unwrap();
    d
}

fn palisade(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .arg("ftw")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn passthrough_run_reports_and_exits_nonzero_on_failure() {
    let d = dir("run");
    let (json, junit) = (d.join("r.json"), d.join("r.xml"));
    let (code, out, _) = palisade(&[
        "--passthrough",
        "--tests",
        d.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL 7-3"), "{out}");
    assert!(out.contains("expect_ids: missing [7]"), "{out}");
    assert_eq!(
        out.lines().last(),
        Some("ftw: 2 passed, 1 failed, 0 skipped")
    );
    let j = std::fs::read_to_string(&json).unwrap();
    assert!(j.contains("\"failed\": 1"), "{j}");
    assert!(j.contains("\"id\": \"7-3\""), "{j}");
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("name=\"7-3\"")
    );
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn filters_and_overrides() {
    let d = dir("filter");
    let (code, out, _) = palisade(&[
        "--passthrough",
        "--tests",
        d.to_str().unwrap(),
        "--test",
        "7-1",
        "--test",
        "7-2",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().last(),
        Some("ftw: 2 passed, 0 failed, 0 skipped")
    );
    let o = d.join("overrides.txt");
    std::fs::write(&o, "testoverride:\n  ignore:\n    '7-3': 'needs a WAF'\n").unwrap();
    let (code, out, _) = palisade(&[
        "--passthrough",
        "--tests",
        d.join("7.yaml").to_str().unwrap(),
        "--overrides",
        o.to_str().unwrap(),
        "-j",
        "2",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().last(),
        Some("ftw: 2 passed, 0 failed, 1 skipped")
    );
    let (code, _, err) = palisade(&[
        "--passthrough",
        "--tests",
        d.to_str().unwrap(),
        "--test",
        "7",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--test"), "{err}");
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn rules_run_through_the_engine() {
    let d = dir("rules");
    let rules = d.join("rules.conf");
    std::fs::write(
        &rules,
        "SecRuleEngine DetectionOnly\nSecRule ARGS_NAMES \"@rx attack\" \"id:7,phase:1,pass,log,msg:'attack'\"\n",
    )
    .unwrap();
    for extra in [&[][..], &["--modsec-3.0.9-defects"][..]] {
        let mut args = vec![
            "--rules",
            rules.to_str().unwrap(),
            "--tests",
            d.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = palisade(&args);
        assert_eq!(code, 0, "{out}{err}");
        assert_eq!(
            out.lines().last(),
            Some("ftw: 3 passed, 0 failed, 0 skipped")
        );
    }
    std::fs::write(&rules, "SecRule ARGS \"@rx (\" \"id:7,phase:1,pass\"\n").unwrap();
    let (code, _, err) = palisade(&[
        "--rules",
        rules.to_str().unwrap(),
        "--tests",
        d.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot load the rules"), "{err}");
    let (code, _, err) = palisade(&["--rules", "missing.conf", "--tests", d.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot load the rules"), "{err}");
    let (code, _, err) = palisade(&[
        "--tests",
        d.join("missing").to_str().unwrap(),
        "--passthrough",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no such file"), "{err}");
    std::fs::remove_dir_all(d).unwrap();
}
