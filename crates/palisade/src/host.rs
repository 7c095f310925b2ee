//! Host services with defaults for ordinary (std) hosts: the system clock, unique ids made of
//! the time and a counter, a file sink for the audit log. On `wasm32-unknown-unknown` the
//! defaults are a stopped clock and counter ids; set real ones with the builder.

use std::sync::atomic::{AtomicU64, Ordering};

pub use palisade_engine::host::{
    AuditSink, Clock, CounterIds, FixedClock, HostLog, IdSource, LogLevel, NoHostLog, RuleLogSink,
};

/// The system's wall clock (`std::time::SystemTime`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_micros(&self) -> i64 {
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
                .unwrap_or(0)
        }
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        {
            0
        }
    }
}

pub use palisade_engine::profile::Stopwatch;

/// A monotonic stopwatch for the profiler (`std::time::Instant`, nanoseconds since it was
/// made). On `wasm32-unknown-unknown` it always reads 0: give a Wasm host's own [`Stopwatch`].
#[derive(Clone, Copy, Debug)]
pub struct InstantStopwatch {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    origin: std::time::Instant,
}

impl Default for InstantStopwatch {
    fn default() -> Self {
        InstantStopwatch {
            #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
            origin: std::time::Instant::now(),
        }
    }
}

impl Stopwatch for InstantStopwatch {
    fn nanos(&self) -> u64 {
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        {
            u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
        }
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        {
            0
        }
    }
}

/// Ids like ModSecurity's: the start time in seconds followed by a counter
/// (`1714531879` + `000001`), unique within the process.
#[derive(Debug)]
pub struct TimeCounterIds {
    clock: SystemClock,
    next: AtomicU64,
}

impl Default for TimeCounterIds {
    fn default() -> Self {
        TimeCounterIds {
            clock: SystemClock,
            next: AtomicU64::new(1),
        }
    }
}

impl IdSource for TimeCounterIds {
    fn next_id(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{}.{n:06}", self.clock.now_micros() / 1_000_000)
    }
}

/// An audit sink appending to a file (one JSON document per line).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Debug)]
pub struct FileAuditSink {
    file: std::sync::Mutex<std::fs::File>,
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl FileAuditSink {
    /// Opens (creating or appending to) `path`.
    pub fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(FileAuditSink {
            file: std::sync::Mutex::new(file),
        })
    }
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl AuditSink for FileAuditSink {
    fn write_entry(&self, entry: &[u8]) {
        use std::io::Write;
        if let Ok(mut f) = self.file.lock() {
            let _ = f.write_all(entry);
        }
    }
}

/// An audit sink that keeps entries in memory (tests, or hosts that ship them elsewhere).
#[derive(Debug, Default)]
pub struct MemoryAuditSink {
    entries: std::sync::Mutex<Vec<Vec<u8>>>,
}

impl MemoryAuditSink {
    /// The entries written so far.
    pub fn entries(&self) -> Vec<Vec<u8>> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl AuditSink for MemoryAuditSink {
    fn write_entry(&self, entry: &[u8]) {
        if let Ok(mut e) = self.entries.lock() {
            e.push(entry.to_vec());
        }
    }
}
