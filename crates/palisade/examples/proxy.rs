//! A sketch of how a proxy drives Palisade: build the WAF once, run each request through a
//! transaction, stop at the first interruption.
//!
//! `cargo run -p palisade --example proxy -- [RULES.conf…]` (without arguments it uses a small
//! built-in rule set).

use palisade::{Interruption, Waf};

fn handle(
    waf: &Waf,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(), Interruption> {
    let mut tx = waf.transaction();
    let stop = |i: Option<Interruption>| i.map_or(Ok(()), Err);
    stop(tx.process_connection("192.0.2.10", 50000, "192.0.2.1", 443))?;
    tx.process_uri(uri, method, "1.1");
    for (k, v) in headers {
        tx.add_request_header(k, v);
    }
    stop(tx.process_request_headers())?;
    stop(tx.append_request_body(body))?;
    stop(tx.process_request_body())?;
    // … forward to the upstream, then feed its response:
    tx.add_response_header("Content-Type", "text/html");
    stop(tx.process_response_headers(200, "HTTP/1.1"))?;
    stop(tx.process_response_body())?;
    tx.process_logging();
    for line in tx.error_log() {
        eprintln!("{line}");
    }
    Ok(())
}

/// One test request: method, target, headers, body.
type Request<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [u8]);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut builder = Waf::builder();
    if files.is_empty() {
        builder = builder.rules_text(
            r#"SecRuleEngine On
SecRule REQUEST_HEADERS:User-Agent "@rx (?i)sqlmap" "id:1000,phase:1,deny,status:403,log,msg:'Scanner'"
SecRule ARGS "@rx (?i)union\s+select" "id:1001,phase:2,deny,status:403,log,msg:'SQL injection'"
"#,
        );
    }
    for f in &files {
        builder = builder.rules_file(f);
    }
    let waf = builder.build()?;
    let requests: [Request<'_>; 3] = [
        (
            "GET",
            "/index.html",
            &[("Host", "shop.example"), ("User-Agent", "Mozilla/5.0")],
            b"",
        ),
        (
            "GET",
            "/?id=1%20UNION%20SELECT%20password",
            &[("Host", "shop.example")],
            b"",
        ),
        (
            "GET",
            "/",
            &[("Host", "shop.example"), ("User-Agent", "sqlmap/1.7")],
            b"",
        ),
    ];
    for (method, uri, headers, body) in requests {
        match handle(&waf, method, uri, headers, body) {
            Ok(()) => println!("{method} {uri}: allowed"),
            Err(i) => println!(
                "{method} {uri}: blocked with {} by rule {}",
                i.status, i.rule_id
            ),
        }
    }
    Ok(())
}
