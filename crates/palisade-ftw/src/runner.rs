//! Running tests: selection ([`Filter`]), overrides, one stage after another per test, tests in
//! parallel on `jobs` threads, and the results ([`TestResult`], [`RunReport`]).
//!
//! How a stage is executed is a [`StageExecutor`]: [`InProcess`] (build bytes → Palisade's HTTP
//! parser → the [`Waf`] → the [`Backend`]) or [`crate::remote::Remote`] (real HTTP with log
//! markers). Per stage: the request is built; an invalid stage (bad `encoded_request`, `data`
//! with `encoded_request`, `isolated` without exactly one expected id, `follow_redirect`) fails
//! without being sent; otherwise it is executed and checked ([`crate::check`]); a failed stage
//! with `retry_once` is executed once more and the second result counts.
//!
//! A test passes when every stage passes. (go-ftw records only the last stage's result for a
//! multi-stage test; Palisade does not let a later stage hide an earlier failure.) Tests matched
//! by an `ignore` / `forcepass` / `forcefail` regex are not executed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use regex::Regex;

use crate::backend::Backend;
use crate::build::build_request;
use crate::check::{self, CheckFailure, Observed, rule_ids};
use crate::http::{HttpResponse, ParserConfig, parse_request_with};
use crate::model::{Input, Output, Stage, Test, TestFile, TestId};
use crate::overrides::{Forced, Overrides};
use crate::waf::Waf;

/// Which tests to run. Empty include lists select everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Run tests of these rules (`--rule`).
    pub rules: Vec<u64>,
    /// Run these tests (`--test 942100-3`).
    pub tests: Vec<TestId>,
    /// Run tests whose `<rule>-<test>` name matches (unanchored, like go-ftw's `--include`).
    pub include: Option<Regex>,
    /// Skip tests whose name matches (go-ftw's `--exclude`).
    pub exclude: Option<Regex>,
}

impl Filter {
    /// A filter from command-line words: rule ids (`942100`), test names (`942100-3`) and
    /// optional include / exclude regexes.
    pub fn from_args(
        rules: &[String],
        tests: &[String],
        include: Option<&str>,
        exclude: Option<&str>,
    ) -> Result<Self, String> {
        let rules = rules
            .iter()
            .map(|r| {
                r.trim()
                    .parse::<u64>()
                    .map_err(|_| format!("--rule {r:?}: not a rule id"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tests = tests
            .iter()
            .map(|t| {
                t.trim()
                    .split_once('-')
                    .and_then(|(r, n)| {
                        Some(TestId {
                            rule_id: r.parse().ok()?,
                            test_id: n.parse().ok()?,
                        })
                    })
                    .ok_or_else(|| format!("--test {t:?}: expected <rule>-<test>, e.g. 942100-3"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let re = |flag: &str, p: Option<&str>| {
            p.map(|p| Regex::new(p).map_err(|e| format!("{flag} {p:?}: {e}")))
                .transpose()
        };
        Ok(Self {
            rules,
            tests,
            include: re("--include", include)?,
            exclude: re("--exclude", exclude)?,
        })
    }

    /// Whether the test is selected.
    pub fn selects(&self, id: TestId) -> bool {
        let name = id.to_string();
        let any_include =
            !self.rules.is_empty() || !self.tests.is_empty() || self.include.is_some();
        let included = !any_include
            || self.rules.contains(&id.rule_id)
            || self.tests.contains(&id)
            || self.include.as_ref().is_some_and(|r| r.is_match(&name));
        included && !self.exclude.as_ref().is_some_and(|r| r.is_match(&name))
    }
}

/// What executing one stage produced (before checks).
#[derive(Debug, Clone, Default)]
pub struct Execution {
    /// The request bytes as sent.
    pub request: Vec<u8>,
    /// Notes (dropped bodies, refusals).
    pub notes: Vec<String>,
    /// Transport-level failure: no parsable response.
    pub transport_error: Option<String>,
    /// The response status.
    pub status: Option<u16>,
    /// The full raw response.
    pub raw_response: Vec<u8>,
    /// The stage's log lines.
    pub log: Vec<String>,
}

/// Executes stages. Implementations must be usable from several threads unless
/// [`StageExecutor::parallel`] says otherwise.
pub trait StageExecutor: Sync {
    /// Sends `request` (already built) for stage `stage_index` of `test`.
    fn execute(
        &self,
        test: &Test,
        stage_index: usize,
        input: &Input,
        request: Vec<u8>,
    ) -> Execution;

    /// Whether stages may run concurrently (false for log-file based remote runs).
    fn parallel(&self) -> bool {
        true
    }
}

/// In-process execution: Palisade's HTTP parser stands in for the web server, then the WAF and
/// the backend.
pub struct InProcess<'a> {
    /// The WAF under test.
    pub waf: &'a dyn Waf,
    /// The backend behind it.
    pub backend: &'a dyn Backend,
    /// Parser limits and behaviour.
    pub config: ParserConfig,
}

impl StageExecutor for InProcess<'_> {
    fn execute(&self, _test: &Test, _stage: usize, _input: &Input, request: Vec<u8>) -> Execution {
        let mut ex = Execution {
            request,
            ..Execution::default()
        };
        match parse_request_with(&ex.request, &self.config) {
            Err(e) => match e.status() {
                Some(status) => {
                    ex.notes.push(format!("refused by the HTTP parser: {e}"));
                    let resp = HttpResponse::server_error(status, &e.message);
                    ex.status = Some(status);
                    ex.raw_response = resp.to_bytes(false);
                }
                None => ex.transport_error = Some(e.message),
            },
            Ok(req) => {
                let outcome =
                    catch_unwind(AssertUnwindSafe(|| self.waf.process(&req, self.backend)));
                match outcome {
                    Ok(exchange) => {
                        ex.log = exchange.log;
                        match exchange.response {
                            Some(resp) => {
                                ex.status = Some(resp.status);
                                ex.raw_response = resp.to_bytes(req.method == "HEAD");
                            }
                            None => {
                                ex.transport_error =
                                    Some("the connection was closed without a response".into());
                            }
                        }
                    }
                    Err(_) => {
                        ex.transport_error =
                            Some("the WAF panicked while processing the request".into());
                    }
                }
            }
        }
        ex
    }
}

/// The result of one stage.
#[derive(Debug, Clone)]
pub struct StageResult {
    /// 0-based stage index.
    pub index: usize,
    /// The expectations that applied (after overrides).
    pub expected: Output,
    /// What was executed (the last attempt when retried).
    pub execution: Execution,
    /// Rule ids seen in the stage's log.
    pub ids: Vec<u64>,
    /// Failed checks (empty = passed).
    pub failures: Vec<CheckFailure>,
    /// Whether the stage was run a second time (`retry_once`).
    pub retried: bool,
}

impl StageResult {
    /// Whether the stage passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The verdict on a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every stage passed.
    Passed,
    /// Some stage failed.
    Failed,
    /// Not run (`ignore`), with the reason.
    Ignored(String),
    /// Not run, counted as passed (`forcepass`).
    ForcedPass(String),
    /// Not run, counted as failed (`forcefail`).
    ForcedFail(String),
}

/// The result of one test.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// `<rule>-<test>`.
    pub id: TestId,
    /// The test file.
    pub file: PathBuf,
    /// The test's description.
    pub desc: String,
    /// The verdict.
    pub outcome: Outcome,
    /// Stage results (empty when not run).
    pub stages: Vec<StageResult>,
    /// Reasons of the platform overrides applied to this test.
    pub overrides: Vec<String>,
    /// Wall time spent on the test.
    pub duration: Duration,
}

impl TestResult {
    /// Counted as passed (passed or force-passed).
    pub fn counts_passed(&self) -> bool {
        matches!(self.outcome, Outcome::Passed | Outcome::ForcedPass(_))
    }

    /// Counted as failed (failed or force-failed).
    pub fn counts_failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed | Outcome::ForcedFail(_))
    }
}

/// The results of a run, in test-file order.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// One result per selected test.
    pub results: Vec<TestResult>,
    /// Tests not selected by the filter.
    pub filtered_out: usize,
    /// Wall time of the run.
    pub duration: Duration,
}

impl RunReport {
    /// Passed and force-passed tests.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.counts_passed()).count()
    }

    /// Failed and force-failed tests.
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| r.counts_failed()).count()
    }

    /// Ignored tests (not run).
    pub fn skipped(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Ignored(_)))
            .count()
    }

    /// `ftw: P passed, F failed, S skipped`.
    pub fn closing_line(&self) -> String {
        format!(
            "ftw: {} passed, {} failed, {} skipped",
            self.passed(),
            self.failed(),
            self.skipped()
        )
    }
}

/// Settings of a run.
#[derive(Debug, Clone, Default)]
pub struct RunConfig {
    /// Which tests.
    pub filter: Filter,
    /// Overrides and ignore lists.
    pub overrides: Overrides,
    /// Worker threads (0 = available parallelism).
    pub jobs: usize,
}

fn sanity_error(stage: &Stage) -> Option<String> {
    if stage.input.follow_redirect == Some(true) {
        return Some("follow_redirect is not supported".into());
    }
    check::sanity(&stage.output).map(|f| f.to_string())
}

fn run_stage(exec: &dyn StageExecutor, test: &Test, index: usize, stage: &Stage) -> StageResult {
    let mut result = StageResult {
        index,
        expected: stage.output.clone(),
        execution: Execution::default(),
        ids: Vec::new(),
        failures: Vec::new(),
        retried: false,
    };
    if let Some(e) = sanity_error(stage) {
        result.failures.push(CheckFailure::Sanity(e));
        return result;
    }
    let built = match build_request(&stage.input) {
        Ok(b) => b,
        Err(e) => {
            result.failures.push(CheckFailure::Sanity(e.to_string()));
            return result;
        }
    };
    let attempts = if stage.output.retry_once == Some(true) {
        2
    } else {
        1
    };
    for attempt in 0..attempts {
        let mut execution = exec.execute(test, index, &stage.input, built.bytes.clone());
        let mut notes = built.notes.clone();
        notes.append(&mut execution.notes);
        execution.notes = notes;
        let failures = check::check(
            &stage.output,
            &Observed {
                transport_error: execution.transport_error.as_deref(),
                status: execution.status,
                raw_response: &execution.raw_response,
                log: &execution.log,
            },
        );
        result.ids = rule_ids(&execution.log).into_iter().collect();
        result.execution = execution;
        result.failures = failures;
        result.retried = attempt > 0;
        if result.failures.is_empty() {
            break;
        }
    }
    result
}

/// Runs one test (after overrides) through `exec`.
pub fn run_test(
    exec: &dyn StageExecutor,
    file: &TestFile,
    test: &Test,
    overrides: &Overrides,
) -> TestResult {
    let start = Instant::now();
    let mut result = TestResult {
        id: test.id(),
        file: file.path.clone(),
        desc: test.desc.clone(),
        outcome: Outcome::Passed,
        stages: Vec::new(),
        overrides: Vec::new(),
        duration: Duration::ZERO,
    };
    if let Some(forced) = overrides.forced(test.id()) {
        result.outcome = match forced {
            Forced::Ignored(r) => Outcome::Ignored(r),
            Forced::ForceFail(r) => Outcome::ForcedFail(r),
            Forced::ForcePass(r) => Outcome::ForcedPass(r),
        };
        return result;
    }
    let mut test = test.clone();
    result.overrides = overrides.apply(&mut test);
    for (i, stage) in test.stages.iter().enumerate() {
        let s = run_stage(exec, &test, i, stage);
        if !s.passed() {
            result.outcome = Outcome::Failed;
        }
        result.stages.push(s);
    }
    result.duration = start.elapsed();
    result
}

/// Runs every selected test of `files` through `exec`, calling `progress` after each test
/// (from worker threads) with the result, the number done and the total.
pub fn run(
    files: &[TestFile],
    config: &RunConfig,
    exec: &dyn StageExecutor,
    progress: &(dyn Fn(&TestResult, usize, usize) + Sync),
) -> RunReport {
    let start = Instant::now();
    let mut work: Vec<(&TestFile, &Test)> = Vec::new();
    let mut filtered_out = 0;
    for f in files {
        for t in &f.tests {
            if config.filter.selects(t.id()) {
                work.push((f, t));
            } else {
                filtered_out += 1;
            }
        }
    }
    let total = work.len();
    let jobs = if !exec.parallel() {
        1
    } else if config.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        config.jobs
    }
    .clamp(1, total.max(1));
    let slots: Vec<Mutex<Option<TestResult>>> = (0..total).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let worker = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((file, test)) = work.get(i) else {
                break;
            };
            let r = run_test(exec, file, test, &config.overrides);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(&r, n, total);
            if let Ok(mut slot) = slots[i].lock() {
                *slot = Some(r);
            }
        }
    };
    if jobs == 1 {
        worker();
    } else {
        std::thread::scope(|s| {
            for _ in 0..jobs {
                s.spawn(worker);
            }
        });
    }
    let results = slots
        .into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect();
    RunReport {
        results,
        filtered_out,
        duration: start.elapsed(),
    }
}
