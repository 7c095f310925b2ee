//! What the host provides to the engine: the time, transaction ids, and where log lines go.
//!
//! The engine has no clock, no randomness and no files of its own (it builds for
//! `wasm32-unknown-unknown`), so a host passes these in. [`SystemHost`]-like defaults live in the
//! `palisade` crate for std hosts; here are the traits and deterministic implementations that
//! tests and Wasm hosts can use as they are.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A wall clock: seconds and microseconds since the Unix epoch, and the local UTC offset.
pub trait Clock: Send + Sync {
    /// Microseconds since 1970-01-01T00:00:00Z.
    fn now_micros(&self) -> i64;
    /// The offset of local time from UTC in seconds (0 for UTC), used by `TIME_*` variables and
    /// the audit log's timestamp.
    fn utc_offset_seconds(&self) -> i32 {
        0
    }
}

/// A clock that always says the same time (tests, replay) unless moved by hand.
#[derive(Debug, Default)]
pub struct FixedClock {
    micros: AtomicU64,
}

impl FixedClock {
    /// A clock stopped at `secs` seconds after the epoch.
    pub fn at_secs(secs: u64) -> Self {
        FixedClock {
            micros: AtomicU64::new(secs.saturating_mul(1_000_000)),
        }
    }

    /// Moves the clock forward by `secs` seconds.
    pub fn advance_secs(&self, secs: u64) {
        self.micros
            .fetch_add(secs.saturating_mul(1_000_000), Ordering::Relaxed);
    }
}

impl Clock for FixedClock {
    fn now_micros(&self) -> i64 {
        i64::try_from(self.micros.load(Ordering::Relaxed)).unwrap_or(i64::MAX)
    }
}

/// Where unique transaction ids (`UNIQUE_ID`, `[unique_id "…"]`) come from.
pub trait IdSource: Send + Sync {
    /// A new id, unique among the transactions of this host.
    fn next_id(&self) -> String;
}

/// Ids made of a prefix and a counter: deterministic, for tests and replays.
#[derive(Debug)]
pub struct CounterIds {
    prefix: String,
    next: AtomicU64,
}

impl CounterIds {
    /// Ids `prefix1`, `prefix2`, …
    pub fn new(prefix: &str) -> Self {
        CounterIds {
            prefix: prefix.to_owned(),
            next: AtomicU64::new(1),
        }
    }
}

impl IdSource for CounterIds {
    fn next_id(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{}{n}", self.prefix)
    }
}

/// How serious a host log message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Something is wrong with the configuration or the input.
    Error,
    /// Worth an operator's attention.
    Warning,
    /// Informational (e.g. a directive that means nothing inside a library).
    Info,
    /// Debugging detail.
    Debug,
}

/// Where the engine sends messages about itself (not rule matches): directives it ignores,
/// debug-log settings, limits reached.
pub trait HostLog: Send + Sync {
    /// One message.
    fn log(&self, level: LogLevel, message: &str);
}

/// A [`HostLog`] that drops everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHostLog;

impl HostLog for NoHostLog {
    fn log(&self, _level: LogLevel, _message: &str) {}
}

/// Where finished audit-log entries go (one JSON document per entry, newline-terminated).
pub trait AuditSink: Send + Sync {
    /// Writes one entry.
    fn write_entry(&self, entry: &[u8]);
}

/// Where matched rules' error-log lines go, as they happen (ModSecurity's log callback).
pub trait RuleLogSink: Send + Sync {
    /// A rule matched and logs; `message.log_line(…)` is ModSecurity's error-log line.
    fn rule_matched(&self, message: &crate::message::RuleMessage);
}

/// The host services a ruleset uses, shared by all its transactions.
#[derive(Clone)]
pub struct Host {
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Transaction ids.
    pub ids: Arc<dyn IdSource>,
    /// Engine messages.
    pub log: Arc<dyn HostLog>,
    /// Audit-log entries, when auditing is on.
    pub audit: Option<Arc<dyn AuditSink>>,
    /// Persistent collections (`IP`, `GLOBAL`, `RESOURCE`, `SESSION`, `USER`).
    pub store: Arc<dyn crate::persist::CollectionStore>,
    /// Error-log lines of matched rules, as they happen.
    pub rule_log: Option<Arc<dyn RuleLogSink>>,
}

impl Default for Host {
    fn default() -> Self {
        Host {
            clock: Arc::new(FixedClock::at_secs(0)),
            ids: Arc::new(CounterIds::new("")),
            log: Arc::new(NoHostLog),
            audit: None,
            store: Arc::new(crate::persist::InMemoryStore::new()),
            rule_log: None,
        }
    }
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host").finish_non_exhaustive()
    }
}
