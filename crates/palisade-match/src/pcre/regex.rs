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

/// A compiled regex plus, when the pattern has a leading multi-line `^`, the same regex with
/// `^` read as `\A`, which decides matches at the very end of a subject ending in `\n`.
///
/// PCRE's multi-line `^` does not match after a newline that ends the subject;
/// regex-automata's does. With `^` only at the start of the pattern's paths (before any byte
/// is consumed), the two can only differ for a match that starts at the end of such a
/// subject, and there PCRE's answer is the `\A` variant's anchored match (`\A` is false
/// there too, as PCRE's `^` is).
#[derive(Clone, Debug)]
struct Engine {
    re: meta::Regex,
    end_fix: Option<meta::Regex>,
}

impl Engine {
    fn new(node: &Node, group_base: u32, limits: &RegexLimits) -> Result<(Self, Hir), PcreError> {
        let hir = lower(node, group_base)?;
        let re = build(&hir, limits)?;
        let end_fix = match start_line_placement(node, false).0 {
            Placement::Leading => Some(build(
                &lower(&start_line_as_start(node), group_base)?,
                limits,
            )?),
            Placement::None | Placement::Other => None,
        };
        Ok((Engine { re, end_fix }, hir))
    }

    /// True when the end-of-subject rule may change the answer for `hay`.
    fn at_risk(&self, hay: &[u8]) -> bool {
        self.end_fix.is_some() && hay.last() == Some(&b'\n')
    }

    fn is_match(&self, hay: &[u8]) -> bool {
        if self.at_risk(hay) {
            return self.search(hay, 0, false).is_some();
        }
        self.re.is_match(Input::new(hay))
    }

    fn search(&self, hay: &[u8], start: usize, anchored: bool) -> Option<(usize, usize)> {
        let input = Input::new(hay).range(start..).anchored(if anchored {
            Anchored::Yes
        } else {
            Anchored::No
        });
        let m = self.re.search(&input)?;
        if let Some(fix) = &self.end_fix
            && m.start() == hay.len()
            && hay.last() == Some(&b'\n')
        {
            let at_end = Input::new(hay).range(hay.len()..).anchored(Anchored::Yes);
            return fix.search(&at_end).map(|m| (m.start(), m.end()));
        }
        Some((m.start(), m.end()))
    }

    /// Fills `slots` with `groups` group spans; false when there is no match.
    fn captures(
        &self,
        hay: &[u8],
        start: usize,
        anchored: bool,
        groups: usize,
        slots: &mut Slots,
    ) -> bool {
        let input = Input::new(hay).range(start..).anchored(if anchored {
            Anchored::Yes
        } else {
            Anchored::No
        });
        let mut caps = self.re.create_captures();
        self.re.search_captures(&input, &mut caps);
        if let Some(fix) = &self.end_fix
            && caps.get_match().is_some_and(|m| m.start() == hay.len())
            && hay.last() == Some(&b'\n')
        {
            let at_end = Input::new(hay).range(hay.len()..).anchored(Anchored::Yes);
            caps = fix.create_captures();
            fix.search_captures(&at_end, &mut caps);
        }
        if !caps.is_match() {
            return false;
        }
        slots.extend((0..groups).map(|i| caps.get_group(i).map(|g| (g.start, g.end))));
        true
    }
}

/// Where multi-line `^` occurs in a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placement {
    /// Nowhere.
    None,
    /// Only before anything is consumed.
    Leading,
    /// Somewhere after consumption (the end-of-subject divergence is not corrected).
    Other,
}

/// Walks `node` given whether a byte may have been consumed before it; returns the placement
/// of `^` inside and whether a byte may have been consumed at its end.
fn start_line_placement(node: &Node, consumed: bool) -> (Placement, bool) {
    fn join(a: Placement, b: Placement) -> Placement {
        match (a, b) {
            (Placement::Other, _) | (_, Placement::Other) => Placement::Other,
            (Placement::Leading, _) | (_, Placement::Leading) => Placement::Leading,
            _ => Placement::None,
        }
    }
    match node {
        Node::Empty => (Placement::None, consumed),
        Node::Class(_) => (Placement::None, true),
        Node::Assert(a) => (
            match (a, consumed) {
                (super::ast::Assertion::StartLine, false) => Placement::Leading,
                (super::ast::Assertion::StartLine, true) => Placement::Other,
                _ => Placement::None,
            },
            consumed,
        ),
        Node::Group { sub, .. } => start_line_placement(sub, consumed),
        Node::Lookaround { sub, .. } => (start_line_placement(sub, consumed).0, consumed),
        Node::Concat(items) => {
            let mut p = Placement::None;
            let mut c = consumed;
            for i in items {
                let (ip, ic) = start_line_placement(i, c);
                p = join(p, ip);
                c = ic;
            }
            (p, c)
        }
        Node::Alt(items) => {
            let mut p = Placement::None;
            let mut c = consumed;
            for i in items {
                let (ip, ic) = start_line_placement(i, consumed);
                p = join(p, ip);
                c |= ic;
            }
            (p, c)
        }
        Node::Repeat { sub, max, .. } => {
            let (p1, c1) = start_line_placement(sub, consumed);
            if *max == Some(1) {
                return (p1, c1 || consumed);
            }
            // A second iteration starts after whatever the first consumed.
            let (p2, c2) = start_line_placement(sub, consumed || c1);
            (join(p1, p2), consumed || c1 || c2)
        }
    }
}

/// The tree with every multi-line `^` replaced by `\A`.
fn start_line_as_start(node: &Node) -> Node {
    use super::ast::Assertion;
    match node {
        Node::Assert(Assertion::StartLine) => Node::Assert(Assertion::Start),
        Node::Empty | Node::Class(_) | Node::Assert(_) => node.clone(),
        Node::Group { index, sub } => Node::Group {
            index: *index,
            sub: Box::new(start_line_as_start(sub)),
        },
        Node::Lookaround { ahead, negate, sub } => Node::Lookaround {
            ahead: *ahead,
            negate: *negate,
            sub: Box::new(start_line_as_start(sub)),
        },
        Node::Concat(items) => Node::Concat(items.iter().map(start_line_as_start).collect()),
        Node::Alt(items) => Node::Alt(items.iter().map(start_line_as_start).collect()),
        Node::Repeat {
            min,
            max,
            greedy,
            sub,
        } => Node::Repeat {
            min: *min,
            max: *max,
            greedy: *greedy,
            sub: Box::new(start_line_as_start(sub)),
        },
    }
}

/// The trailing lookahead of a pattern `P(?=Q)` or `P(?!Q)`.
#[derive(Clone, Debug)]
struct Lookahead {
    re: Engine,
    negate: bool,
    /// Length of every match of P.
    p_len: usize,
}

/// A compiled pattern. Cheap to share (`Send + Sync`); searches allocate only when captures
/// are asked for.
///
/// The pattern's HIR is not kept (for CRS v4 it took 13 MB, more than the automata of some
/// patterns): what searches need of it is kept as two facts, and [`hir`](Self::hir)
/// derives it again on demand.
#[derive(Clone, Debug)]
pub struct PcreRegex {
    pattern: Box<[u8]>,
    caseless: bool,
    main: Engine,
    lookahead: Option<Lookahead>,
    /// Groups of the main part, including group 0.
    main_groups: usize,
    /// All groups of the pattern, including group 0.
    groups: usize,
    /// The longest match of the main part, if bounded.
    max_len: Option<usize>,
    /// Whether the main part tells the start of the haystack from a position inside it.
    looks_left: bool,
}

/// What [`PcreRegex`] keeps of the HIR of its main part.
fn hir_facts(hir: &Hir) -> (Option<usize>, bool) {
    let props = hir.properties();
    let looks = props.look_set();
    let looks_left = [
        Look::Start,
        Look::StartLF,
        Look::WordAscii,
        Look::WordAsciiNegate,
    ]
    .into_iter()
    .any(|l| looks.contains(l));
    (props.maximum_len(), looks_left)
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
        Self::new_raw(source, caseless, limits)
    }

    /// Compiles `pattern` as `pcre2_compile` does directly (what `@verifyCC` uses): an empty
    /// pattern matches the empty string.
    pub fn new_raw(
        pattern: &[u8],
        caseless: bool,
        limits: &RegexLimits,
    ) -> Result<Self, PcreError> {
        let source = pattern;
        let effective = &source[..memchr::memchr(0, source).unwrap_or(source.len())];
        let parsed = parse(effective, caseless)?;
        let total_groups = parsed.groups as usize + 1;

        // A single trailing lookahead: split it off.
        if parsed.root.has_lookaround() {
            let (p_node, q_node, negate) = split_trailing_lookahead(parsed.root)?;
            let (main, p_hir) = Engine::new(&p_node, 0, limits)?;
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
            let (q, q_hir) = Engine::new(&q_node, (p_groups - 1) as u32, limits)?;
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
            let (max_len, looks_left) = hir_facts(&p_hir);
            return Ok(PcreRegex {
                pattern: pattern.into(),
                caseless,
                main,
                lookahead: Some(Lookahead {
                    re: q,
                    negate,
                    p_len,
                }),
                main_groups: p_groups,
                groups: total_groups,
                max_len,
                looks_left,
            });
        }
        let (main, hir) = Engine::new(&parsed.root, 0, limits)?;
        let (max_len, looks_left) = hir_facts(&hir);
        Ok(PcreRegex {
            pattern: pattern.into(),
            caseless,
            main,
            lookahead: None,
            main_groups: total_groups,
            groups: total_groups,
            max_len,
            looks_left,
        })
    }

    /// The pattern as given.
    pub fn pattern(&self) -> &[u8] {
        &self.pattern
    }

    /// Whether the pattern was compiled caseless (`PCRE2_CASELESS`).
    pub fn caseless(&self) -> bool {
        self.caseless
    }

    /// Number of capture groups including group 0.
    pub fn group_count(&self) -> usize {
        self.groups
    }

    /// The HIR of the pattern (of the part before a trailing lookahead, if there is one):
    /// every match of the whole pattern contains a match of it. It is derived again from the
    /// pattern (a parse and a lowering, well under the cost of compiling), as the compiled
    /// regex does not keep it.
    pub fn hir(&self) -> Hir {
        // The error case cannot happen (the same pattern compiled before); the empty
        // pattern is a sound stand-in for every use, as every match contains it.
        self.derive_hir().unwrap_or_else(|_| Hir::empty())
    }

    fn derive_hir(&self) -> Result<Hir, PcreError> {
        let source = &self.pattern[..];
        let effective = &source[..memchr::memchr(0, source).unwrap_or(source.len())];
        let parsed = parse(effective, self.caseless)?;
        if parsed.root.has_lookaround() {
            let (p_node, _, _) = split_trailing_lookahead(parsed.root)?;
            return lower(&p_node, 0);
        }
        lower(&parsed.root, 0)
    }

    /// The longest possible match, if bounded.
    pub fn max_len(&self) -> Option<usize> {
        self.max_len
    }

    /// True when the pattern can tell the start of the haystack from a position inside it
    /// (`^`, `\A`, `\b`, `\B`): then searching a suffix differs from searching at an offset.
    pub fn looks_left(&self) -> bool {
        self.looks_left
    }

    /// Whether the pattern matches anywhere in `hay`.
    pub fn is_match(&self, hay: &[u8]) -> bool {
        match &self.lookahead {
            None => self.main.is_match(hay),
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
            None => self.main.search(hay, start, anchored),
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
            None => self.main.captures(hay, start, anchored, self.groups, slots),
            Some(_) => self
                .search_lookahead(hay, start, anchored, Some(slots))
                .is_some(),
        }
    }

    /// The groups of a match already found at `span` (by [`find_at`](Self::find_at)), running
    /// the capture engine over the match only. Returns false if `span` is not a match.
    pub fn captures_for_match(&self, hay: &[u8], span: (usize, usize), slots: &mut Slots) -> bool {
        slots.clear();
        let (s, e) = span;
        if s > e || e > hay.len() {
            return false;
        }
        if self.lookahead.is_some() || (self.main.end_fix.is_some() && s == hay.len()) {
            return self.captures_at(hay, s, true, slots);
        }
        let input = Input::new(hay).range(s..e).anchored(Anchored::Yes);
        let mut caps = self.main.re.create_captures();
        self.main.re.search_captures(&input, &mut caps);
        if !caps.is_match() {
            return false;
        }
        slots.extend((0..self.groups).map(|i| caps.get_group(i).map(|g| (g.start, g.end))));
        true
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
            let (s, _) = self.main.search(hay, from, anchored)?;
            let e = s + la.p_len;
            let q_matches = la.re.search(hay, e, true).is_some();
            if q_matches != la.negate {
                if let Some(slots) = slots {
                    slots.clear();
                    self.main.captures(hay, s, true, self.main_groups, slots);
                    slots.resize(self.groups, None);
                    if !la.negate {
                        let q_groups = self.groups - self.main_groups + 1;
                        let mut q_slots = Slots::new();
                        la.re.captures(hay, e, true, q_groups, &mut q_slots);
                        for (i, g) in q_slots.into_iter().enumerate().skip(1) {
                            slots[self.main_groups + i - 1] = g;
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
