//! The typed model of a go-ftw YAML v2 test file (the `ftw-tests-schema` v2 format): a file holds
//! [`Test`]s, a test holds [`Stage`]s, a stage is an [`Input`] (the request to send) and an
//! [`Output`] (what to expect).
//!
//! Field names, defaults and the post-load normalisation follow go-ftw v2.3.0
//! (`test/types.go`, `test/defaults.go`):
//! * a missing `rule_id` falls back to the first run of digits in the file name;
//! * a missing `test_id` is the test's 1-based position in the file;
//! * `headers` (a map) becomes `ordered_headers` **sorted by name** unless `ordered_headers` is
//!   given;
//! * `autocomplete_headers` defaults to true, `stop_magic` is its deprecated inverse;
//! * deprecated `log_contains` / `no_log_contains` become `log.match_regex` /
//!   `log.no_match_regex` when the new keys are absent.
//!
//! A YAML `null` where a map, list or string is expected reads as empty, as Go's YAML decoder
//! does; scalars read into string fields keep their source text (`Content-Length: 007` stays
//! `007`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize};

/// Reads a YAML `null` as the type's default value (Go's decoder leaves the zero value there).
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads a header map whose values may be `null` (read as empty strings).
fn nullable_header_map<'de, D>(d: D) -> Result<Option<BTreeMap<String, String>>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = Option::<BTreeMap<String, Option<String>>>::deserialize(d)?;
    Ok(raw.map(|m| {
        m.into_iter()
            .map(|(k, v)| (k, v.unwrap_or_default()))
            .collect()
    }))
}

/// The name of a test as go-ftw prints and filters it: `<rule_id>-<test_id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TestId {
    /// The rule the test targets.
    pub rule_id: u64,
    /// The test's number within its rule.
    pub test_id: u64,
}

impl fmt::Display for TestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.rule_id, self.test_id)
    }
}

/// One go-ftw YAML test file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct TestFile {
    /// Descriptive metadata.
    #[serde(default, deserialize_with = "nullable")]
    pub meta: Meta,
    /// The rule the tests target (from the file name when absent).
    #[serde(default, deserialize_with = "nullable")]
    pub rule_id: u64,
    /// The tests, in file order.
    #[serde(default, deserialize_with = "nullable")]
    pub tests: Vec<Test>,
    /// Where the file was read from (empty for in-memory sources).
    #[serde(skip)]
    pub path: PathBuf,
}

/// File metadata (`meta:`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Meta {
    /// Authors.
    #[serde(default, deserialize_with = "nullable")]
    pub author: String,
    /// Deprecated and ignored by go-ftw.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// A name for the file's tests.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// What the tests are about.
    #[serde(default, deserialize_with = "nullable")]
    pub description: String,
    /// Schema version.
    #[serde(default, deserialize_with = "nullable")]
    pub version: String,
    /// Free-form tags.
    #[serde(default, deserialize_with = "nullable")]
    pub tags: Vec<String>,
}

/// One test: a sequence of stages, identified by `<rule_id>-<test_id>`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Test {
    /// Deprecated title.
    #[serde(default, deserialize_with = "nullable")]
    pub test_title: String,
    /// The rule id (copied from the file).
    #[serde(skip_deserializing)]
    pub rule_id: u64,
    /// The test id (position in the file when absent or 0).
    #[serde(default, deserialize_with = "nullable")]
    pub test_id: u64,
    /// Human description.
    #[serde(default, deserialize_with = "nullable")]
    pub desc: String,
    /// The stages, run in order.
    #[serde(default, deserialize_with = "nullable")]
    pub stages: Vec<Stage>,
    /// Free-form tags.
    #[serde(default, deserialize_with = "nullable")]
    pub tags: Vec<String>,
}

impl Test {
    /// The `<rule_id>-<test_id>` name.
    pub fn id(&self) -> TestId {
        TestId {
            rule_id: self.rule_id,
            test_id: self.test_id,
        }
    }
}

/// One request and its expectations.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Stage {
    /// What the stage is for.
    #[serde(default, deserialize_with = "nullable")]
    pub description: String,
    /// The request.
    #[serde(default, deserialize_with = "nullable")]
    pub input: Input,
    /// The expectations.
    #[serde(default, deserialize_with = "nullable")]
    pub output: Output,
}

/// A header as a (name, value) pair; `ordered_headers` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct HeaderTuple {
    /// The header name, sent verbatim.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// The header value, sent verbatim.
    #[serde(default, deserialize_with = "nullable")]
    pub value: String,
}

/// The request of a stage (`input:`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Input {
    /// Destination host (ignored in-process; `--target` replaces it).
    #[serde(default)]
    pub dest_addr: Option<String>,
    /// Destination port (ignored in-process; `--target` replaces it).
    #[serde(default)]
    pub port: Option<i64>,
    /// `http` or `https`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// Request target, written verbatim (default `/`).
    #[serde(default)]
    pub uri: Option<String>,
    /// Follow the previous stage's redirect (not supported; the stage fails when set).
    #[serde(default)]
    pub follow_redirect: Option<bool>,
    /// Protocol version, written verbatim (default `HTTP/1.1`; may be empty or invalid).
    #[serde(default)]
    pub version: Option<String>,
    /// Method, written verbatim (default `GET`).
    #[serde(default)]
    pub method: Option<String>,
    /// Headers as a map (deprecated; sent sorted by name).
    #[serde(default, deserialize_with = "nullable_header_map")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Headers in sending order (duplicates allowed). Filled from `headers` after loading.
    #[serde(default)]
    pub ordered_headers: Option<Vec<HeaderTuple>>,
    /// Body, rendered as a Go template (sprig functions) before sending.
    #[serde(default)]
    pub data: Option<String>,
    /// Body as base64.
    #[serde(default)]
    pub encoded_data: Option<String>,
    /// Cookie handling across stages (accepted, not used: go-ftw does not use it either).
    #[serde(default)]
    pub save_cookie: Option<bool>,
    /// Deprecated inverse of `autocomplete_headers`.
    #[serde(default)]
    pub stop_magic: Option<bool>,
    /// Add Content-Type, Content-Length, Connection and form-encode the body (default true).
    #[serde(default)]
    pub autocomplete_headers: Option<bool>,
    /// The whole request as base64, sent verbatim (overrides everything else).
    #[serde(default, deserialize_with = "nullable")]
    pub encoded_request: String,
    /// A response description for backends that support it (informational).
    #[serde(default, deserialize_with = "nullable")]
    pub response: ResponseSpec,
    /// Use the test's Host for marker requests (remote mode).
    #[serde(default, deserialize_with = "nullable")]
    pub virtual_host_mode: bool,
}

impl Input {
    /// The method, `GET` when absent.
    pub fn method(&self) -> &str {
        self.method.as_deref().unwrap_or("GET")
    }

    /// The request target, `/` when absent.
    pub fn uri(&self) -> &str {
        self.uri.as_deref().unwrap_or("/")
    }

    /// The protocol version, `HTTP/1.1` when absent.
    pub fn version(&self) -> &str {
        self.version.as_deref().unwrap_or("HTTP/1.1")
    }

    /// Whether go-ftw completes the headers (after normalisation; default true).
    pub fn autocomplete(&self) -> bool {
        match (self.autocomplete_headers, self.stop_magic) {
            (Some(a), _) => a,
            (None, Some(stop)) => !stop,
            (None, None) => true,
        }
    }

    /// The headers in sending order: `ordered_headers`, else `headers` sorted by name.
    pub fn header_list(&self) -> Vec<HeaderTuple> {
        if let Some(h) = &self.ordered_headers {
            return h.clone();
        }
        self.headers
            .as_ref()
            .map(|m| {
                m.iter()
                    .map(|(n, v)| HeaderTuple {
                        name: n.clone(),
                        value: v.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A response description (`input.response`), passed to backends that support it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ResponseSpec {
    /// Response headers.
    #[serde(default, deserialize_with = "nullable_header_map")]
    pub headers: Option<BTreeMap<String, String>>,
    /// Response status.
    #[serde(default, deserialize_with = "nullable")]
    pub status: i64,
    /// Response body.
    #[serde(default, deserialize_with = "nullable")]
    pub body: String,
    /// Response body as base64.
    #[serde(default, deserialize_with = "nullable")]
    pub encoded_body: String,
    /// A message for the backend's log.
    #[serde(default, deserialize_with = "nullable")]
    pub log_message: String,
}

/// Expectations about the WAF log (`output.log`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct LogExpectations {
    /// All of these rule ids must appear.
    #[serde(default)]
    pub expect_ids: Option<Vec<u64>>,
    /// None of these rule ids may appear.
    #[serde(default)]
    pub no_expect_ids: Option<Vec<u64>>,
    /// Some log line must match this (Go-syntax) regex.
    #[serde(default, deserialize_with = "nullable")]
    pub match_regex: String,
    /// No log line may match this regex.
    #[serde(default, deserialize_with = "nullable")]
    pub no_match_regex: String,
}

/// The expectations of a stage (`output:`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Output {
    /// Expected HTTP status (0 = not checked).
    #[serde(default, deserialize_with = "nullable")]
    pub status: i64,
    /// A regex the full raw response must match.
    #[serde(default, deserialize_with = "nullable")]
    pub response_contains: String,
    /// Deprecated form of `log.match_regex`.
    #[serde(default, deserialize_with = "nullable")]
    pub log_contains: String,
    /// Deprecated form of `log.no_match_regex`.
    #[serde(default, deserialize_with = "nullable")]
    pub no_log_contains: String,
    /// Log expectations.
    #[serde(default, deserialize_with = "nullable")]
    pub log: LogExpectations,
    /// The request is expected to fail at the transport level (no parsable response).
    #[serde(default)]
    pub expect_error: Option<bool>,
    /// Re-run a failed stage once.
    #[serde(default)]
    pub retry_once: Option<bool>,
    /// Exactly one distinct rule id may appear in the log.
    #[serde(default, deserialize_with = "nullable")]
    pub isolated: bool,
}

impl Output {
    /// go-ftw's `postProcessLogContains`: the deprecated keys fill the new ones when those are
    /// absent (`log_contains` only when `expect_ids` is also absent).
    pub fn normalise(&mut self) {
        if !self.log_contains.is_empty()
            && self.log.expect_ids.is_none()
            && self.log.match_regex.is_empty()
        {
            self.log.match_regex = self.log_contains.clone();
        }
        if !self.no_log_contains.is_empty()
            && self.log.no_expect_ids.is_none()
            && self.log.no_match_regex.is_empty()
        {
            self.log.no_match_regex = self.no_log_contains.clone();
        }
    }

    /// Whether the stage expects a transport error.
    pub fn expects_error(&self) -> bool {
        self.expect_error == Some(true)
    }
}
