//! The syntax tree of a PCRE pattern as [`super::parse`] reads it: bytes, byte classes,
//! assertions, groups and repetitions, with the pattern's flags already applied (case folding,
//! `.` and `^`/`$` meaning). Lowered to a `regex_syntax::hir::Hir` by [`super::lower`].

use regex_syntax::hir::ClassBytes;

/// A zero-width assertion that regex-automata can evaluate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assertion {
    /// `\A`, or `^` outside multi-line mode.
    Start,
    /// `\z`.
    End,
    /// `^` in multi-line mode (PCRE's default in ModSecurity).
    StartLine,
    /// `$` in multi-line mode.
    EndLine,
    /// `\b` (ASCII word characters, as PCRE without UCP).
    WordBoundary,
    /// `\B`.
    NotWordBoundary,
}

/// One node of a parsed pattern.
#[derive(Clone, Debug)]
pub enum Node {
    /// Matches the empty string.
    Empty,
    /// One literal byte: the one-byte class of that byte (kept without a heap set, as most
    /// bytes of a pattern are literals).
    Byte(u8),
    /// A literal ASCII letter under case folding, stored in lower case: the two-byte class of
    /// the letter and its upper case.
    Letter(u8),
    /// One byte out of a set (case folding is applied).
    Class(ClassBytes),
    /// A zero-width assertion.
    Assert(Assertion),
    /// A group; `index` is the capture group number for capturing groups.
    Group {
        /// The capture group number (1-based) or `None` for `(?:…)`.
        index: Option<u32>,
        /// What the group holds.
        sub: Box<Node>,
    },
    /// A lookahead or lookbehind assertion.
    Lookaround {
        /// True for lookahead, false for lookbehind.
        ahead: bool,
        /// True for `(?!…)`/`(?<!…)`.
        negate: bool,
        /// The asserted pattern.
        sub: Box<Node>,
    },
    /// Items in sequence.
    Concat(Vec<Node>),
    /// Alternatives in preference order.
    Alt(Vec<Node>),
    /// A repetition.
    Repeat {
        /// Fewest repetitions.
        min: u32,
        /// Most repetitions (`None` = unbounded).
        max: Option<u32>,
        /// Greedy (`*`) or lazy (`*?`).
        greedy: bool,
        /// What is repeated.
        sub: Box<Node>,
    },
}

impl Node {
    /// A copy of the tree in which every leaf (`Empty`, `Byte`, `Letter`, `Class`, `Assert`)
    /// is replaced by `leaf(leaf)`; groups, lookarounds, sequences, alternations and
    /// repetitions keep their shape.
    pub fn map_leaves(&self, leaf: &impl Fn(&Node) -> Node) -> Node {
        match self {
            Node::Empty | Node::Byte(_) | Node::Letter(_) | Node::Class(_) | Node::Assert(_) => {
                leaf(self)
            }
            Node::Group { index, sub } => Node::Group {
                index: *index,
                sub: Box::new(sub.map_leaves(leaf)),
            },
            Node::Lookaround { ahead, negate, sub } => Node::Lookaround {
                ahead: *ahead,
                negate: *negate,
                sub: Box::new(sub.map_leaves(leaf)),
            },
            Node::Concat(items) => Node::Concat(items.iter().map(|n| n.map_leaves(leaf)).collect()),
            Node::Alt(items) => Node::Alt(items.iter().map(|n| n.map_leaves(leaf)).collect()),
            Node::Repeat {
                min,
                max,
                greedy,
                sub,
            } => Node::Repeat {
                min: *min,
                max: *max,
                greedy: *greedy,
                sub: Box::new(sub.map_leaves(leaf)),
            },
        }
    }
}

impl Node {
    /// True when the node (or anything inside it) is a lookaround.
    pub fn has_lookaround(&self) -> bool {
        match self {
            Node::Lookaround { .. } => true,
            Node::Group { sub, .. } | Node::Repeat { sub, .. } => sub.has_lookaround(),
            Node::Concat(items) | Node::Alt(items) => items.iter().any(Node::has_lookaround),
            Node::Empty | Node::Byte(_) | Node::Letter(_) | Node::Class(_) | Node::Assert(_) => {
                false
            }
        }
    }
}
