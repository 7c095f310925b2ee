//! Reports of a run: a readable report per failed test ([`failure_report`]: test id, file, each
//! failed stage's failed checks, expected and seen rule ids, the stage's log lines, the request
//! as sent and the response status), a JSON report ([`to_json`]) and a JUnit XML report ([`to_junit`]).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::runner::{Outcome, RunReport, StageResult, TestResult};

/// Pretty-printed JSON text.
pub fn json_pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".to_string())
}

/// At most this many request bytes are shown in a failure report.
const SHOWN_REQUEST_BYTES: usize = 4096;
/// At most this many bytes of each log line are shown in a failure report.
const SHOWN_LOG_BYTES: usize = 1024;

/// Renders bytes for a terminal: printable ASCII as is, line breaks kept (CRLF shown as a line
/// break), everything else as `\xNN`; cut after `limit` bytes.
pub fn printable(bytes: &[u8], limit: usize) -> String {
    let mut s = String::with_capacity(bytes.len().min(limit) + 16);
    let shown = &bytes[..bytes.len().min(limit)];
    let mut i = 0;
    while i < shown.len() {
        let b = shown[i];
        match b {
            b'\r' if shown.get(i + 1) == Some(&b'\n') => {}
            b'\n' => s.push('\n'),
            b'\t' => s.push('\t'),
            0x20..=0x7e => s.push(char::from(b)),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
        i += 1;
    }
    if bytes.len() > limit {
        let _ = write!(s, "… ({} more bytes)", bytes.len() - limit);
    }
    s
}

fn indent(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n') {
        out.push_str(prefix);
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn stage_report(out: &mut String, s: &StageResult, stages: usize) {
    let _ = writeln!(out, "  stage {}/{}:", s.index + 1, stages);
    for f in &s.failures {
        let _ = writeln!(out, "    - {f}");
    }
    let log = &s.expected.log;
    if let Some(ids) = &log.expect_ids {
        let _ = writeln!(out, "    expected ids: {ids:?}");
    }
    if let Some(ids) = &log.no_expect_ids {
        let _ = writeln!(out, "    forbidden ids: {ids:?}");
    }
    let _ = writeln!(out, "    seen ids: {:?}", s.ids);
    match (&s.execution.transport_error, s.execution.status) {
        (Some(e), _) => {
            let _ = writeln!(out, "    response: none ({e})");
        }
        (None, Some(st)) => {
            let _ = writeln!(out, "    response status: {st}");
        }
        (None, None) => {}
    }
    if s.retried {
        let _ = writeln!(out, "    (retried once: retry_once)");
    }
    for n in &s.execution.notes {
        let _ = writeln!(out, "    note: {n}");
    }
    if !s.execution.log.is_empty() {
        let _ = writeln!(out, "    log:");
        for l in &s.execution.log {
            let _ = writeln!(out, "      {}", printable(l.as_bytes(), SHOWN_LOG_BYTES));
        }
    }
    if !s.execution.request.is_empty() {
        let _ = writeln!(out, "    request as sent:");
        out.push_str(&indent(
            &printable(&s.execution.request, SHOWN_REQUEST_BYTES),
            "      | ",
        ));
    }
}

/// The report for one failed test (empty for tests that did not fail).
pub fn failure_report(r: &TestResult) -> String {
    let mut out = String::new();
    match &r.outcome {
        Outcome::Failed => {
            let _ = writeln!(out, "FAIL {} ({})", r.id, r.file.display());
            if !r.desc.is_empty() {
                let _ = writeln!(out, "  {}", r.desc.trim().replace('\n', "\n  "));
            }
            for reason in &r.overrides {
                let _ = writeln!(out, "  (expectations overridden: {reason})");
            }
            for s in r.stages.iter().filter(|s| !s.passed()) {
                stage_report(&mut out, s, r.stages.len());
            }
        }
        Outcome::ForcedFail(reason) => {
            let _ = writeln!(out, "FAIL {} (forced to fail: {reason})", r.id);
        }
        _ => {}
    }
    out
}

fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::Ignored(_) => "ignored",
        Outcome::ForcedPass(_) => "forced-pass",
        Outcome::ForcedFail(_) => "forced-fail",
    }
}

fn outcome_reason(o: &Outcome) -> Option<&str> {
    match o {
        Outcome::Ignored(r) | Outcome::ForcedPass(r) | Outcome::ForcedFail(r) => Some(r),
        _ => None,
    }
}

/// The run as JSON: a summary and one entry per test with its stages.
pub fn to_json(report: &RunReport) -> Value {
    let tests: Vec<Value> = report
        .results
        .iter()
        .map(|r| {
            let stages: Vec<Value> = r
                .stages
                .iter()
                .map(|s| {
                    json!({
                        "stage": s.index,
                        "passed": s.passed(),
                        "failures": s.failures.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        "status": s.execution.status,
                        "transport_error": s.execution.transport_error,
                        "triggered_ids": s.ids,
                        "expected": s.expected,
                        "retried": s.retried,
                        "notes": s.execution.notes,
                        "log": s.execution.log,
                        "request": String::from_utf8_lossy(&s.execution.request),
                    })
                })
                .collect();
            json!({
                "id": r.id.to_string(),
                "rule_id": r.id.rule_id,
                "test_id": r.id.test_id,
                "file": r.file.display().to_string(),
                "result": outcome_name(&r.outcome),
                "reason": outcome_reason(&r.outcome),
                "overrides": r.overrides,
                "duration_ms": r.duration.as_secs_f64() * 1000.0,
                "stages": stages,
            })
        })
        .collect();
    json!({
        "summary": {
            "passed": report.passed(),
            "failed": report.failed(),
            "skipped": report.skipped(),
            "selected": report.results.len(),
            "filtered_out": report.filtered_out,
            "duration_s": report.duration.as_secs_f64(),
        },
        "tests": tests,
    })
}

/// Escapes text for XML (and drops characters XML 1.0 cannot hold).
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The run as JUnit XML: one `testsuite` per test file, one `testcase` per test.
pub fn to_junit(report: &RunReport) -> String {
    let mut suites: Vec<(String, Vec<&TestResult>)> = Vec::new();
    for r in &report.results {
        let name = r.file.file_name().map_or_else(
            || r.id.rule_id.to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        match suites.last_mut() {
            Some((n, v)) if *n == name => v.push(r),
            _ => suites.push((name, vec![r])),
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"ftw\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        report.results.len(),
        report.failed(),
        report.skipped(),
        report.duration.as_secs_f64()
    );
    for (name, results) in &suites {
        let failures = results.iter().filter(|r| r.counts_failed()).count();
        let skipped = results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Ignored(_)))
            .count();
        let time: f64 = results.iter().map(|r| r.duration.as_secs_f64()).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{time:.3}\">",
            xml_escape(name),
            results.len()
        );
        for r in results {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml_escape(name),
                r.id,
                r.duration.as_secs_f64()
            );
            match &r.outcome {
                Outcome::Passed | Outcome::ForcedPass(_) => out.push_str("/>\n"),
                Outcome::Ignored(reason) => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        xml_escape(reason)
                    );
                }
                Outcome::Failed | Outcome::ForcedFail(_) => {
                    let first = r
                        .stages
                        .iter()
                        .flat_map(|s| s.failures.iter())
                        .next()
                        .map_or_else(|| "forced to fail".to_string(), ToString::to_string);
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        xml_escape(&first),
                        xml_escape(&failure_report(r))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_and_truncates() {
        assert_eq!(
            printable(b"GET / HTTP/1.1\r\nA: \x00\xff\r\n", 100),
            "GET / HTTP/1.1\nA: \\x00\\xff\n"
        );
        assert_eq!(printable(b"abcdef", 3), "abc… (3 more bytes)");
    }

    #[test]
    fn xml_escaping() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\x01"
        );
    }
}
