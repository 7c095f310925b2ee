//! `TX:/regex/` selections and the key-regex answers a transaction keeps for compile-time keys
//! (transaction/visit_lists.rs `key_regex_match`, used by resolve.rs `resolve_mut`): random
//! sequences of `setvar`s and deletions of `TX` keys (keys the rules name, so compile-time
//! ids, in several ASCII cases, and keys only set at run time), interleaved with selections
//! by regexes with and without a literal prefix and one with an inline flag (`(?-i)`, whose
//! answers may not be kept), over several requests run on one transaction object reset
//! between them (the kept answers outlive a reset), must give the same selected names and
//! values, in the same order, as with no answer kept (every regex unnumbered). Counts of the
//! same selections (`&TX:/re/`) and `TX:key` reads are checked the same way.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;

use std::sync::Arc;

use palisade_engine::host::Host;
use palisade_engine::ruleset::Ruleset;
use palisade_engine::ruleset::rule::{KeyExclusion, Selector, TargetKind};
use palisade_engine::transaction::{EvalOptions, Transaction};
use proptest::prelude::*;

const STEPS: usize = 3;
const SELECTIONS: &str =
    "TX:/^ab/|TX:/b$/|TX:/^a[bc]/|TX:/(?-i)aB/|TX:/B/|TX:/^x(?:a)?b/|TX:ab|TX:AB_C";

fn rules() -> String {
    let mut r = String::from("SecRuleEngine On\n");
    for k in 0..STEPS {
        r.push_str(&format!(
            "SecRule ARGS:s{k} \"@rx ^(.+)$\" \"id:{},phase:1,pass,nolog,capture,setvar:'tx.%{{tx.1}}=v{k}'\"\n",
            100 + k
        ));
        r.push_str(&format!(
            "SecRule ARGS:d{k} \"@rx ^(.+)$\" \"id:{},phase:1,pass,nolog,capture,setvar:'!tx.%{{tx.1}}'\"\n",
            110 + k
        ));
        r.push_str(&format!(
            "SecRule {SELECTIONS}|!TX:/^bab$/ \"@rx ^\" \"id:{},phase:1,pass,nolog,setvar:'tx.zlog{k}=%{{tx.zlog{k}}} %{{MATCHED_VAR_NAME}}/%{{MATCHED_VAR}}'\"\n",
            120 + k
        ));
        r.push_str(&format!(
            "SecRule &TX:/^ab/|&TX:/B/|&TX:/(?-i)aB/|&TX:ab \"@ge 0\" \"id:{},phase:1,pass,nolog,setvar:'tx.zcount{k}=%{{tx.zcount{k}}} %{{MATCHED_VAR}}'\"\n",
            130 + k
        ));
    }
    // Keys the rules name (compile-time ids); never run.
    r.push_str(
        "SecRule TX:ab|TX:abc|TX:Bab|TX:xab|TX:AB_C|TX:cb \"@rx ^\" \"id:999,phase:5,pass,nolog\"\n",
    );
    r
}

/// The same rules with no key-regex answer kept: every regex unnumbered.
fn without_answers(text: &str) -> Arc<Ruleset> {
    let mut rs = try_ruleset(text).unwrap();
    let unnumbered = |re: &mut Arc<palisade_engine::ruleset::rule::KeyRegex>| {
        let mut k = (**re).clone();
        k.index = u32::MAX;
        *re = Arc::new(k);
    };
    for r in &mut rs.rules {
        for t in &mut r.targets {
            if let TargetKind::Collection(_, Selector::Regex(re)) = &mut t.kind {
                unnumbered(re);
            }
            for e in &mut t.exclusions {
                if let KeyExclusion::Regex(re) = e {
                    unnumbered(re);
                }
            }
        }
    }
    Arc::new(rs)
}

const KEYS: &[&str] = &[
    "ab", "AB", "aB", "abc", "ABC", "bab", "Bab", "BAB", "xab", "XB", "ab_c", "AB_C", "cb", "zz",
    "a", "b", "abz", "aBz",
];

fn request() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = (0..STEPS, any::<bool>())
        .prop_map(|(k, set)| format!("{}{k}", if set { "s" } else { "d" }));
    proptest::collection::vec(
        (name, prop::sample::select(KEYS).prop_map(str::to_owned)),
        0..12,
    )
}

fn outcome(t: &Transaction) -> Vec<String> {
    let mut out: Vec<String> = (0..STEPS)
        .flat_map(|k| {
            [
                format!("zlog{k}={:?}", tx(t, &format!("zlog{k}"))),
                format!("zcount{k}={:?}", tx(t, &format!("zcount{k}"))),
            ]
        })
        .collect();
    for k in KEYS {
        out.push(format!("{k}={:?}", tx(t, k)));
    }
    out
}

fn run_on(t: &mut Transaction, args: &[(String, String)]) {
    let uri = format!("/p?{}", pairs_joined(args, "&"));
    t.process_connection("10.0.0.1", 40000, "10.0.0.2", 80);
    t.process_uri(uri.as_bytes(), b"GET", "1.1");
    t.add_request_header(b"Host", b"example.com");
    t.process_request_headers();
    t.process_request_body();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn kept_key_regex_answers_select_as_fresh_ones(
        requests in proptest::collection::vec(request(), 1..4),
    ) {
        let text = rules();
        let on = ruleset(&text);
        let off = without_answers(&text);
        let mut a = Transaction::with_id(on, Host::default(), EvalOptions::default(), "a");
        let mut b = Transaction::with_id(off, Host::default(), EvalOptions::default(), "b");
        for (i, args) in requests.iter().enumerate() {
            if i > 0 {
                a.reset("a");
                b.reset("b");
            }
            run_on(&mut a, args);
            run_on(&mut b, args);
            prop_assert_eq!(outcome(&a), outcome(&b), "request {}: {:?}", i, requests);
        }
    }
}

/// The selections see what each step left, in ModSecurity's order, and a kept answer for a
/// compile-time key is not reused for the key's other spelling under `(?-i)`.
#[test]
fn selections_follow_the_writes() {
    let rs = ruleset(&rules());
    let mut t = Transaction::with_id(rs, Host::default(), EvalOptions::default(), "a");
    let args = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    run_on(&mut t, &args(&[("s0", "aB"), ("s1", "xab"), ("d2", "aB")]));
    assert_eq!(
        tx(&t, "zlog0").as_deref(),
        Some(" TX:aB/v0 TX:aB/v0 TX:aB/v0 TX:aB/v0 TX:aB/v0 TX:ab/v0")
    );
    // Step 2, after `aB` was deleted: only `xab` (by `b$`, `B` and `^x(?:a)?b`).
    assert_eq!(
        tx(&t, "zlog2").as_deref(),
        Some(" TX:xab/v1 TX:xab/v1 TX:xab/v1")
    );
    t.reset("b");
    run_on(&mut t, &args(&[("s0", "ab")]));
    // `ab` (the same compile-time id as `aB`) is not selected by `(?-i)aB`.
    assert_eq!(
        tx(&t, "zlog0").as_deref(),
        Some(" TX:ab/v0 TX:ab/v0 TX:ab/v0 TX:ab/v0 TX:ab/v0")
    );
}
