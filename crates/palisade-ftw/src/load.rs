//! Loading go-ftw test files: one YAML text ([`parse_test_file`]), one file ([`load_file`]) or
//! files and directories walked recursively for `*.yaml` and `*.yml` ([`load_paths`]).
//!
//! A file holding only comments (CRS's `920539.yaml`) loads as a file with no tests. A file
//! without `rule_id` takes the first run of digits in its file name, as go-ftw does; a file
//! with neither is an error. Unlike go-ftw, which logs a warning and skips a file it cannot
//! parse, every unreadable or invalid file is reported as a [`LoadError`].

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::TestFile;

/// Why a test file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file (or directory) concerned.
    pub path: PathBuf,
    /// What went wrong.
    pub kind: LoadErrorKind,
}

/// The kinds of [`LoadError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The file or directory could not be read.
    Io(String),
    /// The YAML is malformed or does not fit the schema.
    Yaml(String),
    /// No `rule_id` and no digits in the file name.
    NoRuleId,
    /// A path given to load is neither a file nor a directory.
    NotFound,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match &self.kind {
            LoadErrorKind::Io(e) => write!(f, "{p}: cannot read: {e}"),
            LoadErrorKind::Yaml(e) => write!(f, "{p}: invalid go-ftw YAML: {e}"),
            LoadErrorKind::NoRuleId => write!(
                f,
                "{p}: no rule_id, and the file name holds no digits to fall back on"
            ),
            LoadErrorKind::NotFound => write!(f, "{p}: no such file or directory"),
        }
    }
}

impl std::error::Error for LoadError {}

/// The first run of ASCII digits in a file name (go-ftw's `\d+` fallback for `rule_id`).
fn digits_in(name: &str) -> Option<u64> {
    let start = name.find(|c: char| c.is_ascii_digit())?;
    let rest = &name[start..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Parses one test file's text. `path` names it in errors and supplies the `rule_id` fallback.
pub fn parse_test_file(text: &str, path: &Path) -> Result<TestFile, LoadError> {
    let err = |kind| LoadError {
        path: path.to_path_buf(),
        kind,
    };
    let parsed: Option<TestFile> =
        serde_yaml::from_str(text).map_err(|e| err(LoadErrorKind::Yaml(e.to_string())))?;
    let mut file = parsed.unwrap_or_default();
    file.path = path.to_path_buf();
    if file.rule_id == 0 {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        file.rule_id = digits_in(&name).ok_or_else(|| err(LoadErrorKind::NoRuleId))?;
    }
    let rule_id = file.rule_id;
    for (i, test) in file.tests.iter_mut().enumerate() {
        test.rule_id = rule_id;
        if test.test_id == 0 {
            test.test_id = i as u64 + 1;
        }
        for stage in &mut test.stages {
            stage.output.normalise();
        }
    }
    Ok(file)
}

/// Loads one test file from disk.
pub fn load_file(path: &Path) -> Result<TestFile, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError {
        path: path.to_path_buf(),
        kind: LoadErrorKind::Io(e.to_string()),
    })?;
    let text = String::from_utf8_lossy(&bytes);
    parse_test_file(&text, path)
}

/// Whether a file name is a go-ftw test file (`.yaml` or `.yml`).
pub fn is_test_file_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<LoadError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            errors.push(LoadError {
                path: dir.to_path_buf(),
                kind: LoadErrorKind::Io(e.to_string()),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out, errors);
        } else if is_test_file_name(&p) {
            out.push(p);
        }
    }
}

/// The test files named by `paths`: files as given, directories walked recursively for
/// `*.yaml` / `*.yml` in sorted order.
pub fn find_test_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<LoadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut files, &mut errors);
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            errors.push(LoadError {
                path: p.clone(),
                kind: LoadErrorKind::NotFound,
            });
        }
    }
    (files, errors)
}

/// Loads every test file under `paths`. Returns the files that loaded and every error.
pub fn load_paths(paths: &[PathBuf]) -> (Vec<TestFile>, Vec<LoadError>) {
    let (files, mut errors) = find_test_files(paths);
    let mut loaded = Vec::with_capacity(files.len());
    for f in files {
        match load_file(&f) {
            Ok(t) => loaded.push(t),
            Err(e) => errors.push(e),
        }
    }
    (loaded, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_only_file_loads_empty_with_rule_id_from_name() {
        let f = parse_test_file("# nothing here\n# ---\n", Path::new("x/920539.yaml")).unwrap();
        assert_eq!(f.rule_id, 920539);
        assert!(f.tests.is_empty());
    }

    #[test]
    fn ids_default_and_headers_sort() {
        let y = r#"
rule_id: 1234
tests:
  - stages:
      - input:
          headers:
            User-Agent: x
            Host: localhost
            Content-Length: 007
            Empty:
        output:
          log_contains: 'id "1234"'
  - test_id: 7
    stages: []
"#;
        let f = parse_test_file(y, Path::new("a.yaml")).unwrap();
        assert_eq!(f.tests[0].id().to_string(), "1234-1");
        assert_eq!(f.tests[1].id().to_string(), "1234-7");
        let h = f.tests[0].stages[0].input.header_list();
        let names: Vec<_> = h.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Content-Length", "Empty", "Host", "User-Agent"]);
        assert_eq!(h[0].value, "007");
        assert_eq!(h[1].value, "");
        assert_eq!(f.tests[0].stages[0].output.log.match_regex, "id \"1234\"");
    }

    #[test]
    fn log_contains_not_mapped_when_expect_ids_present() {
        let y = "rule_id: 1\ntests:\n  - stages:\n      - output:\n          log_contains: a\n          log:\n            expect_ids: [1]\n";
        let f = parse_test_file(y, Path::new("a.yaml")).unwrap();
        assert_eq!(f.tests[0].stages[0].output.log.match_regex, "");
    }

    #[test]
    fn missing_rule_id_without_digits_is_an_error() {
        let e = parse_test_file("tests: []\n", Path::new("abc.yaml")).unwrap_err();
        assert_eq!(e.kind, LoadErrorKind::NoRuleId);
    }

    #[test]
    fn bad_yaml_is_an_error() {
        let e = parse_test_file("rule_id: [\n", Path::new("1.yaml")).unwrap_err();
        assert!(matches!(e.kind, LoadErrorKind::Yaml(_)));
    }

    #[test]
    fn stop_magic_is_inverse() {
        let y = "rule_id: 1\ntests:\n  - stages:\n      - input:\n          stop_magic: true\n";
        let f = parse_test_file(y, Path::new("a.yaml")).unwrap();
        assert!(!f.tests[0].stages[0].input.autocomplete());
    }
}
