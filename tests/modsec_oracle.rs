//! Differential tests against the real ModSecurity: small rule sets and requests run through
//! the installed libmodsecurity (Debian's 3.0.9, through `modsec_oracle/oracle.c`, built at
//! test time) and through Palisade; the error-log lines and interventions must be the same.
//!
//! Lines are compared after removing what is unique per run (`[unique_id "…"]`) and the
//! `[ref "…"]` field (byte offsets of matches, which Palisade does not reproduce).
//!
//! Needs `cc`, `pkg-config` and `libmodsecurity-dev`; fails loudly without them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use palisade::Waf;
use palisade::host::FixedClock;

struct Case {
    name: &'static str,
    rules: &'static str,
    method: &'static str,
    uri: &'static str,
    body: &'static str,
    headers: &'static [(&'static str, &'static str)],
}

const H: &[(&str, &str)] = &[("Host", "example.com"), ("User-Agent", "Mozilla/5.0")];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "default phase is 1",
            rules: r#"SecRuleEngine On
SecRequestBodyAccess On
SecRule REQUEST_BODY "@rx x" "id:1,log,msg:'nophase'"
SecRule REQUEST_BODY "@rx x" "id:2,phase:2,log,msg:'p2'"
SecRule REQUEST_HEADERS:Host "@rx example" "id:3,log,msg:'p1 %{MATCHED_VAR}'"
"#,
            method: "POST",
            uri: "/a",
            body: "x",
            headers: &[("Host", "example.com"), ("Content-Type", "text/plain")],
        },
        Case {
            name: "chain setvar and macros",
            rules: r#"SecRuleEngine On
SecRule ARGS:a "@rx ^x" "id:10,phase:1,pass,log,msg:'chain %{tx.hits} %{MATCHED_VAR_NAME}',logdata:'%{MATCHED_VAR}',chain"
    SecRule ARGS:b "@rx y" "setvar:tx.hits=+1"
SecRule ARGS "@rx ." "id:11,phase:1,pass,log,msg:'every %{tx.n}',setvar:tx.n=+5"
"#,
            method: "GET",
            uri: "/?a=xx&b=yy&c=z",
            body: "",
            headers: H,
        },
        Case {
            name: "multiMatch logs each changed value",
            rules: r#"SecRuleEngine On
SecRule ARGS "@rx abc" "id:20,phase:1,pass,log,multiMatch,t:none,t:lowercase,msg:'mm %{MATCHED_VAR}'"
SecRule ARGS "@rx abc" "id:21,phase:1,pass,log,t:none,t:lowercase,msg:'single %{MATCHED_VAR}'"
"#,
            method: "GET",
            uri: "/?q=ABC&r=abc",
            body: "",
            headers: H,
        },
        Case {
            name: "block and default actions",
            rules: r#"SecRuleEngine On
SecDefaultAction "phase:1,log,auditlog,deny,status:418"
SecDefaultAction "phase:2,log,auditlog,pass"
SecRule ARGS:x "@streq 1" "id:30,phase:2,block,msg:'pass by default'"
SecRule ARGS:x "@streq 1" "id:31,phase:1,block,severity:CRITICAL,msg:'denied by default'"
"#,
            method: "GET",
            uri: "/?x=1",
            body: "",
            headers: H,
        },
        Case {
            name: "detection only",
            rules: r#"SecRuleEngine DetectionOnly
SecRule ARGS:x "@streq 1" "id:40,phase:1,deny,log,msg:'would deny'"
SecRule ARGS:x "@streq 1" "id:41,phase:1,allow,log,msg:'would allow'"
SecRule ARGS:x "@streq 1" "id:42,phase:1,pass,log,msg:'still runs'"
"#,
            method: "GET",
            uri: "/?x=1",
            body: "",
            headers: H,
        },
        Case {
            name: "skipAfter across phases and skip",
            rules: r#"SecRuleEngine On
SecRule ARGS:x "@streq 1" "id:50,phase:1,pass,nolog,skipAfter:LATER"
SecRule ARGS:x "@streq 1" "id:51,phase:1,pass,log,msg:'skipped'"
SecRule ARGS:x "@streq 1" "id:52,phase:2,pass,log,msg:'also skipped'"
SecMarker LATER
SecRule ARGS:x "@streq 1" "id:53,phase:2,pass,log,msg:'after marker',skip:1"
SecRule ARGS:x "@streq 1" "id:54,phase:2,pass,log,msg:'skipped by skip'"
SecRule ARGS:x "@streq 1" "id:55,phase:2,pass,log,msg:'last'"
"#,
            method: "GET",
            uri: "/?x=1",
            body: "",
            headers: H,
        },
        Case {
            name: "skipAfter to an earlier marker skips the rest of the phase",
            rules: r#"SecRuleEngine On
SecMarker EARLY
SecRule ARGS:x "@streq 1" "id:60,phase:1,pass,nolog,skipAfter:EARLY"
SecRule ARGS:x "@streq 1" "id:61,phase:1,pass,log,msg:'skipped'"
SecRule ARGS:x "@streq 1" "id:62,phase:2,pass,log,msg:'phase 2 after the marker'"
"#,
            method: "GET",
            uri: "/?x=1",
            body: "",
            headers: H,
        },
        Case {
            name: "allow scopes",
            rules: r#"SecRuleEngine On
SecRule ARGS:p "@streq 1" "id:70,phase:1,allow:phase,log,msg:'allow phase'"
SecRule ARGS:p "@streq 1" "id:71,phase:1,pass,log,msg:'not reached'"
SecRule ARGS:p "@streq 1" "id:72,phase:2,pass,log,msg:'phase 2 runs'"
SecRule ARGS:r "@streq 1" "id:73,phase:2,allow:request,log,msg:'allow request'"
SecRule ARGS:r "@streq 1" "id:74,phase:3,pass,log,msg:'response runs'"
SecRule ARGS:a "@streq 1" "id:75,phase:2,allow,log,msg:'allow all'"
SecRule ARGS:a "@streq 1" "id:76,phase:3,pass,log,msg:'not after allow'"
"#,
            method: "GET",
            uri: "/?p=1&r=1&a=1",
            body: "",
            headers: H,
        },
        Case {
            name: "ctl removals",
            rules: r#"SecRuleEngine On
SecRule ARGS:x "@streq 1" "id:80,phase:1,pass,nolog,ctl:ruleRemoveById=82,ctl:ruleRemoveTargetById=83;ARGS:y,ctl:ruleRemoveByTag=gone"
SecRule ARGS:x "@streq 1" "id:81,phase:1,pass,log,msg:'kept'"
SecRule ARGS:x "@streq 1" "id:82,phase:1,pass,log,msg:'removed by id'"
SecRule ARGS "@streq 1" "id:83,phase:1,pass,log,msg:'target %{MATCHED_VAR_NAME}'"
SecRule ARGS:x "@streq 1" "id:84,phase:1,pass,log,tag:'gone',msg:'removed by tag'"
"#,
            method: "GET",
            uri: "/?x=1&y=1",
            body: "",
            headers: H,
        },
        Case {
            name: "update target exclusions",
            rules: r#"SecRuleEngine On
SecRule REQUEST_COOKIES "@rx bad" "id:90,phase:1,pass,log,msg:'cookie %{MATCHED_VAR_NAME}'"
SecRule REQUEST_COOKIES|!REQUEST_COOKIES:SKIPME "@rx bad" "id:91,phase:1,pass,log,msg:'own exclusion %{MATCHED_VAR_NAME}'"
SecRuleUpdateTargetById 90 "!REQUEST_COOKIES:skipme"
SecRuleUpdateTargetById 90 "!REQUEST_COOKIES:/^_ga/"
"#,
            method: "GET",
            uri: "/",
            body: "",
            headers: &[
                ("Host", "example.com"),
                ("Cookie", "skipme=bad; _ga1=bad; Skipme=bad; other=bad"),
            ],
        },
        Case {
            name: "severity, capture, counts and names",
            rules: r#"SecRuleEngine On
SecRule ARGS:q "@rx (a+)(b)" "id:100,phase:1,pass,log,capture,severity:WARNING,msg:'cap %{TX.0} %{TX.1} %{TX.2}'"
SecRule &ARGS "@eq 3" "id:101,phase:1,pass,log,msg:'three args %{MATCHED_VAR_NAME}=%{MATCHED_VAR}'"
SecRule ARGS_NAMES "@rx ^q$" "id:102,phase:1,pass,log,msg:'name %{MATCHED_VAR_NAME}'"
SecRule REQUEST_HEADERS_NAMES "@rx ^Host$" "id:103,phase:1,pass,log,severity:2,msg:'hdr %{MATCHED_VAR_NAME} %{HIGHEST_SEVERITY}'"
SecRule ARGS:/^z/ "@rx ." "id:104,phase:1,pass,log,msg:'regex %{MATCHED_VAR_NAME}'"
"#,
            method: "GET",
            uri: "/?q=xaab&zz=1&q2=w",
            body: "",
            headers: H,
        },
        Case {
            name: "status, redirect and nolog",
            rules: r#"SecRuleEngine On
SecRule ARGS:x "@streq 1" "id:110,phase:1,pass,nolog,msg:'silent'"
SecRule ARGS:x "@streq 1" "id:111,phase:1,redirect:'http://example.org/%{ARGS.x}',msg:'go'"
SecRule ARGS:x "@streq 1" "id:112,phase:2,status:429,deny,msg:'rate'"
"#,
            method: "GET",
            uri: "/?x=1",
            body: "",
            headers: H,
        },
        Case {
            name: "SecAction logging",
            rules: r#"SecRuleEngine On
SecDefaultAction "phase:1,log,auditlog,pass"
SecAction "id:120,phase:1,pass,msg:'action with msg'"
SecAction "id:121,phase:1,pass"
SecAction "id:122,phase:1,block,nolog"
SecAction "id:123,phase:1,nolog,pass,msg:'quiet'"
"#,
            method: "GET",
            uri: "/",
            body: "",
            headers: H,
        },
        Case {
            name: "matched vars across a chain",
            rules: r#"SecRuleEngine On
SecRule ARGS "@rx ^(?:a|b)$" "id:130,phase:1,pass,log,msg:'mv %{MATCHED_VARS_NAMES.ARGS:p} %{MATCHED_VAR}',chain"
    SecRule MATCHED_VARS "@rx b" "setvar:tx.x=1"
"#,
            method: "GET",
            uri: "/?p=a&r=b&s=c",
            body: "",
            headers: H,
        },
        Case {
            name: "setvar arithmetic on text",
            rules: r#"SecRuleEngine On
SecAction "id:140,phase:1,pass,nolog,setvar:tx.t=abc,setvar:tx.t=+2,setvar:tx.u=7x,setvar:tx.u=-10,setvar:'tx.v=%{tx.u}%{tx.t}'"
SecRule TX:v "@rx ." "id:141,phase:1,pass,log,msg:'t=%{tx.t} u=%{tx.u} v=%{tx.v}'"
"#,
            method: "GET",
            uri: "/",
            body: "",
            headers: H,
        },
        Case {
            name: "libinjection operators",
            rules: r#"SecRuleEngine On
SecRule ARGS "@detectSQLi" "id:150,phase:1,pass,log,capture,msg:'sqli %{TX.0}'"
SecRule ARGS "@detectXSS" "id:151,phase:1,pass,log,msg:'xss'"
"#,
            method: "GET",
            uri: "/?a=1%27%20or%20%271%27%3D%271&b=%3Cscript%3Ealert(1)%3C/script%3E",
            body: "",
            headers: H,
        },
        Case {
            name: "interception in phase 1 and the next phase",
            rules: r#"SecRuleEngine On
SecRule ARGS:x "@streq 1" "id:160,phase:1,deny,log,msg:'stop'"
SecRule ARGS:x "@streq 1" "id:161,phase:1,pass,log,msg:'not reached'"
SecRule ARGS:x "@streq 1" "id:162,phase:2,pass,log,msg:'phase 2'"
"#,
            method: "GET",
            uri: "/?x=1",
            body: "",
            headers: H,
        },
        Case {
            name: "many arguments in ModSecurity's order",
            rules: r#"SecRuleEngine On
SecRule ARGS "@rx ." "id:170,phase:1,pass,log,msg:'last %{MATCHED_VAR_NAME}',setvar:'tx.seen=%{tx.seen}%{MATCHED_VAR}'"
SecRule TX:seen "@rx ." "id:171,phase:1,pass,log,msg:'order %{tx.seen}'"
SecRule REQUEST_HEADERS "@rx ." "id:172,phase:1,pass,log,msg:'hdr last %{MATCHED_VAR_NAME}'"
"#,
            method: "GET",
            uri: "/?b=1&a=2&ab=3&ba=4&c=5&A=6&zz=7&y=8&x=9&w=10&v=11&u=12&t=13&s=14",
            body: "",
            headers: &[
                ("Host", "example.com"),
                ("Accept", "*/*"),
                ("X-B", "1"),
                ("X-A", "2"),
                ("Cookie", "a=b"),
                ("Referer", "http://r/"),
            ],
        },
        Case {
            name: "urlencoded body and errors",
            rules: r#"SecRuleEngine On
SecRequestBodyAccess On
SecRule ARGS_POST:n "@rx ." "id:180,phase:2,pass,log,msg:'post %{MATCHED_VAR} %{REQBODY_PROCESSOR} %{URLENCODED_ERROR}'"
SecRule REQBODY_ERROR "!@eq 0" "id:181,phase:2,pass,log,msg:'reqbody error'"
SecRule ARGS_GET_NAMES "@rx ." "id:182,phase:2,pass,log,msg:'get name %{MATCHED_VAR}'"
SecRule ARGS_COMBINED_SIZE "@gt 1" "id:183,phase:2,pass,log,msg:'size %{ARGS_COMBINED_SIZE} %{FULL_REQUEST_LENGTH} %{REQUEST_BODY_LENGTH}'"
"#,
            method: "POST",
            uri: "/?g=1",
            body: "n=v%zz&m=2",
            headers: &[
                ("Host", "example.com"),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
        },
        Case {
            name: "request variables",
            rules: r#"SecRuleEngine On
SecRule REQUEST_LINE "@rx ." "id:190,phase:1,pass,log,msg:'%{REQUEST_LINE}|%{REQUEST_METHOD}|%{REQUEST_PROTOCOL}|%{QUERY_STRING}'"
SecRule REQUEST_URI "@rx ." "id:191,phase:1,pass,log,msg:'%{REQUEST_URI}|%{REQUEST_URI_RAW}|%{REQUEST_FILENAME}|%{REQUEST_BASENAME}|%{PATH_INFO}'"
SecRule &REQUEST_HEADERS:X-Dup "@eq 2" "id:192,phase:1,pass,log,msg:'%{REQUEST_HEADERS.x-dup} %{AUTH_TYPE} %{SERVER_NAME} %{REMOTE_PORT} %{SERVER_PORT} %{REMOTE_ADDR}'"
SecRule REQUEST_BASENAME "@rx ^$" "id:193,phase:1,pass,log,msg:'empty basename'"
SecRule REQBODY_ERROR "@rx ^$" "id:194,phase:1,pass,log,msg:'unset scalar'"
"#,
            method: "GET",
            uri: "/dir/a%20b.php?x=%41&y#frag",
            body: "",
            headers: &[
                ("Host", "Example.com:8080"),
                ("X-Dup", "one"),
                ("x-dup", "two"),
                ("Authorization", "Basic abc"),
            ],
        },
        Case {
            name: "absolute-form target and trailing slash",
            rules: r#"SecRuleEngine On
SecRule REQUEST_URI "@rx ." "id:195,phase:1,pass,log,msg:'%{REQUEST_URI}|%{REQUEST_FILENAME}|%{REQUEST_BASENAME}'"
"#,
            method: "GET",
            uri: "http://example.com/dir/?q=1",
            body: "",
            headers: H,
        },
        Case {
            name: "multipart body",
            rules: r#"SecRuleEngine On
SecRequestBodyAccess On
SecRule ARGS_POST "@rx ." "id:200,phase:2,pass,log,msg:'arg %{MATCHED_VAR_NAME}=%{MATCHED_VAR}'"
SecRule FILES "@rx ." "id:201,phase:2,pass,log,msg:'file %{MATCHED_VAR_NAME}=%{MATCHED_VAR} %{FILES_SIZES.up} %{FILES_COMBINED_SIZE}'"
SecRule MULTIPART_PART_HEADERS "@rx (?i)^content-type" "id:202,phase:2,pass,log,msg:'part header %{MATCHED_VAR_NAME}'"
SecRule MULTIPART_NAME|MULTIPART_FILENAME "@rx ." "id:203,phase:2,pass,log,msg:'names %{MATCHED_VAR_NAME}'"
SecRule MULTIPART_STRICT_ERROR "!@eq 0" "id:204,phase:2,pass,log,msg:'strict %{REQBODY_ERROR_MSG}'"
SecRule REQBODY_PROCESSOR "@streq MULTIPART" "id:205,phase:2,pass,log,msg:'%{MULTIPART_UNMATCHED_BOUNDARY}%{MULTIPART_DATA_BEFORE}%{MULTIPART_DATA_AFTER}%{MULTIPART_LF_LINE}%{REQBODY_ERROR}'"
"#,
            method: "POST",
            uri: "/up",
            body: "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"up\"; filename=\"f.txt\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n",
            headers: &[
                ("Host", "example.com"),
                ("Content-Type", "multipart/form-data; boundary=XyZ"),
            ],
        },
        Case {
            name: "malformed multipart",
            rules: r#"SecRuleEngine On
SecRequestBodyAccess On
SecRule REQBODY_ERROR "!@eq 0" "id:210,phase:2,pass,log,msg:'error %{REQBODY_ERROR_MSG}'"
SecRule MULTIPART_STRICT_ERROR "!@eq 0" "id:211,phase:2,pass,log,msg:'strict'"
SecRule &ARGS_POST "@eq 0" "id:212,phase:2,pass,log,msg:'no args'"
"#,
            method: "POST",
            uri: "/up",
            body: "--a\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--a\r\n",
            headers: &[
                ("Host", "example.com"),
                (
                    "Content-Type",
                    "multipart/form-data; boundary=a; boundary=b",
                ),
            ],
        },
        Case {
            name: "transformation chains and multiMatch steps",
            rules: r#"SecRuleEngine On
SecRule ARGS "@rx <script" "id:220,phase:1,pass,log,multiMatch,t:none,t:urlDecodeUni,t:htmlEntityDecode,t:lowercase,msg:'mm %{MATCHED_VAR}'"
SecRule ARGS "@rx <script" "id:221,phase:1,pass,log,t:none,t:urlDecodeUni,t:htmlEntityDecode,t:lowercase,msg:'one %{MATCHED_VAR}'"
SecRule ARGS "@eq 12" "id:222,phase:1,pass,log,t:none,t:length,msg:'len'"
SecRule REQUEST_HEADERS:User-Agent "@rx mozilla" "id:223,phase:1,pass,log,t:none,t:lowercase,t:removeWhitespace,t:compressWhitespace,msg:'%{MATCHED_VAR}'"
"#,
            method: "GET",
            uri: "/?a=%253CScRiPt%253E&b=%26lt;SCRIPT%26gt;xx",
            body: "",
            headers: H,
        },
    ]
}

fn oracle_binary(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("modsec_oracle/oracle.c");
    let out = dir.join("oracle");
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "modsecurity"])
        .output()
        .expect("pkg-config is needed (apt-get install pkg-config libmodsecurity-dev)");
    assert!(
        flags.status.success(),
        "libmodsecurity-dev is needed: {}",
        String::from_utf8_lossy(&flags.stderr)
    );
    let flags = String::from_utf8(flags.stdout).unwrap();
    let status = Command::new("cc")
        .arg("-O1")
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .args(flags.split_whitespace())
        .status()
        .expect("a C compiler (cc) is needed");
    assert!(status.success(), "building the oracle failed");
    out
}

fn normalize(line: &str) -> String {
    let mut s = line.to_owned();
    for field in ["[unique_id \"", "[ref \""] {
        while let Some(a) = s.find(field) {
            let rest = &s[a + field.len()..];
            let Some(b) = rest.find("\"]") else { break };
            let end = a + field.len() + b + 2;
            let cut = if s[end..].starts_with(' ') {
                end + 1
            } else {
                end
            };
            s.replace_range(a..cut, "");
        }
    }
    s.trim_end().to_owned()
}

fn oracle_run(bin: &Path, rules: &Path, c: &Case) -> Vec<String> {
    let mut cmd = Command::new(bin);
    cmd.arg(rules).arg(c.method).arg(c.uri).arg(c.body);
    for (k, v) in c.headers {
        cmd.arg(format!("{k}: {v}"));
    }
    let out = cmd.output().expect("running the oracle");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| normalize(&l.replace(&rules.display().to_string(), "RULES")))
        .collect()
}

fn palisade_run(rules: &Path, c: &Case) -> Vec<String> {
    let waf = Waf::builder()
        .rules_file(rules)
        .clock(Arc::new(FixedClock::at_secs(1_700_000_000)))
        .multipart_header_line_endings(true)
        .build()
        .unwrap_or_else(|e| panic!("{}: {e}", c.name));
    let mut t = waf.transaction();
    let mut out = Vec::new();
    let mut seen = 0;
    let flush = |t: &palisade::Transaction, out: &mut Vec<String>, seen: &mut usize| {
        let lines = t.error_log();
        for l in &lines[*seen..] {
            out.push(format!("LOG: {l}"));
        }
        *seen = lines.len();
    };
    let take = |t: &mut palisade::Transaction, out: &mut Vec<String>, phase: &str| {
        if let Some(i) = t.take_interruption() {
            out.push(format!(
                "INTERVENTION {phase}: status={} url={} log={}",
                i.status,
                i.redirect_url.as_deref().unwrap_or("-"),
                i.log.as_deref().unwrap_or("-")
            ));
        }
    };
    t.process_connection("10.0.0.1", 40000, "10.0.0.2", 80);
    t.process_uri(c.uri, c.method, "1.1");
    for (k, v) in c.headers {
        t.add_request_header(k, v);
    }
    t.process_request_headers();
    flush(&t, &mut out, &mut seen);
    take(&mut t, &mut out, "phase1");
    if !c.body.is_empty() {
        t.append_request_body(c.body.as_bytes());
    }
    t.process_request_body();
    flush(&t, &mut out, &mut seen);
    take(&mut t, &mut out, "phase2");
    t.add_response_header("Content-Type", "text/html");
    t.process_response_headers(200, "HTTP 1.1");
    flush(&t, &mut out, &mut seen);
    take(&mut t, &mut out, "phase3");
    t.process_response_body();
    flush(&t, &mut out, &mut seen);
    take(&mut t, &mut out, "phase4");
    t.process_logging();
    flush(&t, &mut out, &mut seen);
    out.into_iter()
        .map(|l| normalize(&l.replace(&rules.display().to_string(), "RULES")))
        .collect()
}

#[test]
fn palisade_logs_and_intervenes_as_modsecurity() {
    let dir = std::env::temp_dir().join(format!("palisade-oracle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = oracle_binary(&dir);
    let mut passed = 0;
    let mut failures = Vec::new();
    let all = cases();
    for (i, c) in all.iter().enumerate() {
        let rules = dir.join(format!("case{i}.conf"));
        std::fs::write(&rules, c.rules).unwrap();
        let want = oracle_run(&bin, &rules, c);
        let got = palisade_run(&rules, c);
        if want == got {
            passed += 1;
        } else {
            failures.push(format!(
                "--- {}\nModSecurity:\n  {}\nPalisade:\n  {}",
                c.name,
                want.join("\n  "),
                got.join("\n  ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    for f in &failures {
        eprintln!("{f}");
    }
    println!(
        "modsec oracle: {passed} passed, {} failed, 0 skipped",
        failures.len()
    );
    assert!(failures.is_empty(), "{} cases differ", failures.len());
}
