//! A transaction: one request and its response going through phases 1 to 5, with the
//! lifecycle every proxy knows from ModSecurity and Coraza.
//!
//! ```text
//! process_connection → process_uri → add_request_header… → process_request_headers (phase 1)
//! → append_request_body… → process_request_body (phase 2) → add_response_header…
//! → process_response_headers (phase 3) → append_response_body… → process_response_body (phase 4)
//! → process_logging (phase 5)
//! ```
//!
//! After each step [`Transaction::interruption`] tells whether a rule decided to stop the
//! request. [`Transaction::take_interruption`] hands it over and clears it, as
//! `msc_intervention` does.

mod eval;
mod expand;
pub mod memo;
mod profile;
mod resolve;
mod visit_lists;
pub(crate) use resolve::dynamic_scalar;
pub mod state;

use std::sync::Arc;

use crate::audit::{AuditEngine, AuditParts, AuditRecord, render_json};
use crate::host::Host;
use crate::message::RuleMessage;
use crate::ruleset::Ruleset;
use crate::ruleset::rule::BodyProcessorKind;
use crate::ruleset::settings::{LimitAction, RuleEngine};
use crate::var::Scalar;
use crate::{Interruption, InterruptionAction};
use memo::Memo;
use state::{Data, Rc, State};

/// Options that switch engine optimisations off (to prove they change nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvalOptions {
    /// Memoise transformed values per (value, chain).
    pub memoize: bool,
    /// Use the multi-pattern prefilter to skip operators that cannot match.
    pub prefilter: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            memoize: true,
            prefilter: true,
        }
    }
}

/// Counters of one transaction's work (for profiling and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvalStats {
    /// Rule links evaluated.
    pub rules: u64,
    /// Values tested (one per value and transformation step).
    pub tests: u64,
    /// Operators run.
    pub operators: u64,
    /// Tests the prefilter decided without running the operator.
    pub prefiltered: u64,
    /// Rule links skipped because no value of their target set was a candidate.
    pub rules_skipped: u64,
    /// Tests that matched.
    pub matches: u64,
}

/// A logged rule match: the message and whether it went to the error log (a disruptive
/// match goes to the intervention instead, as in ModSecurity).
#[derive(Clone, Debug)]
pub struct LoggedMessage {
    /// The message.
    pub message: RuleMessage,
    /// Written as an error-log line.
    pub error_logged: bool,
}

/// One transaction.
///
/// The request data and the rule state (about 11 KiB together) are boxed, so that moving a
/// transaction (in and out of a host's pool, into the handle it gives out) copies a few
/// hundred bytes instead of all of it.
pub struct Transaction {
    pub(crate) rs: Arc<Ruleset>,
    pub(crate) host: Host,
    pub(crate) opts: EvalOptions,
    pub(crate) id: Arc<str>,
    pub(crate) d: Box<Data>,
    pub(crate) st: Box<State>,
    pub(crate) memo: Memo,
    pub(crate) messages: Vec<LoggedMessage>,
    pub(crate) started_micros: i64,
    pub(crate) scratch: Vec<u8>,
    pub(crate) value_buf: Vec<u8>,
    pub(crate) name_buf: Vec<u8>,
    /// The matched value, copied out of the memo for the match's actions (reused).
    pub(crate) match_buf: Vec<u8>,
    /// Ruleset ids of the keys operator arguments name (see [`expand::ArgKeys`]).
    pub(crate) arg_keys: expand::ArgKeys,
    pub(crate) visits_buf: Vec<resolve::Visit>,
    pub(crate) captures: palisade_match::Captures,
    pub(crate) stats: EvalStats,
    /// Visit lists per target set and their groups (see [`visit_lists`]).
    pub(crate) lists: visit_lists::VisitLists,
    /// The `ctl` target removals of the rule being evaluated (indexes, reused).
    pub(crate) ctl_buf: Vec<usize>,
    /// An XML document was parsed (its values have no memo slots).
    pub(crate) xml_present: bool,
    pub(crate) uri_arc: Option<Arc<[u8]>>,
    pub(crate) client_arc: Arc<str>,
    pub(crate) server_arc: Arc<str>,
    pub(crate) logged: bool,
    pub(crate) profiler: Option<Box<crate::profile::Profiler>>,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Transaction {
    /// A new transaction on `rs`, with an id from the host.
    pub fn new(rs: Arc<Ruleset>, host: Host, opts: EvalOptions) -> Self {
        let id = host.ids.next_id();
        Self::with_id(rs, host, opts, &id)
    }

    /// A new transaction with the given id.
    pub fn with_id(rs: Arc<Ruleset>, host: Host, opts: EvalOptions, id: &str) -> Self {
        let keys = u32::try_from(rs.keys.len()).unwrap_or(u32::MAX);
        let keys_hasher = rs.keys.hasher();
        let started = host.clock.now_micros();
        let mut t = Transaction {
            rs,
            host,
            opts,
            id: Arc::from(id),
            d: Box::new(Data::with_hasher(keys_hasher)),
            st: Box::new(State::new(keys)),
            memo: Memo::default(),
            messages: Vec::new(),
            started_micros: started,
            scratch: Vec::new(),
            value_buf: Vec::new(),
            name_buf: Vec::new(),
            match_buf: Vec::new(),
            arg_keys: expand::ArgKeys::default(),
            visits_buf: Vec::new(),
            captures: palisade_match::Captures::new(),
            stats: EvalStats::default(),
            lists: visit_lists::VisitLists::default(),
            ctl_buf: Vec::new(),
            xml_present: false,
            uri_arc: None,
            client_arc: Arc::from(""),
            server_arc: Arc::from(""),
            logged: false,
            profiler: None,
        };
        t.d.set_scalar(Scalar::UrlencodedError, b"0");
        t
    }

    /// An empty transaction on the same ruleset and host (cheap: it allocates almost nothing).
    pub fn empty_like(&self) -> Transaction {
        Transaction::with_id(self.rs.clone(), self.host.clone(), self.opts, "")
    }

    /// Makes this transaction a new one with the given id, keeping every allocation (hosts
    /// that run many transactions reuse them: see `palisade::Waf`'s pool). Persistent
    /// collections still open are saved first, as `process_logging` would.
    pub fn reset(&mut self, id: &str) {
        if !self.logged {
            self.save_persistent();
        }
        self.id = Arc::from(id);
        self.d.clear();
        self.st.reset();
        self.memo.clear();
        self.messages.clear();
        self.started_micros = self.host.clock.now_micros();
        self.scratch.clear();
        self.stats = EvalStats::default();
        self.lists.clear();
        self.xml_present = false;
        self.uri_arc = None;
        self.client_arc = Arc::from("");
        self.server_arc = Arc::from("");
        self.logged = false;
        self.set_profiler(None);
        self.d.set_scalar(Scalar::UrlencodedError, b"0");
    }

    /// The transaction id (`UNIQUE_ID`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The ruleset.
    pub fn ruleset(&self) -> &Arc<Ruleset> {
        &self.rs
    }

    pub(crate) fn engine(&self) -> RuleEngine {
        self.st.engine.unwrap_or(self.rs.settings.rule_engine)
    }

    /// Connection details; runs phase 0 rules.
    pub fn process_connection(
        &mut self,
        client_ip: &str,
        client_port: u16,
        server_ip: &str,
        server_port: u16,
    ) {
        self.d.client_ip.clear();
        self.d.client_ip.push_str(client_ip);
        self.d.client_port = client_port;
        self.d.server_ip.clear();
        self.d.server_ip.push_str(server_ip);
        self.d.server_port = server_port;
        self.client_arc = Arc::from(client_ip);
        self.server_arc = Arc::from(server_ip);
        self.d.set_scalar(Scalar::RemoteHost, client_ip.as_bytes());
        let id = self.id.clone();
        self.d.set_scalar(Scalar::UniqueId, id.as_bytes());
        self.d.set_scalar(Scalar::RemoteAddr, client_ip.as_bytes());
        self.d.set_scalar(Scalar::ServerAddr, server_ip.as_bytes());
        self.d
            .set_scalar_decimal(Scalar::ServerPort, u64::from(server_port));
        self.d
            .set_scalar_decimal(Scalar::RemotePort, u64::from(client_port));
        self.run_phase(0);
    }

    /// The request line: `uri` as received (path and query), `method`, and `version` as
    /// ModSecurity takes it (`1.1`; an `HTTP/` prefix is removed).
    pub fn process_uri(&mut self, uri: &[u8], method: &[u8], version: &str) {
        use palisade_request::uri;
        let version = version.strip_prefix("HTTP/").unwrap_or(version);
        self.d.http_version.clear();
        self.d.http_version.push_str(version);
        self.d.uri.clear();
        self.d.uri.extend_from_slice(uri);
        self.d.method.clear();
        self.d.method.extend_from_slice(method);
        let parts = uri::split(uri);
        self.d.set_scalar(Scalar::RequestMethod, method);
        // `uri::request_line` and `uri::request_protocol`, without their temporary vectors.
        let v = version.as_bytes();
        self.d
            .set_scalar_parts(Scalar::RequestLine, &[method, b" ", uri, b" HTTP/", v]);
        self.d
            .set_scalar_parts(Scalar::RequestProtocol, &[b"HTTP/", v]);
        if let Some(q) = parts.query_string {
            self.d.set_scalar(Scalar::QueryString, q);
        }
        self.d.set_scalar(Scalar::PathInfo, &parts.filename);
        self.d.set_scalar(Scalar::RequestFilename, &parts.filename);
        if let Some(b) = parts.basename() {
            self.d.set_scalar(Scalar::RequestBasename, b);
        }
        self.d.set_scalar(Scalar::RequestUri, &parts.uri);
        self.d.set_scalar(Scalar::RequestUriRaw, uri);
        self.d.uri_path_decoded = Arc::from(&parts.filename[..]);
        if let Some(q) = parts.query_string.filter(|q| !q.is_empty()) {
            self.add_arguments(q, true);
        }
    }

    fn add_arguments(&mut self, body: &[u8], get: bool) {
        use std::ops::ControlFlow;
        let sep = self.rs.settings.argument_separator;
        let before = self.d.colls[Rc::Args as usize].len();
        let mut sink = |k: &[u8], v: &[u8]| {
            if self.add_argument(k, v, get) {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        };
        let outcome = palisade_request::urlencoded::parse(body, sep, &mut sink);
        self.set_args_combined_size(before);
        if outcome.invalid_encoding {
            self.d.set_scalar(Scalar::UrlencodedError, b"1");
        }
    }

    /// Adds one argument (`ARGS` plus `ARGS_GET` or `ARGS_POST`), honouring
    /// `SecArgumentsLimit`. Returns false when the limit refused it. The caller sets
    /// `ARGS_COMBINED_SIZE` when its batch of arguments is in
    /// ([`Transaction::set_args_combined_size`]: no rule runs in between).
    pub(crate) fn add_argument(&mut self, key: &[u8], value: &[u8], get: bool) -> bool {
        if let Some(limit) = self.rs.settings.arguments_limit
            && self.d.colls[Rc::Args as usize].len() as u64 >= limit
        {
            return false;
        }
        let rcs = [Rc::Args, if get { Rc::ArgsGet } else { Rc::ArgsPost }];
        self.d.add_twice(rcs, &self.rs.keys, key, value);
        self.d.args_combined_size += (key.len() + value.len()) as u64;
        true
    }

    /// Sets `ARGS_COMBINED_SIZE` from the sum of argument name and value lengths when
    /// [`Transaction::add_argument`] added arguments since `ARGS` held `before` entries (as
    /// setting it at each argument would have left it).
    fn set_args_combined_size(&mut self, before: usize) {
        if self.d.colls[Rc::Args as usize].len() == before {
            return;
        }
        // ModSecurity keeps the sum in a double and prints it with `std::to_string`.
        let mut size = [0u8; 32];
        let mut w = &mut size[..];
        let _ =
            std::io::Write::write_fmt(&mut w, format_args!("{}.000000", self.d.args_combined_size));
        let n = 32 - w.len();
        self.d.set_scalar(Scalar::ArgsCombinedSize, &size[..n]);
    }

    /// Adds a request header (repeats are kept, in order).
    pub fn add_request_header(&mut self, name: &[u8], value: &[u8]) {
        self.d.add(Rc::Headers, &self.rs.keys, name, value);
        if name.eq_ignore_ascii_case(b"authorization") {
            let first = value.split(|&b| b == b' ').next().unwrap_or(&[]);
            self.d.set_scalar(Scalar::AuthType, first);
        }
        if name.eq_ignore_ascii_case(b"cookie") {
            let d = &mut self.d;
            let keys = &self.rs.keys;
            palisade_request::cookies::parse(value, |k, v| d.add(Rc::Cookies, keys, k, v));
        }
        if name.eq_ignore_ascii_case(b"content-type") {
            let starts = |p: &[u8]| {
                value
                    .get(..p.len())
                    .is_some_and(|v| v.eq_ignore_ascii_case(p))
            };
            if starts(b"multipart/form-data") {
                self.st.body_type = Some(BodyProcessorKind::Multipart);
                self.d.set_scalar(Scalar::ReqbodyProcessor, b"MULTIPART");
            }
            if starts(b"application/x-www-form-urlencoded") {
                self.st.body_type = Some(BodyProcessorKind::UrlEncoded);
                self.d.set_scalar(Scalar::ReqbodyProcessor, b"URLENCODED");
            }
        }
        if name.eq_ignore_ascii_case(b"host") {
            let host = value.split(|&b| b == b':').next().unwrap_or(&[]);
            self.d.set_scalar(Scalar::ServerName, host);
        }
    }

    /// Runs phase 1.
    pub fn process_request_headers(&mut self) -> Option<Interruption> {
        if self.engine() != RuleEngine::Off {
            self.run_phase(1);
        }
        self.interruption()
    }

    /// Appends a chunk of the request body, applying `SecRequestBodyLimit` as it arrives.
    pub fn append_request_body(&mut self, chunk: &[u8]) -> Option<Interruption> {
        let s = &self.rs.settings;
        let (limit, action) = (s.request_body_limit, s.request_body_limit_action);
        if append_within_limit(&mut self.d.request_body, chunk, limit, action) {
            self.d.set_scalar(Scalar::InboundDataError, b"1");
            self.d.request_body_truncated = true;
            if action == LimitAction::Reject {
                self.reject_for_body_limit("Request body limit is marked to reject the request");
            }
        }
        self.interruption()
    }

    /// Sets the body-limit intervention (`Reject`), when the engine is On.
    fn reject_for_body_limit(&mut self, log: &str) {
        if self.engine() == RuleEngine::On {
            self.st.it = state::Intervention {
                status: 403,
                disruptive: true,
                url: None,
                log: Some(log.into()),
                rule_id: 0,
                action: Some(InterruptionAction::BodyLimit),
            };
        }
    }

    /// Processes the request body and runs phase 2.
    pub fn process_request_body(&mut self) -> Option<Interruption> {
        if self.engine() == RuleEngine::Off {
            return self.interruption();
        }
        if self.d.scalar(Scalar::InboundDataError).is_none() {
            self.d.set_scalar(Scalar::InboundDataError, b"0");
        }
        let start = self.prof_now();
        self.run_body_processor();
        if let Some(start) = start {
            self.prof_body(start);
        }
        let access = match (self.rs.settings.request_body_access, self.st.body_access) {
            (Some(false), Some(true)) => true,
            (Some(false), _) => false,
            (_, Some(false)) => false,
            _ => true,
        };
        if !access {
            return self.interruption();
        }
        // FULL_REQUEST, REQUEST_BODY.
        let mut full = Vec::new();
        {
            let c = &mut self.d.colls[Rc::Headers as usize];
            let order: Vec<u32> = c.visit_order().to_vec();
            for i in order {
                if let Some(e) = self.d.colls[Rc::Headers as usize].entry(i) {
                    full.extend_from_slice(self.d.values.get(e.key));
                    full.extend_from_slice(b": ");
                    full.extend_from_slice(self.d.values.get(e.value));
                    full.push(b'\n');
                }
            }
        }
        full.extend_from_slice(b"\n\n");
        full.extend_from_slice(&self.d.request_body);
        self.d.set_scalar(Scalar::FullRequest, &full);
        self.d
            .set_scalar_decimal(Scalar::FullRequestLength, full.len() as u64);
        // REQUEST_BODY is not set when the XML processor parsed the body, as in ModSecurity
        // v2 and as CRS expects (libmodsecurity 3.0.9 sets it: tests/crs/MODSEC_DEFECTS.md).
        let xml_body = self.st.body_processor == Some(BodyProcessorKind::Xml)
            && !self.rs.settings.modsec_3_0_9_defects;
        if !self.d.request_body.is_empty() {
            let body = std::mem::take(&mut self.d.request_body);
            if !xml_body {
                self.d.set_scalar(Scalar::RequestBody, &body);
            }
            self.d
                .set_scalar_decimal(Scalar::RequestBodyLength, body.len() as u64);
            self.d.request_body = body;
        }
        self.run_phase(2);
        self.interruption()
    }

    fn run_body_processor(&mut self) {
        let no_files_limit = self.rs.settings.request_body_no_files_limit;
        let body_len = self.d.request_body.len() as u64;
        let mut over = false;
        let structured = matches!(
            self.st.body_processor,
            Some(BodyProcessorKind::Json) | Some(BodyProcessorKind::Xml)
        ) || self.st.body_type == Some(BodyProcessorKind::UrlEncoded);
        if structured && no_files_limit.is_some_and(|l| body_len > l) {
            self.d.set_scalar(Scalar::ReqbodyError, b"1");
            self.d.set_scalar(
                Scalar::ReqbodyErrorMsg,
                b"Request body excluding files is bigger than the maximum expected.",
            );
            self.d.set_scalar(Scalar::InboundDataError, b"1");
            over = true;
        }
        match (self.st.body_processor, self.st.body_type) {
            (Some(BodyProcessorKind::Json), _) => {
                if !over {
                    self.run_json();
                }
            }
            (Some(BodyProcessorKind::Xml), _) => {
                if !over {
                    self.run_xml();
                }
            }
            (_, Some(BodyProcessorKind::Multipart)) => self.run_multipart(),
            (_, Some(BodyProcessorKind::UrlEncoded)) => {
                if !over {
                    let body = std::mem::take(&mut self.d.request_body);
                    self.add_arguments_post(&body);
                    self.d.request_body = body;
                }
            }
            _ => {
                self.d.set_scalar(Scalar::ReqbodyError, b"0");
                self.d.set_scalar(Scalar::ReqbodyProcessorError, b"0");
            }
        }
    }

    fn run_json(&mut self) {
        use std::ops::ControlFlow;
        let depth = self
            .rs
            .settings
            .json_depth_limit
            .map_or(palisade_request::BodyConfig::default().json_depth, |d| {
                u32::try_from(d).unwrap_or(u32::MAX)
            });
        let body = std::mem::take(&mut self.d.request_body);
        let before = self.d.colls[Rc::Args as usize].len();
        let result = {
            let mut sink = |k: &[u8], v: &[u8]| {
                if self.add_argument(k, v, false) {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(())
                }
            };
            palisade_request::json::parse(&body, depth, &mut sink)
        };
        self.set_args_combined_size(before);
        match result {
            Err(e) if !body.is_empty() => {
                let msg = e.reqbody_error_msg();
                self.d.set_scalar(Scalar::ReqbodyError, b"1");
                self.d.set_scalar(Scalar::ReqbodyProcessorError, b"1");
                self.d.set_scalar(Scalar::ReqbodyErrorMsg, msg.as_bytes());
                self.d
                    .set_scalar(Scalar::ReqbodyProcessorErrorMsg, msg.as_bytes());
            }
            _ => {
                self.d.set_scalar(Scalar::ReqbodyError, b"0");
                self.d.set_scalar(Scalar::ReqbodyProcessorError, b"0");
            }
        }
        self.d.request_body = body;
    }

    /// The XML body processor: parses the body into the document `XML:` targets read.
    fn run_xml(&mut self) {
        let config = self.body_config();
        match palisade_request::xml::parse(&self.d.request_body, &config) {
            Ok(doc) => {
                self.d.xml = Some(doc);
                self.d.set_scalar(Scalar::ReqbodyError, b"0");
                self.d.set_scalar(Scalar::ReqbodyProcessorError, b"0");
            }
            Err(e) => {
                let msg = e.reqbody_error_msg();
                self.d.set_scalar(Scalar::ReqbodyError, b"1");
                self.d.set_scalar(Scalar::ReqbodyProcessorError, b"1");
                self.d.set_scalar(Scalar::ReqbodyErrorMsg, msg.as_bytes());
                self.d
                    .set_scalar(Scalar::ReqbodyProcessorErrorMsg, msg.as_bytes());
            }
        }
    }

    fn body_config(&self) -> palisade_request::BodyConfig {
        let s = &self.rs.settings;
        let mut c = palisade_request::BodyConfig::default();
        if let Some(d) = s.json_depth_limit {
            c.json_depth = u32::try_from(d).unwrap_or(u32::MAX);
        }
        c.multipart_keep_files = s.upload_keep_files;
        if let Some(n) = s.upload_file_limit {
            c.multipart_file_limit = u32::try_from(n).unwrap_or(u32::MAX);
        }
        c.multipart_v3_0_9 = s.multipart_header_line_endings;
        c
    }

    fn run_multipart(&mut self) {
        use palisade_request::multipart::{FilePart, Multipart, MultipartSink};
        let Some(ct) = self
            .d
            .first(Rc::Headers, b"content-type")
            .map(<[u8]>::to_vec)
        else {
            self.d.set_scalar(Scalar::ReqbodyError, b"0");
            self.d.set_scalar(Scalar::ReqbodyProcessorError, b"0");
            return;
        };
        struct Sink<'a> {
            d: &'a mut Data,
            keys: &'a crate::collection::keys::KeyInterner,
        }
        impl MultipartSink for Sink<'_> {
            fn name(&mut self, name: &[u8]) {
                self.d.add(Rc::MultipartName, self.keys, name, name);
            }
            fn filename(&mut self, f: &[u8]) {
                self.d.add(Rc::MultipartFilename, self.keys, f, f);
            }
            fn part_header(&mut self, part: &[u8], line: &[u8]) {
                self.d.add(Rc::MultipartPartHeaders, self.keys, part, line);
            }
            fn arg(&mut self, name: &[u8], value: &[u8]) {
                self.d
                    .add_twice([Rc::Args, Rc::ArgsPost], self.keys, name, value);
            }
            fn file(&mut self, f: FilePart<'_>) {
                self.d.add(Rc::Files, self.keys, f.name, f.filename);
                self.d.add(Rc::FilesNames, self.keys, f.name, f.name);
                self.d.add(
                    Rc::FilesSizes,
                    self.keys,
                    f.name,
                    f.size.to_string().as_bytes(),
                );
                self.d
                    .add(Rc::FilesTmpContent, self.keys, f.name, f.content);
                self.d.files_combined_size += f.size;
                let total = self.d.files_combined_size.to_string();
                self.d
                    .set_scalar(Scalar::FilesCombinedSize, total.as_bytes());
            }
        }
        let config = self.body_config();
        let body = std::mem::take(&mut self.d.request_body);
        let outcome = {
            let mut sink = Sink {
                d: &mut self.d,
                keys: &self.rs.keys,
            };
            let mut m = Multipart::new(&ct, &config);
            m.feed(&body, &mut sink);
            m.finish(&mut sink)
        };
        self.d.request_body = body;
        let f = &outcome.flags;
        let flag = |b: bool| if b { &b"1"[..] } else { &b"0"[..] };
        let d = &mut self.d;
        d.set_scalar(
            Scalar::MultipartUnmatchedBoundary,
            f.unmatched_boundary.to_string().as_bytes(),
        );
        d.set_scalar(Scalar::MultipartDataBefore, flag(f.data_before));
        d.set_scalar(Scalar::MultipartDataAfter, flag(f.data_after));
        d.set_scalar(Scalar::MultipartBoundaryQuoted, flag(f.boundary_quoted));
        d.set_scalar(
            Scalar::MultipartBoundaryWhitespace,
            flag(f.boundary_whitespace),
        );
        d.set_scalar(Scalar::MultipartHeaderFolding, flag(f.header_folding));
        d.set_scalar(Scalar::MultipartLfLine, flag(f.lf_line));
        d.set_scalar(Scalar::MultipartCrlfLfLines, flag(f.crlf_lf_lines()));
        d.set_scalar(Scalar::MultipartMissingSemicolon, flag(f.missing_semicolon));
        d.set_scalar(Scalar::MultipartInvalidQuoting, flag(f.invalid_quoting));
        d.set_scalar(Scalar::MultipartInvalidPart, flag(f.invalid_part));
        d.set_scalar(
            Scalar::MultipartInvalidHeaderFolding,
            flag(f.invalid_header_folding),
        );
        // MULTIPART_FILE_LIMIT_EXCEEDED stays unset (an empty value): libmodsecurity v3 never
        // sets it; the flag only feeds MULTIPART_STRICT_ERROR.
        d.set_scalar(Scalar::MultipartStrictError, flag(f.strict_error()));
        if let Some(e) = &outcome.error {
            let msg = e.reqbody_error_msg();
            d.set_scalar(Scalar::ReqbodyError, b"1");
            d.set_scalar(Scalar::ReqbodyProcessorError, b"1");
            d.set_scalar(Scalar::ReqbodyErrorMsg, &msg);
            d.set_scalar(Scalar::ReqbodyProcessorErrorMsg, &msg);
        } else if self
            .rs
            .settings
            .request_body_no_files_limit
            .is_some_and(|l| outcome.no_files_length > l)
        {
            d.set_scalar(Scalar::ReqbodyError, b"1");
            d.set_scalar(
                Scalar::ReqbodyErrorMsg,
                palisade_request::NO_FILES_LIMIT_MSG.as_bytes(),
            );
            d.set_scalar(Scalar::InboundDataError, b"1");
        } else {
            d.set_scalar(Scalar::ReqbodyError, b"0");
            d.set_scalar(Scalar::ReqbodyProcessorError, b"0");
        }
    }

    fn add_arguments_post(&mut self, body: &[u8]) {
        self.add_arguments(body, false);
    }

    /// Adds a response header.
    pub fn add_response_header(&mut self, name: &[u8], value: &[u8]) {
        self.d.add(Rc::ResponseHeaders, &self.rs.keys, name, value);
        if name.eq_ignore_ascii_case(b"content-type") {
            let ct = value.split(|&b| b == b';').next().unwrap_or(&[]);
            self.d.set_scalar(Scalar::ResponseContentType, ct);
        }
    }

    /// The response status and protocol; runs phase 3.
    pub fn process_response_headers(
        &mut self,
        status: u16,
        protocol: &str,
    ) -> Option<Interruption> {
        self.d.response_status = status;
        self.d
            .set_scalar(Scalar::ResponseStatus, status.to_string().as_bytes());
        self.d
            .set_scalar(Scalar::ResponseProtocol, protocol.as_bytes());
        if self.engine() != RuleEngine::Off {
            self.run_phase(3);
        }
        self.interruption()
    }

    fn response_type_inspected(&self) -> bool {
        let ct = self.d.scalar(Scalar::ResponseContentType).unwrap_or(&[]);
        match &self.rs.settings.response_body_mime_types {
            None => true,
            Some(types) => types.iter().any(|t| t.as_bytes() == ct),
        }
    }

    /// Appends a chunk of the response body, applying `SecResponseBodyLimit`.
    pub fn append_response_body(&mut self, chunk: &[u8]) -> Option<Interruption> {
        if let Some(types) = &self.rs.settings.response_body_mime_types {
            let ct = self.d.scalar(Scalar::ResponseContentType).unwrap_or(&[]);
            if !types.is_empty() && !types.iter().any(|t| t.as_bytes() == ct) {
                return self.interruption();
            }
        }
        let s = &self.rs.settings;
        let (limit, action) = (s.response_body_limit, s.response_body_limit_action);
        if append_within_limit(&mut self.d.response_body, chunk, limit, action) {
            self.d.set_scalar(Scalar::OutboundDataError, b"1");
            self.d.response_body_truncated = true;
            if action == LimitAction::Reject {
                self.reject_for_body_limit("Response body limit is marked to reject the request");
            }
        }
        self.interruption()
    }

    /// Runs phase 4 (when response body access is on and the content type is inspected).
    pub fn process_response_body(&mut self) -> Option<Interruption> {
        if self.engine() == RuleEngine::Off
            || !self.rs.settings.response_body_access
            || !self.response_type_inspected()
        {
            return self.interruption();
        }
        if self.d.scalar(Scalar::OutboundDataError).is_none() {
            self.d.set_scalar(Scalar::OutboundDataError, b"0");
        }
        let body = std::mem::take(&mut self.d.response_body);
        self.d.set_scalar(Scalar::ResponseBody, &body);
        self.d.set_scalar(
            Scalar::ResponseContentLength,
            body.len().to_string().as_bytes(),
        );
        self.d.response_body = body;
        self.run_phase(4);
        self.interruption()
    }

    /// Runs phase 5, writes the audit log entry if one is due and saves persistent collections.
    pub fn process_logging(&mut self) {
        if self.logged {
            return;
        }
        self.logged = true;
        if self.engine() != RuleEngine::Off {
            self.run_phase(5);
            self.write_audit_log();
        }
        self.save_persistent();
    }

    /// The pending interruption, if a disruptive action ran (it stays pending).
    pub fn interruption(&self) -> Option<Interruption> {
        let it = &self.st.it;
        if !it.disruptive {
            return None;
        }
        Some(Interruption {
            status: it.status,
            action: it.action.unwrap_or(InterruptionAction::Deny),
            rule_id: it.rule_id,
            redirect_url: it.url.clone(),
            log: it
                .log
                .as_ref()
                .map(|l| l.replace("%d", &it.status.to_string())),
        })
    }

    /// Hands over the pending interruption and clears it (`msc_intervention`). As in
    /// ModSecurity, only the status and the disruptive flag are reset: a later interruption
    /// that sets no URL of its own still carries the earlier redirect URL.
    pub fn take_interruption(&mut self) -> Option<Interruption> {
        let i = self.interruption();
        if i.is_some() {
            self.st.it.status = 200;
            self.st.it.disruptive = false;
        }
        i
    }

    /// The logged rule matches so far (ModSecurity's rule messages).
    pub fn messages(&self) -> &[LoggedMessage] {
        &self.messages
    }

    /// The error-log lines written so far (one per logged, non-disruptive match).
    pub fn error_log_lines(&self) -> Vec<String> {
        self.messages
            .iter()
            .filter(|m| m.error_logged)
            .map(|m| m.message.log_line(self.st.it.status))
            .collect()
    }

    /// Fills the GEO collection from a `@geoLookup` result.
    pub(crate) fn set_geo(&mut self, g: &palisade_match::GeoRecord) {
        self.d.colls[Rc::Geo as usize].clear();
        // Caches derived from the data (visit lists, candidate unions) compare the epoch.
        self.d.epoch = self.d.epoch.wrapping_add(1);
        for (k, v) in g.fields() {
            self.d
                .add(Rc::Geo, &self.rs.keys, k.as_bytes(), v.as_bytes());
        }
    }

    /// The number of request body bytes buffered.
    pub fn request_body_len(&self) -> usize {
        self.d.request_body.len()
    }

    /// The value of `TX:key`, if set.
    pub fn tx_value(&self, key: &str) -> Option<Vec<u8>> {
        self.st
            .tx
            .find_id(&self.rs.keys, key.as_bytes())
            .and_then(|id| self.st.tx.get(id))
            .map(|v| v.value.clone())
    }

    /// Counters of the work done so far.
    pub fn eval_stats(&self) -> EvalStats {
        self.stats
    }

    /// Statistics: (transformations computed, memo hits, prefilter scans).
    pub fn memo_stats(&self) -> (u64, u64, u64) {
        (self.memo.computed, self.memo.hits, self.memo.scans)
    }

    fn write_audit_log(&mut self) {
        let Some(sink) = self.host.audit.clone() else {
            return;
        };
        let engine = self
            .st
            .audit_engine
            .unwrap_or(self.rs.settings.audit_engine);
        if engine == AuditEngine::Off {
            return;
        }
        let mut parts = self.rs.settings.audit_parts;
        for (add, letters) in &self.st.audit_mods {
            parts = if *add {
                parts.with(letters)
            } else {
                parts.without(letters)
            };
        }
        let status = self.d.response_status;
        let relevant_msg = self.messages.iter().any(|m| !m.message.no_audit_log);
        if engine == AuditEngine::RelevantOnly {
            let status_relevant = self
                .rs
                .settings
                .audit_relevant_status
                .as_ref()
                .is_some_and(|re| re.is_match(status.to_string().as_bytes()));
            if !status_relevant && !relevant_msg {
                return;
            }
        }
        let entry = self.audit_entry(parts);
        sink.write_entry(&entry);
    }

    /// The audit-log JSON document for this transaction with `parts`.
    pub fn audit_entry(&self, parts: AuditParts) -> Vec<u8> {
        let secs = self.started_micros.div_euclid(1_000_000);
        let ts = crate::time::ctime(secs + i64::from(self.host.clock.utc_offset_seconds()));
        let headers = |rc: Rc| -> Vec<(&[u8], &[u8])> {
            self.d.colls[rc as usize]
                .entries()
                .iter()
                .map(|e| (self.d.values.get(e.key), self.d.values.get(e.value)))
                .collect()
        };
        let messages: Vec<RuleMessage> = self.messages.iter().map(|m| m.message.clone()).collect();
        let record = AuditRecord {
            client_ip: &self.d.client_ip,
            client_port: self.d.client_port,
            host_ip: &self.d.server_ip,
            host_port: self.d.server_port,
            time_stamp: &ts,
            server_id: "palisade",
            unique_id: &self.id,
            method: &self.d.method,
            http_version: &self.d.http_version,
            uri: &self.d.uri,
            request_body: &self.d.request_body,
            request_headers: headers(Rc::Headers),
            response_body: &self.d.response_body,
            http_code: self.d.response_status,
            response_headers: headers(Rc::ResponseHeaders),
            producer: concat!("Palisade v", env!("CARGO_PKG_VERSION")),
            connector: "",
            secrules_engine: self.engine().audit_name(),
            components: &self.rs.settings.components,
            messages: &messages,
        };
        render_json(&record, parts)
    }

    fn save_persistent(&mut self) {
        for p in crate::persist::PersistentCollection::ALL {
            self.save_one(p);
        }
    }

    pub(crate) fn save_one(&mut self, p: crate::persist::PersistentCollection) {
        let now = self.host.clock.now_micros().div_euclid(1_000_000);
        let app = self.rs.settings.web_app_id.clone();
        {
            let Some(open) = self.st.persistent[p.index()].take() else {
                return;
            };
            let vars: Vec<crate::persist::StoredVar> = open
                .vars
                .iter()
                .map(|v| crate::persist::StoredVar {
                    name: String::from_utf8_lossy(&v.key).into_owned(),
                    value: v.value.clone(),
                    expires_at: v.expires_at,
                })
                .collect();
            self.host.store.save(&app, p, &open.key, vars, now);
        }
    }
}

/// Appends `chunk` to a body buffer under `limit` (none or 0: unlimited). Returns whether the
/// chunk went over the limit; then `ProcessPartial` keeps the part that fits and `Reject` keeps
/// nothing of it.
fn append_within_limit(
    body: &mut Vec<u8>,
    chunk: &[u8],
    limit: Option<u64>,
    action: LimitAction,
) -> bool {
    let current = body.len() as u64;
    match limit.filter(|&l| l > 0) {
        Some(limit) if current + chunk.len() as u64 > limit => {
            if action == LimitAction::ProcessPartial {
                let room = usize::try_from(limit.saturating_sub(current)).unwrap_or(0);
                body.extend_from_slice(&chunk[..room.min(chunk.len())]);
            }
            true
        }
        _ => {
            body.extend_from_slice(chunk);
            false
        }
    }
}
