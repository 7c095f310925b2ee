//! Case-blind operators on the raw value (transaction/eval.rs, `case_blind_miss`): for a value
//! holding none of its chain's trigger bytes but some letter the chain changes the case of,
//! `@pm` is first run on the raw value, and a miss there decides the rule without computing the
//! chain. Rules with case-changing chains (`t:lowercase`, `t:uppercase`, `t:cmdLine`, mixed
//! with exact steps), with `capture`, `multiMatch` and a negated `@pm`, must decide, log and
//! capture exactly as without the prefilter (which also turns the shortcut off), on values
//! made of the phrases in every case, the chains' trigger bytes and plain letters.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use palisade_engine::transaction::Transaction;
use proptest::prelude::*;

const RULES: &str = r#"SecRuleEngine On
SecRule ARGS "@pm passwd Select" "id:1,phase:2,pass,log,capture,t:none,t:lowercase,logdata:'%{TX.0} in %{MATCHED_VAR_NAME}=%{MATCHED_VAR}',setvar:tx.one=%{TX.0}/%{MATCHED_VAR}"
SecRule ARGS "@pm cmd.exe /bin/sh" "id:2,phase:2,pass,log,t:none,t:utf8toUnicode,t:urlDecodeUni,t:cmdLine,logdata:'%{MATCHED_VAR}',setvar:tx.two=%{MATCHED_VAR}"
SecRule ARGS "@pm UNION" "id:3,phase:2,pass,log,multiMatch,capture,t:none,t:uppercase,t:htmlEntityDecode,t:lowercase,logdata:'%{TX.0} %{MATCHED_VAR}'"
SecRule ARGS "!@pm abc" "id:4,phase:2,pass,log,t:none,t:lowercase,setvar:tx.four=%{MATCHED_VAR}"
SecRule ARGS "@pm xyz" "id:5,phase:2,pass,log,t:none,t:normalisePath,t:lowercase,chain"
SecRule MATCHED_VAR "@pm XY" "t:none,t:uppercase,setvar:tx.five=%{MATCHED_VAR}"
"#;

const FRAGMENTS: &[&str] = &[
    "passwd", "PASSWD", "PassWd", "select", "SELECT", "cmd", "CMD", ".exe", ".EXE", "/bin/sh",
    "/BIN/SH", "union", "UNION", "Union", "abc", "ABC", "xyz", "XYZ", "Q", "q", " ", "'", "\\",
    "%41", "&amp;", "/", ".", "\u{e9}", "^", ";", "0",
];

fn value() -> impl Strategy<Value = String> {
    fragments(FRAGMENTS, 6)
}

fn outcome(t: &Transaction) -> Vec<String> {
    messages_and_tx(t, ["one", "two", "four", "five", "0"])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn case_blind_misses_decide_as_the_full_evaluation(a in value(), b in value()) {
        let rs = ruleset(RULES);
        let uri = format!("/?a={}&b={}", encode(&a), encode(&b));
        let req = Req::get(&uri);
        let on = run(&rs, &req);
        let off = run_without_prefilter(&rs, &req);
        prop_assert_eq!(outcome(&on), outcome(&off), "a={:?} b={:?}", a, b);
    }
}

#[test]
fn case_blind_rules_match_on_the_transformed_value() {
    let rs = ruleset(RULES);
    let t = run(&rs, &Req::get("/?a=PassWd&b=CMD.EXE"));
    assert_eq!(ids(&t), [1, 2, 4]);
    assert_eq!(tx(&t, "one").as_deref(), Some("passwd/passwd"));
    assert_eq!(tx(&t, "two").as_deref(), Some("cmd.exe"));
    // `Q` holds upper-case letters and no trigger byte of any chain: the `@pm` rules miss it
    // on the raw value, and only the negated rule 4 computes its chain (`t:lowercase`); `q`
    // is every chain's result but `t:uppercase`'s, which misses it on the raw value too.
    let req = Req::get("/?a=Q&b=q");
    let on = run(&rs, &req);
    let off = run_without_prefilter(&rs, &req);
    assert_eq!(outcome(&on), outcome(&off));
    assert_eq!(on.memo_stats().0, 1, "{:?}", on.memo_stats());
    assert!(off.memo_stats().0 > 2, "{:?}", off.memo_stats());
}
