//! The request line through rules: REQUEST_URI, REQUEST_URI_RAW, REQUEST_FILENAME,
//! REQUEST_BASENAME, PATH_INFO, QUERY_STRING, ARGS_GET and REQUEST_LINE as libmodsecurity
//! v3.0.12+ computes them (`Transaction::processURI`: the path is cut at the first raw `?`
//! before decoding). The CVE-2024-1019 shape (`/path1%3fpath2?query=%3f`, which 3.0.9 splits at
//! the decoded `?`) and the CVE-2025-29914 shape (`//bar/uploads/foo.php?a=b`, a leading `//`
//! that is a path, not an authority) are regression tests. Then query arguments: `+` is a
//! space, a name without `=` is kept, repeats are kept, `SecArgumentSeparator` is honoured and a
//! bad `%` escape sets `URLENCODED_ERROR`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

const URI_VARS: &str = r#"SecRule REQUEST_LINE "@rx ." "id:1,phase:1,pass,log,logdata:'uri=%{REQUEST_URI}|raw=%{REQUEST_URI_RAW}|file=%{REQUEST_FILENAME}|base=%{REQUEST_BASENAME}|path=%{PATH_INFO}|qs=%{QUERY_STRING}|line=%{REQUEST_LINE}'"
SecRule ARGS_GET "@rx ." "id:2,phase:1,pass,log,multiMatch,logdata:'%{MATCHED_VAR_NAME}=%{MATCHED_VAR}'"
"#;

fn vars(uri: &str) -> (String, Vec<String>) {
    let rs = ruleset(URI_VARS);
    let t = run(&rs, &Req::get(uri));
    let m = t.messages();
    assert_eq!(m[0].message.rule_id, 1);
    let args = m[1..].iter().map(|m| m.message.logdata()).collect();
    (m[0].message.logdata(), args)
}

#[test]
fn cve_2024_1019_path_is_cut_at_the_raw_question_mark() {
    let (v, args) = vars("/path1%3fpath2?query=%3f");
    assert_eq!(
        v,
        "uri=/path1?path2?query=?|raw=/path1%3fpath2?query=%3f|file=/path1?path2|\
         base=path1?path2|path=/path1?path2|qs=query=%3f|\
         line=GET /path1%3fpath2?query=%3f HTTP/1.1"
    );
    assert_eq!(args, vec!["ARGS_GET:query=?"]);
}

#[test]
fn cve_2025_29914_leading_double_slash_is_a_path() {
    let (v, args) = vars("//bar/uploads/foo.php?a=b");
    assert_eq!(
        v,
        "uri=//bar/uploads/foo.php?a=b|raw=//bar/uploads/foo.php?a=b|\
         file=//bar/uploads/foo.php|base=foo.php|path=//bar/uploads/foo.php|qs=a=b|\
         line=GET //bar/uploads/foo.php?a=b HTTP/1.1"
    );
    assert_eq!(args, vec!["ARGS_GET:a=b"]);
}

#[test]
fn fragment_only_in_the_raw_uri_and_the_request_line() {
    let (v, _) = vars("/d/x.php?q=1#frag?z");
    assert_eq!(
        v,
        "uri=/d/x.php?q=1|raw=/d/x.php?q=1#frag?z|file=/d/x.php|base=x.php|path=/d/x.php|\
         qs=q=1|line=GET /d/x.php?q=1#frag?z HTTP/1.1"
    );
}

#[test]
fn query_arguments() {
    let rs = ruleset(
        r#"SecRule ARGS_GET "@rx ^" "id:1,phase:1,pass,log,multiMatch,logdata:'[%{MATCHED_VAR_NAME}=%{MATCHED_VAR}]'"
SecRule &ARGS_GET:a "@eq 2" "id:2,phase:1,pass,log"
SecRule URLENCODED_ERROR "@eq 1" "id:3,phase:1,pass,log"
"#,
    );
    let t = run(&rs, &Req::get("/?a=x+y&flag&a=2"));
    let mut got: Vec<String> = t
        .messages()
        .iter()
        .filter(|m| m.message.rule_id == 1)
        .map(|m| m.message.logdata())
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec!["[ARGS_GET:a=2]", "[ARGS_GET:a=x y]", "[ARGS_GET:flag=]"]
    );
    assert_eq!(ids(&t), vec![1, 1, 1, 2], "no URLENCODED_ERROR");
    let t = run(&rs, &Req::get("/?a=%zz&a=%4"));
    assert!(ids(&t).contains(&3), "a bad escape sets URLENCODED_ERROR");
}

#[test]
fn argument_separator() {
    let rs = ruleset(
        r#"SecArgumentSeparator ;
SecRule ARGS_GET "@rx ^" "id:1,phase:1,pass,log,multiMatch,logdata:'[%{MATCHED_VAR_NAME}=%{MATCHED_VAR}]'"
"#,
    );
    let t = run(&rs, &Req::get("/?a=1;b=2&c=3"));
    let mut got: Vec<String> = t.messages().iter().map(|m| m.message.logdata()).collect();
    got.sort();
    assert_eq!(got, vec!["[ARGS_GET:a=1]", "[ARGS_GET:b=2&c=3]"]);
}
