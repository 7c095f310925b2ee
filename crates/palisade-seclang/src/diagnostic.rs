//! Errors and warnings a rule author can act on, rendered like rustc's:
//!
//! ```text
//! rules.conf:3:30: error: expected an action, found `t:foo`
//!   |
//! 3 | SecRule ARGS "@rx a" "id:1,t:foo"
//!   |                            ^
//! ```

use core::fmt;
use std::path::PathBuf;

use crate::{FileId, Span};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// ModSecurity v3 would refuse the rules; the directive is dropped.
    Error,
    /// Accepted, but probably not what the author meant (or not what ModSecurity does).
    Warning,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
        })
    }
}

/// One error or warning, at a place in a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// Where: file, line, column.
    pub span: Span,
    /// What is wrong, in one line (`expected an operator, found end of line`).
    pub message: String,
    /// Further explanation, one line each (rendered as `= note: …`).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            span,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// A warning.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            span,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// The same diagnostic with a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// Renders the diagnostic with the file's name and text: the headline
    /// `path:line:col: level: message`, the source line and a caret under the column, then the
    /// notes. `text` is the whole file (the line is looked up in it).
    pub fn render(&self, path: &str, text: &str) -> String {
        let line_no = self.span.line.max(1);
        let col = self.span.column.max(1);
        let mut out = format!("{path}:{line_no}:{col}: {}: {}\n", self.level, self.message);
        let line_text = nth_line(text, usize::try_from(line_no - 1).unwrap_or(usize::MAX));
        if let Some(line_text) = line_text {
            let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
            let gutter = line_no.to_string();
            let pad = " ".repeat(gutter.len());
            // Tabs are kept so that the caret lines up under them.
            let caret_pad: String = line_text
                .chars()
                .take(usize::try_from(col - 1).unwrap_or(0))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!(
                "{pad} |\n{gutter} | {line_text}\n{pad} | {caret_pad}^\n"
            ));
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        out
    }

    /// Renders the diagnostic using a [`FileTable`] for the file's name and text.
    pub fn render_in(&self, files: &FileTable) -> String {
        match files.get(self.span.file) {
            Some(f) => self.render(&f.path.display().to_string(), &f.text),
            None => format!(
                "<unknown file>:{}:{}: {}: {}\n",
                self.span.line, self.span.column, self.level, self.message
            ),
        }
    }
}

/// The `n`th line (0-based) of `text`, without its `\n`.
fn nth_line(text: &str, n: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let start = if n == 0 {
        0
    } else {
        memchr::memchr_iter(b'\n', bytes).nth(n - 1)? + 1
    };
    let rest = text.get(start..)?;
    Some(rest.split('\n').next().unwrap_or(""))
}

impl fmt::Display for Diagnostic {
    /// The headline without a file name: `line:col: level: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.span.line, self.span.column, self.level, self.message
        )
    }
}

/// A file read during a load: its path and its text (kept to render diagnostics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path it was read from (as resolved, relative to the including file).
    pub path: PathBuf,
    /// Its text (invalid UTF-8 replaced by U+FFFD, with an error reported).
    pub text: String,
}

/// The files of a load, indexed by [`FileId`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileTable {
    files: Vec<SourceFile>,
}

impl FileTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile { path, text });
        id
    }

    /// Sets the text of file `id` (the loader adds a file before parsing it).
    pub(crate) fn set_text(&mut self, id: FileId, text: String) {
        if let Some(f) = usize::try_from(id.0)
            .ok()
            .and_then(|i| self.files.get_mut(i))
        {
            f.text = text;
        }
    }

    /// The file with id `id`.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        usize::try_from(id.0).ok().and_then(|i| self.files.get(i))
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files, in the order they were read.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic::error(
            Span {
                file: FileId(0),
                line: 2,
                column: 5,
            },
            "expected an operator, found end of line",
        )
        .with_note("quote the operator");
        let text = "# first\nSecRule ARGS\n";
        assert_eq!(
            d.render("r.conf", text),
            "r.conf:2:5: error: expected an operator, found end of line\n  |\n2 | SecRule ARGS\n  |     ^\n  = note: quote the operator\n"
        );
    }
}
