//! The text being parsed and its line table: turns the position of a nom input (a suffix of
//! the text) into a [`Span`], and describes what is at a position for "found …" in messages.
//!
//! Parsers work on `&str` slices of the file's text; a slice's position is its byte offset in
//! the text ([`Src::offset`]). [`Src::span`] turns an offset into a 1-based line and a 1-based
//! column counted in characters, with a binary search in the line table.

use core::cell::Cell;

use crate::{Diagnostic, FileId, Span};

/// A file's text with its line table.
pub(crate) struct Src<'a> {
    /// The text (cut to [`Src::MAX_LEN`] bytes).
    pub text: &'a str,
    /// Byte offsets of line starts (u32: texts are limited to 4 GiB, see [`Src::MAX_LEN`]).
    line_starts: Vec<u32>,
    /// The line of the last span asked for: spans are mostly asked in text order, so the next
    /// one is usually on the same line or the next.
    last_line: Cell<usize>,
    /// The file, for spans.
    pub file: FileId,
}

impl<'a> Src<'a> {
    /// The longest text a `Src` indexes; longer texts are cut (callers refuse them first).
    pub const MAX_LEN: usize = u32::MAX as usize;

    pub fn new(text: &'a str, file: FileId) -> Self {
        let mut end = text.len().min(Self::MAX_LEN);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = text.get(..end).unwrap_or("");
        let bytes = text.as_bytes();
        let lines = memchr::memchr_iter(b'\n', bytes).count();
        let mut line_starts = Vec::with_capacity(lines + 1);
        line_starts.push(0);
        line_starts.extend(
            memchr::memchr_iter(b'\n', bytes).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Src {
            text,
            line_starts,
            last_line: Cell::new(0),
            file,
        }
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// The text from byte offset `pos` (empty past the end or off a char boundary).
    pub fn rest(&self, pos: usize) -> &'a str {
        self.text.get(pos..).unwrap_or("")
    }

    /// The byte offset of `slice`, a slice of this text (the end of the text for a slice from
    /// elsewhere).
    pub fn offset(&self, slice: &str) -> usize {
        let base = self.text.as_ptr() as usize;
        (slice.as_ptr() as usize)
            .checked_sub(base)
            .filter(|&o| o <= self.text.len())
            .unwrap_or(self.text.len())
    }

    /// The span of byte offset `pos` (clamped to the text, moved back to a char boundary).
    pub fn span(&self, pos: usize) -> Span {
        let bytes = self.text.as_bytes();
        let mut pos = pos.min(bytes.len());
        while pos > 0 && !self.text.is_char_boundary(pos) {
            pos -= 1;
        }
        let key = u32::try_from(pos).unwrap_or(u32::MAX);
        let on_line = |i: usize| {
            self.line_starts.get(i).is_some_and(|&s| s <= key)
                && self.line_starts.get(i + 1).is_none_or(|&next| key < next)
        };
        let last = self.last_line.get();
        let line_idx = if on_line(last) {
            last
        } else if on_line(last + 1) {
            last + 1
        } else {
            match self.line_starts.binary_search(&key) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            }
        };
        self.last_line.set(line_idx);
        let start = self
            .line_starts
            .get(line_idx)
            .map_or(0, |&s| usize::try_from(s).unwrap_or(0));
        // Characters = bytes that are not UTF-8 continuation bytes.
        let column = bytes
            .get(start..pos)
            .map_or(0, |b| b.iter().filter(|&&c| (c & 0xC0) != 0x80).count())
            + 1;
        Span {
            file: self.file,
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The span of the start of `slice`, a slice of this text.
    pub fn span_of(&self, slice: &str) -> Span {
        self.span(self.offset(slice))
    }

    /// The byte offset of a span of this file (the inverse of [`Src::span`]).
    pub fn offset_of(&self, span: Span) -> usize {
        let line = usize::try_from(span.line.max(1) - 1).unwrap_or(0);
        let Some(start) = self
            .line_starts
            .get(line)
            .and_then(|&s| usize::try_from(s).ok())
        else {
            return self.text.len();
        };
        let col = usize::try_from(span.column.max(1) - 1).unwrap_or(0);
        let rest = self.text.get(start..).unwrap_or("");
        start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i)
    }

    pub fn error(&self, pos: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.span(pos), message)
    }

    /// A short, printable description of what is at `pos`, for "found …" in messages.
    pub fn describe(&self, pos: usize) -> String {
        let rest = self.rest(pos);
        if rest.is_empty() {
            return "end of file".to_owned();
        }
        if super::lex::is_line_end(rest) {
            return "end of line".to_owned();
        }
        if rest.starts_with([' ', '\t']) {
            return "whitespace".to_owned();
        }
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .take(24)
            .collect();
        if !word.is_empty() {
            return format!("`{word}`");
        }
        match rest.chars().next() {
            Some(c) if c.is_control() => format!("`{}`", c.escape_debug()),
            Some(c) => format!("`{c}`"),
            None => "end of file".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_lines_and_characters() {
        let src = Src::new("ab\nçd\\\nef", FileId(3));
        let s = src.span(5);
        assert_eq!((s.file, s.line, s.column), (FileId(3), 2, 2));
        assert_eq!(src.span(0).line, 1);
        assert_eq!(src.span(100).line, 3);
        // The same spans in any order (the last line is cached).
        for pos in [8, 0, 3, 9, 4, 2, 7] {
            assert_eq!(src.span(pos), Src::new(src.text, FileId(3)).span(pos));
            let (a, b) = (src.span(pos), Src::new(src.text, FileId(3)).span(pos));
            assert_eq!((a.line, a.column), (b.line, b.column), "{pos}");
        }
        assert_eq!(src.offset(src.rest(3)), 3);
        assert_eq!(src.rest(4), "");
        assert_eq!(src.offset("elsewhere"), src.len());
        assert_eq!(src.offset_of(src.span(5)), 5);
    }

    #[test]
    fn describes_what_is_at_a_position() {
        let src = Src::new("ab \u{1}\r\n", FileId(0));
        assert_eq!(src.describe(0), "`ab`");
        assert_eq!(src.describe(2), "whitespace");
        assert_eq!(src.describe(3), "`\\u{1}`");
        assert_eq!(src.describe(4), "end of line");
        assert_eq!(src.describe(6), "end of file");
    }
}
