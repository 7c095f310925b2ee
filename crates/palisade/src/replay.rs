//! Replaying recorded requests through full transactions exactly as ModSecurity's benchmark
//! harness (`shared/bench/modsec/bench.c`) drives libmodsecurity, so that decisions can be
//! compared request by request:
//!
//! connection (client `198.18.x.y:port` derived from the request id, server
//! `198.18.255.1:443`) → URI → request headers → request body → the intervention is read →
//! a fixed 200 response (`Content-Type: text/html; charset=utf-8`, `Content-Length: 0`,
//! `Server: bench`) → response body → logging.
//!
//! Timing uses `std::time::Instant` (std hosts only; [`run_untimed`] works everywhere).
//!
//! The [`Verdict`] lists the ids of the rules that logged, in the order ModSecurity's log
//! callback and intervention report them.

use std::time::Instant;

use crate::Waf;

/// One recorded request.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The request number (it also picks the client address).
    pub id: u64,
    /// The method.
    pub method: String,
    /// The request target as sent.
    pub uri: String,
    /// The HTTP version (`HTTP/1.1` or `1.1`).
    pub version: String,
    /// Headers in wire order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Reads one line of a request corpus in the JSON-lines format of `shared/bench`
/// (`{"id", "kind", "method", "uri", "version", "headers": [[name, value], …], "body"}`) and
/// returns the request and its `kind`. A missing `id` becomes `default_id`; missing strings are
/// empty and header entries that are not two strings are skipped.
pub fn parse_corpus_line(line: &str, default_id: u64) -> Result<(Request, String), String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    let headers = v
        .get("headers")
        .and_then(|h| h.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    let p = p.as_array()?;
                    Some((
                        p.first()?.as_str()?.to_owned(),
                        p.get(1)?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let request = Request {
        id: v
            .get("id")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(default_id),
        method: s("method"),
        uri: s("uri"),
        version: s("version"),
        headers,
        body: s("body").into_bytes(),
    };
    Ok((request, s("kind")))
}

/// What a replay decided.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verdict {
    /// The interruption's status, 200 without one.
    pub status: u16,
    /// A disruptive action stopped the request.
    pub disruptive: bool,
    /// Ids of the rules that logged (the disruptive one included), in order.
    pub rule_ids: Vec<i64>,
    /// Wall time of the whole transaction in microseconds.
    pub micros: f64,
    /// Messages written to the error log (what ModSecurity's log callback receives: the
    /// logged matches, not the disruptive rule's, which goes to the intervention).
    pub log_messages: usize,
}

/// The client address the ModSecurity harness uses for request `id`.
pub fn client_address(id: u64) -> (String, u16) {
    (
        format!("198.18.{}.{}", (id / 250) % 256, id % 250 + 1),
        u16::try_from(30_000 + id % 30_000).unwrap_or(30_000),
    )
}

/// Runs `req` through a full transaction.
pub fn run(waf: &Waf, req: &Request) -> Verdict {
    let start = Instant::now();
    let mut v = run_untimed(waf, req);
    v.micros = start.elapsed().as_secs_f64() * 1e6;
    v
}

/// [`run`] without timing.
pub fn run_untimed(waf: &Waf, req: &Request) -> Verdict {
    let mut tx = waf.transaction();
    drive(&mut tx, req)
}

/// [`run_untimed`] with the profiler on: the verdict and where the transaction's time went.
pub fn run_profiled(
    waf: &Waf,
    req: &Request,
    watch: std::sync::Arc<dyn crate::host::Stopwatch>,
) -> (Verdict, crate::engine::profile::Profile) {
    let mut tx = waf.transaction();
    tx.set_profiler(Some(watch));
    let v = drive(&mut tx, req);
    let p = tx.profile().unwrap_or_default();
    (v, p)
}

/// Runs `req` through `tx`, a fresh transaction, step by step as the ModSecurity harness does.
pub fn drive(tx: &mut crate::Transaction, req: &Request) -> Verdict {
    let (ip, port) = client_address(req.id);
    tx.process_connection(&ip, port, "198.18.255.1", 443);
    let version = req.version.strip_prefix("HTTP/").unwrap_or(&req.version);
    tx.process_uri(&req.uri, &req.method, version);
    for (k, val) in &req.headers {
        tx.add_request_header(k, val);
    }
    tx.process_request_headers();
    if !req.body.is_empty() {
        tx.append_request_body(&req.body);
    }
    tx.process_request_body();
    let mut ids: Vec<i64> = logged_ids(tx, 0);
    let logged_before = ids.len();
    let seen = tx.engine().map_or(0, |t| t.messages().len());
    let mut verdict = Verdict {
        status: 200,
        ..Verdict::default()
    };
    if let Some(i) = tx.take_interruption() {
        verdict.disruptive = true;
        verdict.status = i.status;
        if i.rule_id != 0 {
            ids.push(i.rule_id);
        }
    }
    tx.add_response_header("Content-Type", "text/html; charset=utf-8");
    tx.add_response_header("Content-Length", "0");
    tx.add_response_header("Server", "bench");
    tx.process_response_headers(200, "HTTP 1.1");
    tx.process_response_body();
    tx.process_logging();
    let later = logged_ids(tx, seen);
    verdict.log_messages = logged_before + later.len();
    ids.extend(later);
    verdict.rule_ids = ids;
    verdict
}

fn logged_ids(tx: &crate::Transaction, from: usize) -> Vec<i64> {
    let Some(t) = tx.engine() else {
        return Vec::new();
    };
    t.messages()
        .iter()
        .skip(from)
        .filter(|m| m.error_logged)
        .map(|m| m.message.rule_id)
        .collect()
}
