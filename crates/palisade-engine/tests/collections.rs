//! Persistent collections with expiry, `setsid`/`setuid`, `TX` and `ENV`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use palisade_engine::host::{FixedClock, Host};
use palisade_engine::persist::InMemoryStore;
use palisade_engine::transaction::EvalOptions;
use std::sync::Arc;

#[test]
fn ip_collection_counts_across_transactions_and_expires() {
    let rs = ruleset(
        r#"SecAction "id:1,phase:1,pass,nolog,initcol:ip=%{REMOTE_ADDR},setvar:ip.hits=+1,expirevar:ip.hits=60"
SecRule IP:hits "@gt 2" "id:2,phase:1,pass,log,msg:'hits %{ip.hits}'"
"#,
    );
    let clock = Arc::new(FixedClock::at_secs(1_000));
    let host = Host {
        clock: clock.clone(),
        store: Arc::new(InMemoryStore::new()),
        ..Host::default()
    };
    let mut seen = Vec::new();
    for _ in 0..3 {
        let mut t = run_with(&rs, &Req::get("/"), host.clone(), EvalOptions::default());
        t.process_logging();
        seen.push(
            t.messages()
                .iter()
                .map(|m| m.message.msg())
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(seen[0], Vec::<String>::new());
    assert_eq!(seen[1], Vec::<String>::new());
    assert_eq!(seen[2], vec!["hits 3".to_string()]);
    // After the expiry the counter starts again.
    clock.advance_secs(61);
    let mut t = run_with(&rs, &Req::get("/"), host.clone(), EvalOptions::default());
    t.process_logging();
    assert!(t.messages().is_empty());
    assert_eq!(t.tx_value("x"), None);
}

#[test]
fn session_and_user_ids() {
    let rs = ruleset(
        r#"SecRule REQUEST_COOKIES:sid "@rx ." "id:1,phase:1,pass,nolog,setsid:%{REQUEST_COOKIES.sid},setvar:session.n=+1"
SecAction "id:2,phase:1,pass,nolog,setuid:alice"
SecRule SESSIONID "@streq abc" "id:3,phase:1,pass,log,msg:'%{SESSIONID} %{USERID} %{session.n}'"
"#,
    );
    let t = run(
        &rs,
        &Req {
            headers: vec![("Host", "h"), ("Cookie", "sid=abc")],
            ..Req::get("/")
        },
    );
    assert_eq!(t.messages()[0].message.msg(), "abc alice 1");
}

#[test]
fn tx_whole_collection_and_regex_selectors() {
    let rs = ruleset(
        r#"SecAction "id:1,phase:1,pass,nolog,setvar:tx.paramcounter_a=1,setvar:tx.paramcounter_b=2,setvar:tx.other=3"
SecRule TX:/^paramcounter_/ "@gt 1" "id:2,phase:1,pass,log,logdata:'%{MATCHED_VAR_NAME}'"
SecRule &TX:/^paramcounter_/ "@eq 2" "id:3,phase:1,pass,log"
SecRule TX|!TX:other "@eq 3" "id:4,phase:1,pass,log"
SecAction "id:5,phase:1,pass,nolog,setenv:MYVAR=%{tx.other}"
SecRule ENV:MYVAR "@streq 3" "id:6,phase:1,pass,log"
"#,
    );
    let t = run(&rs, &Req::get("/"));
    assert_eq!(ids(&t), vec![2, 3, 6]);
    assert_eq!(t.messages()[0].message.logdata(), "TX:paramcounter_b");
}
