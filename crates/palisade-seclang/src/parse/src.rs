//! The text being parsed: bytes, positions, and the scanning primitives every parser uses
//! (inline whitespace with backslash-newline continuations, words, line ends).
//!
//! Positions are byte offsets into the text; [`Src::span`] turns one into a [`Span`] (1-based
//! line, 1-based column counted in characters) with a binary search in the line table.

use crate::{Diagnostic, FileId, Span};

/// A file's text with its line table.
pub(crate) struct Src<'a> {
    pub text: &'a str,
    pub bytes: &'a [u8],
    /// Byte offsets of line starts (u32: texts are limited to 4 GiB, see [`Src::MAX_LEN`]).
    line_starts: Vec<u32>,
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
            bytes,
            line_starts,
            file,
        }
    }

    /// The byte at `pos`, if any.
    #[inline]
    pub fn at(&self, pos: usize) -> Option<u8> {
        self.bytes.get(pos).copied()
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The span of byte offset `pos` (clamped to the text, moved back to a char boundary).
    pub fn span(&self, pos: usize) -> Span {
        let mut pos = pos.min(self.bytes.len());
        while pos > 0 && !self.text.is_char_boundary(pos) {
            pos -= 1;
        }
        let key = u32::try_from(pos).unwrap_or(u32::MAX);
        let line_idx = match self.line_starts.binary_search(&key) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self
            .line_starts
            .get(line_idx)
            .map_or(0, |&s| usize::try_from(s).unwrap_or(0));
        // Characters = bytes that are not UTF-8 continuation bytes.
        let column = self
            .bytes
            .get(start..pos)
            .map_or(0, |b| b.iter().filter(|&&c| (c & 0xC0) != 0x80).count())
            + 1;
        Span {
            file: self.file,
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// The byte offset of a span of this file (the inverse of [`Src::span`]).
    pub fn offset_of(&self, span: Span) -> usize {
        let line = usize::try_from(span.line.max(1) - 1).unwrap_or(0);
        let Some(start) = self
            .line_starts
            .get(line)
            .and_then(|&s| usize::try_from(s).ok())
        else {
            return self.bytes.len();
        };
        let col = usize::try_from(span.column.max(1) - 1).unwrap_or(0);
        let rest = self.text.get(start..).unwrap_or("");
        start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i)
    }

    pub fn error(&self, pos: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.span(pos), message)
    }

    pub fn warning(&self, pos: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(self.span(pos), message)
    }

    /// The text between two byte offsets (empty if they do not fall on char boundaries).
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// If a backslash-newline continuation (`\` `\n` or `\` `\r\n`) starts at `pos`, the offset
    /// after it.
    #[inline]
    pub fn continuation_at(&self, pos: usize) -> Option<usize> {
        if self.at(pos) != Some(b'\\') {
            return None;
        }
        match self.at(pos + 1) {
            Some(b'\n') => Some(pos + 2),
            Some(b'\r') if self.at(pos + 2) == Some(b'\n') => Some(pos + 3),
            _ => None,
        }
    }

    /// Skips spaces, tabs and backslash-newline continuations.
    pub fn skip_inline_ws(&self, mut pos: usize) -> usize {
        loop {
            match self.at(pos) {
                Some(b' ' | b'\t') => pos += 1,
                Some(b'\\') => match self.continuation_at(pos) {
                    Some(p) => pos = p,
                    None => return pos,
                },
                _ => return pos,
            }
        }
    }

    /// True when `pos` is at a line end (`\n`, `\r\n`) or at the end of the text.
    pub fn at_line_end(&self, pos: usize) -> bool {
        match self.at(pos) {
            None | Some(b'\n') => true,
            Some(b'\r') => matches!(self.at(pos + 1), None | Some(b'\n')),
            _ => false,
        }
    }

    /// The offset of the end of the physical line holding `pos` (at its `\n`, or the text's end).
    pub fn line_end(&self, pos: usize) -> usize {
        match self
            .bytes
            .get(pos..)
            .and_then(|b| b.iter().position(|&c| c == b'\n'))
        {
            Some(i) => pos + i,
            None => self.bytes.len(),
        }
    }

    /// The offset just after the logical line holding `pos`: physical lines that end with a
    /// backslash continue onto the next.
    pub fn logical_line_end(&self, mut pos: usize) -> usize {
        loop {
            let end = self.line_end(pos);
            let mut before = end;
            if before > 0 && self.at(before - 1) == Some(b'\r') {
                before -= 1;
            }
            let continued = before > 0 && self.at(before - 1) == Some(b'\\');
            if end >= self.bytes.len() {
                return end;
            }
            if !continued {
                return end + 1;
            }
            pos = end + 1;
        }
    }

    /// The end of a word of ASCII letters, digits and `_` starting at `pos`.
    pub fn word_end(&self, mut pos: usize) -> usize {
        while let Some(c) = self.at(pos) {
            if c.is_ascii_alphanumeric() || c == b'_' {
                pos += 1;
            } else {
                break;
            }
        }
        pos
    }

    /// A short, printable description of what is at `pos`, for "found …" in messages.
    pub fn describe(&self, pos: usize) -> String {
        if pos >= self.bytes.len() {
            return "end of file".to_owned();
        }
        if self.at_line_end(pos) {
            return "end of line".to_owned();
        }
        if matches!(self.at(pos), Some(b' ' | b'\t')) {
            return "whitespace".to_owned();
        }
        let rest = self.text.get(pos..).unwrap_or("");
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
        assert_eq!(src.logical_line_end(3), src.len());
        assert_eq!(src.logical_line_end(0), 3);
        assert_eq!(src.skip_inline_ws(6), 8);
    }
}
