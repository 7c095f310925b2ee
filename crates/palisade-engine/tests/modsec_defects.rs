//! The libmodsecurity 3.0.9 defects Palisade corrects to decide as the OWASP CRS expects, each
//! checked both ways: corrected by default, reproduced with `modsec_3_0_9_defects` (the switch
//! the parity suite uses). The list, with the CRS tests that show each defect, is
//! `tests/crs/MODSEC_DEFECTS.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use std::sync::Arc;

use common::*;
use palisade_engine::ruleset::Ruleset;

/// The ruleset twice: as compiled (defects corrected) and with 3.0.9's defects on.
fn both(text: &str) -> (Arc<Ruleset>, Arc<Ruleset>) {
    let fixed = ruleset(text);
    let mut defects = Arc::try_unwrap(ruleset(text)).unwrap_or_else(|_| panic!("shared"));
    defects.settings.modsec_3_0_9_defects = true;
    (fixed, Arc::new(defects))
}

fn logged(t: &palisade_engine::transaction::Transaction) -> Vec<i64> {
    t.error_log_lines()
        .iter()
        .filter_map(|l| {
            let at = l.find("[id \"")? + 5;
            l[at..].split('"').next()?.parse().ok()
        })
        .collect()
}

#[test]
fn noauditlog_keeps_the_error_log_line() {
    // CRS 980170: a phase-5 reporting SecAction with `noauditlog` that logs through
    // SecDefaultAction's `log`.
    let (fixed, defects) = both(
        r#"
SecRuleEngine DetectionOnly
SecDefaultAction "phase:2,log,auditlog,pass"
SecAction "id:1,phase:2,pass,t:none,noauditlog,msg:'report'"
SecAction "id:2,phase:2,pass,t:none,noauditlog,nolog,msg:'silent'"
"#,
    );
    let t = run(&fixed, &Req::get("/"));
    assert_eq!(logged(&t), vec![1]);
    let t = run(&defects, &Req::get("/"));
    assert_eq!(logged(&t), Vec::<i64>::new());
}

const MULTIMATCH_CHAIN: &str = r#"
SecRuleEngine DetectionOnly
SecRule ARGS "@rx ^(\d+)!=(\d+)$" "id:1,phase:2,pass,log,capture,multiMatch,t:none,t:urlDecodeUni,chain"
    SecRule TX:1 "!@streq %{TX.2}" "t:none"
"#;

#[test]
fn a_multimatch_chain_logs_only_when_it_matches_whole() {
    // CRS 942131: `11!=11` matches the first link but not the second.
    let (fixed, defects) = both(MULTIMATCH_CHAIN);
    let t = run(&fixed, &Req::get("/?a=11!=11"));
    assert_eq!(logged(&t), Vec::<i64>::new());
    let t = run(&defects, &Req::get("/?a=11!=11"));
    assert_eq!(logged(&t), vec![1]);
    // When the chain matches, each matched value logs (as multiMatch does), both ways.
    for rs in [&fixed, &defects] {
        let t = run(rs, &Req::get("/?a=11!=12&b=1%2532!=13"));
        assert_eq!(logged(&t), vec![1, 1]);
    }
}

#[test]
fn a_multimatch_chain_keeps_its_setvars_and_skips_nothing_else() {
    // Deferring the messages changes nothing but the log: the first link's setvar still
    // runs per matched value, and later rules still run.
    let (fixed, _) = both(
        r#"
SecRuleEngine DetectionOnly
SecRule ARGS "@rx a" "id:1,phase:2,pass,log,multiMatch,setvar:tx.n=+1,chain"
    SecRule ARGS "@rx z" "t:none"
SecRule TX:n "@eq 1" "id:2,phase:2,pass,log"
"#,
    );
    let t = run(&fixed, &Req::get("/?x=a"));
    assert_eq!(logged(&t), vec![2]);
    assert_eq!(tx(&t, "n").as_deref(), Some("1"));
}

#[test]
fn request_body_is_not_set_by_the_xml_processor() {
    // CRS 944100-11: element names are not XML:/* values, and REQUEST_BODY holds no XML body.
    let (fixed, defects) = both(
        r#"
SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "^application/xml" "id:100,phase:1,pass,nolog,ctl:requestBodyProcessor=XML"
SecRule REQUEST_BODY|XML:/*|XML://@* "@rx java\.lang\.runtime" "id:1,phase:2,pass,log,t:lowercase"
SecRule REQUEST_BODY_LENGTH "@gt 0" "id:2,phase:2,pass,log"
SecRule REQUEST_BODY "@rx name" "id:3,phase:2,pass,log"
"#,
    );
    let xml = Req {
        method: "POST",
        uri: "/post",
        headers: vec![("Host", "example.com"), ("Content-Type", "application/xml")],
        body:
            br#"<?xml version="1.0"?><xml><java.lang.Runtime a="v">value</java.lang.Runtime></xml>"#,
    };
    assert_eq!(logged(&run(&fixed, &xml)), vec![2]);
    assert_eq!(logged(&run(&defects, &xml)), vec![1, 2]);
    // Other bodies keep REQUEST_BODY.
    let form = Req {
        method: "POST",
        uri: "/post",
        headers: vec![
            ("Host", "example.com"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body: b"name=1",
    };
    assert_eq!(logged(&run(&fixed, &form)), vec![2, 3]);
}
