//! Loading a rule set: files read through a [`RuleSource`], `Include` followed (wildcards,
//! paths relative to the including file, cycle detection, depth limit), directives flattened in
//! load order, and the checks that span directives ([`check`]).

use std::path::{Path, PathBuf};

use crate::ast::{Directive, DirectiveKind, RemoteRulesFailAction};
use crate::parse::{Limits, parse_str_with};
use crate::{Diagnostic, FileTable, RuleSource, SourceError, Span, check, resolve_relative};

/// The result of [`load`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    /// The files read, for rendering diagnostics ([`Diagnostic::render_in`]).
    pub files: FileTable,
    /// The directives of every file in load order, each `Include` replaced by the included
    /// files' directives. Directives with errors are left out.
    pub directives: Vec<Directive>,
    /// Every error and warning, in load order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// True when there is no error (warnings allowed).
    pub fn is_ok(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Loads rule files with the default [`Limits`]: each path (or wildcard pattern) in `paths`, in
/// order, following `Include`, then runs [`check`] over the whole set.
pub fn load<P: AsRef<Path>>(source: &dyn RuleSource, paths: &[P]) -> Loaded {
    load_with(source, paths, &Limits::default())
}

/// One file being read: its directives still to go, and where it sits in the include chain.
struct Frame {
    directives: std::vec::IntoIter<Directive>,
    path: PathBuf,
    depth: usize,
}

/// An entry of the loader's stack: a file being read, or the files of an `Include` still to
/// read.
enum Item {
    Directives(Frame),
    Pending {
        files: std::vec::IntoIter<PathBuf>,
        span: Span,
        depth: usize,
    },
}

/// A file to read: its path, the `Include` that names it (none for a top-level file), and how
/// deep it is included.
struct Work {
    path: PathBuf,
    span: Option<Span>,
    depth: usize,
}

/// [`load`] with the given limits.
pub fn load_with<P: AsRef<Path>>(source: &dyn RuleSource, paths: &[P], limits: &Limits) -> Loaded {
    let mut loader = Loader {
        source,
        limits,
        out: Loaded::default(),
        total_bytes: 0,
        remote_fail: None,
        files_exhausted: false,
    };
    for p in paths {
        let pattern = p.as_ref();
        match expand(source, pattern) {
            Ok(files) if files.is_empty() => loader.out.diagnostics.push(Diagnostic::error(
                Span::default(),
                format!("no file matches `{}`", pattern.display()),
            )),
            Ok(files) => {
                for f in files {
                    loader.run(Work {
                        path: f,
                        span: None,
                        depth: 0,
                    });
                }
            }
            Err(e) => loader
                .out
                .diagnostics
                .push(Diagnostic::error(Span::default(), e.to_string())),
        }
    }
    let mut checked = check(&loader.out.directives, &loader.out.files);
    loader.out.diagnostics.append(&mut checked);
    loader.out
}

/// Expands a pattern into files: a path without wildcards names itself.
fn expand(source: &dyn RuleSource, pattern: &Path) -> Result<Vec<PathBuf>, SourceError> {
    source.glob(pattern)
}

struct Loader<'s> {
    source: &'s dyn RuleSource,
    limits: &'s Limits,
    out: Loaded,
    total_bytes: usize,
    /// The last `SecRemoteRulesFailAction` seen, in load order.
    remote_fail: Option<RemoteRulesFailAction>,
    /// Set once the file limit is reached (reported once).
    files_exhausted: bool,
}

impl Loader<'_> {
    /// Palisade does not download rules: `SecRemoteRules` fails as a failed download does in
    /// ModSecurity (an error after `SecRemoteRulesFailAction Abort`, else a warning; ModSecurity
    /// itself says nothing then).
    fn remote_rules(&self, span: Span, url: &str) -> Diagnostic {
        let message = format!("SecRemoteRules {url}: Palisade does not download rules");
        let d = if self.remote_fail == Some(RemoteRulesFailAction::Abort) {
            Diagnostic::error(
                span,
                format!("{message} (SecRemoteRulesFailAction is Abort)"),
            )
        } else {
            Diagnostic::warning(span, message)
        };
        d.with_note("download the file and `Include` it")
    }

    /// Reads a top-level file and everything it includes, depth first, with an explicit stack
    /// (no recursion the input controls). Files are read in load order.
    fn run(&mut self, first: Work) {
        let mut stack: Vec<Item> = Vec::new();
        if let Some(frame) = self.open(first, &stack) {
            stack.push(Item::Directives(frame));
        }
        while let Some(top) = stack.last_mut() {
            match top {
                Item::Pending { files, span, depth } => {
                    let (span, depth) = (*span, *depth);
                    let Some(path) = files.next() else {
                        stack.pop();
                        continue;
                    };
                    let work = Work {
                        path,
                        span: Some(span),
                        depth,
                    };
                    if let Some(frame) = self.open(work, &stack) {
                        stack.push(Item::Directives(frame));
                    }
                }
                Item::Directives(frame) => {
                    let Some(d) = frame.directives.next() else {
                        stack.pop();
                        continue;
                    };
                    match &d.kind {
                        DirectiveKind::SecRemoteRulesFailAction(a) => self.remote_fail = Some(*a),
                        DirectiveKind::SecRemoteRules { url, .. } => {
                            self.out.diagnostics.push(self.remote_rules(d.span, url));
                        }
                        _ => {}
                    }
                    let DirectiveKind::Include(target) = &d.kind else {
                        self.out.directives.push(d);
                        continue;
                    };
                    let depth = frame.depth + 1;
                    let pattern = resolve_relative(Some(&frame.path), target);
                    match expand(self.source, &pattern) {
                        Ok(files) if files.is_empty() => {
                            self.out.diagnostics.push(Diagnostic::error(
                                d.span,
                                format!(
                                    "{target}: Not able to open file: no file matches `{}`",
                                    pattern.display()
                                ),
                            ));
                        }
                        Ok(files) => stack.push(Item::Pending {
                            files: files.into_iter(),
                            span: d.span,
                            depth,
                        }),
                        Err(e) => {
                            self.out
                                .diagnostics
                                .push(Diagnostic::error(d.span, e.to_string()));
                        }
                    }
                }
            }
        }
    }

    /// Reads and parses one file; reports why not when it cannot.
    fn open(&mut self, work: Work, stack: &[Item]) -> Option<Frame> {
        let Work { path, span, depth } = work;
        let at = span.unwrap_or_default();
        if depth > self.limits.max_include_depth {
            self.out.diagnostics.push(Diagnostic::error(
                at,
                format!(
                    "Include nests deeper than {} files (at {})",
                    self.limits.max_include_depth,
                    path.display()
                ),
            ));
            return None;
        }
        let ancestors = stack.iter().filter_map(|item| match item {
            Item::Directives(f) => Some(&f.path),
            Item::Pending { .. } => None,
        });
        if ancestors.clone().any(|p| *p == path) {
            let mut chain: Vec<String> = ancestors
                .skip_while(|p| **p != path)
                .map(|p| p.display().to_string())
                .collect();
            chain.push(path.display().to_string());
            self.out.diagnostics.push(Diagnostic::error(
                at,
                format!("Include cycle: {}", chain.join(" -> ")),
            ));
            return None;
        }
        if self.out.files.len() >= self.limits.max_files {
            if !self.files_exhausted {
                self.files_exhausted = true;
                self.out.diagnostics.push(Diagnostic::error(
                    at,
                    format!(
                        "more than {} files to load; {} and the files after it are not read",
                        self.limits.max_files,
                        path.display()
                    ),
                ));
            }
            return None;
        }
        let bytes = match self.source.read(&path) {
            Ok(b) => b,
            Err(e) => {
                let msg = match span {
                    Some(_) => format!("{}: Not able to open file. {e}", path.display()),
                    None => e.to_string(),
                };
                self.out.diagnostics.push(Diagnostic::error(at, msg));
                return None;
            }
        };
        if bytes.len() > self.limits.max_file_bytes
            || self.total_bytes + bytes.len() > self.limits.max_total_bytes
        {
            self.out.diagnostics.push(Diagnostic::error(
                at,
                format!(
                    "{} is {} bytes, over the limit ({} bytes per file, {} in all)",
                    path.display(),
                    bytes.len(),
                    self.limits.max_file_bytes,
                    self.limits.max_total_bytes
                ),
            ));
            return None;
        }
        self.total_bytes += bytes.len();
        let (text, bad_utf8) = match String::from_utf8(bytes) {
            Ok(t) => (t, None),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    Some(valid),
                )
            }
        };
        let file = self.out.files.add(path.clone(), String::new());
        let parsed = parse_str_with(&text, file, self.limits);
        if let Some(valid) = bad_utf8 {
            let src = crate::parse::Src::new(&text, file);
            self.out.diagnostics.push(
                src.error(valid, "the file is not valid UTF-8")
                    .with_note("invalid bytes are read as U+FFFD"),
            );
        }
        self.out.diagnostics.extend(parsed.diagnostics);
        self.out.files.set_text(file, text);
        Some(Frame {
            directives: parsed.directives.into_iter(),
            path,
            depth,
        })
    }
}

/// Parses rule text held in memory as if it were the file `path` (`Include` resolved through
/// `source`, relative to `path`).
pub fn load_str(source: &dyn RuleSource, path: &Path, text: &str) -> Loaded {
    let mut mem = crate::MemorySource::new();
    mem.insert(path, text.as_bytes().to_vec());
    let overlay = Overlay {
        top: &mem,
        rest: source,
    };
    load(&overlay, &[path])
}

/// A source that looks in `top` first, then in `rest`.
struct Overlay<'a> {
    top: &'a crate::MemorySource,
    rest: &'a dyn RuleSource,
}

impl RuleSource for Overlay<'_> {
    fn read(&self, path: &Path) -> Result<Vec<u8>, SourceError> {
        self.top.read(path).or_else(|_| self.rest.read(path))
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, SourceError> {
        self.rest.glob(pattern)
    }
}
