//! Palisade: a web application firewall engine that runs ModSecurity SecLang rules, above all
//! the OWASP Core Rule Set v4, inside proxies — deciding as ModSecurity v3 decides.
//!
//! Build one [`Waf`] from rule files (it compiles them once into an immutable ruleset shared by
//! every transaction), then run one [`Transaction`] per request through the lifecycle proxies
//! know from ModSecurity and Coraza. After each step, an [`Interruption`] says whether a rule
//! decided to stop the request.
//!
//! ```
//! use palisade::Waf;
//!
//! let waf = Waf::builder()
//!     .rules_text(r#"
//!         SecRuleEngine On
//!         SecRule ARGS:q "@rx <script" "id:1,phase:1,deny,status:403,msg:'XSS in q'"
//!     "#)
//!     .build()?;
//!
//! let mut tx = waf.transaction();
//! tx.process_connection("203.0.113.5", 51234, "10.0.0.1", 443);
//! tx.process_uri("/search?q=%3Cscript%3E", "GET", "1.1");
//! tx.add_request_header("Host", "shop.example");
//! let stop = tx.process_request_headers();
//! assert_eq!(stop.map(|i| (i.status, i.rule_id)), Some((403, 1)));
//! assert_eq!(tx.matched_rules()[0].msg(), "XSS in q");
//! # Ok::<(), palisade::LoadError>(())
//! ```
//!
//! The primary types:
//! - [`Waf`], built by [`WafBuilder`]: the compiled rules and the host services.
//! - [`Transaction`]: one request and its response.
//! - [`Interruption`]: status, action, rule id and redirect URL of a decision to stop.
//! - [`MatchedRule`]: a logged rule match (id, msg, logdata, severity, tags, matched variable).
//! - [`host`]: the clock, id source, log and audit sinks a host can provide.

pub mod host;
pub mod replay;
mod source;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use palisade_engine::host::Host;
use palisade_engine::message::RuleMessage;
use palisade_engine::ruleset::Ruleset;
use palisade_engine::ruleset::compile::{CompileInput, compile};
use palisade_engine::transaction::EvalOptions;
use palisade_seclang::{Diagnostic, FsSource, MemorySource, RuleSource};

pub use palisade_engine as engine;
pub use palisade_engine::persist::{CollectionStore, InMemoryStore, PersistentCollection};
pub use palisade_engine::{Interruption, InterruptionAction};

/// Why rules could not be loaded: the parser's and compiler's diagnostics, rendered with file,
/// line, column and the offending line.
#[derive(Clone, Debug)]
pub struct LoadError {
    /// One rendered diagnostic per problem.
    pub diagnostics: Vec<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(d)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

enum RuleInput {
    File(PathBuf),
    Text(String),
}

/// Builds a [`Waf`]: rules (files and texts, loaded in the order given) and host services.
pub struct WafBuilder {
    inputs: Vec<RuleInput>,
    source: Option<Arc<dyn RuleSource>>,
    host: Host,
    opts: EvalOptions,
    multipart_header_line_endings: bool,
    modsec_3_0_9_defects: bool,
}

impl fmt::Debug for WafBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WafBuilder").finish_non_exhaustive()
    }
}

impl Default for WafBuilder {
    fn default() -> Self {
        let host = Host {
            clock: Arc::new(host::SystemClock),
            ids: Arc::new(host::TimeCounterIds::default()),
            ..Host::default()
        };
        WafBuilder {
            inputs: Vec::new(),
            source: None,
            host,
            opts: EvalOptions::default(),
            multipart_header_line_endings: false,
            modsec_3_0_9_defects: false,
        }
    }
}

impl WafBuilder {
    /// Adds a rule file (wildcards allowed, `Include`s followed relative to it).
    pub fn rules_file(mut self, path: impl AsRef<Path>) -> Self {
        self.inputs
            .push(RuleInput::File(path.as_ref().to_path_buf()));
        self
    }

    /// Adds rules given as text.
    pub fn rules_text(mut self, text: impl Into<String>) -> Self {
        self.inputs.push(RuleInput::Text(text.into()));
        self
    }

    /// Reads rule and data files through `source` instead of the filesystem.
    pub fn source(mut self, source: Arc<dyn RuleSource>) -> Self {
        self.source = Some(source);
        self
    }

    /// The clock (for `TIME*`, `DURATION`, collection expiry, audit timestamps).
    pub fn clock(mut self, clock: Arc<dyn host::Clock>) -> Self {
        self.host.clock = clock;
        self
    }

    /// Where transaction ids come from.
    pub fn ids(mut self, ids: Arc<dyn host::IdSource>) -> Self {
        self.host.ids = ids;
        self
    }

    /// Where engine messages go.
    pub fn log(mut self, log: Arc<dyn host::HostLog>) -> Self {
        self.host.log = log;
        self
    }

    /// Where error-log lines of matched rules go as they happen.
    pub fn rule_log(mut self, sink: Arc<dyn host::RuleLogSink>) -> Self {
        self.host.rule_log = Some(sink);
        self
    }

    /// Where audit-log entries go (the audit log is written only when `SecAuditEngine` says so).
    pub fn audit_sink(mut self, sink: Arc<dyn host::AuditSink>) -> Self {
        self.host.audit = Some(sink);
        self
    }

    /// The store behind persistent collections (`IP`, `SESSION`, …); an [`InMemoryStore`] by
    /// default.
    pub fn collection_store(mut self, store: Arc<dyn CollectionStore>) -> Self {
        self.host.store = store;
        self
    }

    /// Switches the transformation memo and the prefilter on or off (both on by default; turning
    /// them off changes speed, never decisions).
    pub fn optimizations(mut self, memoize: bool, prefilter: bool) -> Self {
        self.opts = EvalOptions { memoize, prefilter };
        self
    }

    /// Ends each `MULTIPART_PART_HEADERS` value with its line ending (`\r\n`), as
    /// libmodsecurity 3.0.9 does; by default values carry no line ending, as in 3.0.10 and
    /// later.
    pub fn multipart_header_line_endings(mut self, on: bool) -> Self {
        self.multipart_header_line_endings = on;
        self
    }

    /// Reproduces the libmodsecurity 3.0.9 defects that Palisade otherwise corrects to decide
    /// as the OWASP CRS expects (each named, with the CRS tests that show it, in
    /// `tests/crs/MODSEC_DEFECTS.md`): for comparing decisions with 3.0.9 request by request.
    /// Implies [`WafBuilder::multipart_header_line_endings`].
    pub fn modsecurity_3_0_9_defects(mut self, on: bool) -> Self {
        self.modsec_3_0_9_defects = on;
        self
    }

    /// Loads and compiles the rules.
    pub fn build(self) -> Result<Waf, LoadError> {
        let mut mem = MemorySource::new();
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut n = 0;
        for input in &self.inputs {
            match input {
                RuleInput::File(p) => paths.push(p.clone()),
                RuleInput::Text(t) => {
                    n += 1;
                    let p = PathBuf::from(format!("<rules-{n}>"));
                    mem.insert(p.clone(), t.as_bytes().to_vec());
                    paths.push(p);
                }
            }
        }
        let rest: Arc<dyn RuleSource> = match &self.source {
            Some(s) => s.clone(),
            None => Arc::new(FsSource::new()),
        };
        let layered = source::Layered { top: mem, rest };
        let loaded = palisade_seclang::load(&layered, &paths);
        if !loaded.is_ok() {
            return Err(LoadError {
                diagnostics: loaded
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.render_in(&loaded.files))
                    .collect(),
            });
        }
        let input = CompileInput {
            directives: &loaded.directives,
            files: &loaded.files,
            log: self.host.log.as_ref(),
            source: &layered,
        };
        let mut ruleset = compile(&input).map_err(|errs| LoadError {
            diagnostics: errs
                .into_iter()
                .map(|e| Diagnostic::error(e.span, e.message).render_in(&loaded.files))
                .collect(),
        })?;
        ruleset.settings.multipart_header_line_endings =
            self.multipart_header_line_endings || self.modsec_3_0_9_defects;
        ruleset.settings.modsec_3_0_9_defects = self.modsec_3_0_9_defects;
        Ok(Waf {
            ruleset: Arc::new(ruleset),
            host: self.host,
            opts: self.opts,
            pool: Arc::new(Mutex::new(Vec::new())),
        })
    }
}

/// Compiled rules and host services, shared by every transaction (`Send + Sync`; clone it
/// cheaply or put it in an `Arc`).
///
/// Finished transactions return their buffers to a small pool that the next
/// [`Waf::transaction`] reuses, so a busy host does not allocate per request.
#[derive(Clone)]
pub struct Waf {
    ruleset: Arc<Ruleset>,
    host: Host,
    opts: EvalOptions,
    pool: Arc<Mutex<Vec<EngineTransaction>>>,
}

type EngineTransaction = palisade_engine::transaction::Transaction;

/// How many idle transactions a [`Waf`] keeps for reuse.
const POOL_SIZE: usize = 64;

impl fmt::Debug for Waf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waf")
            .field("rules", &self.ruleset.rule_count())
            .finish_non_exhaustive()
    }
}

impl Waf {
    /// A builder.
    pub fn builder() -> WafBuilder {
        WafBuilder::default()
    }

    /// A new transaction with an id from the host's id source.
    pub fn transaction(&self) -> Transaction {
        let id = self.host.ids.next_id();
        self.transaction_with_id(&id)
    }

    /// A new transaction with the given id (`UNIQUE_ID`).
    pub fn transaction_with_id(&self, id: &str) -> Transaction {
        let reused = self.pool.lock().ok().and_then(|mut p| p.pop());
        let inner = match reused {
            Some(mut t) => {
                t.reset(id);
                t
            }
            None => {
                EngineTransaction::with_id(self.ruleset.clone(), self.host.clone(), self.opts, id)
            }
        };
        Transaction {
            inner: Some(inner),
            pool: Some(self.pool.clone()),
        }
    }

    /// The number of rules (a chain counts once).
    pub fn rule_count(&self) -> usize {
        self.ruleset.rule_count()
    }

    /// The compiled ruleset.
    pub fn ruleset(&self) -> &Arc<Ruleset> {
        &self.ruleset
    }
}

/// One request and its response. Call the steps in order; skip the ones that do not apply
/// (a request without body can go straight from headers to response).
///
/// The engine transaction is held in an `Option` so that dropping the wrapper moves it back
/// into its [`Waf`]'s pool without building a replacement. It is `None` only inside `drop`,
/// so every step below always finds it; the steps still treat `None` as "nothing to do"
/// rather than panicking.
pub struct Transaction {
    inner: Option<EngineTransaction>,
    pool: Option<Arc<Mutex<Vec<EngineTransaction>>>>,
}

impl Drop for Transaction {
    fn drop(&mut self) {
        let Some(pool) = self.pool.take() else {
            return;
        };
        let Ok(mut p) = pool.lock() else { return };
        if p.len() < POOL_SIZE
            && let Some(inner) = self.inner.take()
        {
            p.push(inner);
        }
    }
}

impl fmt::Debug for Transaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

impl Transaction {
    /// The transaction id.
    pub fn id(&self) -> &str {
        self.inner.as_ref().map_or("", EngineTransaction::id)
    }

    /// Client and server address and port. Runs phase 0 rules.
    pub fn process_connection(
        &mut self,
        client_ip: &str,
        client_port: u16,
        server_ip: &str,
        server_port: u16,
    ) -> Option<Interruption> {
        let t = self.inner.as_mut()?;
        t.process_connection(client_ip, client_port, server_ip, server_port);
        t.interruption()
    }

    /// The request line: the target as received (`/path?query`), the method (`GET`) and the
    /// HTTP version (`1.1`; `HTTP/1.1` is accepted too).
    pub fn process_uri(&mut self, uri: &str, method: &str, version: &str) {
        if let Some(t) = self.inner.as_mut() {
            t.process_uri(uri.as_bytes(), method.as_bytes(), version);
        }
    }

    /// [`Transaction::process_uri`] for a target that is not UTF-8.
    pub fn process_uri_bytes(&mut self, uri: &[u8], method: &[u8], version: &str) {
        if let Some(t) = self.inner.as_mut() {
            t.process_uri(uri, method, version);
        }
    }

    /// One request header (call once per header line, repeats included, in order).
    pub fn add_request_header(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        if let Some(t) = self.inner.as_mut() {
            t.add_request_header(name.as_ref(), value.as_ref());
        }
    }

    /// Runs phase 1 (request headers).
    pub fn process_request_headers(&mut self) -> Option<Interruption> {
        self.inner.as_mut()?.process_request_headers()
    }

    /// A chunk of the request body; `SecRequestBodyLimit` applies as chunks arrive.
    pub fn append_request_body(&mut self, chunk: &[u8]) -> Option<Interruption> {
        self.inner.as_mut()?.append_request_body(chunk)
    }

    /// Runs the body processor and phase 2 (request body).
    pub fn process_request_body(&mut self) -> Option<Interruption> {
        self.inner.as_mut()?.process_request_body()
    }

    /// One response header.
    pub fn add_response_header(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        if let Some(t) = self.inner.as_mut() {
            t.add_response_header(name.as_ref(), value.as_ref());
        }
    }

    /// The response status and protocol (`HTTP/1.1`); runs phase 3.
    pub fn process_response_headers(
        &mut self,
        status: u16,
        protocol: &str,
    ) -> Option<Interruption> {
        self.inner
            .as_mut()?
            .process_response_headers(status, protocol)
    }

    /// A chunk of the response body; `SecResponseBodyLimit` applies as chunks arrive.
    pub fn append_response_body(&mut self, chunk: &[u8]) -> Option<Interruption> {
        self.inner.as_mut()?.append_response_body(chunk)
    }

    /// Runs phase 4 (response body).
    pub fn process_response_body(&mut self) -> Option<Interruption> {
        self.inner.as_mut()?.process_response_body()
    }

    /// Runs phase 5 (logging), writes the audit log entry when due, saves persistent
    /// collections.
    pub fn process_logging(&mut self) {
        if let Some(t) = self.inner.as_mut() {
            t.process_logging();
        }
    }

    /// The pending interruption, if a rule decided one (it stays pending).
    pub fn interruption(&self) -> Option<Interruption> {
        self.inner.as_ref()?.interruption()
    }

    /// The pending interruption, cleared (`msc_intervention`): later phases then run as
    /// ModSecurity runs them after its host read the intervention.
    pub fn take_interruption(&mut self) -> Option<Interruption> {
        self.inner.as_mut()?.take_interruption()
    }

    /// The logged rule matches so far, in order.
    pub fn matched_rules(&self) -> Vec<MatchedRule<'_>> {
        let Some(t) = self.inner.as_ref() else {
            return Vec::new();
        };
        t.messages()
            .iter()
            .map(|m| MatchedRule {
                message: &m.message,
                error_logged: m.error_logged,
            })
            .collect()
    }

    /// The error-log lines written so far (ModSecurity's format, one per logged,
    /// non-disruptive match; the disruptive rule's line is in [`Interruption::log`]).
    ///
    /// ```
    /// let waf = palisade::Waf::builder()
    ///     .rules_text(r#"SecRuleEngine DetectionOnly
    /// SecRule ARGS:id "@rx ^\d+$" "id:10,phase:1,t:none,pass,log,msg:'id ok',tag:'demo'"
    /// SecRule ARGS:id "@rx '" "id:11,phase:1,deny,log,msg:'quote in id',severity:CRITICAL""#)
    ///     .build()?;
    /// let mut tx = waf.transaction_with_id("abc");
    /// tx.process_connection("192.0.2.7", 40000, "192.0.2.1", 80);
    /// tx.process_uri("/item?id=1'", "GET", "1.1");
    /// // DetectionOnly: the deny rule logs, nothing is interrupted.
    /// assert!(tx.process_request_headers().is_none());
    /// let log = tx.error_log();
    /// assert_eq!(log.len(), 1);
    /// assert!(log[0].starts_with("ModSecurity: Warning. Matched \"Operator `Rx' with parameter `'' against variable `ARGS:id' (Value: `1'' )"));
    /// assert!(log[0].contains("[id \"11\"] [rev \"\"] [msg \"quote in id\"] [data \"\"] [severity \"2\"]"));
    /// assert!(log[0].contains(r#"[hostname "192.0.2.1"] [uri "/item"] [unique_id "abc"]"#));
    /// # Ok::<(), palisade::LoadError>(())
    /// ```
    pub fn error_log(&self) -> Vec<String> {
        self.inner
            .as_ref()
            .map(EngineTransaction::error_log_lines)
            .unwrap_or_default()
    }

    /// Switches cost accounting on (with `watch`) or off for this transaction; see
    /// [`engine::profile`]. Off by default, and free when off.
    pub fn set_profiler(&mut self, watch: Option<Arc<dyn host::Stopwatch>>) {
        if let Some(t) = self.inner.as_mut() {
            t.set_profiler(watch);
        }
    }

    /// What the profiler measured so far (`None` when profiling is off).
    pub fn profile(&self) -> Option<engine::profile::Profile> {
        self.inner.as_ref()?.profile()
    }

    /// The engine transaction, for hosts that need more (variables, statistics). Always
    /// `Some` (it is `None` only while the transaction is being dropped).
    pub fn engine(&self) -> Option<&palisade_engine::transaction::Transaction> {
        self.inner.as_ref()
    }
}

/// A logged rule match.
#[derive(Clone, Copy, Debug)]
pub struct MatchedRule<'a> {
    message: &'a RuleMessage,
    error_logged: bool,
}

impl MatchedRule<'_> {
    /// The rule id (of the chain's first rule).
    pub fn id(&self) -> i64 {
        self.message.rule_id
    }

    /// `msg:`, expanded.
    pub fn msg(&self) -> String {
        self.message.msg()
    }

    /// `logdata:`, expanded.
    pub fn logdata(&self) -> String {
        self.message.logdata()
    }

    /// `severity:` (0–7), if the rule has one.
    pub fn severity(&self) -> Option<u8> {
        self.message.has_severity.then_some(self.message.severity)
    }

    /// `tag:`s, expanded.
    pub fn tags(&self) -> Vec<String> {
        self.message.tag_names()
    }

    /// The name of the last matched variable (`ARGS:q`).
    pub fn matched_var_name(&self) -> String {
        String::from_utf8_lossy(&self.message.matched_var_name).into_owned()
    }

    /// The last matched value (after transformations).
    pub fn matched_var(&self) -> &[u8] {
        &self.message.matched_var
    }

    /// True when the rule's disruptive action ran.
    pub fn disruptive(&self) -> bool {
        self.message.disruptive
    }

    /// True when the match was written to the error log.
    pub fn error_logged(&self) -> bool {
        self.error_logged
    }

    /// The error-log line (`status` fills "Access denied with code N" for disruptive rules).
    pub fn log_line(&self, status: u16) -> String {
        self.message.log_line(status)
    }

    /// The underlying message.
    pub fn message(&self) -> &RuleMessage {
        self.message
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// A dropped transaction goes back to the pool (moved, not replaced), and the next one
    /// reuses it as a fresh transaction: same decision, no leftover messages.
    #[test]
    fn dropped_transactions_return_to_the_pool_and_come_back_fresh() {
        let waf = Waf::builder()
            .rules_text(
                r#"SecRuleEngine On
SecRule ARGS:q "@rx attack" "id:1,phase:1,deny,status:403,log,msg:'hit'""#,
            )
            .build()
            .unwrap();
        let run = |uri: &str| {
            let mut tx = waf.transaction_with_id("t");
            tx.process_connection("192.0.2.7", 40000, "192.0.2.1", 80);
            tx.process_uri(uri, "GET", "1.1");
            let i = tx.process_request_headers().map(|i| i.status);
            let ids: Vec<i64> = tx.matched_rules().iter().map(|m| m.id()).collect();
            assert_eq!(tx.id(), "t");
            assert!(tx.engine().is_some());
            (i, ids)
        };
        assert_eq!(run("/?q=attack"), (Some(403), vec![1]));
        assert_eq!(waf.pool.lock().unwrap().len(), 1);
        assert_eq!(run("/?q=fine"), (None, vec![]));
        assert_eq!(run("/?q=attack"), (Some(403), vec![1]));
        assert_eq!(waf.pool.lock().unwrap().len(), 1);
    }
}
