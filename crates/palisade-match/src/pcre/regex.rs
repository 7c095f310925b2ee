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
//! Compilation is lazy: [`PcreRegex::new`] parses and lowers the pattern, checks everything
//! that can fail (syntax, unsupported constructs, the NFA size limit through
//! [`nfa_bound`](super::nfa_bound)) and keeps the text; the automata are built on the first
//! search, once, thread-safely (`OnceLock`). Most CRS v4 patterns only run on values the
//! prefilter lets through, so on benign traffic most are never built. A pattern whose bound
//! exceeds the limit is built at once, so a real limit error is still reported by `new`.
//! [`PcreRegex::compile_now`] builds the automata up front for hosts that prefer that.
//!
//! Known divergence: PCRE's multi-line `^` does not match after a newline that ends the
//! subject; regex-automata's does. A pattern can only notice when `^` is followed by something
//! that matches the empty string at the end of the subject (`^$` on `"a\n"`).

use std::sync::OnceLock;

use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, meta};
use regex_syntax::hir::{Hir, Look};

use super::ast::Node;
use super::error::{PcreError, PcreErrorKind};
use super::lower::lower;
use super::nfa_bound::nfa_bound;
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
    /// Builds the engine of `node`, whose lowering is `hir`.
    fn new(
        node: &Node,
        hir: &Hir,
        group_base: u32,
        limits: &RegexLimits,
    ) -> Result<Self, PcreError> {
        let re = build(hir, limits)?;
        let end_fix = match start_line_placement(node, false).0 {
            Placement::Leading => Some(build(
                &lower(&start_line_as_start(node), group_base)?,
                limits,
            )?),
            Placement::None | Placement::Other => None,
        };
        Ok(Engine { re, end_fix })
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
        Node::Byte(_) | Node::Letter(_) | Node::Class(_) => (Placement::None, true),
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
    node.map_leaves(&|leaf| match leaf {
        Node::Assert(Assertion::StartLine) => Node::Assert(Assertion::Start),
        other => other.clone(),
    })
}

/// The trailing lookahead of a pattern `P(?=Q)` or `P(?!Q)`.
#[derive(Clone, Debug)]
struct Lookahead {
    re: Engine,
    negate: bool,
    /// Length of every match of P.
    p_len: usize,
}

/// The automata of a pattern, built on first use.
#[derive(Clone, Debug)]
struct Engines {
    main: Engine,
    lookahead: Option<Lookahead>,
}

/// A pattern parsed, lowered and checked: everything but the automata.
struct Analysis {
    main_node: Node,
    main_hir: Hir,
    /// `Q`, its lowering, whether negated, and the length of every match of `P`.
    lookahead: Option<(Node, Hir, bool, usize)>,
    main_groups: usize,
    groups: usize,
}

impl Analysis {
    /// Parses and lowers `pattern` (already cut at NUL) and checks the trailing lookahead.
    fn new(pattern: &[u8], caseless: bool) -> Result<Self, PcreError> {
        let parsed = parse(pattern, caseless)?;
        let total_groups = parsed.groups as usize + 1;
        if !parsed.root.has_lookaround() {
            let main_hir = lower(&parsed.root, 0)?;
            return Ok(Analysis {
                main_node: parsed.root,
                main_hir,
                lookahead: None,
                main_groups: total_groups,
                groups: total_groups,
            });
        }
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
                kind: PcreErrorKind::Unsupported("a lookahead whose body has no bounded length"),
            });
        }
        Ok(Analysis {
            main_node: p_node,
            main_hir: p_hir,
            lookahead: Some((q_node, q_hir, negate, p_len)),
            main_groups: p_groups,
            groups: total_groups,
        })
    }

    /// True when building cannot fail: every automaton's NFA is bounded within the limit
    /// (the `\A` variant of a leading `^` has the main part's shape).
    fn fits(&self, limits: &RegexLimits) -> bool {
        let limit = limits.nfa_size as u64;
        nfa_bound(&self.main_hir) <= limit
            && self
                .lookahead
                .as_ref()
                .is_none_or(|(_, q, _, _)| nfa_bound(q) <= limit)
    }

    /// Builds the automata.
    fn build(&self, limits: &RegexLimits) -> Result<Engines, PcreError> {
        let main = Engine::new(&self.main_node, &self.main_hir, 0, limits)?;
        let lookahead = match &self.lookahead {
            None => None,
            Some((q_node, q_hir, negate, p_len)) => Some(Lookahead {
                re: Engine::new(q_node, q_hir, (self.main_groups - 1) as u32, limits)?,
                negate: *negate,
                p_len: *p_len,
            }),
        };
        Ok(Engines { main, lookahead })
    }
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
    limits: RegexLimits,
    /// The automata, once built; `None` inside if building failed, which the size check at
    /// load rules out (searches then find nothing rather than panic).
    engines: OnceLock<Option<Engines>>,
    /// Whether the pattern ends with a lookahead (`P(?=Q)`).
    has_lookahead: bool,
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

/// Builds the meta regex of `hir`. Its own literal prefilter is off (`auto_prefilter(false)`):
/// a prefilter only chooses where the automaton starts looking, never the answer, and on the
/// short values of most requests its setup cost more per call than it saved (callgrind,
/// CRS v4 PL1: static GETs -0.8 %, JSON POSTs +0.1 %; the engine's global prefilter already
/// keeps most regexes from running).
fn build(hir: &Hir, limits: &RegexLimits) -> Result<meta::Regex, PcreError> {
    let config = meta::Config::new()
        .match_kind(MatchKind::LeftmostFirst)
        .utf8_empty(false)
        .backtrack(false)
        .nfa_size_limit(Some(limits.nfa_size))
        .dfa_size_limit(Some(limits.dfa_size))
        .onepass_size_limit(Some(limits.dfa_size))
        .hybrid_cache_capacity(limits.hybrid_cache)
        .auto_prefilter(false);
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
        Self::new_with_hir(pattern, caseless, limits).map(|(re, _)| re)
    }

    /// Compiles `pattern` as `pcre2_compile` does directly (what `@verifyCC` uses): an empty
    /// pattern matches the empty string.
    pub fn new_raw(
        pattern: &[u8],
        caseless: bool,
        limits: &RegexLimits,
    ) -> Result<Self, PcreError> {
        Self::new_raw_with_hir(pattern, caseless, limits).map(|(re, _)| re)
    }

    /// [`new`](Self::new), also returning [`hir`](Self::hir) (computed anyway while the
    /// pattern is checked, so callers that need it avoid a second parse).
    pub fn new_with_hir(
        pattern: &[u8],
        caseless: bool,
        limits: &RegexLimits,
    ) -> Result<(Self, Hir), PcreError> {
        let source: &[u8] = if pattern.is_empty() { b".*" } else { pattern };
        Self::new_raw_with_hir(source, caseless, limits)
    }

    fn new_raw_with_hir(
        pattern: &[u8],
        caseless: bool,
        limits: &RegexLimits,
    ) -> Result<(Self, Hir), PcreError> {
        let effective = &pattern[..memchr::memchr(0, pattern).unwrap_or(pattern.len())];
        let analysis = Analysis::new(effective, caseless)?;
        let engines = if analysis.fits(limits) {
            OnceLock::new()
        } else {
            // Possibly too big: build now, so that a limit error is reported here.
            OnceLock::from(Some(analysis.build(limits)?))
        };
        let (max_len, looks_left) = hir_facts(&analysis.main_hir);
        let re = PcreRegex {
            pattern: pattern.into(),
            caseless,
            limits: *limits,
            engines,
            has_lookahead: analysis.lookahead.is_some(),
            main_groups: analysis.main_groups,
            groups: analysis.groups,
            max_len,
            looks_left,
        };
        Ok((re, analysis.main_hir))
    }

    /// Builds the automata now if they are not built yet (they are otherwise built on the
    /// first search). Returns false only if building failed, which the checks of
    /// [`new`](Self::new) rule out.
    pub fn compile_now(&self) -> bool {
        self.engines().is_some()
    }

    /// Whether the automata have been built.
    pub fn is_compiled(&self) -> bool {
        self.engines.get().is_some()
    }

    fn engines(&self) -> Option<&Engines> {
        self.engines
            .get_or_init(|| {
                let source = &self.pattern[..];
                let effective = &source[..memchr::memchr(0, source).unwrap_or(source.len())];
                Analysis::new(effective, self.caseless)
                    .and_then(|a| a.build(&self.limits))
                    .ok()
            })
            .as_ref()
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
        Analysis::new(effective, self.caseless).map(|a| a.main_hir)
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
        let Some(en) = self.engines() else {
            return false;
        };
        match &en.lookahead {
            None => en.main.is_match(hay),
            Some(_) => self.search_lookahead(en, hay, 0, false, None).is_some(),
        }
    }

    /// The leftmost-first match starting at or after `start` (exactly at `start` when
    /// `anchored`), searching `hay` as a whole so that assertions see the bytes before
    /// `start` (PCRE's `start_offset`). Returns the match span.
    pub fn find_at(&self, hay: &[u8], start: usize, anchored: bool) -> Option<(usize, usize)> {
        if start > hay.len() {
            return None;
        }
        let en = self.engines()?;
        match &en.lookahead {
            None => en.main.search(hay, start, anchored),
            Some(_) => self.search_lookahead(en, hay, start, anchored, None),
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
        let Some(en) = self.engines() else {
            return false;
        };
        match &en.lookahead {
            None => en.main.captures(hay, start, anchored, self.groups, slots),
            Some(_) => self
                .search_lookahead(en, hay, start, anchored, Some(slots))
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
        let Some(en) = self.engines() else {
            return false;
        };
        if self.has_lookahead || (en.main.end_fix.is_some() && s == hay.len()) {
            return self.captures_at(hay, s, true, slots);
        }
        let input = Input::new(hay).range(s..e).anchored(Anchored::Yes);
        let mut caps = en.main.re.create_captures();
        en.main.re.search_captures(&input, &mut caps);
        if !caps.is_match() {
            return false;
        }
        slots.extend((0..self.groups).map(|i| caps.get_group(i).map(|g| (g.start, g.end))));
        true
    }

    /// Tries every start of P in order; the first whose end satisfies the lookahead wins.
    fn search_lookahead(
        &self,
        en: &Engines,
        hay: &[u8],
        start: usize,
        anchored: bool,
        slots: Option<&mut Slots>,
    ) -> Option<(usize, usize)> {
        let la = en.lookahead.as_ref()?;
        let mut from = start;
        loop {
            if from > hay.len() {
                return None;
            }
            let (s, _) = en.main.search(hay, from, anchored)?;
            let e = s + la.p_len;
            let q_matches = la.re.search(hay, e, true).is_some();
            if q_matches != la.negate {
                if let Some(slots) = slots {
                    slots.clear();
                    en.main.captures(hay, s, true, self.main_groups, slots);
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
        Node::Empty | Node::Byte(_) | Node::Letter(_) | Node::Class(_) | Node::Assert(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> RegexLimits {
        RegexLimits::default()
    }

    #[test]
    fn automata_are_built_on_first_search_or_on_request() {
        let re = PcreRegex::new(br"(?i)union\s+(all\s+)?select", false, &limits()).unwrap();
        assert!(!re.is_compiled());
        assert!(re.is_match(b"1 UNION ALL SELECT 2"));
        assert!(re.is_compiled());
        let eager = PcreRegex::new(br"a(b)c(?=d)", false, &limits()).unwrap();
        assert!(!eager.is_compiled());
        assert!(eager.compile_now() && eager.is_compiled());
        let mut slots = Slots::new();
        assert!(eager.captures_at(b"xabcd", 0, false, &mut slots));
        assert_eq!(slots, vec![Some((1, 4)), Some((2, 3))]);
    }

    #[test]
    fn errors_still_come_from_new() {
        for bad in [&br"a(?<=b)"[..], br"(a", br"a*(?=b)", br"[z-a]"] {
            assert!(PcreRegex::new(bad, false, &limits()).is_err());
        }
        // Over the size limit: reported by `new`, as when everything was built at load.
        let small = RegexLimits {
            nfa_size: 10_000,
            ..limits()
        };
        let err = PcreRegex::new(br"(?:[a-z]{2,9}x){40}", false, &small).unwrap_err();
        assert!(matches!(err.kind, PcreErrorKind::TooBig(_)), "{err:?}");
        // A pattern near the limit whose bound exceeds it is built at once.
        let near = PcreRegex::new(br"abc{300}", false, &small).unwrap();
        assert!(near.is_compiled() && near.is_match(&[&b"ab"[..], &[b'c'; 300][..]].concat()));
    }

    #[test]
    fn lazy_regex_is_shared_across_threads() {
        let re = std::sync::Arc::new(
            PcreRegex::new(br"\b(?:eval|exec)\s*\(", false, &limits()).unwrap(),
        );
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let re = std::sync::Arc::clone(&re);
                std::thread::spawn(move || {
                    let hit = format!("x{i} exec (");
                    re.is_match(hit.as_bytes()) && !re.is_match(b"execute")
                })
            })
            .collect();
        assert!(handles.into_iter().all(|h| h.join().unwrap()));
        assert!(re.is_compiled());
    }

    proptest::proptest! {
        /// A regex searched lazily answers as one whose automata were built up front.
        #[test]
        fn lazy_equals_eager(
            pattern in "(?:[ab^$.]|\\\\b|\\(a\\|b\\)|[*+?]|\\(\\?:|\\)){0,10}",
            hay in "[ab\n]{0,12}",
        ) {
            let (Ok(lazy), Ok(eager)) = (
                PcreRegex::new(pattern.as_bytes(), false, &limits()),
                PcreRegex::new(pattern.as_bytes(), false, &limits()),
            ) else {
                return Ok(());
            };
            eager.compile_now();
            let hay = hay.as_bytes();
            proptest::prop_assert_eq!(lazy.find_at(hay, 0, false), eager.find_at(hay, 0, false));
            proptest::prop_assert_eq!(lazy.is_match(hay), eager.is_match(hay));
        }
    }
}
