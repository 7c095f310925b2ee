//! Resolutions per distinct target (transaction/visit_lists.rs, resolve.rs `target_values`):
//! every distinct target (`Target::id`, assigned at load) is resolved once per data epoch and
//! shared by every target set naming it. Here many target sets share `ARGS`, `ARGS_NAMES`,
//! `REQUEST_COOKIES` with and without key exclusions, key and regex selectors, value exclusions
//! (`SecRuleUpdateTargetById`), a `ctl:ruleRemoveTargetById`, and rules in phase 1 and in phase 2
//! (after the body adds arguments, so the data epoch changes between them): every decision,
//! message (with the matched variable's name and value), count and evaluation counter must be
//! the same as with the cache turned off (every target id reset to `u32::MAX`, which makes each
//! list resolve its targets afresh, as before the cache).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use std::sync::Arc;

use palisade_engine::ruleset::Ruleset;
use palisade_engine::transaction::Transaction;
use proptest::prelude::*;

const RULES: &str = r#"SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_URI "@contains nox" "id:90,phase:1,pass,nolog,ctl:ruleRemoveTargetById=24;ARGS:b"
SecRule ARGS "@contains union" "id:1,phase:1,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}=%{MATCHED_VAR}',setvar:tx.n1=+1"
SecRule ARGS|ARGS_NAMES "@contains sel" "id:2,phase:1,pass,log,t:none,t:lowercase,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n2=+1"
SecRule ARGS|!ARGS:a "@contains union" "id:3,phase:1,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n3=+1"
SecRule ARGS:a|ARGS_NAMES "@rx ^[a-c]" "id:4,phase:1,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n4=+1"
SecRule REQUEST_COOKIES|!REQUEST_COOKIES:/^_u/|REQUEST_COOKIES_NAMES|ARGS_NAMES|ARGS "@contains union" "id:5,phase:1,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n5=+1"
SecRule REQUEST_COOKIES|REQUEST_COOKIES_NAMES|ARGS "@contains union" "id:6,phase:1,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n6=+1"
SecRule ARGS:/^[ab]/|ARGS_NAMES "@contains sel" "id:7,phase:1,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n7=+1"
SecRule &ARGS "@gt 2" "id:8,phase:1,pass,log,setvar:tx.n8=+1"
SecRule ARGS "!@contains zz" "id:9,phase:1,pass,nolog,t:none,setvar:tx.n9=+1"
SecRule REQUEST_HEADERS|ARGS "@contains union" "id:10,phase:1,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n10=+1"
SecRule ARGS "@contains union" "id:21,phase:2,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}=%{MATCHED_VAR}',setvar:tx.n21=+1"
SecRule ARGS|ARGS_NAMES "@contains sel" "id:22,phase:2,pass,log,t:none,t:lowercase,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n22=+1"
SecRule ARGS|!ARGS:a "@contains union" "id:23,phase:2,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n23=+1"
SecRule ARGS|!ARGS:c "@contains union" "id:24,phase:2,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n24=+1"
SecRule REQUEST_COOKIES|!REQUEST_COOKIES:/^_u/|REQUEST_COOKIES_NAMES|ARGS_NAMES|ARGS "@contains union" "id:25,phase:2,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n25=+1"
SecRule ARGS_POST|ARGS_GET "@contains union" "id:26,phase:2,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n26=+1"
SecRule ARGS:/^[ab]/|ARGS:c|ARGS_NAMES "@contains sel" "id:27,phase:2,pass,log,multiMatch,t:none,t:urlDecodeUni,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n27=+1"
SecRule ARGS "@contains union" "id:28,phase:2,pass,log,t:none,chain"
SecRule ARGS|ARGS_NAMES "@contains sel" "t:none,setvar:tx.n28=+1"
SecRule ARGS|REQUEST_COOKIES "@pm union sel" "id:29,phase:2,pass,log,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n29=+1"
SecRuleUpdateTargetById 21 "!ARGS:b"
SecRuleUpdateTargetById 29 "!REQUEST_COOKIES:k"
"#;

const FRAGMENTS: &[&str] = &["union", "UNION", "sel", "SEL", "zz", "x", " ", "%75nion"];

fn value() -> impl Strategy<Value = String> + Clone {
    fragments(FRAGMENTS, 4)
}

fn name() -> impl Strategy<Value = String> {
    arg_name(&["a", "b", "c", "d", "k", "_ua"], value())
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((name(), value()), 0..5)
}

/// The same rules with the target cache turned off: no target has an id.
fn without_cache(text: &str) -> Arc<Ruleset> {
    let mut rs = try_ruleset(text).unwrap();
    for r in &mut rs.rules {
        for t in &mut r.targets {
            t.id = u32::MAX;
        }
    }
    Arc::new(rs)
}

fn outcome(t: &Transaction) -> Vec<String> {
    let mut out = messages_and_tx(t, counters((1..=10).chain(21..=29)));
    let s = t.eval_stats();
    out.push(format!("tests={} operators={}", s.tests, s.operators));
    out
}

fn query(args: &[(String, String)]) -> String {
    pairs_joined(args, "&")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn shared_target_resolutions_decide_as_fresh_ones(
        get in pairs(),
        post in pairs(),
        cookies in pairs(),
        nox in proptest::bool::ANY,
    ) {
        let on = ruleset(RULES);
        let off = without_cache(RULES);
        let uri = format!("/{}?{}", if nox { "nox" } else { "p" }, query(&get));
        let body = query(&post);
        let cookie = pairs_joined(&cookies, "; ");
        let mut req = Req::get(&uri);
        req.method = "POST";
        req.headers.push(("Content-Type", "application/x-www-form-urlencoded"));
        if !cookie.is_empty() {
            req.headers.push(("Cookie", &cookie));
        }
        req.body = body.as_bytes();
        let a = run(&on, &req);
        let b = run(&off, &req);
        prop_assert_eq!(outcome(&a), outcome(&b), "{:?} {:?} {:?}", get, post, cookies);
    }
}

#[test]
fn equal_targets_share_an_id_and_different_ones_do_not() {
    let rs = ruleset(RULES);
    let id_of = |rule: i64, k: usize| {
        let r = rs.rules.iter().find(|r| r.id == rule).unwrap();
        r.targets[k].id
    };
    // `ARGS` in rules 1, 2, 21; `ARGS|!ARGS:a` in 3 and 23, not `ARGS|!ARGS:c` (24).
    assert_ne!(id_of(1, 0), u32::MAX);
    assert_eq!(id_of(1, 0), id_of(2, 0));
    assert_eq!(id_of(1, 0), id_of(21, 0));
    assert_eq!(id_of(3, 0), id_of(23, 0));
    assert_ne!(id_of(3, 0), id_of(1, 0));
    assert_ne!(id_of(3, 0), id_of(24, 0));
    assert_eq!(id_of(2, 1), id_of(7, 1));
    assert_ne!(id_of(4, 0), id_of(1, 0));
    // `&ARGS` has no target set, so no id.
    assert_eq!(id_of(8, 0), u32::MAX);
}

#[test]
fn phase_two_sees_the_body_arguments_through_the_cache() {
    let on = ruleset(RULES);
    let mut req = Req::get("/p?a=union");
    req.method = "POST";
    req.headers
        .push(("Content-Type", "application/x-www-form-urlencoded"));
    req.body = b"d=union";
    let t = run(&on, &req);
    // Phase 1 sees only `a`; phase 2 sees `a` and `d` (lists of the new epoch), each match
    // running the rule's setvar.
    assert_eq!(tx(&t, "n1").as_deref(), Some("1"));
    assert_eq!(tx(&t, "n21").as_deref(), Some("2"));
    // `ARGS|!ARGS:a`: only `d`, in phase 2 (in phase 1 nothing).
    assert_eq!(tx(&t, "n3").as_deref(), None);
    assert_eq!(tx(&t, "n23").as_deref(), Some("1"));
    assert_eq!(tx(&t, "n5").as_deref(), Some("1"));
    assert_eq!(tx(&t, "n25").as_deref(), Some("2"));
    assert_eq!(tx(&t, "n26").as_deref(), Some("2"));
}
