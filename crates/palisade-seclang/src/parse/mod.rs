//! The parser: text of one rule file → directives and diagnostics, built from nom
//! combinators over `&str`.
//!
//! [`parse_str`] reads one file without following `Include` (an `Include` stays a directive);
//! [`crate::load`] follows them. Parsing never stops at the first error: a directive with an
//! error is reported and dropped, and parsing resumes at the next logical line (a line and the
//! lines it continues with a trailing `\`), so every error of a file is reported.
//!
//! Layout, from the bottom up:
//! - `src` (the text, its line table, spans), `error` (the nom error type: position and
//!   "expected …", turned into a [`Diagnostic`]), `lex` (words, whitespace with continuations,
//!   line ends, escapes, flex's longest match);
//! - `lines` (blank lines, comments, logical lines, recovery after an error);
//! - `text` (values with `%{…}` macros), `values` (directive arguments), `variables`,
//!   `operator`, `actions` with `action_values`, `setvar` and `ctl`;
//! - `directive` (the name and the arguments it takes), `rule` (`SecRule`, `SecAction`, …),
//!   `exceptions` (`SecRuleRemove…`, `SecRuleUpdate…`).
//!
//! Every parser is a nom parser (`fn(&str) -> IResult<&str, T, PError>`, or one that also
//! takes the [`Src`] for spans); the grammar has no recursion, so the input controls no
//! recursion depth.

mod action_values;
mod actions;
mod ctl;
mod directive;
mod error;
mod exceptions;
mod lex;
mod lines;
mod operator;
mod rule;
mod setvar;
mod src;
mod text;
mod values;
mod variables;

use crate::ast::Directive;
use crate::{Diagnostic, FileId};

pub(crate) use src::Src;

/// Runs `parser` on `text` and returns its output when it consumed exactly `text.len()` bytes
/// of `text` followed by `next` (for the printer's `reparse_*`).
fn reparse_exact<'a, T>(src: &Src<'a>, len: usize, result: error::PResult<'a, T>) -> Option<T> {
    match result {
        Ok((rest, t)) if src.len() - rest.len() == len => Some(t),
        _ => None,
    }
}

/// Parses `text` as exactly one action of a quoted action list, followed by `next` (`,` or the
/// closing `"`); `None` when it is not one. The printer uses it to choose a form of a value
/// that reads back the same.
pub(crate) fn reparse_action(text: &str, next: char) -> Option<crate::ast::ActionKind> {
    let with_next = format!("{text}{next}");
    let src = Src::new(&with_next, FileId(0));
    let result = actions::action(&src, src.text, actions::Context::Quoted);
    reparse_exact(&src, text.len(), result).map(|(a, _)| a.kind)
}

/// Parses `text` as exactly one operator (quoted or not) followed by a tab (what the printer
/// writes after an unquoted operator); `None` when it is not one.
pub(crate) fn reparse_operator(text: &str) -> Option<crate::ast::Operator> {
    let with_space = format!("{text}\t");
    let src = Src::new(&with_space, FileId(0));
    let result = operator::operator(&src, src.text);
    reparse_exact(&src, text.len(), result)
}

/// Parses `text` as exactly one variable; `None` when it is not one.
pub(crate) fn reparse_variable(text: &str) -> Option<crate::ast::Variable> {
    let src = Src::new(text, FileId(0));
    let result = variables::variable(&src, src.text);
    reparse_exact(&src, text.len(), result)
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

/// Parses the text of one rule file, with the default [`Limits`]. `file` goes into every span.
pub fn parse_str(text: &str, file: FileId) -> ParseOutput {
    parse_str_with(text, file, &Limits::default())
}

/// Parses the text of one rule file with the given limits.
pub fn parse_str_with(text: &str, file: FileId, limits: &Limits) -> ParseOutput {
    let mut out = ParseOutput::default();
    let max_len = limits.max_file_bytes.min(Src::MAX_LEN);
    if text.len() > max_len {
        let src = Src::new("", file);
        out.diagnostics.push(src.error(
            0,
            format!(
                "the file is {} bytes, over the limit of {max_len} bytes",
                text.len()
            ),
        ));
        return out;
    }
    let src = Src::new(text, file);
    let too_long = |start: usize, len: usize| {
        src.error(
            start,
            format!(
                "this directive is {len} bytes long, over the limit of {} bytes",
                limits.max_directive_bytes
            ),
        )
    };
    let mut errors = 0usize;
    let mut rest = src.text;
    loop {
        rest = match lines::blank(rest) {
            Ok((after, _)) => after,
            Err(_) => rest,
        };
        if rest.is_empty() {
            break;
        }
        let start = src.offset(rest);
        let logical_end = lines::logical_line_end(src.text, start);
        let next = if logical_end - start > limits.max_directive_bytes {
            out.diagnostics.push(too_long(start, logical_end - start));
            errors += 1;
            logical_end
        } else {
            let mut warnings = Vec::new();
            match directive::directive(&src, rest, &mut warnings) {
                Ok((after, d)) => {
                    let end = src.offset(after);
                    if end - start > limits.max_directive_bytes {
                        out.diagnostics.push(too_long(start, end - start));
                        errors += 1;
                    } else {
                        out.directives.push(d);
                        out.diagnostics.append(&mut warnings);
                    }
                    end
                }
                Err(e) => {
                    let diag = error::into_error(e, rest).into_diagnostic(&src);
                    let at = src.offset_of(diag.span).max(start);
                    out.diagnostics.push(diag);
                    errors += 1;
                    let line_end = lines::logical_line_end(src.text, at);
                    match lines::debris(src.rest(line_end)) {
                        Ok((after, _)) => src.offset(after),
                        Err(_) => line_end,
                    }
                }
            }
        };
        // Every step moves on (a directive or an error takes at least its first character).
        rest = src.rest(next.max(start + 1));
        if errors >= limits.max_errors_per_file {
            out.diagnostics.push(src.error(
                src.offset(rest),
                format!("too many errors ({errors}); the rest of the file is not checked"),
            ));
            break;
        }
    }
    out
}
