//! A fake WAF for the harness's own tests, and the go-ftw tests it is checked with.
//!
//! The fake WAF logs `[id "1"]` when the request target contains `attack`, `[id "2"]` when the
//! body contains `attack`, denies with 403 (logging `[id "3"]`) when the target contains
//! `block`, drops the connection when it contains `drop`, and logs `[id "4"]` when the
//! response body contains `secret` (a response rule). A request with an `X-CRS-Test` header
//! logs only the marker line `[id "999999"] [msg "X-CRS-Test <value>"]`, like CRS's marker
//! rule 999999.

#![allow(dead_code)]

use palisade_ftw::http::{Header, HttpRequest, HttpResponse};
use palisade_ftw::{Backend, Exchange, Waf};

/// The fake WAF.
pub struct FakeWaf;

fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn line(id: u32, msg: &str, req: &HttpRequest) -> String {
    format!(
        "ModSecurity: Warning. [file \"fake.conf\"] [line \"1\"] [id \"{id}\"] [msg \"{msg}\"] [uri \"{}\"]",
        String::from_utf8_lossy(req.path())
    )
}

impl Waf for FakeWaf {
    fn process(&self, req: &HttpRequest, backend: &dyn Backend) -> Exchange {
        if let Some(marker) = req.header("x-crs-test") {
            let msg = format!("X-CRS-Test {}", String::from_utf8_lossy(marker));
            return Exchange::responded(backend.respond(req), vec![line(999999, &msg, req)]);
        }
        let mut log = Vec::new();
        if has(&req.target, b"attack") {
            log.push(line(1, "attack in target", req));
        }
        if has(&req.body, b"attack") {
            log.push(line(2, "attack in body", req));
        }
        if has(&req.target, b"drop") {
            return Exchange::dropped(log);
        }
        if has(&req.target, b"block") {
            log.push(line(3, "blocked", req));
            let mut resp = HttpResponse::new(403);
            resp.headers.push(Header::new("Content-Length", "0"));
            return Exchange::responded(resp, log);
        }
        let resp = backend.respond(req);
        if has(&resp.body, b"secret") {
            log.push(line(4, "secret in response", req));
        }
        Exchange::responded(resp, log)
    }
}

/// go-ftw tests for the fake WAF: (file name, YAML). Tests named `*-9x` are meant to fail.
pub const TESTS: &[(&str, &str)] = &[
    (
        "1.yaml",
        r#"---
meta:
  author: palisade
  description: fake rule 1
rule_id: 1
tests:
  - test_id: 1
    desc: attack in the query
    stages:
      - input:
          dest_addr: 127.0.0.1
          port: 80
          headers:
            Host: localhost
            User-Agent: "OWASP CRS test agent"
          uri: /?q=attack
        output:
          log:
            expect_ids: [1]
          isolated: true
  - test_id: 2
    stages:
      - input:
          headers:
            Host: localhost
          uri: /?q=harmless
        output:
          status: 200
          log:
            no_expect_ids: [1]
          no_log_contains: 'id "\d+"'
  - test_id: 3
    desc: body attack, form-encoded by autocomplete
    stages:
      - input:
          method: POST
          headers:
            Host: localhost
          data: "a=attack here&b=c"
        output:
          log:
            expect_ids: [2]
            no_expect_ids: [1]
            match_regex: 'attack in body'
  - test_id: 4
    desc: two stages, the second blocked
    stages:
      - input:
          headers: {Host: localhost}
          uri: /first
        output: {status: 200}
      - input:
          headers: {Host: localhost}
          uri: /block/attack
        output:
          status: 403
          response_contains: "HTTP/1.1 403"
          log: {expect_ids: [1, 3]}
  - test_id: 5
    desc: dropped connection is a transport error
    stages:
      - input:
          headers: {Host: localhost}
          uri: /drop
        output:
          expect_error: true
  - test_id: 6
    desc: HTTP/0.9 is a transport error, HTTP parser refusals are 400
    stages:
      - input:
          headers: {Host: localhost}
          version: ""
        output:
          expect_error: true
      - input:
          headers: {Host: localhost}
          uri: "\\"
        output:
          status: 400
  - test_id: 7
    desc: response rule through albedo /reflect
    stages:
      - input:
          method: POST
          uri: /reflect
          headers:
            Host: localhost
            Content-Type: application/json
          data: '{"status": 202, "body": "a secret"}'
        output:
          status: 202
          response_contains: "a secret"
          log: {expect_ids: [4]}
  - test_id: 8
    desc: the sprig template renders 64 attacks
    stages:
      - input:
          method: POST
          headers:
            Host: localhost
            Content-Type: text/plain
          data: '{{ "attack" | repeat 64 }}'
        output:
          log: {expect_ids: [2]}
  - test_id: 91
    desc: meant to fail (wrong expected id)
    stages:
      - input:
          headers: {Host: localhost}
          uri: /?q=attack
        output:
          log: {expect_ids: [2]}
  - test_id: 92
    desc: meant to fail (wrong status)
    stages:
      - input:
          headers: {Host: localhost}
        output: {status: 404}
"#,
    ),
    (
        "2.yml",
        r#"# a .yml file with rule_id from the name
tests:
  - stages:
      - input:
          encoded_request: "R0VUIC8/YXR0YWNrIEhUVFAvMS4xDQpIb3N0OiBsb2NhbGhvc3QNCg0K"
        output:
          log: {expect_ids: [1]}
"#,
    ),
];

/// The tests meant to pass and to fail.
pub const EXPECTED_PASS: usize = 9;
/// Tests named `*-9x`.
pub const EXPECTED_FAIL: usize = 2;

/// Writes [`TESTS`] into a fresh directory and returns it.
pub fn write_tests(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "palisade-ftw-{tag}-{}-{}",
        std::process::id(),
        palisade_ftw::remote::uuid()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    for (name, text) in TESTS {
        std::fs::write(dir.join(name), text).unwrap_or_default();
    }
    dir
}
