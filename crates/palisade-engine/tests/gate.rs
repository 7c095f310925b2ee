//! The trigger-byte gate (transaction/eval.rs): a value that holds no trigger byte of a rule's
//! chain is judged by its raw value's prefilter scan, and the chain is only computed when the
//! operator is a candidate. Rules with every kind of chain (decoders, whitespace, comments,
//! paths, case changes before case-sensitive operators, `multiMatch`, a negated operator) must
//! decide exactly as without the prefilter (and so without the gate), on values built from the
//! chains' trigger bytes, escapes, case variants and the operators' literals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use proptest::prelude::*;

const RULES: &str = r#"SecRuleEngine On
SecRequestBodyAccess On
SecRule ARGS "@rx <script" "id:1,phase:2,pass,log,t:none,t:urlDecodeUni,t:htmlEntityDecode,t:lowercase"
SecRule ARGS "@contains union select" "id:2,phase:2,pass,log,t:none,t:compressWhitespace,t:removeComments"
SecRule ARGS "@pm etc/passwd cmd.exe" "id:3,phase:2,pass,log,t:none,t:normalisePath,t:cmdLine"
SecRule ARGS "@rx javascript:" "id:4,phase:2,pass,log,t:none,t:jsDecode,t:cssDecode,t:removeWhitespace"
SecRule ARGS "@streq ABC" "id:5,phase:2,pass,log,t:none,t:uppercase,t:trim"
SecRule ARGS "@contains a--b" "id:6,phase:2,pass,log,multiMatch,t:none,t:lowercase,t:replaceNulls,t:removeCommentsChar"
SecRule ARGS "@beginsWith SELECT" "id:7,phase:2,pass,log,t:none,t:sqlHexDecode,t:uppercase"
SecRule ARGS "!@contains xyz" "id:8,phase:2,pass,log,t:none,t:urlDecode,t:lowercase"
SecRule ARGS "@contains Abc" "id:9,phase:2,pass,log,t:none,t:lowercase"
SecRule ARGS "@rx select" "id:10,phase:2,pass,log,multiMatch,t:none,t:uppercase,t:escapeSeqDecode,t:lowercase"
SecRule ARGS "@pm ../ \\x3c" "id:11,phase:2,pass,log,t:none,t:normalisePathWin,t:replaceComments,t:utf8toUnicode"
SecRule ARGS "@contains abc" "id:12,phase:2,pass,log,t:none,t:removeNulls,t:trimLeft,t:trimRight,t:base64Decode"
"#;

const FRAGMENTS: &[&str] = &[
    "<script",
    "<SCRIPT",
    "%3c",
    "%3Cscript",
    "&lt;",
    "&#x3c;",
    "&#60;",
    "union",
    "UNION",
    " ",
    "  ",
    "\t",
    "select",
    "SELECT",
    "/*",
    "*/",
    "--",
    "#",
    "etc",
    "passwd",
    "/",
    "\\",
    ".",
    "..",
    "cmd",
    ".exe",
    "c^md",
    "'",
    "\"",
    "javascript:",
    "JavaScript:",
    "\\x6a",
    "\\6a",
    "abc",
    "ABC",
    "Abc",
    "a",
    "b",
    "-",
    "0x53454c454354",
    "0x",
    "0",
    "\0",
    "xyz",
    "XYZ",
    "%78yz",
    "+",
    "%",
    "\u{a0}",
    "\u{e9}",
    ";",
    ",",
    "x3c",
    "YWJj",
    "\\'",
    "<!--",
    "-->",
];

fn value() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop::sample::select(FRAGMENTS), 0..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_gate_decides_as_the_full_evaluation(a in value(), b in value()) {
        let rs = ruleset(RULES);
        let uri = format!("/?a={}&b={}", encode(&a), encode(&b));
        let req = Req::get(&uri);
        let on = run(&rs, &req);
        let off = run_without_prefilter(&rs, &req);
        prop_assert_eq!(ids(&on), ids(&off), "a={:?} b={:?}", a, b);
    }
}

#[test]
fn case_sensitive_operators_after_case_changes_still_match() {
    let rs = ruleset(RULES);
    // `abc` holds no trigger byte of `t:uppercase,t:trim`: the raw value's scan finds the
    // literal (case-insensitively), then the chain runs and `@streq ABC` matches `ABC`.
    let t = run(&rs, &Req::get("/?q=abc"));
    assert!(ids(&t).contains(&5), "{:?}", ids(&t));
    // `@contains Abc` after `t:lowercase` can never match; the prefilter lets it through and
    // the operator says no.
    assert!(!ids(&t).contains(&9));
    // multiMatch: the lowercase step of `A--B` matches `a--b`.
    let t = run(&rs, &Req::get("/?q=A--B"));
    assert!(ids(&t).contains(&6), "{:?}", ids(&t));
    // The negated operator matches a value without `xyz`.
    assert!(ids(&t).contains(&8));
}
