//! Phases 1–5 run at their steps; response body inspection follows `SecResponseBodyAccess`
//! and `SecResponseBodyMimeType`; an engine that is Off runs nothing but phase 0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

fn full(
    rs: &std::sync::Arc<palisade_engine::ruleset::Ruleset>,
    ct: &str,
    body: &[u8],
) -> palisade_engine::transaction::Transaction {
    let mut t = run(rs, &Req::get("/?x=1"));
    t.add_response_header(b"Content-Type", ct.as_bytes());
    t.process_response_headers(201, "HTTP/1.1");
    t.append_response_body(body);
    t.process_response_body();
    t.process_logging();
    t
}

#[test]
fn each_phase_runs_in_order() {
    let rs = ruleset(
        r#"SecResponseBodyAccess On
SecResponseBodyMimeType text/html
SecRule REMOTE_ADDR "@rx ." "id:10,phase:0,pass,log"
SecRule ARGS:x "@rx ." "id:11,phase:1,pass,log"
SecRule ARGS:x "@rx ." "id:12,phase:request,pass,log"
SecRule RESPONSE_STATUS "@streq 201" "id:13,phase:3,pass,log"
SecRule RESPONSE_BODY "@rx secret" "id:14,phase:response,pass,log"
SecRule RESPONSE_CONTENT_TYPE "@streq text/html" "id:15,phase:logging,pass,log"
"#,
    );
    assert_eq!(
        ids(&full(&rs, "text/html", b"a secret")),
        vec![10, 11, 12, 13, 14, 15]
    );
    // Not an inspected type: no phase 4.
    assert_eq!(
        ids(&full(&rs, "image/png", b"a secret")),
        vec![10, 11, 12, 13]
    );
}

#[test]
fn engine_off_runs_only_connection_rules() {
    let rs = ruleset(
        r#"SecRuleEngine Off
SecRule REMOTE_ADDR "@rx ." "id:10,phase:0,pass,log"
SecRule ARGS:x "@rx ." "id:11,phase:1,pass,log"
"#,
    );
    assert_eq!(ids(&full(&rs, "text/html", b"")), vec![10]);
}

#[test]
fn response_body_limit_partial() {
    let rs = ruleset(
        r#"SecResponseBodyAccess On
SecResponseBodyLimit 4
SecResponseBodyLimitAction ProcessPartial
SecRule RESPONSE_BODY "@streq abcd" "id:1,phase:4,pass,log"
SecRule OUTBOUND_DATA_ERROR "@eq 1" "id:2,phase:4,pass,log"
"#,
    );
    assert_eq!(ids(&full(&rs, "text/html", b"abcdefgh")), vec![1, 2]);
}
