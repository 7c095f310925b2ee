//! Source positions: which file, line and column a piece of SecLang came from.

/// Identifies one file read during a parse; an index into the parse's file table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A position in a rule file: file, 1-based line and 1-based column (in characters).
///
/// Spans are not part of an AST's identity: two AST nodes that differ only in their spans
/// compare equal, so that `parse(print(ast)) == ast` holds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    /// The file, as an index into the parse's file table.
    pub file: FileId,
    /// 1-based line number.
    pub line: u32,
    /// 1-based column number, counted in characters.
    pub column: u32,
}

impl PartialEq for Span {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Eq for Span {}

impl core::hash::Hash for Span {
    fn hash<H: core::hash::Hasher>(&self, _state: &mut H) {}
}
