//! `palisade bench` and `palisade replay` end to end on a small corpus and rule file: the
//! harness's layout (per-pass lines, the `median of N passes` summary, memory), the verdicts
//! TSV both commands share, the JSON summary, and the `--profile` tables.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

const RULES: &str = r#"
SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_HEADERS:Content-Type "^application/json" "id:200001,phase:1,t:none,t:lowercase,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule ARGS "@rx <script" "id:1001,phase:2,t:none,t:urlDecodeUni,t:lowercase,deny,status:403,msg:'XSS'"
SecRule REQUEST_HEADERS:User-Agent "@pm sqlmap nikto" "id:1002,phase:1,t:none,log,pass,msg:'scanner'"
"#;

const CORPUS: &str = r#"{"id":1,"kind":"benign","method":"GET","uri":"/a?q=hello","version":"HTTP/1.1","headers":[["Host","x.example"],["User-Agent","Mozilla/5.0"]],"body":""}
{"id":2,"kind":"attack","method":"GET","uri":"/a?q=%3CScript%3E","version":"HTTP/1.1","headers":[["Host","x.example"]],"body":""}
{"id":3,"kind":"attack","method":"POST","uri":"/api","version":"HTTP/1.1","headers":[["Host","x.example"],["User-Agent","sqlmap/1.7"],["Content-Type","application/json"],["Content-Length","24"]],"body":"{\"a\":{\"b\":\"<script>\"}}"}
{"id":4,"kind":"benign","method":"GET","uri":"/b","version":"HTTP/1.1","headers":[["Host","x.example"],["User-Agent","nikto"]],"body":""}
"#;

fn setup(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("palisade-bench-cmd-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("rules.conf"), RULES).unwrap();
    std::fs::write(d.join("requests.jsonl"), CORPUS).unwrap();
    d
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const EXPECTED_VERDICTS: [&str; 4] = [
    "1\tbenign\t-\t-\t200\t0\t",
    "2\tattack\t-\t-\t403\t1\t",
    "3\tattack\t-\t-\t403\t1\t",
    "4\tbenign\t-\t-\t200\t0\t",
];

fn check_verdicts(path: &std::path::Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id\tkind\tclass\tlocation\tstatus\tdisruptive\tmedian_us\trule_ids"
    );
    assert_eq!(lines.len(), 5, "{text}");
    for (line, want) in lines[1..].iter().zip(EXPECTED_VERDICTS) {
        assert!(
            line.starts_with(want),
            "{line:?} should start with {want:?}"
        );
    }
    assert!(lines[2].ends_with("\t1001"), "{}", lines[2]);
    assert!(lines[3].ends_with("\t1002,1001"), "{}", lines[3]);
    assert!(lines[4].ends_with("\t1002"), "{}", lines[4]);
    assert!(lines[1].ends_with("\t-"), "{}", lines[1]);
}

#[test]
fn bench_prints_the_harness_layout_and_writes_verdicts_and_json() {
    let d = setup("layout");
    let rules = d.join("rules.conf");
    let corpus = d.join("requests.jsonl");
    let verdicts = d.join("verdicts.tsv");
    let json = d.join("summary.json");
    let (code, out, err) = run(&[
        "bench",
        "--rules",
        rules.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
        "--passes",
        "3",
        "--warmup",
        "1",
        "--verdicts",
        verdicts.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--name",
        "tiny",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.starts_with("== tiny\n"), "{out}");
    assert!(out.contains("-> 3 rules, load "), "{out}");
    assert!(out.contains("corpus: "), "{out}");
    assert!(out.contains("-> 4 requests (2 benign, 2 attack)"), "{out}");
    assert!(out.contains("passes: 3 timed (after 1 warm-up)"), "{out}");
    for p in 1..=3 {
        assert!(
            out.contains(&format!("pass {p}: wall ")),
            "pass {p} missing:\n{out}"
        );
    }
    assert!(out.contains("median of 3 passes: wall "), "{out}");
    assert!(out.contains("  benign  n=2 "), "{out}");
    assert!(out.contains("  attack  n=2 "), "{out}");
    assert!(
        out.contains("blocked: attacks 2/2 (403), false positives 0/2 benign (403)"),
        "{out}"
    );
    assert!(
        out.contains("verdicts identical across passes: yes"),
        "{out}"
    );
    assert!(out.contains("log messages per pass: 2"), "{out}");
    assert!(out.contains("memory: ruleset RSS +"), "{out}");
    check_verdicts(&verdicts);
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(j["name"], "tiny");
    assert_eq!(j["n"], 4);
    assert_eq!(j["attack_403"], 2);
    assert_eq!(j["benign_403"], 0);
    assert_eq!(j["per_pass"].as_array().unwrap().len(), 3);
    assert!(j["median"]["rps"].as_f64().unwrap() > 0.0);
    assert!(j["median"]["benign"]["p99_us"].as_f64().unwrap() > 0.0);
    assert!(j["load_ms"].as_f64().unwrap() > 0.0);
    assert!(j["peak_rss_kib"].as_u64().unwrap() > 0);
}

#[test]
fn replay_writes_the_same_verdicts() {
    let d = setup("replay");
    let verdicts = d.join("verdicts.tsv");
    let (code, out, err) = run(&[
        "replay",
        "--rules",
        d.join("rules.conf").to_str().unwrap(),
        "--corpus",
        d.join("requests.jsonl").to_str().unwrap(),
        "--verdicts",
        verdicts.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("replayed 4 requests: 2 attacks and 0 benign requests blocked"),
        "{err}"
    );
    check_verdicts(&verdicts);
}

#[test]
fn profile_lists_rules_transformations_and_body_processors() {
    let d = setup("profile");
    let (code, out, err) = run(&[
        "bench",
        "--rules",
        d.join("rules.conf").to_str().unwrap(),
        "--corpus",
        d.join("requests.jsonl").to_str().unwrap(),
        "--passes",
        "1",
        "--warmup",
        "0",
        "--profile",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    let prof = &out[out
        .find("profile: 1 untimed pass(es) of 4 requests")
        .expect(&out)..];
    assert!(prof.contains("JSON n=1 "), "{prof}");
    assert!(prof.contains("(none) n=3 "), "{prof}");
    // 1001 runs in phase 2 of all four requests; 1002 and 200001 in phase 1.
    let row = |id: &str| {
        prof.lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or_else(|| panic!("no row for {id}:\n{prof}"))
            .to_owned()
    };
    let r1001: Vec<String> = row("1001").split_whitespace().map(str::to_owned).collect();
    assert_eq!(r1001[1], "2", "phase: {r1001:?}");
    assert_eq!(r1001[2], "4", "evaluations: {r1001:?}");
    assert!(row("1001").contains("@Rx t:urlDecodeUni,t:lowercase"));
    assert!(row("1002").contains("@Pm"));
    assert!(prof.contains("t:urlDecodeUni,t:lowercase\n"), "{prof}");
}

#[test]
fn bench_refuses_a_missing_corpus() {
    let d = setup("missing");
    let (code, _, err) = run(&[
        "bench",
        "--rules",
        d.join("rules.conf").to_str().unwrap(),
        "--corpus",
        d.join("nope.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.jsonl"), "{err}");
}
