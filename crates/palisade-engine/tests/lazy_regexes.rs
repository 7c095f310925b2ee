//! Regex automata are built on first use; `Ruleset::compile_regexes` builds them up front.
//! Both decide alike, and a bad pattern still fails the load.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

const RULES: &str = r#"SecRuleEngine On
SecRule ARGS "@rx (?i)union\s+(all\s+)?select" "id:1,phase:2,pass,capture,setvar:tx.one=%{tx.1}"
SecRule ARGS "@rxGlobal (\d+)-(\d+)" "id:2,phase:2,pass,capture,setvar:tx.two=%{tx.0}/%{tx.3}"
SecRule REQUEST_URI "@rx ^/admin(?!/public)" "id:3,phase:1,deny,status:403"
SecRule ARGS:cc "@verifyCC \d{13,16}" "id:4,phase:2,pass"
"#;

fn outcome(rs: &std::sync::Arc<palisade_engine::ruleset::Ruleset>, uri: &str) -> String {
    let t = run(rs, &Req::get(uri));
    format!(
        "{:?} {:?} {:?} {:?}",
        ids(&t),
        tx(&t, "one"),
        tx(&t, "two"),
        t.interruption().map(|i| i.status)
    )
}

#[test]
fn lazy_and_eager_rulesets_decide_alike() {
    let uris = [
        "/?q=1+UNION+ALL+SELECT+2",
        "/?a=10-20+and+30-40",
        "/admin/x",
        "/admin/public",
        "/?cc=4111111111111111",
        "/?q=nothing+here",
    ];
    let lazy = ruleset(RULES);
    let eager = ruleset(RULES);
    assert_eq!(eager.compile_regexes(), 0);
    let lazy_out: Vec<String> = uris.iter().map(|u| outcome(&lazy, u)).collect();
    let eager_out: Vec<String> = uris.iter().map(|u| outcome(&eager, u)).collect();
    assert_eq!(lazy_out, eager_out);
    assert!(lazy_out[0].contains("Some(\"ALL \")"), "{}", lazy_out[0]);
    assert!(lazy_out[1].contains("10-20/30-40"), "{}", lazy_out[1]);
    assert!(lazy_out[2].contains("Some(403)") && !lazy_out[3].contains("403"));
    // Building again is a no-op; so is building after the lazy ruleset built some.
    assert_eq!(eager.compile_regexes(), 0);
    assert_eq!(lazy.compile_regexes(), 0);
}

#[test]
fn bad_patterns_still_fail_the_load() {
    for bad in ["@rx (a", "@rx a(?<=b)", "@rxGlobal [z-a]"] {
        let text = format!("SecRule ARGS \"{bad}\" \"id:9,phase:2,pass\"\n");
        assert!(try_ruleset(&text).is_err(), "{bad} loaded");
    }
}
