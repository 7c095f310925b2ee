//! Every `ctl:` form at run time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use palisade_engine::transaction::EvalOptions;

#[test]
fn rule_engine_off_detection_only_on() {
    let rs = ruleset(
        r#"SecRuleEngine On
SecRule ARGS:mode "@streq off" "id:1,phase:1,pass,nolog,ctl:ruleEngine=Off"
SecRule ARGS:mode "@streq detect" "id:2,phase:1,pass,nolog,ctl:ruleEngine=DetectionOnly"
SecRule ARGS:x "@streq 1" "id:3,phase:2,deny,log"
"#,
    );
    assert_eq!(
        run(&rs, &Req::get("/?x=1")).interruption().unwrap().status,
        403
    );
    let t = run(&rs, &Req::get("/?x=1&mode=off"));
    assert!(t.interruption().is_none());
    assert!(
        ids(&t).is_empty(),
        "phase 2 does not run when the engine is off"
    );
    let t = run(&rs, &Req::get("/?x=1&mode=detect"));
    assert!(t.interruption().is_none());
    assert_eq!(ids(&t), vec![3], "detection only logs but does not deny");
}

#[test]
fn rule_remove_by_id_range_and_tag() {
    let rs = ruleset(
        r#"SecRule ARGS:x "@streq 1" "id:1,phase:1,pass,nolog,ctl:ruleRemoveById=10-19,ctl:ruleRemoveByTag=noisy"
SecRule ARGS:x "@streq 1" "id:10,phase:1,pass,log"
SecRule ARGS:x "@streq 1" "id:19,phase:2,pass,log"
SecRule ARGS:x "@streq 1" "id:20,phase:2,pass,log"
SecRule ARGS:x "@streq 1" "id:21,phase:2,pass,log,tag:'noisy'"
"#,
    );
    assert_eq!(ids(&run(&rs, &Req::get("/?x=1"))), vec![20]);
}

#[test]
fn rule_remove_target_by_id_and_tag() {
    let rs = ruleset(
        r#"SecRule REQUEST_URI "@rx ." "id:1,phase:1,pass,nolog,ctl:ruleRemoveTargetById=10;ARGS:pwd,ctl:ruleRemoveTargetByTag=t1;REQUEST_FILENAME"
SecRule ARGS "@rx secret" "id:10,phase:1,pass,log,logdata:'%{MATCHED_VAR_NAME}'"
SecRule REQUEST_FILENAME|ARGS:q "@rx ." "id:11,phase:1,pass,log,tag:'t1',logdata:'%{MATCHED_VAR_NAME}'"
"#,
    );
    let t = run(&rs, &Req::get("/p?pwd=secret&q=x&other=secret"));
    let m: Vec<(i64, String)> = t
        .messages()
        .iter()
        .map(|m| (m.message.rule_id, m.message.logdata()))
        .collect();
    assert_eq!(
        m,
        vec![(10, "ARGS:other".to_string()), (11, "ARGS:q".to_string())]
    );
}

#[test]
fn request_body_access_and_processor() {
    let rs = ruleset(
        r#"SecRequestBodyAccess On
SecRule ARGS:off "@streq 1" "id:1,phase:1,pass,nolog,ctl:requestBodyAccess=Off"
SecRule REQUEST_HEADERS:Content-Type "@rx ^text/plain" "id:2,phase:1,pass,nolog,ctl:requestBodyProcessor=URLENCODED"
SecRule ARGS_POST:a "@streq b" "id:3,phase:2,pass,log"
SecRule REQBODY_PROCESSOR "@rx ." "id:4,phase:2,pass,log,logdata:'%{REQBODY_PROCESSOR}'"
"#,
    );
    let post = |uri, ct| Req {
        method: "POST",
        uri,
        headers: vec![("Host", "h"), ("Content-Type", ct)],
        body: b"a=b",
    };
    let t = run(&rs, &post("/", "text/plain"));
    assert_eq!(ids(&t), vec![3, 4]);
    assert_eq!(t.messages()[1].message.logdata(), "URLENCODED");
    let t = run(&rs, &post("/?off=1", "application/x-www-form-urlencoded"));
    assert!(
        ids(&t).is_empty(),
        "phase 2 does not run without body access"
    );
    let t = run(&rs, &post("/", "application/octet-stream"));
    assert!(ids(&t).is_empty());
}

#[test]
fn force_request_body_variable_is_accepted_and_does_nothing() {
    let rs = ruleset(
        r#"SecRule REQUEST_URI "@rx ." "id:1,phase:1,pass,nolog,ctl:forceRequestBodyVariable=On"
SecRule REQUEST_URI "@rx ." "id:2,phase:2,pass,log"
"#,
    );
    assert_eq!(ids(&run(&rs, &Req::get("/"))), vec![2]);
}

#[test]
fn audit_engine_and_parts() {
    use palisade_engine::host::{AuditSink, Host};
    use std::sync::{Arc, Mutex};
    #[derive(Default)]
    struct Sink(Mutex<Vec<String>>);
    impl AuditSink for Sink {
        fn write_entry(&self, e: &[u8]) {
            self.0
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(e).into_owned());
        }
    }
    let rs = ruleset(
        r#"SecAuditEngine RelevantOnly
SecAuditLogParts ABZ
SecAuditLogRelevantStatus "^5"
SecRule ARGS:on "@streq 1" "id:1,phase:1,pass,nolog,ctl:auditEngine=On,ctl:auditLogParts=+H"
SecRule ARGS:off "@streq 1" "id:2,phase:1,pass,log,ctl:auditEngine=Off"
SecRule ARGS:rel "@streq 1" "id:3,phase:1,pass,log,ctl:auditLogParts=-B"
SecRule ARGS:quiet "@streq 1" "id:4,phase:1,pass,noauditlog"
"#,
    );
    let cases = [
        ("/?on=1", true, true, true),
        ("/?off=1", false, false, false),
        ("/?rel=1", true, false, false),
        ("/?quiet=1", false, false, false),
        ("/", false, false, false),
    ];
    for (uri, written, has_h, has_b) in cases {
        let sink = Arc::new(Sink::default());
        let host = Host {
            audit: Some(sink.clone()),
            ..Host::default()
        };
        let mut t = run_with(&rs, &Req::get(uri), host, EvalOptions::default());
        t.process_response_headers(200, "HTTP/1.1");
        t.process_logging();
        let entries = sink.0.lock().unwrap().clone();
        assert_eq!(entries.len(), usize::from(written), "{uri}");
        if let Some(e) = entries.first() {
            assert_eq!(e.contains("\"messages\""), has_h, "{uri}: {e}");
            assert_eq!(e.contains("\"headers\""), has_b, "{uri}: {e}");
            assert!(e.ends_with("}}\n"));
        }
    }
}
