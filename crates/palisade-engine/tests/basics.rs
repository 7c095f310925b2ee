//! Phases, chains, skip/skipAfter, setvar arithmetic and macros.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

#[test]
fn rule_matches_and_logs() {
    let rs = ruleset(
        r#"SecRuleEngine On
SecRule ARGS:q "@rx attack" "id:1,phase:2,deny,status:403,msg:'found %{MATCHED_VAR}',logdata:'%{MATCHED_VAR_NAME}'"
"#,
    );
    let t = run(&rs, &Req::get("/?q=an+attack"));
    let i = t.interruption().expect("interrupted");
    assert_eq!(i.status, 403);
    assert_eq!(i.rule_id, 1);
    let m = &t.messages()[0].message;
    assert_eq!(m.msg(), "found an attack");
    assert_eq!(m.logdata(), "ARGS:q");
    assert!(!t.messages()[0].error_logged);
    let log = i.log.unwrap();
    assert!(log.starts_with("[client 10.0.0.1] ModSecurity: Access denied with code 403 (phase 2). Matched \"Operator `Rx' with parameter `attack' against variable `ARGS:q' (Value: `an attack' )"), "{log}");
    assert!(log.contains("[id \"1\"]"), "{log}");
}

#[test]
fn setvar_arithmetic_and_macros() {
    let rs = ruleset(
        r#"SecAction "id:1,phase:1,nolog,pass,setvar:tx.score=5,setvar:tx.word=abc"
SecAction "id:2,phase:1,nolog,pass,setvar:tx.score=+%{tx.score},setvar:tx.word=+3,setvar:tx.neg=-4"
SecAction "id:3,phase:1,nolog,pass,setvar:tx.flag,setvar:!tx.gone,setvar:tx.gone2=1,setvar:!tx.gone2"
"#,
    );
    let t = run(&rs, &Req::get("/"));
    assert_eq!(tx(&t, "score").as_deref(), Some("10"));
    assert_eq!(tx(&t, "WORD").as_deref(), Some("3"));
    assert_eq!(tx(&t, "neg").as_deref(), Some("-4"));
    assert_eq!(tx(&t, "flag").as_deref(), Some("1"));
    assert_eq!(tx(&t, "gone2"), None);
    assert!(t.messages().is_empty());
}

#[test]
fn chain_runs_setvar_of_last_link_only_when_whole_chain_matches() {
    let rs = ruleset(
        r#"SecRule ARGS:a "@rx x" "id:1,phase:2,pass,log,chain"
    SecRule ARGS:b "@rx y" "setvar:tx.hit=+1"
"#,
    );
    let t = run(&rs, &Req::get("/?a=x&b=y"));
    assert_eq!(tx(&t, "hit").as_deref(), Some("1"));
    assert_eq!(ids(&t), vec![1]);
    let t = run(&rs, &Req::get("/?a=x&b=n"));
    assert_eq!(tx(&t, "hit"), None);
    assert!(ids(&t).is_empty());
}

#[test]
fn skip_after_and_markers() {
    let rs = ruleset(
        r#"SecRule REQUEST_URI "@rx /skip" "id:1,phase:1,pass,nolog,skipAfter:END"
SecAction "id:2,phase:1,pass,nolog,setvar:tx.two=1"
SecMarker END
SecAction "id:3,phase:1,pass,nolog,setvar:tx.three=1"
SecAction "id:4,phase:1,pass,nolog,skip:1"
SecAction "id:5,phase:1,pass,nolog,setvar:tx.five=1"
SecAction "id:6,phase:1,pass,nolog,setvar:tx.six=1"
"#,
    );
    let t = run(&rs, &Req::get("/skip"));
    assert_eq!(tx(&t, "two"), None);
    assert_eq!(tx(&t, "three").as_deref(), Some("1"));
    assert_eq!(tx(&t, "five"), None);
    assert_eq!(tx(&t, "six").as_deref(), Some("1"));
    let t = run(&rs, &Req::get("/other"));
    assert_eq!(tx(&t, "two").as_deref(), Some("1"));
}
