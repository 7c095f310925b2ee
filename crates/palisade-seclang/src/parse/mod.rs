//! The parser: text of one rule file → directives and diagnostics.
//!
//! [`parse_str`] reads one file without following `Include` (an `Include` stays a directive);
//! [`crate::load`] follows them. Parsing never stops at the first error: a directive with an
//! error is reported and dropped, and parsing resumes at the next logical line (a line and the
//! lines it continues with a trailing `\`), so every error of a file is reported.
//!
//! Layout: `src` (positions and scanning primitives), `directive` (the directives), `values`
//! (their argument forms), `variables`, `operator`, `actions`, `ctl`, and `text` (values with
//! `%{…}` macros).

mod actions;
mod ctl;
mod directive;
mod operator;
mod src;
mod text;
mod values;
mod variables;

use crate::ast::Directive;
use crate::{Diagnostic, FileId};

pub(crate) use src::Src;

/// Parses `text` as exactly one action of a quoted action list, followed by `next` (`,` or the
/// closing `"`); `None` when it is not one. The printer uses it to choose a form of a value
/// that reads back the same.
pub(crate) fn reparse_action(text: &str, next: char) -> Option<crate::ast::ActionKind> {
    let with_next = format!("{text}{next}");
    let src = Src::new(&with_next, FileId(0));
    let mut warnings = Vec::new();
    match actions::parse_action(&src, 0, actions::Context::Quoted, &mut warnings) {
        Ok((a, end)) if end == text.len() => Some(a.kind),
        _ => None,
    }
}

/// Parses `text` as exactly one operator (quoted or not) followed by a tab (what the printer
/// writes after an unquoted operator); `None` when it is not one.
pub(crate) fn reparse_operator(text: &str) -> Option<crate::ast::Operator> {
    let with_space = format!("{text}\t");
    let src = Src::new(&with_space, FileId(0));
    match operator::parse_operator(&src, 0) {
        Ok((o, end)) if end == text.len() => Some(o),
        _ => None,
    }
}

/// Parses `text` as exactly one variable; `None` when it is not one.
pub(crate) fn reparse_variable(text: &str) -> Option<crate::ast::Variable> {
    let src = Src::new(text, FileId(0));
    match variables::parse_variable(&src, 0) {
        Ok((v, end)) if end == text.len() => Some(v),
        _ => None,
    }
}

/// Resource limits of the parser and loader. Exceeding one gives an error diagnostic at the
/// place it happened; nothing grows without bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest rule file, in bytes (default 64 MiB).
    pub max_file_bytes: usize,
    /// The largest directive (a logical line with its continuations), in bytes (default
    /// 1 MiB; the largest CRS v4 directive is about 10 KiB).
    pub max_directive_bytes: usize,
    /// Errors reported per file before the parser gives up on the file (default 1,000).
    pub max_errors_per_file: usize,
    /// How deep `Include` may nest (default 32).
    pub max_include_depth: usize,
    /// How many files a load may read (default 10,000).
    pub max_files: usize,
    /// How many bytes a load may read in all (default 512 MiB).
    pub max_total_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 << 20,
            max_directive_bytes: 1 << 20,
            max_errors_per_file: 1000,
            max_include_depth: 32,
            max_files: 10_000,
            max_total_bytes: 512 << 20,
        }
    }
}

/// The result of parsing one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParseOutput {
    /// The directives without errors, in file order.
    pub directives: Vec<Directive>,
    /// Every error and warning, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParseOutput {
    /// True when there is no error (warnings allowed).
    pub fn is_ok(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// After an error, skips the indented lines that follow when they do not start a directive:
/// they are most likely the rest of the broken one (an action list continued without `\`).
fn skip_continuation_debris(src: &Src<'_>, mut pos: usize) -> usize {
    loop {
        if !matches!(src.at(pos), Some(b' ' | b'\t')) {
            return pos;
        }
        let mut p = pos;
        while matches!(src.at(p), Some(b' ' | b'\t')) {
            p += 1;
        }
        if src.at_line_end(p) || src.at(p) == Some(b'#') {
            return pos;
        }
        let word = src.slice(p, src.word_end(p));
        if crate::ast::DirectiveName::from_name(word).is_some() {
            return pos;
        }
        pos = src.logical_line_end(p);
    }
}

/// Parses the text of one rule file, with the default [`Limits`]. `file` goes into every span.
pub fn parse_str(text: &str, file: FileId) -> ParseOutput {
    parse_str_with(text, file, &Limits::default())
}

/// Parses the text of one rule file with the given limits.
pub fn parse_str_with(text: &str, file: FileId, limits: &Limits) -> ParseOutput {
    let mut out = ParseOutput::default();
    if text.len() > limits.max_file_bytes.min(Src::MAX_LEN) {
        let src = Src::new("", file);
        out.diagnostics.push(src.error(
            0,
            format!(
                "the file is {} bytes, over the limit of {} bytes",
                text.len(),
                limits.max_file_bytes.min(Src::MAX_LEN)
            ),
        ));
        return out;
    }
    let src = Src::new(text, file);
    let mut errors = 0usize;
    let mut pos = 0;
    loop {
        pos = directive::skip_blank(&src, pos);
        if pos >= src.len() {
            break;
        }
        let start = pos;
        let logical_end = src.logical_line_end(start);
        if logical_end - start > limits.max_directive_bytes {
            out.diagnostics.push(src.error(
                start,
                format!(
                    "this directive is {} bytes long, over the limit of {} bytes",
                    logical_end - start,
                    limits.max_directive_bytes
                ),
            ));
            errors += 1;
            pos = logical_end;
        } else {
            let mut warnings = Vec::new();
            match directive::parse_directive(&src, start, &mut warnings) {
                Ok((d, next)) => {
                    if next - start > limits.max_directive_bytes {
                        out.diagnostics.push(src.error(
                            start,
                            format!(
                                "this directive is {} bytes long, over the limit of {} bytes",
                                next - start,
                                limits.max_directive_bytes
                            ),
                        ));
                        errors += 1;
                    } else {
                        out.directives.push(d);
                        out.diagnostics.append(&mut warnings);
                    }
                    pos = next.max(start + 1);
                }
                Err(diag) => {
                    let at = src.offset_of(diag.span).max(start);
                    out.diagnostics.push(diag);
                    errors += 1;
                    pos = skip_continuation_debris(&src, src.logical_line_end(at)).max(start + 1);
                }
            }
        }
        if errors >= limits.max_errors_per_file {
            out.diagnostics.push(src.error(
                pos.min(src.len()),
                format!("too many errors ({errors}); the rest of the file is not checked"),
            ));
            break;
        }
    }
    out
}
