//! The seam between the harness and a WAF engine: the [`Waf`] trait and its result, an
//! [`Exchange`].
//!
//! An engine adapter runs one transaction per call: phases 1–2 on the request; unless
//! interrupted, the backend's response; phases 3–4 on that response; phase 5. An interruption's
//! status becomes the response status (a `drop` closes the connection: no response). The log
//! lines are the engine's error-log lines for this transaction, one per matched rule that logs,
//! each containing `[id "N"]` (and `[msg "…"]`) as ModSecurity writes them: the checks extract
//! rule ids from them with go-ftw's regex. Include the line of the rule that interrupted the
//! transaction too (libmodsecurity hands that one to its connector in the intervention, not
//! through the log callback; a server writes both to its error log).
//!
//! ```
//! use palisade_ftw::{Backend, Exchange, Waf};
//! use palisade_ftw::http::HttpRequest;
//!
//! /// Logs rule 1 when the target contains "attack" and blocks it with 403.
//! struct Toy;
//!
//! impl Waf for Toy {
//!     fn process(&self, req: &HttpRequest, backend: &dyn Backend) -> Exchange {
//!         if req.target.windows(6).any(|w| w == b"attack") {
//!             let mut resp = palisade_ftw::http::HttpResponse::new(403);
//!             resp.headers.push(palisade_ftw::http::Header::new("Content-Length", "0"));
//!             return Exchange::responded(resp, vec![r#"[id "1"] [msg "attack"]"#.to_string()]);
//!         }
//!         Exchange::responded(backend.respond(req), Vec::new())
//!     }
//! }
//! ```

use crate::backend::Backend;
use crate::http::{HttpRequest, HttpResponse};

/// The outcome of one request through a WAF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The final response; `None` when the connection was closed without one (`drop`).
    pub response: Option<HttpResponse>,
    /// The WAF's error-log lines for this transaction, in order.
    pub log: Vec<String>,
}

impl Exchange {
    /// A transaction that produced `response`.
    pub fn responded(response: HttpResponse, log: Vec<String>) -> Self {
        Self {
            response: Some(response),
            log,
        }
    }

    /// A transaction whose connection was closed without a response.
    pub fn dropped(log: Vec<String>) -> Self {
        Self {
            response: None,
            log,
        }
    }
}

/// A WAF the harness can run requests through. Shared across worker threads.
pub trait Waf: Send + Sync {
    /// Runs one transaction for `request`, asking `backend` for the response when the request
    /// is let through.
    fn process(&self, request: &HttpRequest, backend: &dyn Backend) -> Exchange;
}

/// No WAF: every request goes to the backend and nothing is logged. Useful to check the
/// harness itself (status and response checks, HTTP-level refusals).
#[derive(Debug, Clone, Copy, Default)]
pub struct Passthrough;

impl Waf for Passthrough {
    fn process(&self, request: &HttpRequest, backend: &dyn Backend) -> Exchange {
        Exchange::responded(backend.respond(request), Vec::new())
    }
}
