//! Where rule files come from: the [`RuleSource`] trait, a filesystem source and an in-memory
//! source for rules embedded in a program.
//!
//! `Include` paths and `@pmFromFile`/`@ipMatchFromFile` paths are resolved relative to the
//! directory of the file that names them (see [`resolve_relative`]), then read through the
//! source. Glob patterns (`Include rules/*.conf`) are expanded by the source, in lexical order.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Why a source could not provide a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceError {
    /// No file at that path.
    NotFound(PathBuf),
    /// The file exists but could not be read; the text says why.
    Unreadable(PathBuf, String),
    /// The file is larger than the source's limit.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A glob pattern that is not valid; the text says why.
    BadPattern(String, String),
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::NotFound(p) => write!(f, "no such file: {}", p.display()),
            SourceError::Unreadable(p, why) => write!(f, "cannot read {}: {why}", p.display()),
            SourceError::TooLarge { path, size, limit } => write!(
                f,
                "{} is {size} bytes, over the limit of {limit} bytes",
                path.display()
            ),
            SourceError::BadPattern(p, why) => write!(f, "bad file pattern `{p}`: {why}"),
        }
    }
}

impl std::error::Error for SourceError {}

/// A provider of rule files and data files.
pub trait RuleSource: Send + Sync {
    /// Reads the whole file at `path`.
    fn read(&self, path: &Path) -> Result<Vec<u8>, SourceError>;

    /// Expands a pattern with `*`, `?` and `[…]` wildcards into the files it names, sorted.
    /// A pattern without wildcards names itself (whether or not it exists).
    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, SourceError>;
}

/// Resolves `target` (as written in `Include` or an operator argument) against the file that
/// names it: an absolute path stays as it is, a relative one is taken from that file's
/// directory. `.` and `..` components are folded lexically.
pub fn resolve_relative(including_file: Option<&Path>, target: &str) -> PathBuf {
    let target = Path::new(target);
    let joined = if target.is_absolute() {
        target.to_path_buf()
    } else {
        match including_file.and_then(Path::parent) {
            Some(dir) => dir.join(target),
            None => target.to_path_buf(),
        }
    };
    normalize(&joined)
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => {
                let can_pop = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if can_pop {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn has_wildcards(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

/// Rule files on the filesystem, with an optional size limit per file.
#[derive(Clone, Debug)]
pub struct FsSource {
    max_file_size: u64,
}

impl FsSource {
    /// The default limit on the size of one rule or data file: 64 MiB.
    pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

    /// A filesystem source with the default file size limit.
    pub fn new() -> Self {
        FsSource {
            max_file_size: Self::DEFAULT_MAX_FILE_SIZE,
        }
    }

    /// Sets the largest file, in bytes, that the source will read.
    pub fn with_max_file_size(mut self, limit: u64) -> Self {
        self.max_file_size = limit;
        self
    }
}

impl Default for FsSource {
    fn default() -> Self {
        Self::new()
    }
}

impl RuleSource for FsSource {
    fn read(&self, path: &Path) -> Result<Vec<u8>, SourceError> {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
        if meta.len() > self.max_file_size {
            return Err(SourceError::TooLarge {
                path: path.to_path_buf(),
                size: meta.len(),
                limit: self.max_file_size,
            });
        }
        std::fs::read(path).map_err(|e| io_error(path, &e))
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, SourceError> {
        let text = pattern.to_string_lossy();
        if !has_wildcards(&text) {
            return Ok(vec![pattern.to_path_buf()]);
        }
        let paths = glob::glob(&text)
            .map_err(|e| SourceError::BadPattern(text.to_string(), e.to_string()))?;
        let mut out = Vec::new();
        for entry in paths {
            match entry {
                Ok(p) if p.is_file() => out.push(p),
                Ok(_) => {}
                Err(e) => {
                    return Err(SourceError::Unreadable(
                        e.path().to_path_buf(),
                        e.error().to_string(),
                    ));
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> SourceError {
    if e.kind() == std::io::ErrorKind::NotFound {
        SourceError::NotFound(path.to_path_buf())
    } else {
        SourceError::Unreadable(path.to_path_buf(), e.to_string())
    }
}

/// Rule files held in memory, keyed by path: for programs that embed their rules, for Wasm
/// hosts without a filesystem, and for tests.
#[derive(Clone, Debug, Default)]
pub struct MemorySource {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemorySource {
    /// An empty source.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.files.insert(normalize(&path.into()), contents.into());
    }

    /// Adds a file, builder style.
    pub fn with_file(mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Self {
        self.insert(path, contents);
        self
    }
}

impl RuleSource for MemorySource {
    fn read(&self, path: &Path) -> Result<Vec<u8>, SourceError> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| SourceError::NotFound(path.to_path_buf()))
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, SourceError> {
        let text = pattern.to_string_lossy();
        if !has_wildcards(&text) {
            return Ok(vec![pattern.to_path_buf()]);
        }
        let normalized = normalize(pattern);
        let compiled = glob::Pattern::new(&normalized.to_string_lossy())
            .map_err(|e| SourceError::BadPattern(text.to_string(), e.to_string()))?;
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        Ok(self
            .files
            .keys()
            .filter(|p| compiled.matches_path_with(p, options))
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_including_file() {
        assert_eq!(
            resolve_relative(Some(Path::new("/etc/waf/main.conf")), "rules/*.conf"),
            PathBuf::from("/etc/waf/rules/*.conf")
        );
        assert_eq!(
            resolve_relative(Some(Path::new("conf/base.conf")), "../crs/x.conf"),
            PathBuf::from("crs/x.conf")
        );
        assert_eq!(
            resolve_relative(Some(Path::new("a/b.conf")), "/abs/c.conf"),
            PathBuf::from("/abs/c.conf")
        );
        assert_eq!(resolve_relative(None, "./x.conf"), PathBuf::from("x.conf"));
    }

    #[test]
    fn memory_source_reads_and_globs_in_order() {
        let src = MemorySource::new()
            .with_file("rules/b.conf", "B")
            .with_file("rules/a.conf", "A")
            .with_file("rules/sub/c.conf", "C")
            .with_file("other.txt", "O");
        assert_eq!(src.read(Path::new("./rules/a.conf")).unwrap(), b"A");
        assert_eq!(
            src.read(Path::new("nope")),
            Err(SourceError::NotFound(PathBuf::from("nope")))
        );
        assert_eq!(
            src.glob(Path::new("rules/*.conf")).unwrap(),
            vec![PathBuf::from("rules/a.conf"), PathBuf::from("rules/b.conf")]
        );
    }

    #[test]
    fn fs_source_refuses_files_over_its_limit() {
        let dir = std::env::temp_dir().join(format!("palisade-src-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("big.conf");
        std::fs::write(&file, vec![b'#'; 100]).unwrap();
        let src = FsSource::new().with_max_file_size(10);
        assert!(matches!(
            src.read(&file),
            Err(SourceError::TooLarge { size: 100, .. })
        ));
        assert_eq!(FsSource::new().read(&file).unwrap().len(), 100);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
