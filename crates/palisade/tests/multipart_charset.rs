//! CVE-2026-21876 regression: CRS v4.28's REQUEST-922 rules (922140 resets a counter, 922150
//! captures every part's `Content-Type` into `TX:multipart_headers_content_types_N`, 922110
//! checks each) must see every part's charset, not only the last one, and a `Content-Type`
//! with two `boundary=` parameters is a multipart error. Run with Palisade's defaults (part
//! header values without their line ending, as libmodsecurity 3.0.10+).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use palisade::Waf;

fn waf() -> Waf {
    let crs = std::fs::canonicalize(palisade_testdata::crs_dir()).unwrap();
    // One file per call: the tests of this binary run in parallel in one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let conf =
        std::env::temp_dir().join(format!("palisade-922-{}-{call}.conf", std::process::id()));
    std::fs::write(
        &conf,
        format!(
            r#"SecRuleEngine On
SecRequestBodyAccess On
SecDefaultAction "phase:2,log,auditlog,pass"
SecAction "id:900,phase:1,pass,nolog,setvar:tx.critical_anomaly_score=5,setvar:tx.allowed_request_content_type_charset=|utf-8|"
Include {}/rules/REQUEST-922-MULTIPART-ATTACK.conf
SecRule TX:inbound_anomaly_score_pl1 "@gt 0" "id:901,phase:2,pass,log,msg:'score %{{tx.inbound_anomaly_score_pl1}}'"
SecRule REQBODY_ERROR "!@eq 0" "id:902,phase:2,deny,status:400,log,logdata:'%{{REQBODY_ERROR_MSG}}'"
SecRule TX:/^multipart_headers_content_types_/ "@rx ." "id:903,phase:2,pass,log,multiMatch,logdata:'%{{MATCHED_VAR_NAME}}=%{{MATCHED_VAR}}'"
"#,
            crs.display()
        ),
    )
    .unwrap();
    let waf = Waf::builder().rules_file(&conf).build().unwrap();
    let _ = std::fs::remove_file(&conf);
    waf
}

fn part(name: &str, charset: &str) -> String {
    format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\nContent-Type: text/plain; charset={charset}\r\n\r\nv\r\n"
    )
}

/// (rule id, logdata) of every logged match.
fn run(waf: &Waf, ct: &str, body: &str) -> Vec<(i64, String)> {
    let mut t = waf.transaction();
    t.process_connection("10.0.0.1", 1, "10.0.0.2", 80);
    t.process_uri("/upload", "POST", "1.1");
    t.add_request_header("Host", "example.com");
    t.add_request_header("Content-Type", ct);
    t.process_request_headers();
    t.append_request_body(body.as_bytes());
    t.process_request_body();
    t.matched_rules()
        .iter()
        .map(|m| (m.id(), m.logdata()))
        .collect()
}

const CT: &str = "multipart/form-data; boundary=XyZ";

#[test]
fn every_parts_charset_is_checked() {
    let waf = waf();
    let bad = "utf-7";
    for (label, body) in [
        (
            "bad first",
            format!("{}{}--XyZ--\r\n", part("a", bad), part("b", "utf-8")),
        ),
        (
            "bad last",
            format!("{}{}--XyZ--\r\n", part("a", "utf-8"), part("b", bad)),
        ),
        (
            "bad in the middle",
            format!(
                "{}{}{}--XyZ--\r\n",
                part("a", "utf-8"),
                part("b", bad),
                part("c", "utf-8")
            ),
        ),
    ] {
        let got = run(&waf, CT, &body);
        let hits: Vec<&(i64, String)> = got.iter().filter(|(id, _)| *id == 922110).collect();
        assert_eq!(hits.len(), 1, "{label}: {got:?}");
        assert_eq!(
            hits[0].1,
            "Matched Data: text/plain; charset=utf-7 found within Content-Type multipart form",
            "{label}"
        );
        // Every part's Content-Type was captured, each into its own TX variable.
        let captured = got.iter().filter(|(id, _)| *id == 903).count();
        let parts = body.matches("Content-Type:").count();
        assert_eq!(captured, parts, "{label}: {got:?}");
        assert!(got.iter().any(|(id, _)| *id == 901), "{label}: scored");
    }
    let good = format!("{}{}--XyZ--\r\n", part("a", "utf-8"), part("b", "utf-8"));
    let got = run(&waf, CT, &good);
    assert!(got.iter().all(|(id, _)| *id == 903), "{got:?}");
}

#[test]
fn duplicate_boundary_parameter_is_a_multipart_error() {
    let waf = waf();
    let body = format!("{}--XyZ--\r\n", part("a", "utf-8"));
    for ct in [
        "multipart/form-data; boundary=XyZ; boundary=other",
        "multipart/form-data; boundary=XyZ; boundary=XyZ",
    ] {
        let got = run(&waf, ct, &body);
        assert_eq!(
            got.iter()
                .find(|(id, _)| *id == 902)
                .map(|(_, d)| d.as_str()),
            // As libmodsecurity 3.0.9 reports both.
            Some("Multipart parsing error: Multipart: Multiple boundary parameters in C-T."),
            "{ct}: {got:?}"
        );
    }
}
