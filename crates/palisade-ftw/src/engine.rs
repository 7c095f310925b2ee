//! The Palisade engine behind the harness: [`EngineWaf`], a [`Waf`] on top of the public
//! `palisade` API.
//!
//! The harness library depends on `palisade` only (never on the engine's internals), so the
//! adapter lives here, beside the trait it implements: the `palisade ftw` command and the CRS
//! conformance suite both use it, and both run the same code path a proxy would.
//!
//! One call is one transaction, driven as libmodsecurity's nginx connector drives it:
//! connection → request line → headers (phase 1) → body (phase 2); unless interrupted, the
//! backend's response → response headers (phase 3, protocol `HTTP 1.1`) → response body
//! (phase 4); then logging (phase 5). An interruption read after a phase stops the request
//! there: its status becomes the response status (`drop` closes the connection, `redirect`
//! answers with a `Location`), later request phases and the backend are skipped, and logging
//! still runs. The stage's log is every error-log line of the transaction plus, for each
//! interruption, the deciding rule's line that ModSecurity hands over in the intervention.
//!
//! ```
//! use palisade_ftw::engine::EngineWaf;
//! use palisade_ftw::{backend::Albedo, http::parse_request, Waf};
//!
//! let waf = palisade::Waf::builder()
//!     .rules_text(r#"
//!         SecRuleEngine On
//!         SecRule ARGS:q "@rx attack" "id:1,phase:1,deny,status:403,log,msg:'attack'"
//!     "#)
//!     .build()
//!     .unwrap();
//! let waf = EngineWaf::new(waf);
//! let req = parse_request(b"GET /?q=attack HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
//! let ex = waf.process(&req, &Albedo::default());
//! assert_eq!(ex.response.unwrap().status, 403);
//! assert!(ex.log.iter().any(|l| l.contains(r#"[id "1"]"#)));
//! ```

use std::path::PathBuf;

use palisade::{Interruption, InterruptionAction, Transaction};

use crate::backend::Backend;
use crate::http::{Header, HttpRequest, HttpResponse};
use crate::waf::{Exchange, Waf};

/// The Palisade engine as a harness [`Waf`].
#[derive(Debug, Clone)]
pub struct EngineWaf {
    waf: palisade::Waf,
}

impl EngineWaf {
    /// Wraps a built [`palisade::Waf`].
    pub fn new(waf: palisade::Waf) -> Self {
        Self { waf }
    }

    /// Loads and compiles rule files, in order (as `palisade ftw --rules FILE…` does).
    pub fn from_rule_files(files: &[PathBuf]) -> Result<Self, palisade::LoadError> {
        Self::from_rule_files_with(files, |b| b)
    }

    /// [`EngineWaf::from_rule_files`] with more builder settings, e.g.
    /// `|b| b.modsecurity_3_0_9_defects(true)`.
    pub fn from_rule_files_with(
        files: &[PathBuf],
        configure: impl FnOnce(palisade::WafBuilder) -> palisade::WafBuilder,
    ) -> Result<Self, palisade::LoadError> {
        let mut b = palisade::Waf::builder();
        for f in files {
            b = b.rules_file(f);
        }
        Ok(Self::new(configure(b).build()?))
    }

    /// The wrapped WAF.
    pub fn waf(&self) -> &palisade::Waf {
        &self.waf
    }
}

/// Reads the pending interruption as a connector does, keeping its log line.
fn take(tx: &mut Transaction, log: &mut Vec<String>) -> Option<Interruption> {
    let it = tx.take_interruption()?;
    if let Some(l) = &it.log {
        log.push(l.clone());
    }
    Some(it)
}

/// The response a connector sends for an interruption; `None` for `drop`.
fn intervention_response(it: &Interruption) -> Option<HttpResponse> {
    if it.action == InterruptionAction::Drop {
        return None;
    }
    let mut resp = HttpResponse::new(it.status);
    if it.action == InterruptionAction::Redirect
        && let Some(url) = &it.redirect_url
    {
        resp.headers.push(Header::new("Location", url.as_bytes()));
    }
    resp.headers.push(Header::new("Content-Length", "0"));
    resp.headers.push(Header::new("Connection", "close"));
    Some(resp)
}

impl Waf for EngineWaf {
    fn process(&self, req: &HttpRequest, backend: &dyn Backend) -> Exchange {
        let mut tx = self.waf.transaction();
        let mut log = Vec::new();
        let client = req.client.ip().to_string();
        let server = req.server.ip().to_string();
        tx.process_connection(&client, req.client.port(), &server, req.server.port());
        let mut stop = take(&mut tx, &mut log);
        if stop.is_none() {
            tx.process_uri_bytes(&req.target, req.method.as_bytes(), &req.protocol);
            for h in &req.headers {
                tx.add_request_header(h.name.as_bytes(), &h.value);
            }
            tx.process_request_headers();
            stop = take(&mut tx, &mut log);
        }
        if stop.is_none() {
            if !req.body.is_empty() {
                tx.append_request_body(&req.body);
                stop = take(&mut tx, &mut log);
            }
            if stop.is_none() {
                tx.process_request_body();
                stop = take(&mut tx, &mut log);
            }
        }
        let response = match stop {
            Some(it) => intervention_response(&it),
            None => {
                let resp = backend.respond(req);
                respond(&mut tx, resp, &mut log)
            }
        };
        tx.process_logging();
        take(&mut tx, &mut log);
        let mut lines = tx.error_log();
        lines.append(&mut log);
        Exchange {
            response,
            log: lines,
        }
    }
}

/// Phases 3 and 4 over the backend's response; an interruption replaces it.
fn respond(
    tx: &mut Transaction,
    resp: HttpResponse,
    log: &mut Vec<String>,
) -> Option<HttpResponse> {
    for h in &resp.headers {
        tx.add_response_header(h.name.as_bytes(), &h.value);
    }
    tx.process_response_headers(resp.status, "HTTP 1.1");
    if let Some(it) = take(tx, log) {
        return intervention_response(&it);
    }
    if !resp.body.is_empty() {
        tx.append_response_body(&resp.body);
        if let Some(it) = take(tx, log) {
            return intervention_response(&it);
        }
    }
    tx.process_response_body();
    if let Some(it) = take(tx, log) {
        return intervention_response(&it);
    }
    Some(resp)
}
