//! Running tests against a live deployment (`--target http://HOST:PORT --log FILE`), with
//! go-ftw's log-marker mechanism to find each stage's lines in the WAF's error log.
//!
//! Per stage, as go-ftw v2.3.0 does (`runner/run.go`, `waflog/read.go`):
//! 1. a start marker request `GET /status/200 HTTP/1.1` with `Accept: */*`,
//!    `User-Agent: go-ftw test agent`, `Host: localhost` (the test's Host with
//!    `virtual_host_mode`), `X-CRS-Test: <rule>-<test>-<uuid>-s`, `Connection: close` is sent,
//!    up to [`Remote::max_marker_retries`] times, until the last line of the log that contains
//!    the marker header name (case-insensitively, among the last
//!    [`Remote::max_marker_log_lines`] lines) contains the marker id;
//! 2. the stage's request bytes are sent to the target (the test's `dest_addr` and `port` are
//!    replaced by the target) and the response is read;
//! 3. an end marker (`…-e`) is sent the same way;
//! 4. the stage's log is every line strictly between the start marker line and the first end
//!    marker line, compared lower-cased.
//!
//! The deployment needs a rule that logs the marker header, e.g. CRS's
//! `SecRule REQUEST_HEADERS:X-CRS-Test "@rx ^.*$" "id:999999,phase:1,pass,t:none,log,msg:'X-CRS-Test %{MATCHED_VAR}',ctl:ruleRemoveById=1-999999"`.
//! Stages run one at a time (the log is shared).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::http::response::{ResponseError, parse_response};
use crate::model::{Input, Test};
use crate::runner::{Execution, StageExecutor};

/// Settings and state of a remote run.
#[derive(Debug, Clone)]
pub struct Remote {
    /// Target host name or address.
    pub host: String,
    /// Target port.
    pub port: u16,
    /// The WAF's error log.
    pub log_path: PathBuf,
    /// The marker header (`X-CRS-Test`).
    pub marker_header: String,
    /// Marker requests sent before giving up.
    pub max_marker_retries: u32,
    /// Log lines searched for a marker, from the end.
    pub max_marker_log_lines: usize,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Read timeout for a response.
    pub read_timeout: Duration,
}

impl Remote {
    /// A remote run against `http://host:port` reading `log_path`, with go-ftw's defaults.
    pub fn new(host: &str, port: u16, log_path: PathBuf) -> Self {
        Self {
            host: host.to_string(),
            port,
            log_path,
            marker_header: "X-CRS-Test".to_string(),
            max_marker_retries: 20,
            max_marker_log_lines: 500,
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(3),
        }
    }

    /// Parses `http://HOST:PORT` (port defaults to 80; a path is ignored).
    pub fn parse_target(url: &str) -> Result<(String, u16), String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("--target {url:?}: only http://HOST[:PORT] is supported"))?;
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() {
            return Err(format!("--target {url:?}: no host"));
        }
        if let Some(inner) = authority.strip_prefix('[') {
            let (h, p) = inner
                .split_once(']')
                .ok_or_else(|| format!("--target {url:?}: bad IPv6 address"))?;
            let port = match p.strip_prefix(':') {
                Some(p) => p
                    .parse()
                    .map_err(|_| format!("--target {url:?}: bad port"))?,
                None => 80,
            };
            return Ok((h.to_string(), port));
        }
        match authority.rsplit_once(':') {
            Some((h, p)) => Ok((
                h.to_string(),
                p.parse()
                    .map_err(|_| format!("--target {url:?}: bad port"))?,
            )),
            None => Ok((authority.to_string(), 80)),
        }
    }

    /// Sends raw bytes and reads one response: (raw response, status) or a transport error.
    pub fn send(&self, bytes: &[u8], head_request: bool) -> Result<(Vec<u8>, u16), String> {
        let addr = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {}: {e}", self.host))?
            .next()
            .ok_or_else(|| format!("cannot resolve {}", self.host))?;
        let mut stream = TcpStream::connect_timeout(&addr, self.connect_timeout)
            .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(self.read_timeout))
            .map_err(|e| e.to_string())?;
        stream
            .set_write_timeout(Some(self.read_timeout))
            .map_err(|e| e.to_string())?;
        stream
            .write_all(bytes)
            .map_err(|e| format!("failed sending the request: {e}"))?;
        let deadline = Instant::now() + self.read_timeout;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16384];
        loop {
            let n = match stream.read(&mut chunk) {
                Ok(n) => n,
                Err(e) => return Err(format!("failed reading the response: {e}")),
            };
            let eof = n == 0;
            buf.extend_from_slice(&chunk[..n]);
            match parse_response(&buf, head_request, eof) {
                Ok((resp, used)) => {
                    buf.truncate(used);
                    return Ok((buf, resp.status));
                }
                Err(ResponseError::Malformed(m)) => return Err(m),
                Err(ResponseError::Incomplete) if eof => {
                    return Err(if buf.is_empty() {
                        "EOF: the server closed the connection without a response".into()
                    } else {
                        "unexpected EOF in the response".into()
                    });
                }
                Err(ResponseError::Incomplete) => {}
            }
            if Instant::now() > deadline {
                return Err("timeout reading the response".into());
            }
        }
    }

    fn log_len(&self) -> u64 {
        std::fs::metadata(&self.log_path).map_or(0, |m| m.len())
    }

    /// The log's bytes from `offset` (from 0 if the file shrank).
    fn read_log_from(&self, offset: u64) -> Vec<u8> {
        let Ok(mut f) = std::fs::File::open(&self.log_path) else {
            return Vec::new();
        };
        let len = f.metadata().map_or(0, |m| m.len());
        let start = if offset > len { 0 } else { offset };
        let mut buf = Vec::new();
        if f.seek(SeekFrom::Start(start)).is_ok() {
            let _ = f.read_to_end(&mut buf);
        }
        buf
    }

    /// go-ftw's `CheckLogForMarker`: the last line mentioning the marker header, if it holds
    /// `marker_id` (lower-cased).
    fn find_marker(&self, marker_id: &str) -> Option<Vec<u8>> {
        let len = self.log_len();
        let tail = self.read_log_from(len.saturating_sub(4 << 20));
        let header = self.marker_header.to_ascii_lowercase();
        let id = marker_id.to_ascii_lowercase();
        tail.split(|b| *b == b'\n')
            .rev()
            .filter(|l| !l.is_empty())
            .take(self.max_marker_log_lines)
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_ascii_lowercase())
            .find(|l| contains(l, header.as_bytes()))
            .filter(|l| contains(l, id.as_bytes()))
    }

    fn marker_request(&self, input: &Input, marker_id: &str) -> Vec<u8> {
        let mut host = "localhost".to_string();
        if input.virtual_host_mode {
            let hosts: Vec<_> = input
                .header_list()
                .into_iter()
                .filter(|h| h.name.eq_ignore_ascii_case("host"))
                .collect();
            if let [h] = hosts.as_slice() {
                host = h.value.clone();
            }
        }
        format!(
            "GET /status/200 HTTP/1.1\r\nAccept: */*\r\nUser-Agent: go-ftw test agent\r\nHost: {host}\r\n{}: {marker_id}\r\nConnection: close\r\n\r\n",
            self.marker_header
        )
        .into_bytes()
    }

    /// go-ftw's `markAndFlush`: sends the marker until it shows up in the log.
    fn mark(&self, input: &Input, marker_id: &str) -> Result<Vec<u8>, String> {
        let req = self.marker_request(input, marker_id);
        for _ in 0..self.max_marker_retries.max(1) {
            self.send(&req, false)
                .map_err(|e| format!("marker request failed: {e}"))?;
            if let Some(line) = self.find_marker(marker_id) {
                return Ok(line);
            }
        }
        Err(format!(
            "can't find log marker {marker_id} in {}: is the marker rule loaded and is this the WAF's log?",
            self.log_path.display()
        ))
    }

    /// The lines strictly between the start marker line and the first end marker line.
    fn marked_lines(&self, offset: u64, start: &[u8], end: &[u8]) -> Vec<String> {
        let log = self.read_log_from(offset);
        let lines: Vec<&[u8]> = log
            .split(|b| *b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect();
        let lower: Vec<Vec<u8>> = lines.iter().map(|l| l.to_ascii_lowercase()).collect();
        let Some(first) = lower.iter().rposition(|l| l == start) else {
            return Vec::new();
        };
        let Some(last) = lower[first + 1..].iter().position(|l| l == end) else {
            return Vec::new();
        };
        lines[first + 1..first + 1 + last]
            .iter()
            .filter(|l| !l.is_empty())
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect()
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// A random version-4 style UUID for marker ids (no OS randomness crate needed: the standard
/// library's randomly seeded hasher, the clock and a counter).
pub fn uuid() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_usize(i);
        h.write_u32(std::process::id());
        *w = h.finish();
    }
    let hex = format!("{:016x}{:016x}", words[0], words[1]);
    format!(
        "{}-{}-4{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[16..20],
        &hex[20..32]
    )
}

impl StageExecutor for Remote {
    fn execute(&self, test: &Test, _stage: usize, input: &Input, request: Vec<u8>) -> Execution {
        let mut ex = Execution {
            request,
            ..Execution::default()
        };
        let stage_id = format!("{}-{}-{}", test.rule_id, test.test_id, uuid());
        let start_id = format!("{stage_id}-s");
        let end_id = format!("{stage_id}-e");
        let offset = self.log_len();
        let start = match self.mark(input, &start_id) {
            Ok(l) => l,
            Err(e) => {
                ex.transport_error = Some(e);
                return ex;
            }
        };
        let head = ex.request.starts_with(b"HEAD ");
        match self.send(&ex.request, head) {
            Ok((raw, status)) => {
                ex.raw_response = raw;
                ex.status = Some(status);
            }
            Err(e) => ex.transport_error = Some(e),
        }
        match self.mark(input, &end_id) {
            Ok(end) => ex.log = self.marked_lines(offset, &start, &end),
            Err(e) => {
                if ex.transport_error.is_none() {
                    ex.transport_error = Some(e);
                }
            }
        }
        ex
    }

    fn parallel(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            Remote::parse_target("http://127.0.0.1:8080").unwrap(),
            ("127.0.0.1".to_string(), 8080)
        );
        assert_eq!(
            Remote::parse_target("http://waf.local/x").unwrap(),
            ("waf.local".to_string(), 80)
        );
        assert_eq!(
            Remote::parse_target("http://[::1]:81").unwrap(),
            ("::1".to_string(), 81)
        );
        assert!(Remote::parse_target("https://x").is_err());
        assert!(Remote::parse_target("http://x:y").is_err());
    }

    #[test]
    fn uuids_differ_and_look_like_uuids() {
        let a = uuid();
        assert_eq!(a.len(), 36);
        assert_ne!(a, uuid());
    }

    #[test]
    fn cuts_between_markers() {
        let dir = std::env::temp_dir().join(format!("palisade-ftw-cut-{}", uuid()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("error.log");
        std::fs::write(
            &log,
            "old\nX-CRS-Test 1-1-a-s\n[id \"1\"] one\n\n[id \"2\"] two\nx-crs-test 1-1-a-e\nx-crs-test 1-1-a-e\nlater\n",
        )
        .unwrap();
        let r = Remote::new("127.0.0.1", 1, log);
        let start = r.find_marker("nope");
        assert!(start.is_none());
        assert_eq!(r.find_marker("1-1-A-e").unwrap(), b"x-crs-test 1-1-a-e");
        let lines = r.marked_lines(0, b"x-crs-test 1-1-a-s", b"x-crs-test 1-1-a-e");
        assert_eq!(lines, vec!["[id \"1\"] one", "[id \"2\"] two"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
