//! A parser for the PCRE2 pattern syntax that ModSecurity v3 compiles (PCRE2 10.42, 8-bit, no
//! UTF, options `DOTALL|MULTILINE`, default "C" character tables), producing an [`ast::Node`]
//! tree.
//!
//! Everything is read as PCRE reads it without UTF mode: a pattern is a string of bytes,
//! `\x{HH}` and `\xHH` are the byte HH, `\w`, `\d`, `\s` and `(?i)` know ASCII only, `.`
//! matches every byte (DOTALL) and `^`/`$` are line anchors (MULTILINE). Constructs that PCRE
//! rejects are [`PcreErrorKind::Syntax`] errors; constructs that PCRE accepts but that cannot
//! run in linear time or that Palisade does not implement (backreferences, atomic groups,
//! possessive quantifiers, recursion, conditionals, `\R`, `\G`, `\Z`, Unicode properties) are
//! [`PcreErrorKind::Unsupported`] errors. Lookarounds are parsed into the tree; whether one can
//! be evaluated is decided when the tree is compiled.

use regex_syntax::hir::{ClassBytes, ClassBytesRange};

use super::ast::{Assertion, Node};
use super::error::{PcreError, PcreErrorKind};

/// PCRE2's default limit on nested parentheses.
const MAX_NESTING: usize = 250;
/// PCRE2's largest repetition count in `{n,m}`.
const MAX_REPEAT: u32 = 65_535;

/// The options in force at a point of the pattern.
#[derive(Clone, Copy, Debug)]
struct Flags {
    caseless: bool,
    multiline: bool,
    dotall: bool,
    extended: bool,
    ungreedy: bool,
    no_auto_capture: bool,
}

/// A parsed pattern.
#[derive(Debug)]
pub struct Parsed {
    /// The tree.
    pub root: Node,
    /// The number of capture groups (not counting group 0).
    pub groups: u32,
}

/// Parses `pattern` with ModSecurity's options (`DOTALL|MULTILINE`, caseless when asked).
pub fn parse(pattern: &[u8], caseless: bool) -> Result<Parsed, PcreError> {
    let mut p = Parser::new(pattern, caseless);
    let root = p.parse_alternation()?;
    if p.pos < p.pat.len() {
        // Only an unmatched `)` stops the top level early.
        return Err(p.err(PcreErrorKind::Syntax("unmatched closing parenthesis")));
    }
    Ok(Parsed {
        root,
        groups: p.groups,
    })
}

struct Parser<'a> {
    pat: &'a [u8],
    pos: usize,
    flags: Flags,
    groups: u32,
    depth: usize,
    /// The items of the alternations and concatenations being parsed, innermost last: each
    /// takes its own items off the top when it ends, in one vector of exact size, instead of
    /// growing a vector of its own item by item.
    stack: Vec<Node>,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `pat`, with ModSecurity's compile options (`PCRE_DOTALL` and
    /// `PCRE_MULTILINE`; `PCRE_CASELESS` when `caseless`).
    fn new(pat: &'a [u8], caseless: bool) -> Self {
        Parser {
            pat,
            pos: 0,
            flags: Flags {
                caseless,
                multiline: true,
                dotall: true,
                extended: false,
                ungreedy: false,
                no_auto_capture: false,
            },
            groups: 0,
            depth: 0,
            stack: Vec::new(),
        }
    }
}

/// What an escape inside or outside a class stands for.
enum Escaped {
    Byte(u8),
    Set(ClassBytes),
    Node(Node),
    /// `\E` or an empty `\Q\E`: nothing.
    Nothing,
}

impl Parser<'_> {
    fn err(&self, kind: PcreErrorKind) -> PcreError {
        PcreError {
            offset: self.pos,
            kind,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.pat.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.pat.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    /// Skips white space and `#` comments in extended mode.
    fn skip_extended(&mut self) {
        if !self.flags.extended {
            return;
        }
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') => self.pos += 1,
                Some(b'#') => {
                    while let Some(b) = self.bump() {
                        if b == b'\n' {
                            break;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn parse_alternation(&mut self) -> Result<Node, PcreError> {
        let base = self.stack.len();
        loop {
            let alt = self.parse_concat()?;
            self.stack.push(alt);
            if self.peek() == Some(b'|') {
                self.pos += 1;
            } else {
                break;
            }
        }
        Ok(if self.stack.len() - base == 1 {
            self.stack.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(self.stack.drain(base..).collect())
        })
    }

    fn parse_concat(&mut self) -> Result<Node, PcreError> {
        let base = self.stack.len();
        loop {
            self.skip_extended();
            match self.peek() {
                None | Some(b'|') | Some(b')') => break,
                _ => {}
            }
            let start = self.pos;
            let Some(atom) = self.parse_atom()? else {
                continue;
            };
            // `\Q…\E` yields a sequence; a quantifier after it applies to its last byte.
            let atom = match atom {
                Node::Concat(mut seq) => {
                    let last = seq.pop().unwrap_or(Node::Empty);
                    self.stack.extend(seq);
                    last
                }
                atom => atom,
            };
            self.skip_extended();
            let atom = self.parse_quantifier(atom, start)?;
            self.stack.push(atom);
        }
        Ok(match self.stack.len() - base {
            0 => Node::Empty,
            1 => self.stack.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(self.stack.drain(base..).collect()),
        })
    }

    /// Reads `{n}`, `{n,}` or `{n,m}` at the current position if it is a valid quantifier.
    /// Returns `(min, max, length in bytes)`. Anything else (PCRE2 10.42 included `{,m}`)
    /// is not a quantifier and the `{` is a literal.
    fn read_brace_quantifier(&self) -> Option<(u64, Option<u64>, usize)> {
        let rest = &self.pat[self.pos..];
        if rest.first() != Some(&b'{') {
            return None;
        }
        let mut i = 1;
        let digits = |i: &mut usize| -> Option<u64> {
            let start = *i;
            let mut v: u64 = 0;
            while let Some(d) = rest.get(*i).filter(|d| d.is_ascii_digit()) {
                v = v.saturating_mul(10).saturating_add(u64::from(d - b'0'));
                *i += 1;
            }
            (*i > start).then_some(v)
        };
        let min = digits(&mut i)?;
        match rest.get(i) {
            Some(b'}') => Some((min, Some(min), i + 1)),
            Some(b',') => {
                i += 1;
                let max = digits(&mut i);
                (rest.get(i) == Some(&b'}')).then_some((min, max, i + 1))
            }
            _ => None,
        }
    }

    fn parse_quantifier(&mut self, atom: Node, atom_start: usize) -> Result<Node, PcreError> {
        let (min, max) = match self.peek() {
            Some(b'*') => {
                self.pos += 1;
                (0, None)
            }
            Some(b'+') => {
                self.pos += 1;
                (1, None)
            }
            Some(b'?') => {
                self.pos += 1;
                (0, Some(1))
            }
            Some(b'{') => match self.read_brace_quantifier() {
                Some((min, max, len)) => {
                    if min > u64::from(MAX_REPEAT) || max.is_some_and(|m| m > u64::from(MAX_REPEAT))
                    {
                        return Err(
                            self.err(PcreErrorKind::Syntax("number too big in {} quantifier"))
                        );
                    }
                    if max.is_some_and(|m| m < min) {
                        return Err(self.err(PcreErrorKind::Syntax(
                            "numbers out of order in {} quantifier",
                        )));
                    }
                    self.pos += len;
                    // Bounded by MAX_REPEAT above.
                    (min as u32, max.map(|m| m as u32))
                }
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        let mut greedy = !self.flags.ungreedy;
        match self.peek() {
            Some(b'?') => {
                self.pos += 1;
                greedy = !greedy;
            }
            Some(b'+') => {
                return Err(self.err(PcreErrorKind::Unsupported(
                    "possessive quantifiers (*+, ++, ?+, {n,m}+) cannot be matched without backtracking",
                )));
            }
            _ => {}
        }
        match atom {
            Node::Assert(_) | Node::Lookaround { .. } => Err(PcreError {
                offset: atom_start,
                kind: PcreErrorKind::Syntax("quantifier does not follow a repeatable item"),
            }),
            atom => Ok(Node::Repeat {
                min,
                max,
                greedy,
                sub: Box::new(atom),
            }),
        }
    }

    /// Parses one item; `None` for items that match nothing at all (option settings,
    /// comments, `\E`).
    fn parse_atom(&mut self) -> Result<Option<Node>, PcreError> {
        let Some(b) = self.bump() else {
            return Ok(None);
        };
        match b {
            b'(' => self.parse_group(),
            b'[' => Ok(Some(Node::Class(self.parse_class()?))),
            b'.' => Ok(Some(Node::Class(if self.flags.dotall {
                full_class()
            } else {
                negate(&byte_class(b'\n'))
            }))),
            b'^' => Ok(Some(Node::Assert(if self.flags.multiline {
                Assertion::StartLine
            } else {
                Assertion::Start
            }))),
            b'$' => {
                if self.flags.multiline {
                    Ok(Some(Node::Assert(Assertion::EndLine)))
                } else {
                    self.pos -= 1;
                    Err(self.err(PcreErrorKind::Unsupported(
                        "`$` outside multi-line mode (end of subject or before a final newline)",
                    )))
                }
            }
            b'\\' => match self.parse_escape(false)? {
                Escaped::Byte(b) => Ok(Some(self.literal(b))),
                Escaped::Set(set) => Ok(Some(Node::Class(set))),
                Escaped::Node(node) => Ok(Some(node)),
                Escaped::Nothing => Ok(None),
            },
            b'*' | b'+' | b'?' => {
                self.pos -= 1;
                Err(self.err(PcreErrorKind::Syntax(
                    "quantifier does not follow a repeatable item",
                )))
            }
            b'{' => {
                self.pos -= 1;
                if self.read_brace_quantifier().is_some() {
                    return Err(self.err(PcreErrorKind::Syntax(
                        "quantifier does not follow a repeatable item",
                    )));
                }
                self.pos += 1;
                Ok(Some(self.literal(b'{')))
            }
            b => Ok(Some(self.literal(b))),
        }
    }

    fn literal(&self, b: u8) -> Node {
        // What `fold_ascii` makes of the byte's class (this runs for every literal byte of a
        // caseless pattern): a letter and its other case, else the byte; both without a heap
        // set (see `Node::Byte`, `Node::Letter`).
        if self.flags.caseless && b.is_ascii_alphabetic() {
            return Node::Letter(b.to_ascii_lowercase());
        }
        Node::Byte(b)
    }

    fn parse_group(&mut self) -> Result<Option<Node>, PcreError> {
        let open = self.pos - 1;
        if self.depth >= MAX_NESTING {
            return Err(self.err(PcreErrorKind::Syntax("parentheses are too deeply nested")));
        }
        if self.peek() == Some(b'*') {
            return Err(self.err(PcreErrorKind::Unsupported(
                "backtracking control verbs and start-of-pattern options (*…)",
            )));
        }
        let saved = self.flags;
        let mut index = None;
        let mut look: Option<(bool, bool)> = None;
        if self.peek() == Some(b'?') {
            self.pos += 1;
            match self.peek() {
                Some(b'#') => {
                    while let Some(b) = self.bump() {
                        if b == b')' {
                            return Ok(None);
                        }
                    }
                    return Err(PcreError {
                        offset: open,
                        kind: PcreErrorKind::Syntax("missing ) at end of (?# comment"),
                    });
                }
                Some(b':') => self.pos += 1,
                Some(b'=') => {
                    self.pos += 1;
                    look = Some((true, false));
                }
                Some(b'!') => {
                    self.pos += 1;
                    look = Some((true, true));
                }
                Some(b'<') if matches!(self.peek_at(1), Some(b'=' | b'!')) => {
                    look = Some((false, self.peek_at(1) == Some(b'!')));
                    self.pos += 2;
                }
                Some(b'<') | Some(b'\'') => {
                    let close = if self.peek() == Some(b'<') {
                        b'>'
                    } else {
                        b'\''
                    };
                    self.pos += 1;
                    self.read_group_name(close)?;
                    index = Some(self.next_group());
                }
                Some(b'P') => match self.peek_at(1) {
                    Some(b'<') => {
                        self.pos += 2;
                        self.read_group_name(b'>')?;
                        index = Some(self.next_group());
                    }
                    Some(b'=') => {
                        return Err(self.err(PcreErrorKind::Unsupported(
                            "backreferences cannot be matched in linear time",
                        )));
                    }
                    _ => {
                        return Err(
                            self.err(PcreErrorKind::Unsupported("subroutine calls and recursion"))
                        );
                    }
                },
                Some(b'>') => {
                    return Err(self.err(PcreErrorKind::Unsupported(
                        "atomic groups (?>…) cannot be matched without backtracking",
                    )));
                }
                Some(b'|') => {
                    return Err(self.err(PcreErrorKind::Unsupported("branch reset groups (?|…)")));
                }
                Some(b'(') => {
                    return Err(self.err(PcreErrorKind::Unsupported("conditional groups (?(…)…)")));
                }
                Some(b'C') => return Err(self.err(PcreErrorKind::Unsupported("callouts (?C…)"))),
                Some(b'R' | b'&' | b'+' | b'0'..=b'9') => {
                    return Err(
                        self.err(PcreErrorKind::Unsupported("subroutine calls and recursion"))
                    );
                }
                Some(b'-') if matches!(self.peek_at(1), Some(b'0'..=b'9')) => {
                    return Err(
                        self.err(PcreErrorKind::Unsupported("subroutine calls and recursion"))
                    );
                }
                _ => {
                    // Option letters: (?imnsxU-imnsxU) or (?imnsxU-imnsxU:…)
                    let mut on = true;
                    let mut seen_hyphen = false;
                    loop {
                        let Some(c) = self.bump() else {
                            return Err(PcreError {
                                offset: open,
                                kind: PcreErrorKind::Syntax("missing closing parenthesis"),
                            });
                        };
                        match c {
                            b'i' => self.flags.caseless = on,
                            b'm' => self.flags.multiline = on,
                            b's' => self.flags.dotall = on,
                            b'n' => self.flags.no_auto_capture = on,
                            b'U' => self.flags.ungreedy = on,
                            b'J' => {}
                            b'x' => {
                                if self.peek() == Some(b'x') {
                                    return Err(
                                        self.err(PcreErrorKind::Unsupported("the (?xx) option"))
                                    );
                                }
                                self.flags.extended = on;
                            }
                            b'^' if !seen_hyphen && self.pos == open + 3 => {
                                self.flags.caseless = false;
                                self.flags.multiline = false;
                                self.flags.dotall = false;
                                self.flags.extended = false;
                                self.flags.no_auto_capture = false;
                            }
                            b'-' if !seen_hyphen => {
                                seen_hyphen = true;
                                on = false;
                            }
                            b')' => {
                                // Applies to the rest of the enclosing group.
                                return Ok(None);
                            }
                            b':' => break,
                            _ => {
                                self.pos -= 1;
                                return Err(self.err(PcreErrorKind::Syntax(
                                    "unrecognized character after (? or (?-",
                                )));
                            }
                        }
                    }
                }
            }
        } else if !self.flags.no_auto_capture {
            index = Some(self.next_group());
        }
        self.depth += 1;
        let sub = self.parse_alternation()?;
        self.depth -= 1;
        if self.bump() != Some(b')') {
            return Err(PcreError {
                offset: open,
                kind: PcreErrorKind::Syntax("missing closing parenthesis"),
            });
        }
        self.flags = saved;
        Ok(Some(match look {
            Some((ahead, negate)) => Node::Lookaround {
                ahead,
                negate,
                sub: Box::new(sub),
            },
            None => Node::Group {
                index,
                sub: Box::new(sub),
            },
        }))
    }

    fn next_group(&mut self) -> u32 {
        self.groups += 1;
        self.groups
    }

    fn read_group_name(&mut self, close: u8) -> Result<(), PcreError> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b == close {
                if self.pos == start || self.pat[start].is_ascii_digit() {
                    return Err(self.err(PcreErrorKind::Syntax(
                        "group name must start with a non-digit",
                    )));
                }
                self.pos += 1;
                return Ok(());
            }
            if !(b.is_ascii_alphanumeric() || b == b'_') {
                return Err(self.err(PcreErrorKind::Syntax("syntax error in subpattern name")));
            }
            self.pos += 1;
        }
        Err(self.err(PcreErrorKind::Syntax(
            "syntax error in subpattern name (missing terminator)",
        )))
    }

    /// Parses an escape after `\` (the backslash is consumed).
    fn parse_escape(&mut self, in_class: bool) -> Result<Escaped, PcreError> {
        let Some(c) = self.bump() else {
            return Err(self.err(PcreErrorKind::Syntax("\\ at end of pattern")));
        };
        let class = |set: ClassBytes| Ok(Escaped::Set(set));
        match c {
            b'd' => class(digit_class()),
            b'D' => class(negate(&digit_class())),
            b'w' => class(word_class()),
            b'W' => class(negate(&word_class())),
            b's' => class(space_class()),
            b'S' => class(negate(&space_class())),
            b'h' => class(hspace_class()),
            b'H' => class(negate(&hspace_class())),
            b'v' => class(vspace_class()),
            b'V' => class(negate(&vspace_class())),
            b'n' => Ok(Escaped::Byte(b'\n')),
            b'r' => Ok(Escaped::Byte(b'\r')),
            b't' => Ok(Escaped::Byte(b'\t')),
            b'f' => Ok(Escaped::Byte(0x0c)),
            b'e' => Ok(Escaped::Byte(0x1b)),
            b'a' => Ok(Escaped::Byte(0x07)),
            b'c' => {
                let Some(x) = self.bump() else {
                    return Err(self.err(PcreErrorKind::Syntax("\\c at end of pattern")));
                };
                if !(32..=126).contains(&x) {
                    return Err(self.err(PcreErrorKind::Syntax(
                        "\\c must be followed by a printable ASCII character",
                    )));
                }
                Ok(Escaped::Byte(x.to_ascii_uppercase() ^ 0x40))
            }
            b'x' => {
                if self.peek() == Some(b'{') {
                    self.pos += 1;
                    let v = self.read_radix_until_brace(16)?;
                    Ok(Escaped::Byte(v))
                } else {
                    let mut v: u8 = 0;
                    for _ in 0..2 {
                        match self.peek().and_then(|d| (d as char).to_digit(16)) {
                            Some(d) => {
                                v = v * 16 + d as u8;
                                self.pos += 1;
                            }
                            None => break,
                        }
                    }
                    Ok(Escaped::Byte(v))
                }
            }
            b'o' => {
                if self.peek() != Some(b'{') {
                    return Err(self.err(PcreErrorKind::Syntax("missing opening brace after \\o")));
                }
                self.pos += 1;
                Ok(Escaped::Byte(self.read_radix_until_brace(8)?))
            }
            b'0' => {
                let mut v: u32 = 0;
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                Ok(Escaped::Byte(v as u8))
            }
            b'1'..=b'7' if in_class => {
                // Octal inside a class: up to three octal digits.
                let mut v: u32 = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                if v > 0xff {
                    return Err(self.err(PcreErrorKind::Syntax(
                        "octal value is greater than \\377 in 8-bit non-UTF mode",
                    )));
                }
                Ok(Escaped::Byte(v as u8))
            }
            b'8' | b'9' if in_class => Ok(Escaped::Byte(c)),
            b'1'..=b'9' | b'g' | b'k' => {
                self.pos -= 1;
                Err(self.err(PcreErrorKind::Unsupported(
                    "backreferences cannot be matched in linear time",
                )))
            }
            b'b' if in_class => Ok(Escaped::Byte(0x08)),
            b'b' => Ok(Escaped::Node(Node::Assert(Assertion::WordBoundary))),
            b'B' if !in_class => Ok(Escaped::Node(Node::Assert(Assertion::NotWordBoundary))),
            b'A' if !in_class => Ok(Escaped::Node(Node::Assert(Assertion::Start))),
            b'z' if !in_class => Ok(Escaped::Node(Node::Assert(Assertion::End))),
            b'C' if !in_class => Ok(Escaped::Set(full_class())),
            b'N' if !in_class => {
                if self.peek() == Some(b'{') {
                    return Err(self.err(PcreErrorKind::Syntax(
                        "\\N{name} is not supported without UTF mode",
                    )));
                }
                Ok(Escaped::Set(negate(&byte_class(b'\n'))))
            }
            b'Z' | b'G' | b'K' | b'R' | b'X' if !in_class => {
                self.pos -= 1;
                Err(self.err(PcreErrorKind::Unsupported(match c {
                    b'Z' => "\\Z (end of subject or before a final newline)",
                    b'G' => "\\G (first matching position)",
                    b'K' => "\\K (reset match start)",
                    b'R' => "\\R (an atomic newline sequence)",
                    _ => "\\X (extended grapheme clusters)",
                })))
            }
            b'p' | b'P' => {
                self.pos -= 1;
                Err(self.err(PcreErrorKind::Unsupported(
                    "Unicode properties \\p and \\P (ModSecurity compiles without UTF)",
                )))
            }
            b'Q' => {
                let start = self.pos;
                let end =
                    find_subslice(&self.pat[start..], b"\\E").map_or(self.pat.len(), |i| start + i);
                let text = self.pat[start..end].to_vec();
                self.pos = if end < self.pat.len() { end + 2 } else { end };
                if in_class {
                    // The caller reads \Q…\E in classes itself.
                    return Ok(Escaped::Nothing);
                }
                let items: Vec<Node> = text.iter().map(|&b| self.literal(b)).collect();
                Ok(match items.len() {
                    0 => Escaped::Nothing,
                    _ => Escaped::Node(Node::Concat(items)),
                })
            }
            b'E' => Ok(Escaped::Nothing),
            c if c.is_ascii_alphanumeric() => {
                self.pos -= 1;
                Err(self.err(PcreErrorKind::Syntax("unrecognized character follows \\")))
            }
            c => Ok(Escaped::Byte(c)),
        }
    }

    /// Reads digits of `radix` up to `}` for `\x{…}` and `\o{…}`; the value must fit a byte.
    fn read_radix_until_brace(&mut self, radix: u32) -> Result<u8, PcreError> {
        let start = self.pos;
        let mut v: u32 = 0;
        while let Some(d) = self.peek().and_then(|d| (d as char).to_digit(radix)) {
            v = v.saturating_mul(radix).saturating_add(d);
            self.pos += 1;
        }
        if self.pos == start || self.peek() != Some(b'}') {
            return Err(self.err(PcreErrorKind::Syntax(
                "non-hex character in \\x{} or missing closing brace",
            )));
        }
        self.pos += 1;
        u8::try_from(v).map_err(|_| {
            self.err(PcreErrorKind::Syntax(
                "character code point value in \\x{} or \\o{} is too large (no UTF mode)",
            ))
        })
    }

    /// Parses a character class after `[`.
    fn parse_class(&mut self) -> Result<ClassBytes, PcreError> {
        let open = self.pos - 1;
        let mut negated = false;
        if self.peek() == Some(b'^') {
            self.pos += 1;
            negated = true;
        }
        let mut set = ClassBytes::empty();
        let mut first = true;
        // The previous single byte, which may start a range.
        let mut prev: Option<u8> = None;
        loop {
            let Some(b) = self.peek() else {
                return Err(PcreError {
                    offset: open,
                    kind: PcreErrorKind::Syntax("missing terminating ] for character class"),
                });
            };
            if b == b']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            // A range?
            if b == b'-' && prev.is_some() && self.peek_at(1).is_some_and(|c| c != b']') {
                self.pos += 1;
                let lo = prev.take().unwrap_or(0);
                let hi = match self.class_item()? {
                    ClassItem::Byte(hi) => hi,
                    ClassItem::Set(_) => {
                        return Err(
                            self.err(PcreErrorKind::Syntax("invalid range in character class"))
                        );
                    }
                    ClassItem::Nothing => {
                        // `[a-\E]` and friends: PCRE treats the hyphen literally.
                        set.push(ClassBytesRange::new(b'-', b'-'));
                        continue;
                    }
                };
                if hi < lo {
                    return Err(self.err(PcreErrorKind::Syntax(
                        "range out of order in character class",
                    )));
                }
                set.push(ClassBytesRange::new(lo, hi));
                continue;
            }
            match self.class_item()? {
                ClassItem::Byte(c) => {
                    set.push(ClassBytesRange::new(c, c));
                    prev = Some(c);
                }
                ClassItem::Set(s) => {
                    set.union(&s);
                    prev = None;
                    if self.peek() == Some(b'-') && self.peek_at(1).is_some_and(|c| c != b']') {
                        return Err(
                            self.err(PcreErrorKind::Syntax("invalid range in character class"))
                        );
                    }
                }
                ClassItem::Nothing => {}
            }
        }
        if self.flags.caseless {
            fold_ascii(&mut set);
        }
        Ok(if negated { negate(&set) } else { set })
    }

    fn class_item(&mut self) -> Result<ClassItem, PcreError> {
        let Some(b) = self.bump() else {
            return Err(self.err(PcreErrorKind::Syntax(
                "missing terminating ] for character class",
            )));
        };
        match b {
            b'[' => {
                if let Some(set) = self.posix_class()? {
                    return Ok(ClassItem::Set(set));
                }
                Ok(ClassItem::Byte(b'['))
            }
            b'\\' => {
                if self.peek() == Some(b'Q') {
                    // \Q…\E inside a class: each byte literally.
                    self.pos += 1;
                    let start = self.pos;
                    let end = find_subslice(&self.pat[start..], b"\\E")
                        .map_or(self.pat.len(), |i| start + i);
                    let mut set = ClassBytes::empty();
                    for &c in &self.pat[start..end] {
                        set.push(ClassBytesRange::new(c, c));
                    }
                    self.pos = if end < self.pat.len() { end + 2 } else { end };
                    return Ok(match self.pat[start..end] {
                        [] => ClassItem::Nothing,
                        [c] => ClassItem::Byte(c),
                        _ => ClassItem::Set(set),
                    });
                }
                if let Some(b'N' | b'R' | b'X' | b'B') = self.peek() {
                    return Err(self.err(PcreErrorKind::Syntax(
                        "escape sequence is invalid in character class",
                    )));
                }
                match self.parse_escape(true)? {
                    Escaped::Byte(c) => Ok(ClassItem::Byte(c)),
                    Escaped::Set(s) => Ok(ClassItem::Set(s)),
                    Escaped::Node(_) => Err(self.err(PcreErrorKind::Syntax(
                        "escape sequence is invalid in character class",
                    ))),
                    Escaped::Nothing => Ok(ClassItem::Nothing),
                }
            }
            c => Ok(ClassItem::Byte(c)),
        }
    }

    /// After `[` inside a class: a POSIX class `[:name:]` or `[:^name:]` if the syntax is
    /// there, else `None` (and the `[` is a literal).
    fn posix_class(&mut self) -> Result<Option<ClassBytes>, PcreError> {
        let Some(kind @ (b':' | b'.' | b'=')) = self.peek() else {
            return Ok(None);
        };
        // PCRE looks for the terminator `:]` (or `.]`, `=]`) before any `]` or `\`.
        let start = self.pos + 1;
        let mut i = start;
        while let Some(&c) = self.pat.get(i) {
            if c == b'\\' || c == b']' || c == b'[' {
                return Ok(None);
            }
            if c == kind && self.pat.get(i + 1) == Some(&b']') {
                break;
            }
            i += 1;
        }
        if i >= self.pat.len() {
            return Ok(None);
        }
        if kind != b':' {
            return Err(self.err(PcreErrorKind::Syntax(
                "POSIX collating elements are not supported",
            )));
        }
        let mut name = &self.pat[start..i];
        let mut neg = false;
        if name.first() == Some(&b'^') {
            neg = true;
            name = &name[1..];
        }
        let set = match name {
            b"alpha" => ranges(&[(b'a', b'z'), (b'A', b'Z')]),
            b"digit" => digit_class(),
            b"alnum" => ranges(&[(b'a', b'z'), (b'A', b'Z'), (b'0', b'9')]),
            b"lower" => ranges(&[(b'a', b'z')]),
            b"upper" => ranges(&[(b'A', b'Z')]),
            b"space" => space_class(),
            b"blank" => ranges(&[(b' ', b' '), (b'\t', b'\t')]),
            b"cntrl" => ranges(&[(0, 31), (127, 127)]),
            b"graph" => ranges(&[(33, 126)]),
            b"print" => ranges(&[(32, 126)]),
            b"punct" => ranges(&[(33, 47), (58, 64), (91, 96), (123, 126)]),
            b"xdigit" => ranges(&[(b'0', b'9'), (b'a', b'f'), (b'A', b'F')]),
            b"word" => word_class(),
            b"ascii" => ranges(&[(0, 127)]),
            _ => {
                return Err(self.err(PcreErrorKind::Syntax("unknown POSIX class name")));
            }
        };
        self.pos = i + 2;
        Ok(Some(if neg { negate(&set) } else { set }))
    }
}

enum ClassItem {
    Byte(u8),
    Set(ClassBytes),
    Nothing,
}

fn find_subslice(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// A class of the given inclusive byte ranges.
pub fn ranges(r: &[(u8, u8)]) -> ClassBytes {
    ClassBytes::new(r.iter().map(|&(a, b)| ClassBytesRange::new(a, b)))
}

fn byte_class(b: u8) -> ClassBytes {
    ranges(&[(b, b)])
}

fn full_class() -> ClassBytes {
    ranges(&[(0, 255)])
}

fn negate(set: &ClassBytes) -> ClassBytes {
    let mut s = set.clone();
    s.negate();
    s
}

fn digit_class() -> ClassBytes {
    ranges(&[(b'0', b'9')])
}

fn word_class() -> ClassBytes {
    ranges(&[(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')])
}

/// PCRE2's `\s` with the C tables: space, \t, \n, \v, \f, \r.
fn space_class() -> ClassBytes {
    ranges(&[(b'\t', b'\r'), (b' ', b' ')])
}

/// `\h` without UTF: tab, space, NBSP (0xA0).
fn hspace_class() -> ClassBytes {
    ranges(&[(b'\t', b'\t'), (b' ', b' '), (0xa0, 0xa0)])
}

/// `\v` without UTF: \n, \v, \f, \r, NEL (0x85).
fn vspace_class() -> ClassBytes {
    ranges(&[(b'\n', b'\r'), (0x85, 0x85)])
}

/// Adds the other ASCII case of every ASCII letter in the set.
pub fn fold_ascii(set: &mut ClassBytes) {
    let mut extra = ClassBytes::empty();
    for r in set.iter() {
        let (lo, hi) = (r.start(), r.end());
        let clip = |a: u8, b: u8| (lo.max(a), hi.min(b));
        let (l, h) = clip(b'a', b'z');
        if l <= h {
            extra.push(ClassBytesRange::new(l - 32, h - 32));
        }
        let (l, h) = clip(b'A', b'Z');
        if l <= h {
            extra.push(ClassBytesRange::new(l + 32, h + 32));
        }
    }
    set.union(&extra);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) -> Parsed {
        match parse(p.as_bytes(), false) {
            Ok(x) => x,
            Err(e) => panic!("{p}: {e}"),
        }
    }

    fn err(p: &str) -> PcreErrorKind {
        match parse(p.as_bytes(), false) {
            Ok(x) => panic!("{p}: parsed as {:?}", x.root),
            Err(e) => e.kind,
        }
    }

    #[test]
    fn caseless_literals_are_their_folded_class() {
        for b in 0..=255u8 {
            let mut folded = byte_class(b);
            fold_ascii(&mut folded);
            let parser = Parser::new(b"", true);
            match parser.literal(b) {
                Node::Letter(l) => {
                    assert_eq!(super::super::lower::letter_class(l), folded, "byte {b}")
                }
                Node::Byte(c) => assert_eq!(byte_class(c), folded, "byte {b}"),
                other => panic!("byte {b}: {other:?}"),
            }
            // Without case folding, every byte is itself.
            match Parser::new(b"", false).literal(b) {
                Node::Byte(c) => assert_eq!(c, b),
                other => panic!("byte {b}: {other:?}"),
            }
        }
    }

    #[test]
    fn counts_groups_in_opening_order() {
        assert_eq!(ok("(a)(?:b)(c(d))").groups, 3);
        assert_eq!(ok("(?<n>a)(?P<m>b)(?'o'c)").groups, 3);
        assert_eq!(ok("(?n)(a)(?<x>b)").groups, 1);
    }

    #[test]
    fn literal_braces_and_quantifiers() {
        // `{,3}` is a literal in PCRE2 10.42, as is an unclosed brace.
        ok("a{,3}");
        ok("a{");
        ok("{foo}");
        ok("x{2,3}");
        assert!(matches!(err("{2}"), PcreErrorKind::Syntax(_)));
        assert!(matches!(err("a{3,2}"), PcreErrorKind::Syntax(_)));
        assert!(matches!(err("a{70000}"), PcreErrorKind::Syntax(_)));
    }

    #[test]
    fn rejects_what_cannot_run_in_linear_time() {
        for p in [
            r"(a)\1",
            "(?>a)",
            "a++",
            "a*+",
            r"\k<x>",
            "(?R)",
            "(?(1)a|b)",
            r"\R",
            r"\G",
        ] {
            assert!(matches!(err(p), PcreErrorKind::Unsupported(_)), "{p}");
        }
    }

    #[test]
    fn rejects_what_pcre_rejects() {
        for p in [
            "(", ")", "[a", r"\", r"\y", "*a", "a|*", r"\x{100}", "[z-a]", r"[\d-z]", "(?Q)",
        ] {
            assert!(matches!(err(p), PcreErrorKind::Syntax(_)), "{p}");
        }
    }

    #[test]
    fn accepts_crs_spellings() {
        for p in [
            r"\x{bc}[^>\x{be}]*[>\x{be}]",
            r"[^!\x22\(\),/:-\?\[-\]\{\}]+",
            r"(?i)\b(?:a|b)\b",
            r"[[:alpha:]][[:^digit:]]",
            r"[]a]",
            r"[^]a]",
            r"[a\]]",
            r"\Qa.b\E+",
            r"(?i:x)(?-i)y",
            r"\<\>\'\,",
            r"(?x) a b # comment",
        ] {
            ok(p);
        }
    }
}
