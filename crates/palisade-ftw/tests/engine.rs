//! The engine adapter ([`EngineWaf`]) as a connector: interruptions in each phase become the
//! response (status, `Location` for `redirect`, no response for `drop`), the interrupting
//! rule's own log line is in the stage's log beside the warnings, later phases and the backend
//! are skipped after a request-phase interruption, and DetectionOnly lets everything through.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Mutex;

use palisade_ftw::backend::{Albedo, Backend};
use palisade_ftw::engine::EngineWaf;
use palisade_ftw::http::{HttpRequest, HttpResponse, parse_request};
use palisade_ftw::{Exchange, Waf};

fn waf(rules: &str) -> EngineWaf {
    EngineWaf::new(palisade::Waf::builder().rules_text(rules).build().unwrap())
}

fn send(w: &EngineWaf, raw: &str) -> Exchange {
    let req = parse_request(raw.as_bytes()).unwrap();
    w.process(&req, &Albedo::default())
}

fn ids(ex: &Exchange) -> Vec<String> {
    ex.log
        .iter()
        .filter_map(|l| {
            let at = l.find("[id \"")? + 5;
            Some(l[at..].split('"').next()?.to_string())
        })
        .collect()
}

/// A backend that counts the requests it answered.
#[derive(Default)]
struct Counting(Mutex<usize>);

impl Backend for Counting {
    fn respond(&self, request: &HttpRequest) -> HttpResponse {
        *self.0.lock().unwrap() += 1;
        Albedo::default().respond(request)
    }
}

const RULES: &str = r#"
SecRuleEngine On
SecRequestBodyAccess On
SecResponseBodyAccess On
SecResponseBodyMimeType text/plain
SecRule ARGS:warn "@rx ." "id:1,phase:1,pass,log,msg:'warning'"
SecRule ARGS:deny "@rx ." "id:2,phase:1,deny,status:403,log,msg:'denied'"
SecRule ARGS_POST:body "@rx ." "id:3,phase:2,deny,status:406,log,msg:'body'"
SecRule ARGS:redirect "@rx ." "id:4,phase:1,redirect:http://example.com/blocked,log"
SecRule ARGS:drop "@rx ." "id:5,phase:1,drop,log"
SecRule RESPONSE_STATUS "@streq 418" "id:6,phase:3,deny,status:502,log"
SecRule RESPONSE_BODY "@rx secret" "id:7,phase:4,deny,status:503,log"
"#;

#[test]
fn request_phase_interruptions_answer_with_their_status_and_log_their_line() {
    let w = waf(RULES);
    let ex = send(
        &w,
        "GET /?warn=1&deny=1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
    );
    assert_eq!(ex.response.as_ref().unwrap().status, 403);
    assert_eq!(ids(&ex), vec!["1", "2"]);
    let deny = ex.log.iter().find(|l| l.contains("[id \"2\"]")).unwrap();
    assert!(
        deny.contains("Access denied with code 403 (phase 1)"),
        "{deny}"
    );

    let body = "body=x";
    let ex = send(
        &w,
        &format!(
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert_eq!(ex.response.as_ref().unwrap().status, 406);
    assert_eq!(ids(&ex), vec!["3"]);
}

#[test]
fn an_interrupted_request_never_reaches_the_backend() {
    let w = waf(RULES);
    let backend = Counting::default();
    let req = parse_request(b"GET /?deny=1 HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    w.process(&req, &backend);
    assert_eq!(*backend.0.lock().unwrap(), 0);
    let req = parse_request(b"GET /?warn=1 HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let ex = w.process(&req, &backend);
    assert_eq!(*backend.0.lock().unwrap(), 1);
    assert_eq!(ex.response.unwrap().status, 200);
}

#[test]
fn redirect_and_drop() {
    let w = waf(RULES);
    let ex = send(&w, "GET /?redirect=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let resp = ex.response.clone().unwrap();
    assert_eq!(resp.status, 302);
    assert_eq!(
        resp.header("Location"),
        Some(&b"http://example.com/blocked"[..])
    );
    let ex = send(&w, "GET /?drop=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert!(ex.response.is_none());
    assert_eq!(ids(&ex), vec!["5"]);
}

#[test]
fn response_phase_interruptions_replace_the_backend_response() {
    let w = waf(RULES);
    let reflect = |json: &str| {
        format!(
            "POST /reflect HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
            json.len()
        )
    };
    let ex = send(&w, &reflect(r#"{"status": 418}"#));
    assert_eq!(ex.response.as_ref().unwrap().status, 502);
    assert_eq!(ids(&ex), vec!["6"]);
    let ex = send(
        &w,
        &reflect(
            r#"{"status": 200, "headers": {"Content-Type": "text/plain"}, "body": "a secret"}"#,
        ),
    );
    let resp = ex.response.clone().unwrap();
    assert_eq!(resp.status, 503);
    assert!(resp.body.is_empty());
    assert_eq!(ids(&ex), vec!["7"]);
}

#[test]
fn detection_only_logs_and_lets_everything_through() {
    let w = waf(&RULES.replace("SecRuleEngine On", "SecRuleEngine DetectionOnly"));
    let ex = send(
        &w,
        "GET /?warn=1&deny=1&drop=1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
    );
    assert_eq!(ex.response.as_ref().unwrap().status, 200);
    assert_eq!(ids(&ex), vec!["1", "2", "5"]);
}
