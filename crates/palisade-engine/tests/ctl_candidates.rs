//! Group candidates for rules with `ctl:ruleRemoveTarget…` removals (eval.rs `eval_list_ctl`):
//! such a rule visits only the candidates of its group that are not removed, and counts the
//! other values that are not removed as prefilter misses. Removals here are whole targets
//! named without a `:` (`REQUEST_FILENAME`, `ARGS_NAMES`, `ARGS`, by id and by tag, as CRS's
//! 941010 does), keyed values (`ARGS:b`), and a removal a rule adds for itself when it
//! matches: with random arguments (operator literals, their encodings, plain text) and a
//! random path, every decision, message (with the matched name) and count must be the same as
//! without the prefilter (which visits every value that is not removed), and as without visit
//! lists (every rule resolving its targets and checking each value against the removals
//! itself, `value_removed`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use std::sync::Arc;

use palisade_engine::ruleset::Ruleset;
use palisade_engine::transaction::Transaction;
use proptest::prelude::*;

const RULES: &str = r#"SecRuleEngine On
SecRule REQUEST_URI "@contains nox" "id:90,phase:1,pass,nolog,ctl:ruleRemoveTargetByTag=perf;REQUEST_FILENAME,ctl:ruleRemoveTargetById=3;ARGS:b,ctl:ruleRemoveTargetById=4;ARGS_NAMES"
SecRule REQUEST_URI "@contains noy" "id:91,phase:1,pass,nolog,ctl:ruleRemoveTargetById=5;ARGS,ctl:ruleRemoveTargetById=2;ARGS_NAMES:a,ctl:ruleRemoveTargetByTag=perf;ARGS:c"
SecRule REQUEST_FILENAME|ARGS|ARGS_NAMES "@rx <script" "id:1,phase:2,pass,log,tag:perf,t:none,t:urlDecodeUni,t:lowercase,logdata:'%{MATCHED_VAR_NAME}=%{MATCHED_VAR}',setvar:tx.n1=+1"
SecRule REQUEST_FILENAME|ARGS|ARGS_NAMES "@contains union" "id:2,phase:2,pass,log,tag:perf,t:none,t:lowercase,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n2=+1"
SecRule ARGS|ARGS_NAMES|REQUEST_FILENAME "@pm passwd cmd.exe" "id:3,phase:2,pass,log,tag:perf,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n3=+1"
SecRule ARGS|ARGS_NAMES "@rx (sel)ect" "id:4,phase:2,pass,log,capture,t:none,t:urlDecodeUni,logdata:'%{TX.1} %{MATCHED_VAR_NAME}',setvar:tx.n4=+1"
SecRule ARGS|REQUEST_FILENAME "@contains ../" "id:5,phase:2,pass,log,tag:perf,t:none,t:urlDecodeUni,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n5=+1"
SecRule ARGS "@contains xyz" "id:6,phase:2,pass,log,tag:perf,t:none,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n6=+1,ctl:ruleRemoveTargetById=6;ARGS:c,ctl:ruleRemoveTargetById=7;ARGS:d"
SecRule ARGS|ARGS_NAMES "@contains xyz" "id:7,phase:2,pass,log,t:none,t:lowercase,logdata:'%{MATCHED_VAR_NAME}',setvar:tx.n7=+1"
SecRule ARGS "!@contains xyz" "id:8,phase:2,pass,nolog,tag:perf,t:none,setvar:tx.n8=+1"
SecRule ARGS "@rx select" "id:9,phase:2,pass,log,tag:perf,multiMatch,t:none,t:urlDecodeUni,t:lowercase,setvar:tx.n9=+1"
"#;

const FRAGMENTS: &[&str] = &[
    "<script",
    "<SCRIPT",
    "%3cscript",
    "union",
    "UNION",
    "%75nion",
    "passwd",
    "PASSWD",
    "cmd.exe",
    "select",
    "sel%65ct",
    "../",
    "..%2f",
    "xyz",
    "XYZ",
    " ",
    "a",
    "0",
    "%",
];

fn value() -> impl Strategy<Value = String> + Clone {
    fragments(FRAGMENTS, 4)
}

fn name() -> impl Strategy<Value = String> {
    arg_name(&["a", "b", "c", "d", "e"], value())
}

/// The same rules without visit lists: no rule has a target set.
fn without_lists(text: &str) -> Arc<Ruleset> {
    let mut rs = try_ruleset(text).unwrap();
    for r in &mut rs.rules {
        r.target_set = u32::MAX;
        r.skippable = false;
    }
    Arc::new(rs)
}

fn outcome(t: &Transaction) -> Vec<String> {
    messages_and_tx(t, counters(1..=9))
}

fn request(path: &str, mode: u8, args: &[(String, String)]) -> String {
    let mode = ["p", "nox", "noy"][usize::from(mode % 3)];
    format!("/{}/{mode}?{}", encode(path), pairs_joined(args, "&"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn ctl_candidates_decide_as_the_full_evaluation(
        path in value(),
        mode in 0u8..3,
        args in proptest::collection::vec((name(), value()), 0..8),
    ) {
        let rs = ruleset(RULES);
        let uri = request(&path, mode, &args);
        let req = Req::get(&uri);
        let on = run(&rs, &req);
        let off = run_without_prefilter(&rs, &req);
        prop_assert_eq!(outcome(&on), outcome(&off), "{}", uri);
        let plain = run(&without_lists(RULES), &req);
        prop_assert_eq!(outcome(&on), outcome(&plain), "{}", uri);
    }
}

#[test]
fn removed_values_are_not_tested_and_candidates_are() {
    let rs = ruleset(RULES);
    // `nox`: REQUEST_FILENAME removed from the `perf` rules, `ARGS:b` from rule 3.
    let req = Req::get("/passwd/nox?a=passwd&b=passwd&c=plain&d=plain");
    let on = run(&rs, &req);
    let off = run_without_prefilter(&rs, &req);
    assert_eq!(outcome(&on), outcome(&off));
    assert_eq!(tx(&on, "n3").as_deref(), Some("1"));
    assert!(on.eval_stats().operators < off.eval_stats().operators);
}
