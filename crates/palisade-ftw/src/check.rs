//! The checks of a stage's `output`, exactly as go-ftw v2.3.0 makes them (`runner/check_*.go`,
//! `waflog/read.go`):
//!
//! 1. `expect_error: true` — the stage passes iff the request failed at the transport level
//!    (nothing else is checked); otherwise a transport error fails the stage;
//! 2. `status` — exact equality, when non-zero;
//! 3. `response_contains` — a Go-syntax regex against the full raw response;
//! 4. `log.match_regex` — some log line matches; `log.expect_ids` — **all** ids appear;
//!    `isolated` — exactly one distinct id appears; `log.no_match_regex` — no line matches;
//!    `log.no_expect_ids` — **none** of the ids appears.
//!
//! Rule ids are taken from each log line with go-ftw's regex
//! `\[(?:id |\\?"id\\?":)\\?"(\d+)\\?"\]`, falling back to the JSON form
//! `(?:\{|,)\s*"(?:id|ruleId)":\s*"?(\d+)"?` for lines where the first finds nothing.
//! go-ftw stops at the first failed check; this module reports every failed check (the verdict
//! is the same).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::model::Output;

static STD_ID: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\[(?:id |\\?"id\\?":)\\?"(\d+)\\?"\]"#).ok());
static JSON_ID: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?:\{|,)\s*"(?:id|ruleId)":\s*"?(\d+)"?"#).ok());

fn ids_with(re: &Regex, line: &[u8], out: &mut BTreeSet<u64>) -> bool {
    let mut found = false;
    for c in re.captures_iter(line) {
        found = true;
        if let Some(id) = c
            .get(1)
            .and_then(|m| std::str::from_utf8(m.as_bytes()).ok())
            .and_then(|s| s.parse::<u64>().ok())
        {
            out.insert(id);
        }
    }
    found
}

/// The distinct rule ids in `lines`, sorted.
pub fn rule_ids<S: AsRef<str>>(lines: &[S]) -> BTreeSet<u64> {
    let mut ids = BTreeSet::new();
    for line in lines {
        let l = line.as_ref().as_bytes();
        let found = STD_ID.as_ref().is_some_and(|re| ids_with(re, l, &mut ids));
        if !found && let Some(re) = JSON_ID.as_ref() {
            ids_with(re, l, &mut ids);
        }
    }
    ids
}

/// What a stage produced.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    /// A transport-level failure (no parsable response), if any.
    pub transport_error: Option<&'a str>,
    /// The response status, when there was a response.
    pub status: Option<u16>,
    /// The full raw response.
    pub raw_response: &'a [u8],
    /// The stage's log lines.
    pub log: &'a [String],
}

/// One failed expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckFailure {
    /// `expect_error` was set but a response came back.
    ExpectedError,
    /// The request failed at the transport level.
    TransportError(String),
    /// Wrong status.
    Status {
        /// Expected status.
        expected: i64,
        /// Seen status.
        seen: u16,
    },
    /// `response_contains` did not match.
    ResponseContains(String),
    /// `log.match_regex` matched no line.
    MatchRegex(String),
    /// `log.no_match_regex` matched a line.
    NoMatchRegex(String),
    /// Expected ids missing from the log.
    MissingIds(Vec<u64>),
    /// Forbidden ids present in the log.
    UnexpectedIds(Vec<u64>),
    /// `isolated` but not exactly one distinct id.
    NotIsolated(Vec<u64>),
    /// A regex in the test is invalid.
    BadRegex(String),
    /// The stage is inconsistent (e.g. `isolated` without exactly one `expect_ids`).
    Sanity(String),
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckFailure::ExpectedError => {
                write!(f, "expected a transport error, but a response came back")
            }
            CheckFailure::TransportError(e) => write!(f, "transport error: {e}"),
            CheckFailure::Status { expected, seen } => {
                write!(f, "status: expected {expected}, got {seen}")
            }
            CheckFailure::ResponseContains(r) => {
                write!(f, "response_contains: {r:?} does not match the response")
            }
            CheckFailure::MatchRegex(r) => write!(f, "match_regex: no log line matches {r:?}"),
            CheckFailure::NoMatchRegex(r) => write!(f, "no_match_regex: a log line matches {r:?}"),
            CheckFailure::MissingIds(ids) => write!(f, "expect_ids: missing {ids:?}"),
            CheckFailure::UnexpectedIds(ids) => write!(f, "no_expect_ids: found {ids:?}"),
            CheckFailure::NotIsolated(ids) => {
                write!(f, "isolated: expected exactly one rule id, found {ids:?}")
            }
            CheckFailure::BadRegex(e) => write!(f, "invalid regex in test: {e}"),
            CheckFailure::Sanity(e) => write!(f, "invalid stage: {e}"),
        }
    }
}

fn compile(pattern: &str) -> Result<Regex, CheckFailure> {
    Regex::new(pattern).map_err(|e| CheckFailure::BadRegex(format!("{pattern:?}: {e}")))
}

fn any_line_matches(pattern: &str, log: &[String]) -> Result<bool, CheckFailure> {
    let re = compile(pattern)?;
    Ok(log.iter().any(|l| re.is_match(l.as_bytes())))
}

/// go-ftw's `checkTestSanity` for the output side.
pub fn sanity(output: &Output) -> Option<CheckFailure> {
    let n = output.log.expect_ids.as_ref().map_or(0, Vec::len);
    (output.isolated && n != 1).then(|| {
        CheckFailure::Sanity(
            "'isolated' is only valid if 'expect_ids' has exactly one entry".into(),
        )
    })
}

/// Runs every check of `output` against what the stage produced. Empty means passed.
pub fn check(output: &Output, seen: &Observed<'_>) -> Vec<CheckFailure> {
    if output.expects_error() {
        return if seen.transport_error.is_some() {
            Vec::new()
        } else {
            vec![CheckFailure::ExpectedError]
        };
    }
    if let Some(e) = seen.transport_error {
        return vec![CheckFailure::TransportError(e.to_string())];
    }
    let mut failures = Vec::new();
    let status = seen.status.unwrap_or(0);
    if output.status != 0 && output.status != i64::from(status) {
        failures.push(CheckFailure::Status {
            expected: output.status,
            seen: status,
        });
    }
    if !output.response_contains.is_empty() {
        match compile(&output.response_contains) {
            Ok(re) if !re.is_match(seen.raw_response) => failures.push(
                CheckFailure::ResponseContains(output.response_contains.clone()),
            ),
            Ok(_) => {}
            Err(e) => failures.push(e),
        }
    }
    let log = &output.log;
    let ids = rule_ids(seen.log);
    if !log.match_regex.is_empty() {
        match any_line_matches(&log.match_regex, seen.log) {
            Ok(false) => failures.push(CheckFailure::MatchRegex(log.match_regex.clone())),
            Ok(true) => {}
            Err(e) => failures.push(e),
        }
    }
    if let Some(expect) = &log.expect_ids {
        let missing: Vec<u64> = expect
            .iter()
            .copied()
            .filter(|i| !ids.contains(i))
            .collect();
        if !missing.is_empty() {
            failures.push(CheckFailure::MissingIds(missing));
        }
    }
    if output.isolated && ids.len() != 1 {
        failures.push(CheckFailure::NotIsolated(ids.iter().copied().collect()));
    }
    if !log.no_match_regex.is_empty() {
        match any_line_matches(&log.no_match_regex, seen.log) {
            Ok(true) => failures.push(CheckFailure::NoMatchRegex(log.no_match_regex.clone())),
            Ok(false) => {}
            Err(e) => failures.push(e),
        }
    }
    if let Some(forbid) = &log.no_expect_ids {
        let found: Vec<u64> = forbid.iter().copied().filter(|i| ids.contains(i)).collect();
        if !found.is_empty() {
            failures.push(CheckFailure::UnexpectedIds(found));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LogExpectations;

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn extracts_ids_like_go_ftw() {
        let l = lines(&[
            r#"ModSecurity: Warning. [file "x"] [id "920300"] [msg "m"] [id "5"]"#,
            r#"escaped [id \"8\"] and ["id":"7"]"#,
            r#"{"blah": "bort","ruleId":"9"}, something {"ruleId": "10"}"#,
            r#"{"id": 6} but [id "11"] wins on this line"#,
            r#"[id "99999999999999999999999"]"#,
        ]);
        let ids: Vec<u64> = rule_ids(&l).into_iter().collect();
        assert_eq!(ids, vec![5, 7, 8, 9, 10, 11, 920300]);
    }

    fn out(yaml: &str) -> Output {
        let mut o: Output = serde_yaml::from_str(yaml).unwrap();
        o.normalise();
        o
    }

    fn seen<'a>(status: u16, log: &'a [String]) -> Observed<'a> {
        Observed {
            transport_error: None,
            status: Some(status),
            raw_response: b"HTTP/1.1 200 OK\r\nX: hello\r\n\r\n",
            log,
        }
    }

    #[test]
    fn all_and_none_semantics() {
        let log = lines(&[r#"[id "1"]"#, r#"[id "2"]"#]);
        assert!(check(&out("log: {expect_ids: [1, 2]}"), &seen(200, &log)).is_empty());
        assert_eq!(
            check(&out("log: {expect_ids: [1, 3]}"), &seen(200, &log)),
            vec![CheckFailure::MissingIds(vec![3])]
        );
        assert!(check(&out("log: {no_expect_ids: [3, 4]}"), &seen(200, &log)).is_empty());
        assert_eq!(
            check(&out("log: {no_expect_ids: [2, 4]}"), &seen(200, &log)),
            vec![CheckFailure::UnexpectedIds(vec![2])]
        );
    }

    #[test]
    fn status_regexes_isolated() {
        let log = lines(&[r#"[id "1"] [msg "Hello"]"#]);
        assert!(
            check(
                &out("status: 200\nresponse_contains: 'X: h.llo'"),
                &seen(200, &log)
            )
            .is_empty()
        );
        assert_eq!(
            check(&out("status: 403"), &seen(200, &log)),
            vec![CheckFailure::Status {
                expected: 403,
                seen: 200
            }]
        );
        assert!(check(&out("log_contains: 'msg \"Hel'"), &seen(200, &log)).is_empty());
        assert_eq!(
            check(&out("no_log_contains: 'Hel'"), &seen(200, &log)).len(),
            1
        );
        assert!(
            check(
                &out("log: {no_match_regex: '\\[id \"\\d+\"\\]'}"),
                &seen(200, &[])
            )
            .is_empty()
        );
        assert!(
            check(
                &out("isolated: true\nlog: {expect_ids: [1]}"),
                &seen(200, &log)
            )
            .is_empty()
        );
        let two = lines(&[r#"[id "1"]"#, r#"[id "2"]"#]);
        assert_eq!(
            check(
                &out("isolated: true\nlog: {expect_ids: [1]}"),
                &seen(200, &two)
            ),
            vec![CheckFailure::NotIsolated(vec![1, 2])]
        );
        assert!(matches!(
            check(&out("log: {match_regex: '('}"), &seen(200, &log))[0],
            CheckFailure::BadRegex(_)
        ));
    }

    #[test]
    fn expect_error_only_checks_the_error() {
        let o = out("expect_error: true\nlog: {expect_ids: [920430]}");
        let err = Observed {
            transport_error: Some("HTTP/0.9"),
            status: None,
            raw_response: b"",
            log: &[],
        };
        assert!(check(&o, &err).is_empty());
        assert_eq!(
            check(&o, &seen(200, &[])),
            vec![CheckFailure::ExpectedError]
        );
        let plain = out("status: 200");
        assert!(matches!(
            check(&plain, &err)[0],
            CheckFailure::TransportError(_)
        ));
    }

    #[test]
    fn sanity_of_isolated() {
        assert!(sanity(&out("isolated: true\nlog: {expect_ids: [1, 2]}")).is_some());
        assert!(sanity(&out("isolated: true\nlog: {expect_ids: [1]}")).is_none());
        let _ = LogExpectations::default();
    }
}
