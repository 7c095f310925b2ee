//! Platform overrides and ignore lists.
//!
//! One YAML file may carry both parts go-ftw reads from two places:
//! * `test_overrides:` — go-ftw's platform-override file (`--overrides`, schema
//!   `ftw-tests-schema/types/overrides`): for the listed `rule_id` / `test_ids` (/ `stage_ids`),
//!   the stage's whole `output` is **replaced** by the override's `output`;
//! * `testoverride:` — the `.ftw.yaml` section with `ignore`, `forcepass` and `forcefail` maps
//!   from an **unanchored** regex over `<rule_id>-<test_id>` to a reason.
//!
//! ```yaml
//! version: "v0.0.0"
//! meta: { engine: palisade, platform: in-process }
//! test_overrides:
//!   - rule_id: 920100
//!     test_ids: [8]
//!     reason: "colon in the path: Apache refuses it, the in-process parser does not"
//!     output: { status: 200, log: { no_expect_ids: [920100] } }
//! testoverride:
//!   ignore:
//!     '920100-4': "CONNECT"
//! ```
//!
//! Two deliberate differences from go-ftw v2.3.0, where its behaviour contradicts its own
//! schema documentation: an override without `test_ids` applies to every test of the rule
//! (go-ftw applies it to none), and an override's `retry_once` and deprecated `log_contains`
//! keys take effect (go-ftw ignores them there).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

use crate::model::{Output, Test, TestId};

/// One entry of `test_overrides`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TestOverride {
    /// The rule whose tests are overridden.
    #[serde(default)]
    pub rule_id: u64,
    /// The tests (all tests of the rule when absent or empty).
    #[serde(default)]
    pub test_ids: Option<Vec<u64>>,
    /// The 0-based stages (all stages when absent or empty).
    #[serde(default)]
    pub stage_ids: Option<Vec<u64>>,
    /// Why the override exists.
    #[serde(default)]
    pub reason: Option<String>,
    /// Retry the stage once on failure.
    #[serde(default)]
    pub retry_once: Option<bool>,
    /// The replacement output.
    #[serde(default)]
    pub output: Option<Output>,
}

#[derive(Debug, Default, Deserialize)]
struct RawTestOverride {
    #[serde(default)]
    ignore: Option<BTreeMap<String, Option<String>>>,
    #[serde(default)]
    forcepass: Option<BTreeMap<String, Option<String>>>,
    #[serde(default)]
    forcefail: Option<BTreeMap<String, Option<String>>>,
}

#[derive(Debug, Default, Deserialize)]
struct RawFile {
    #[serde(default)]
    test_overrides: Option<Vec<TestOverride>>,
    #[serde(default)]
    testoverride: Option<RawTestOverride>,
}

/// A test-name regex with its reason.
#[derive(Debug, Clone)]
pub struct NamedRegex {
    /// The compiled, unanchored regex.
    pub regex: Regex,
    /// The reason given in the file.
    pub reason: String,
}

/// What an ignore / force list decided for a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forced {
    /// Not run at all (`ignore`).
    Ignored(String),
    /// Not run, counted as failed (`forcefail`).
    ForceFail(String),
    /// Not run, counted as passed (`forcepass`).
    ForcePass(String),
}

/// An error reading an overrides file.
#[derive(Debug, Clone)]
pub struct OverridesError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for OverridesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for OverridesError {}

/// Platform overrides plus ignore / forcepass / forcefail lists, merged from any number of files.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Output replacements, in file order.
    pub test_overrides: Vec<TestOverride>,
    /// Tests not run at all.
    pub ignore: Vec<NamedRegex>,
    /// Tests not run and counted as passed.
    pub force_pass: Vec<NamedRegex>,
    /// Tests not run and counted as failed.
    pub force_fail: Vec<NamedRegex>,
}

fn compile(
    map: Option<BTreeMap<String, Option<String>>>,
    path: &Path,
) -> Result<Vec<NamedRegex>, OverridesError> {
    let mut out = Vec::new();
    for (pattern, reason) in map.unwrap_or_default() {
        let regex = Regex::new(&pattern).map_err(|e| OverridesError {
            path: path.to_path_buf(),
            message: format!("invalid test-name regex {pattern:?}: {e}"),
        })?;
        out.push(NamedRegex {
            regex,
            reason: reason.unwrap_or_default(),
        });
    }
    Ok(out)
}

impl Overrides {
    /// Parses one overrides file's text.
    pub fn parse(text: &str, path: &Path) -> Result<Self, OverridesError> {
        let raw: Option<RawFile> = serde_yaml::from_str(text).map_err(|e| OverridesError {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let raw = raw.unwrap_or_default();
        let lists = raw.testoverride.unwrap_or_default();
        let mut test_overrides = raw.test_overrides.unwrap_or_default();
        for o in &mut test_overrides {
            if let Some(out) = &mut o.output {
                out.normalise();
            }
        }
        Ok(Self {
            test_overrides,
            ignore: compile(lists.ignore, path)?,
            force_pass: compile(lists.forcepass, path)?,
            force_fail: compile(lists.forcefail, path)?,
        })
    }

    /// Reads one overrides file.
    pub fn load(path: &Path) -> Result<Self, OverridesError> {
        let text = std::fs::read_to_string(path).map_err(|e| OverridesError {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::parse(&text, path)
    }

    /// Adds another file's entries after this one's.
    pub fn merge(&mut self, other: Overrides) {
        self.test_overrides.extend(other.test_overrides);
        self.ignore.extend(other.ignore);
        self.force_pass.extend(other.force_pass);
        self.force_fail.extend(other.force_fail);
    }

    /// The ignore / force decision for a test, in go-ftw's order (ignore, forcefail, forcepass).
    pub fn forced(&self, id: TestId) -> Option<Forced> {
        let name = id.to_string();
        let hit = |list: &[NamedRegex]| {
            list.iter()
                .find(|r| r.regex.is_match(&name))
                .map(|r| r.reason.clone())
        };
        if let Some(r) = hit(&self.ignore) {
            return Some(Forced::Ignored(r));
        }
        if let Some(r) = hit(&self.force_fail) {
            return Some(Forced::ForceFail(r));
        }
        hit(&self.force_pass).map(Forced::ForcePass)
    }

    /// Replaces the outputs of `test`'s stages as the platform overrides say. Returns the reasons
    /// of the overrides applied.
    pub fn apply(&self, test: &mut Test) -> Vec<String> {
        let mut reasons = Vec::new();
        for o in &self.test_overrides {
            if o.rule_id != test.rule_id {
                continue;
            }
            let all_tests = o.test_ids.as_ref().is_none_or(Vec::is_empty);
            if !all_tests && !o.test_ids.iter().flatten().any(|t| *t == test.test_id) {
                continue;
            }
            let all_stages = o.stage_ids.as_ref().is_none_or(Vec::is_empty);
            for (i, stage) in test.stages.iter_mut().enumerate() {
                if all_stages || o.stage_ids.iter().flatten().any(|s| *s == i as u64) {
                    stage.output = o.output.clone().unwrap_or_default();
                    if o.retry_once.is_some() {
                        stage.output.retry_once = o.retry_once;
                    }
                }
            }
            reasons.push(o.reason.clone().unwrap_or_default());
        }
        reasons
    }

    /// Number of tests whose expectations are ignored or changed: the size of the lists plus the
    /// number of override entries (a lint for "at most N overrides" policies).
    pub fn entry_count(&self) -> usize {
        self.test_overrides.len()
            + self.ignore.len()
            + self.force_pass.len()
            + self.force_fail.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_test_file;

    const FILE: &str = r#"
version: "v0.0.0"
meta:
  engine: "x"
  annotations:
    - purpose: "list form, as CRS writes it"
test_overrides:
  - rule_id: 920100
    test_ids: [4]
    reason: 'status only'
    output:
      status: 404
  - rule_id: 920100
    test_ids: [5]
    stage_ids: [1]
    reason: 'second stage only'
    output:
      log_contains: abc
  - rule_id: 932200
    test_ids: [13]
    reason: 'wip'
testoverride:
  ignore:
    '920430-3': 'HTTP/0.9'
    '^9201': ''
  forcefail:
    '941100-1': 'broken'
"#;

    fn test(rule: u64, id: u64, stages: usize) -> Test {
        let mut y = format!("rule_id: {rule}\ntests:\n  - test_id: {id}\n    stages:\n");
        for _ in 0..stages {
            y.push_str("      - output:\n          status: 403\n          log:\n            expect_ids: [1]\n");
        }
        parse_test_file(&y, Path::new("t.yaml"))
            .unwrap()
            .tests
            .remove(0)
    }

    #[test]
    fn replaces_whole_output() {
        let o = Overrides::parse(FILE, Path::new("o.yaml")).unwrap();
        let mut t = test(920100, 4, 1);
        assert_eq!(o.apply(&mut t), vec!["status only".to_string()]);
        assert_eq!(t.stages[0].output.status, 404);
        assert_eq!(t.stages[0].output.log.expect_ids, None);
    }

    #[test]
    fn stage_ids_select_stages_and_log_contains_is_mapped() {
        let o = Overrides::parse(FILE, Path::new("o.yaml")).unwrap();
        let mut t = test(920100, 5, 2);
        o.apply(&mut t);
        assert_eq!(t.stages[0].output.status, 403);
        assert_eq!(t.stages[1].output.status, 0);
        assert_eq!(t.stages[1].output.log.match_regex, "abc");
    }

    #[test]
    fn output_less_override_empties_expectations() {
        let o = Overrides::parse(FILE, Path::new("o.yaml")).unwrap();
        let mut t = test(932200, 13, 1);
        o.apply(&mut t);
        assert_eq!(t.stages[0].output, Output::default());
        let mut other = test(932200, 12, 1);
        assert!(o.apply(&mut other).is_empty());
        assert_eq!(other.stages[0].output.status, 403);
    }

    #[test]
    fn ignore_regexes_are_unanchored() {
        let o = Overrides::parse(FILE, Path::new("o.yaml")).unwrap();
        let id = |r, t| TestId {
            rule_id: r,
            test_id: t,
        };
        assert_eq!(
            o.forced(id(920430, 3)),
            Some(Forced::Ignored("HTTP/0.9".into()))
        );
        // Unanchored: "920430-3" also matches 920430-30.
        assert!(matches!(o.forced(id(920430, 30)), Some(Forced::Ignored(_))));
        assert!(matches!(o.forced(id(920100, 1)), Some(Forced::Ignored(_))));
        assert_eq!(
            o.forced(id(941100, 1)),
            Some(Forced::ForceFail("broken".into()))
        );
        assert_eq!(o.forced(id(942100, 1)), None);
        assert_eq!(o.entry_count(), 6);
    }

    #[test]
    fn bad_regex_is_an_error() {
        let e = Overrides::parse(
            "testoverride:\n  ignore:\n    '(': x\n",
            Path::new("o.yaml"),
        );
        assert!(e.is_err());
    }

    #[test]
    fn empty_file_is_empty() {
        let o = Overrides::parse("# nothing\n", Path::new("o.yaml")).unwrap();
        assert_eq!(o.entry_count(), 0);
    }
}
