//! Exception directives, applied at compile time: `SecRuleRemoveById/ByTag/ByMsg`,
//! `SecRuleUpdateTargetById/ByTag/ByMsg`, `SecRuleUpdateActionById`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

#[test]
fn remove_by_id_tag_msg() {
    let rs = ruleset(
        r#"SecRule ARGS:x "@rx ." "id:1,phase:1,pass,log"
SecRule ARGS:x "@rx ." "id:2,phase:1,pass,log"
SecRule ARGS:x "@rx ." "id:3,phase:1,pass,log,tag:'drop-me'"
SecRule ARGS:x "@rx ." "id:4,phase:1,pass,log,msg:'drop me too'"
SecAction "id:5,phase:1,pass,log,msg:'action'"
SecRuleRemoveById 2 5
SecRuleRemoveByTag drop-me
SecRuleRemoveByMsg "drop me too"
"#,
    );
    assert_eq!(ids(&run(&rs, &Req::get("/?x=1"))), vec![1]);
}

#[test]
fn removed_rules_still_count_for_skip() {
    let rs = ruleset(
        r#"SecAction "id:1,phase:1,pass,nolog,skip:1"
SecRule ARGS:x "@rx ." "id:2,phase:1,pass,log"
SecRule ARGS:x "@rx ." "id:3,phase:1,pass,log"
SecRuleRemoveById 2
"#,
    );
    assert_eq!(ids(&run(&rs, &Req::get("/?x=1"))), vec![3]);
}

#[test]
fn update_target_by_id_tag_msg() {
    let rs = ruleset(
        r#"SecRule ARGS:a "@rx ." "id:1,phase:1,pass,log,logdata:'%{MATCHED_VAR_NAME}'"
SecRule ARGS "@rx ." "id:2,phase:1,pass,log,tag:'t',logdata:'%{MATCHED_VAR_NAME}'"
SecRule ARGS "@rx ." "id:3,phase:1,pass,log,msg:'m',logdata:'%{MATCHED_VAR_NAME}'"
SecRuleUpdateTargetById 1 "ARGS:b"
SecRuleUpdateTargetByTag t "!ARGS:a"
SecRuleUpdateTargetByMsg m "!ARGS:/^[ab]$/"
"#,
    );
    let t = run(&rs, &Req::get("/?a=1&b=2&c=3"));
    let got: Vec<(i64, String)> = t
        .messages()
        .iter()
        .map(|m| (m.message.rule_id, m.message.logdata()))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "ARGS:b".to_string()),
            (2, "ARGS:c".to_string()),
            (3, "ARGS:c".to_string())
        ]
    );
}

#[test]
fn update_action_by_id() {
    let rs = ruleset(
        r#"SecRuleEngine On
SecRule ARGS:x "@rx ." "id:1,phase:1,deny,log,msg:'own'"
SecRule ARGS:y "@rx ." "id:2,phase:1,pass,log,t:none"
SecRuleUpdateActionById 1 "pass"
SecRuleUpdateActionById 2 "t:lowercase,severity:CRITICAL"
"#,
    );
    let t = run(&rs, &Req::get("/?x=1&y=ABC"));
    assert!(t.interruption().is_none(), "deny replaced by pass");
    assert_eq!(ids(&t), vec![1, 2]);
    assert_eq!(t.messages()[1].message.severity, 2);
    assert_eq!(t.messages()[1].message.matched_var, b"abc");
}
