//! Limit cases: many arguments, a streamed 1 GiB body, bounded memory and the configured
//! outcome.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

#[test]
fn ten_thousand_arguments() {
    let rs = ruleset(
        r#"SecRuleEngine On
SecRule &ARGS "@gt 9999" "id:1,phase:1,pass,log,msg:'%{MATCHED_VAR} args'"
SecRule ARGS "@streq needle" "id:2,phase:1,deny,log,logdata:'%{MATCHED_VAR_NAME}'"
"#,
    );
    let mut uri = String::from("/?");
    for i in 0..10_000 {
        if i > 0 {
            uri.push('&');
        }
        uri.push_str(&format!("a{i}={}", if i == 7777 { "needle" } else { "v" }));
    }
    let t = run(&rs, &Req::get(&uri));
    assert_eq!(t.messages()[0].message.msg(), "10000 args");
    let i = t.interruption().unwrap();
    assert_eq!(i.rule_id, 2);
    assert_eq!(t.messages()[1].message.logdata(), "ARGS:a7777");
}

#[test]
fn arguments_limit_is_honoured() {
    let rs = ruleset(
        r#"SecArgumentsLimit 100
SecRule &ARGS "@eq 100" "id:1,phase:1,pass,log"
"#,
    );
    let mut uri = String::from("/?");
    for i in 0..500 {
        uri.push_str(&format!("a{i}=v&"));
    }
    assert_eq!(ids(&run(&rs, &Req::get(&uri))), vec![1]);
}

fn stream_gib(
    rs: &std::sync::Arc<palisade_engine::ruleset::Ruleset>,
) -> palisade_engine::transaction::Transaction {
    let mut t = palisade_engine::transaction::Transaction::with_id(
        rs.clone(),
        Default::default(),
        Default::default(),
        "big",
    );
    t.process_connection("10.0.0.1", 1, "10.0.0.2", 80);
    t.process_uri(b"/upload", b"POST", "1.1");
    t.add_request_header(b"Content-Type", b"application/octet-stream");
    t.process_request_headers();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..1024 {
        t.append_request_body(&chunk);
    }
    t.process_request_body();
    t
}

#[test]
fn streamed_gibibyte_is_rejected_in_bounded_memory() {
    let rs = ruleset(
        r#"SecRuleEngine On
SecRequestBodyAccess On
SecRequestBodyLimit 13107200
SecRequestBodyLimitAction Reject
"#,
    );
    let t = stream_gib(&rs);
    let i = t.interruption().expect("rejected");
    assert_eq!((i.status, i.rule_id), (403, 0));
    assert_eq!(i.action, palisade_engine::InterruptionAction::BodyLimit);
    assert!(t.request_body_len() <= 13_107_200);
}

#[test]
fn streamed_gibibyte_is_processed_partially() {
    let rs = ruleset(
        r#"SecRuleEngine On
SecRequestBodyAccess On
SecRequestBodyLimit 1048576
SecRequestBodyLimitAction ProcessPartial
SecRule REQUEST_BODY_LENGTH "@eq 1048576" "id:1,phase:2,pass,log"
SecRule INBOUND_DATA_ERROR "@eq 1" "id:2,phase:2,pass,log"
"#,
    );
    let t = stream_gib(&rs);
    assert!(t.interruption().is_none());
    assert_eq!(t.request_body_len(), 1 << 20);
    assert_eq!(ids(&t), vec![1, 2]);
}

#[test]
fn ten_thousand_deep_json_is_a_clean_reqbody_error() {
    let rs = ruleset(
        r#"SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule REQBODY_ERROR "!@eq 0" "id:200002,phase:2,t:none,log,deny,status:400,msg:'Failed to parse request body.',logdata:'%{reqbody_error_msg}'"
"#,
    );
    let body = "[".repeat(10_000);
    let t = run(
        &rs,
        &Req {
            method: "POST",
            uri: "/api",
            headers: vec![("Host", "h"), ("Content-Type", "application/json")],
            body: body.as_bytes(),
        },
    );
    let i = t.interruption().expect("denied");
    assert_eq!((i.status, i.rule_id), (400, 200002));
    assert!(
        t.messages()[0]
            .message
            .logdata()
            .starts_with("JSON parsing error: "),
        "{}",
        t.messages()[0].message.logdata()
    );
}

#[test]
fn json_arguments_are_named_as_modsecurity_names_them() {
    let rs = ruleset(
        r#"SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:1,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule ARGS_POST "@rx ." "id:2,phase:2,pass,log,multiMatch,logdata:'%{MATCHED_VAR_NAME}=%{MATCHED_VAR}'"
"#,
    );
    let t = run(
        &rs,
        &Req {
            method: "POST",
            uri: "/api",
            headers: vec![("Host", "h"), ("Content-Type", "application/json")],
            body: br#"{"a":[1,{"b":"x"}],"c":true}"#,
        },
    );
    let mut got: Vec<String> = t.messages().iter().map(|m| m.message.logdata()).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            "ARGS_POST:json.a.array_0=1",
            "ARGS_POST:json.a.array_1.b=x",
            "ARGS_POST:json.c=true"
        ]
    );
}
