//! Group candidates (transaction/visit_lists.rs, eval.rs `group_candidate`): a skippable rule
//! visits only the values of its target set that hold one of its group's prefilter bits (the
//! slots of the skippable rules sharing its target set and chain node), and the values left out
//! are counted as prefilter misses. Many rules share each target set here, with chains that
//! decode, change case or leave values alone (so groups are built at node ROOT and at the
//! rules' own nodes), value exclusions, `ctl:ruleRemoveTargetById`, `capture`, and a
//! `setvar` that counts every matched value: with up to eight arguments of operator literals,
//! their encodings and plain text, every decision, message, capture and count must be the same
//! as without the prefilter; also with 24 to 39 neutral arguments first, so that root groups
//! are first asked of their targets' raw unions (`raw_unions_miss`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use palisade_engine::transaction::Transaction;
use proptest::prelude::*;

const RULES: &str = r#"SecRuleEngine On
SecRule REQUEST_URI "@contains nox" "id:90,phase:1,pass,nolog,ctl:ruleRemoveTargetById=3;ARGS:b,ctl:ruleRemoveTargetById=7;ARGS_NAMES:c"
SecRule ARGS|ARGS_NAMES "@rx <script" "id:1,phase:2,pass,log,t:none,t:urlDecodeUni,t:lowercase,logdata:'%{MATCHED_VAR_NAME}=%{MATCHED_VAR}',setvar:tx.n1=+1"
SecRule ARGS|ARGS_NAMES "@contains union" "id:2,phase:2,pass,log,t:none,t:lowercase,setvar:tx.n2=+1"
SecRule ARGS|ARGS_NAMES "@pm passwd cmd.exe" "id:3,phase:2,pass,log,t:none,setvar:tx.n3=+1,logdata:'%{MATCHED_VAR}'"
SecRule ARGS|ARGS_NAMES "@rx (sel)ect" "id:4,phase:2,pass,log,capture,t:none,t:urlDecodeUni,logdata:'%{TX.1}',setvar:tx.n4=+1,setvar:tx.c4=%{TX.1}"
SecRule ARGS|ARGS_NAMES "@contains ../" "id:5,phase:2,pass,log,t:none,t:urlDecodeUni,setvar:tx.n5=+1"
SecRule ARGS|ARGS_NAMES "@beginsWith javascript:" "id:6,phase:2,pass,log,t:none,t:removeWhitespace,t:lowercase,setvar:tx.n6=+1"
SecRule ARGS "@contains 'or" "id:7,phase:2,pass,log,t:none,t:urlDecodeUni,t:lowercase,setvar:tx.n7=+1"
SecRule ARGS "@rx union.{0,4}select" "id:8,phase:2,pass,log,t:none,t:lowercase,setvar:tx.n8=+1"
SecRule ARGS "@contains <script" "id:9,phase:2,pass,log,t:none,t:htmlEntityDecode,t:lowercase,setvar:tx.n9=+1"
SecRule ARGS "@streq passwd" "id:10,phase:2,pass,log,t:none,setvar:tx.n10=+1"
SecRule ARGS "!@contains xyz" "id:11,phase:2,pass,nolog,t:none,t:lowercase,setvar:tx.n11=+1"
SecRule ARGS "@rx select" "id:12,phase:2,pass,log,multiMatch,t:none,t:urlDecodeUni,t:lowercase,setvar:tx.n12=+1"
SecRule ARGS|!ARGS:a "@contains union" "id:13,phase:2,pass,log,t:none,t:urlDecodeUni,setvar:tx.n13=+1"
SecRule ARGS|!ARGS:a "@pm cmd.exe <script" "id:14,phase:2,pass,log,t:none,t:lowercase,setvar:tx.n14=+1"
SecRule ARGS_NAMES "@contains ../" "id:15,phase:2,pass,log,t:none,t:lowercase,setvar:tx.n15=+1"
SecRule ARGS "@contains xyz" "id:16,phase:2,pass,log,t:none,t:urlDecodeUni,chain"
SecRule MATCHED_VAR "@contains union" "t:none,setvar:tx.n16=+1"
SecRuleUpdateTargetById 13 "!ARGS:c"
"#;

const FRAGMENTS: &[&str] = &[
    "<script",
    "<SCRIPT",
    "%3cscript",
    "%3Cscript",
    "&lt;script",
    "union",
    "UNION",
    "%75nion",
    "passwd",
    "PASSWD",
    "cmd.exe",
    "select",
    "SELECT",
    "sel%65ct",
    "../",
    "..%2f",
    "java script:",
    "JavaScript:",
    "'or",
    "%27OR",
    "xyz",
    "XYZ",
    " ",
    "a",
    "b",
    "0",
    "%",
    "%2",
    "\u{e9}",
    "&#x3c;",
];

fn value() -> impl Strategy<Value = String> + Clone {
    fragments(FRAGMENTS, 5)
}

fn name() -> impl Strategy<Value = String> {
    arg_name(&["a", "b", "c", "d", "e"], value())
}

fn outcome(t: &Transaction) -> Vec<String> {
    let mut out = messages_and_tx(t, counters(1..=16));
    out.push(format!("c4={:?}", tx(t, "c4")));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn group_candidates_decide_as_the_full_evaluation(
        args in proptest::collection::vec((name(), value()), 0..8),
        nox in proptest::bool::ANY,
    ) {
        let rs = ruleset(RULES);
        let uri = format!("/{}?{}", if nox { "nox" } else { "p" }, pairs_joined(&args, "&"));
        let req = Req::get(&uri);
        let on = run(&rs, &req);
        let off = run_without_prefilter(&rs, &req);
        prop_assert_eq!(outcome(&on), outcome(&off), "{:?}", args);
    }

    /// Lists long enough for root groups to be asked of the raw unions of their targets'
    /// resolutions first (`RAW_UNION_MIN_VALUES` in eval.rs): neutral arguments first, the
    /// random ones last.
    #[test]
    fn long_lists_decide_as_the_full_evaluation(
        pad in 24usize..40,
        args in proptest::collection::vec((name(), value()), 0..8),
        nox in proptest::bool::ANY,
    ) {
        let rs = ruleset(RULES);
        let query: Vec<String> = (0..pad)
            .map(|i| format!("p{i}=0"))
            .chain(args.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))))
            .collect();
        let uri = format!("/{}?{}", if nox { "nox" } else { "p" }, query.join("&"));
        let req = Req::get(&uri);
        let on = run(&rs, &req);
        let off = run_without_prefilter(&rs, &req);
        prop_assert_eq!(outcome(&on), outcome(&off), "{} {:?}", pad, args);
    }
}

#[test]
fn only_candidates_are_visited_and_the_rest_count_as_prefiltered() {
    let rs = ruleset(RULES);
    // Thirty plain values and one that holds `union`: rules 2 and 13 match it, and the other plain
    // values are counted as tests the prefilter decided.
    let mut q: Vec<String> = (0..30).map(|i| format!("p{i}=plain{i}")).collect();
    q.push("u=union".into());
    let uri = format!("/p?{}", q.join("&"));
    let req = Req::get(&uri);
    let on = run(&rs, &req);
    let off = run_without_prefilter(&rs, &req);
    assert_eq!(outcome(&on), outcome(&off));
    assert_eq!(tx(&on, "n2").as_deref(), Some("1"));
    assert_eq!(tx(&on, "n13").as_deref(), Some("1"));
    let s = on.eval_stats();
    assert!(s.prefiltered > 0 && s.tests >= s.prefiltered, "{s:?}");
    assert!(s.operators < off.eval_stats().operators, "{s:?}");
}
