//! [`PcreRegex`]: a PCRE pattern compiled the way ModSecurity v3 compiles it
//! (`PCRE2_DOTALL|PCRE2_MULTILINE`, 8-bit, no UTF), running on regex-automata's meta engine
//! in byte mode. No backtracking engine is used: the meta engine is configured without its
//! bounded backtracker, so every search is linear in the haystack.
//!
//! One construct beyond regex-automata's syntax is supported because ModSecurity's own test
//! vectors use it: a single lookahead at the very end of the pattern (`<\?(?!xml)`), when the
//! part before it always matches the same number of bytes and the lookahead's body has a
//! bounded length. Every candidate start is then tried in order, which is what PCRE does, and
//! each try costs a bounded amount of work.
//!
//! Known divergence: PCRE's multi-line `^` does not match after a newline that ends the
//! subject; regex-automata's does. A pattern can only notice when `^` is followed by something
//! that matches the empty string at the end of the subject (`^$` on `"a\n"`).

use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, meta};
use regex_syntax::hir::{Hir, Look};

use super::ast::Node;
use super::error::{PcreError, PcreErrorKind};
use super::lower::lower;
use super::parse::parse;

/// Size limits for compiled regexes. Exceeding one is a compile error naming the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegexLimits {
    /// Largest Thompson NFA, in bytes of heap (regex-automata's `nfa_size_limit`).
    pub nfa_size: usize,
    /// Largest fully compiled DFA the meta engine may build, in bytes.
    pub dfa_size: usize,
    /// Capacity of the lazy DFA's cache, in bytes (a per-thread cost).
    pub hybrid_cache: usize,
}

impl Default for RegexLimits {
    /// 32 MiB of NFA, 4 MiB of DFA, 2 MiB of lazy DFA cache: every CRS v4 pattern fits.
    fn default() -> Self {
        RegexLimits {
            nfa_size: 32 << 20,
            dfa_size: 4 << 20,
            hybrid_cache: 2 << 20,
        }
    }
}

/// Capture group spans: index 0 is the whole match; `None` is a group that did not take part.
pub type Slots = Vec<Option<(usize, usize)>>;

/// The trailing lookahead of a pattern `P(?=Q)` or `P(?!Q)`.
#[derive(Clone, Debug)]
struct Lookahead {
    re: meta::Regex,
    negate: bool,
    /// Length of every match of P.
    p_len: usize,
}

/// A compiled pattern. Cheap to share (`Send + Sync`); searches allocate only when captures
/// are asked for.
#[derive(Clone, Debug)]
pub struct PcreRegex {
    pattern: Box<[u8]>,
    main: meta::Regex,
    lookahead: Option<Lookahead>,
    /// Groups of the main part, including group 0.
    main_groups: usize,
    /// All groups of the pattern, including group 0.
    groups: usize,
    hir: Hir,
}

/// The largest length accepted for the body of a trailing lookahead.
const MAX_LOOKAHEAD_LEN: usize = 4096;

fn build(hir: &Hir, limits: &RegexLimits) -> Result<meta::Regex, PcreError> {
    let config = meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(false)
        .backtrack(false)
        .nfa_size_limit(Some(limits.nfa_size))
        .dfa_size_limit(Some(limits.dfa_size))
        .onepass_size_limit(Some(limits.dfa_size))
        .hybrid_cache_capacity(limits.hybrid_cache);
    meta::Builder::new()
        .configure(config)
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build_from_hir(hir)
        .map_err(|e| PcreError {
            offset: 0,
            kind: match e.size_limit() {
                Some(limit) => PcreErrorKind::TooBig(format!(
                    "the compiled automaton exceeds the limit of {limit} bytes"
                )),
                None => PcreErrorKind::Build(e.to_string()),
            },
        })
}

impl PcreRegex {
    /// Compiles `pattern` as ModSecurity's `Regex` class does: an empty pattern is `.*`; the
    /// pattern ends at its first NUL byte (PCRE reads it as a C string); `caseless` adds
    /// `PCRE2_CASELESS`.
    pub fn new(pattern: &[u8], caseless: bool, limits: &RegexLimits) -> Result<Self, PcreError> {
        let source: &[u8] = if pattern.is_empty() { b".*" } else { pattern };
        let effective = &source[..memchr::memchr(0, source).unwrap_or(source.len())];
        let parsed = parse(effective, caseless)?;
        let total_groups = parsed.groups as usize + 1;

        // A single trailing lookahead: split it off.
        if parsed.root.has_lookaround() {
            let (p_node, q_node, negate) = split_trailing_lookahead(parsed.root)?;
            let p_hir = lower(&p_node, 0)?;
            let props = p_hir.properties();
            let p_len = match (props.minimum_len(), props.maximum_len()) {
                (Some(a), Some(b)) if a == b => a,
                _ => {
                    return Err(PcreError {
                        offset: 0,
                        kind: PcreErrorKind::Unsupported(
                            "a lookahead after a pattern whose matches differ in length",
                        ),
                    });
                }
            };
            let p_groups = count_groups(&p_node) + 1;
            let q_hir = lower(&q_node, (p_groups - 1) as u32)?;
            if q_hir
                .properties()
                .maximum_len()
                .is_none_or(|m| m > MAX_LOOKAHEAD_LEN)
            {
                return Err(PcreError {
                    offset: 0,
                    kind: PcreErrorKind::Unsupported(
                        "a lookahead whose body has no bounded length",
                    ),
                });
            }
            let main = build(&p_hir, limits)?;
            let q = build(&q_hir, limits)?;
            return Ok(PcreRegex {
                pattern: pattern.into(),
                main,
                lookahead: Some(Lookahead {
                    re: q,
                    negate,
                    p_len,
                }),
                main_groups: p_groups,
                groups: total_groups,
                hir: p_hir,
            });
        }
        let hir = lower(&parsed.root, 0)?;
        let main = build(&hir, limits)?;
        Ok(PcreRegex {
            pattern: pattern.into(),
            main,
            lookahead: None,
            main_groups: total_groups,
            groups: total_groups,
            hir,
        })
    }

    /// The pattern as given.
    pub fn pattern(&self) -> &[u8] {
        &self.pattern
    }

    /// Number of capture groups including group 0.
    pub fn group_count(&self) -> usize {
        self.groups
    }

    /// The HIR of the pattern (of the part before a trailing lookahead, if there is one):
    /// every match of the whole pattern contains a match of it.
    pub fn hir(&self) -> &Hir {
        &self.hir
    }

    /// The longest possible match, if bounded.
    pub fn max_len(&self) -> Option<usize> {
        self.hir.properties().maximum_len()
    }

    /// True when the pattern can tell the start of the haystack from a position inside it
    /// (`^`, `\A`, `\b`, `\B`): then searching a suffix differs from searching at an offset.
    pub fn looks_left(&self) -> bool {
        let looks = self.hir.properties().look_set();
        [
            Look::Start,
            Look::StartLF,
            Look::WordAscii,
            Look::WordAsciiNegate,
        ]
        .into_iter()
        .any(|l| looks.contains(l))
    }

    /// Whether the pattern matches anywhere in `hay`.
    pub fn is_match(&self, hay: &[u8]) -> bool {
        match &self.lookahead {
            None => self.main.is_match(Input::new(hay)),
            Some(_) => self.search_lookahead(hay, 0, false, None).is_some(),
        }
    }

    /// The leftmost-first match starting at or after `start` (exactly at `start` when
    /// `anchored`), searching `hay` as a whole so that assertions see the bytes before
    /// `start` (PCRE's `start_offset`). Returns the match span.
    pub fn find_at(&self, hay: &[u8], start: usize, anchored: bool) -> Option<(usize, usize)> {
        if start > hay.len() {
            return None;
        }
        match &self.lookahead {
            None => {
                let input = Input::new(hay).range(start..).anchored(if anchored {
                    Anchored::Yes
                } else {
                    Anchored::No
                });
                self.main.search(&input).map(|m| (m.start(), m.end()))
            }
            Some(_) => self.search_lookahead(hay, start, anchored, None),
        }
    }

    /// Like [`find_at`](Self::find_at), filling `slots` with every group's span
    /// (`slots.len() == group_count()` afterwards). Returns false (and clears `slots`) when
    /// there is no match.
    pub fn captures_at(&self, hay: &[u8], start: usize, anchored: bool, slots: &mut Slots) -> bool {
        slots.clear();
        if start > hay.len() {
            return false;
        }
        match &self.lookahead {
            None => {
                let input = Input::new(hay).range(start..).anchored(if anchored {
                    Anchored::Yes
                } else {
                    Anchored::No
                });
                let mut caps = self.main.create_captures();
                self.main.search_captures(&input, &mut caps);
                if !caps.is_match() {
                    return false;
                }
                slots.extend((0..self.groups).map(|i| caps.get_group(i).map(|s| (s.start, s.end))));
                true
            }
            Some(_) => self
                .search_lookahead(hay, start, anchored, Some(slots))
                .is_some(),
        }
    }

    /// Tries every start of P in order; the first whose end satisfies the lookahead wins.
    fn search_lookahead(
        &self,
        hay: &[u8],
        start: usize,
        anchored: bool,
        slots: Option<&mut Slots>,
    ) -> Option<(usize, usize)> {
        let la = self.lookahead.as_ref()?;
        let mut from = start;
        loop {
            if from > hay.len() {
                return None;
            }
            let input = Input::new(hay).range(from..).anchored(if anchored {
                Anchored::Yes
            } else {
                Anchored::No
            });
            let m = self.main.search(&input)?;
            let (s, e) = (m.start(), m.start() + la.p_len);
            let q_input = Input::new(hay).range(e..).anchored(Anchored::Yes);
            let q_matches = la.re.is_match(q_input.clone());
            if q_matches != la.negate {
                if let Some(slots) = slots {
                    slots.clear();
                    let p_input = Input::new(hay).range(s..).anchored(Anchored::Yes);
                    let mut caps = self.main.create_captures();
                    self.main.search_captures(&p_input, &mut caps);
                    slots.extend(
                        (0..self.main_groups).map(|i| caps.get_group(i).map(|g| (g.start, g.end))),
                    );
                    slots.resize(self.groups, None);
                    if !la.negate {
                        let mut qcaps = la.re.create_captures();
                        la.re.search_captures(&q_input, &mut qcaps);
                        for i in 1..(self.groups - self.main_groups + 1) {
                            if let Some(g) = qcaps.get_group(i) {
                                slots[self.main_groups + i - 1] = Some((g.start, g.end));
                            }
                        }
                    }
                }
                return Some((s, e));
            }
            if anchored {
                return None;
            }
            from = s + 1;
        }
    }
}

/// Splits `P(?=Q)` / `P(?!Q)` at the top level; any other lookaround is unsupported.
fn split_trailing_lookahead(root: Node) -> Result<(Node, Node, bool), PcreError> {
    let unsupported = |what| PcreError {
        offset: 0,
        kind: PcreErrorKind::Unsupported(what),
    };
    let (mut items, last) = match root {
        Node::Concat(mut items) => {
            let last = items.pop();
            (items, last)
        }
        other => (Vec::new(), Some(other)),
    };
    match last {
        Some(Node::Lookaround {
            ahead: true,
            negate,
            sub,
        }) if !sub.has_lookaround() && !items.iter().any(Node::has_lookaround) => {
            let p = match items.len() {
                0 => Node::Empty,
                1 => items.pop().unwrap_or(Node::Empty),
                _ => Node::Concat(items),
            };
            Ok((p, *sub, negate))
        }
        Some(Node::Lookaround { ahead: false, .. }) => Err(unsupported("lookbehind assertions")),
        _ => Err(unsupported(
            "lookarounds other than one trailing (?=…)/(?!…) after a fixed-length pattern",
        )),
    }
}

fn count_groups(node: &Node) -> usize {
    match node {
        Node::Group { index, sub } => usize::from(index.is_some()) + count_groups(sub),
        Node::Lookaround { sub, .. } | Node::Repeat { sub, .. } => count_groups(sub),
        Node::Concat(items) | Node::Alt(items) => items.iter().map(count_groups).sum(),
        Node::Empty | Node::Class(_) | Node::Assert(_) => 0,
    }
}
