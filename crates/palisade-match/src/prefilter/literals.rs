//! [`Literals`]: what must occur in any input an operator matches, and [`regex_literals`],
//! the analysis that finds such literals in a regex.
//!
//! The analysis walks the regex's HIR and computes, for each node, sets of byte strings
//! (ASCII letters folded to lower case, so the prefilter can match them case-insensitively
//! whether or not the pattern had `(?i)` and whether or not the value was lowercased):
//! - `exact`: the node matches exactly one of these strings;
//! - `prefix` / `suffix`: every match of the node starts / ends with one of these;
//! - `inner`: every match of the node contains one of these.
//!
//! Concatenations join the suffixes of one item with the exact strings and prefixes of the
//! next (`union\s+select` yields `union\tselect`-style strings only when `\s` is a small
//! class, else `union` or `select`); alternations take unions; repetitions with a minimum of
//! at least one keep their item's sets. Sets are bounded: a set that grows too large is
//! shortened by trimming its strings (a prefix of a required string is required too), which
//! keeps the result sound. Of all candidate sets the one with the longest shortest string
//! (then the fewest strings) is chosen.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use regex_syntax::hir::{Class, Hir, HirKind};

use super::literal_str::{LitSet, LitStr};

/// What the prefilter may assume about an operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literals {
    /// No usable literal: the operator may match inputs that contain none; it is always a
    /// candidate.
    Any,
    /// The operator never matches (a `@pm` whose phrases cannot match, `@noMatch`).
    Never,
    /// Whenever the operator matches, the input contains at least one of these strings,
    /// compared ASCII case-insensitively. The strings are non-empty and lowercase.
    OneOf(Vec<Vec<u8>>),
}

impl Literals {
    /// A single required literal (`Any` when it is empty).
    pub fn one(lit: &[u8]) -> Self {
        Literals::one_of(vec![lit.to_vec()])
    }

    /// A set of alternatives, folded to lower case and minimized (`Any` when one of them is
    /// empty or a single letter, digit or space, `Never` when there are none).
    pub fn one_of(lits: Vec<Vec<u8>>) -> Self {
        if lits.is_empty() {
            return Literals::Never;
        }
        if lits.iter().any(Vec::is_empty) {
            return Literals::Any;
        }
        let set: BTreeSet<Vec<u8>> = lits.into_iter().map(|l| l.to_ascii_lowercase()).collect();
        if set.iter().any(|s| is_common(s)) {
            return Literals::Any;
        }
        Literals::OneOf(minimize(set.into_iter().collect()))
    }

    /// The literals, if any.
    pub fn strings(&self) -> Option<&[Vec<u8>]> {
        match self {
            Literals::OneOf(v) => Some(v),
            _ => None,
        }
    }
}

/// Drops strings that contain another string of `by_len` (distinct strings) (if the longer one occurs, so does
/// the shorter one); the rest is returned in byte order.
fn minimize(mut by_len: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    by_len.sort_by_key(Vec::len);
    // A string is dropped when one of its substrings was kept. For short strings (most of a
    // regex's) looking up their substrings costs far less than searching them for every kept
    // string; only substrings as long as some kept string can be one, so only those lengths
    // are looked up (the empty string, if kept, is never looked up: it is no substring here).
    //
    // The windows are visited by start position: a kept string of one byte is found in a bit
    // set of those bytes; one of two bytes or more can only start where the next two bytes are
    // the first two of some kept string (`pairs`), so only there are the lengths looked up.
    // This visits the same (start, length) windows as looking up every length at every start,
    // minus windows no kept string can equal, so a string is dropped exactly as before.
    let mut kept_at: Vec<usize> = Vec::new();
    {
        let mut kept: HashSet<&[u8], BuildHasherDefault<WordHasher>> = HashSet::default();
        // The distinct non-zero lengths of kept strings, ascending (strings come by length).
        let mut lens: Vec<usize> = Vec::new();
        // Bytes that are a kept string; first two bytes of kept strings (bit 256 * a + b).
        let mut singles = [0u64; 4];
        let mut pairs = vec![0u64; 1024];
        let has = |set: &[u64], i: usize| set[i >> 6] & (1u64 << (i & 63)) != 0;
        for (n, s) in by_len.iter().enumerate() {
            let contains_kept = if s.len() <= 2 * MAX_LEN {
                (0..s.len()).any(|i| {
                    if has(&singles, usize::from(s[i])) {
                        return true;
                    }
                    let Some(&next) = s.get(i + 1) else {
                        return false;
                    };
                    has(&pairs, usize::from(s[i]) << 8 | usize::from(next))
                        && lens
                            .iter()
                            .take_while(|&&l| l <= s.len() - i)
                            .any(|&l| l >= 2 && kept.contains(&s[i..i + l]))
                })
            } else {
                kept.iter().any(|k| memchr::memmem::find(s, k).is_some())
            };
            if !contains_kept {
                kept.insert(s);
                match s.len() {
                    0 => {}
                    1 => singles[usize::from(s[0] >> 6)] |= 1u64 << (s[0] & 63),
                    _ => {
                        let pair = usize::from(s[0]) << 8 | usize::from(s[1]);
                        pairs[pair >> 6] |= 1u64 << (pair & 63);
                    }
                }
                if !s.is_empty() && lens.last() != Some(&s.len()) {
                    lens.push(s.len());
                }
                kept_at.push(n);
            }
        }
    }
    let mut out: Vec<Vec<u8>> = kept_at
        .into_iter()
        .map(|n| std::mem::take(&mut by_len[n]))
        .collect();
    out.sort_unstable();
    out
}

/// A fast, deterministic hasher for the short strings [`minimize`] looks up (a word at a
/// time, multiply and rotate; no seed, as the library has no randomness and the strings are
/// the rule author's).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Largest number of strings in any set.
const MAX_SET: usize = 1024;
/// Sets are trimmed to fit `MAX_SET`, but not below this length (shorter literals occur in
/// almost every value and would make the scan slower than running the rule).
const MIN_TRIM: usize = 2;
/// Largest class expanded into single bytes (after case folding).
const MAX_CLASS: usize = 16;
/// Longest string kept when sets are combined.
const MAX_LEN: usize = 32;

type Set = LitSet;

/// The sets of one node. An exact set is also the node's prefix, suffix and inner set: it is
/// stored once (`prefix`, `suffix` and `inner` are `None` then) and read through the
/// accessors, which saves three copies of every set the analysis builds.
#[derive(Clone, Debug, Default)]
struct Info {
    exact: Option<Set>,
    prefix: Option<Set>,
    suffix: Option<Set>,
    inner: Option<Set>,
}

impl Info {
    fn exact(set: Set) -> Info {
        Info {
            exact: Some(set),
            ..Info::default()
        }
    }

    fn unknown() -> Info {
        Info::default()
    }

    fn prefix(&self) -> Option<&Set> {
        self.exact.as_ref().or(self.prefix.as_ref())
    }

    fn suffix(&self) -> Option<&Set> {
        self.exact.as_ref().or(self.suffix.as_ref())
    }

    fn inner(&self) -> Option<&Set> {
        self.exact.as_ref().or(self.inner.as_ref())
    }
}

fn fold(bytes: &[u8]) -> LitStr {
    LitStr::new(&bytes.to_ascii_lowercase())
}

/// Cross product, `None` when it would exceed `MAX_SET` strings.
fn product(a: &Set, b: &Set) -> Option<Set> {
    if a.len().saturating_mul(b.len()) > MAX_SET {
        return None;
    }
    // Joining the empty string changes nothing.
    if is_empty_string(a) {
        return Some(b.clone());
    }
    if is_empty_string(b) {
        return Some(a.clone());
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            out.push(LitStr::concat(x, y));
        }
    }
    Some(out.into_iter().collect())
}

/// Whether `set` holds only the empty string.
fn is_empty_string(set: &Set) -> bool {
    set.len() == 1 && set.first().is_some_and(|s| s.is_empty())
}

/// Shortens strings (keeping their first bytes) until the set fits: cut to `MAX_LEN`, then
/// to the longest length (not below `MIN_TRIM`) at which at most `MAX_SET` distinct strings
/// remain. In byte order, equal cuts are neighbours (cutting keeps the order), and two
/// neighbours cut to `l` bytes are equal exactly when they share their first `l` bytes; so
/// the number of distinct cuts at `l` is one plus the number of neighbour pairs whose
/// common prefix is shorter than `l`, and one pass finds the length the set is cut to once.
fn trim_prefixes(set: Set) -> Set {
    let set = cut_all(set, MAX_LEN, |s, len| LitStr::new(&s[..len]));
    if set.len() <= MAX_SET {
        return set;
    }
    let common: Vec<usize> = set
        .iter()
        .zip(set.iter().skip(1))
        .map(|(a, b)| common_prefix(a, b))
        .collect();
    let len = trimmed_len(&common);
    cut_all(set, len, |s, len| LitStr::new(&s[..len]))
}

/// Shortens strings (keeping their last bytes) until the set fits: [`trim_prefixes`] on the
/// reversed strings.
fn trim_suffixes(set: Set) -> Set {
    fn cut(s: LitStr, len: usize) -> LitStr {
        LitStr::new(&s[s.len() - len..])
    }
    let set = cut_all(set, MAX_LEN, cut);
    if set.len() <= MAX_SET {
        return set;
    }
    let mut reversed: Vec<Vec<u8>> = set
        .iter()
        .map(|s| s.iter().rev().copied().collect())
        .collect();
    reversed.sort_unstable();
    let common: Vec<usize> = reversed
        .iter()
        .zip(reversed.iter().skip(1))
        .map(|(a, b)| common_prefix(a, b))
        .collect();
    let len = trimmed_len(&common);
    cut_all(set, len, cut)
}

/// `set` with every string longer than `len` bytes cut to `len` by `cut`; the set itself when none is longer.
fn cut_all(set: Set, len: usize, cut: impl Fn(LitStr, usize) -> LitStr) -> Set {
    if set.iter().all(|s| s.len() <= len) {
        return set;
    }
    set.into_iter()
        .map(|s| if s.len() > len { cut(s, len) } else { s })
        .collect()
}

/// The length of the common prefix of `a` and `b`.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The length a set of `common.len() + 1` distinct strings of at most `MAX_LEN` bytes is cut
/// to, given the common prefix lengths of its neighbours in order (see [`trim_prefixes`]):
/// from `MAX_LEN` down, the first length with at most `MAX_SET` distinct cuts, but not below
/// `MIN_TRIM`.
fn trimmed_len(common: &[usize]) -> usize {
    // shorter[l]: neighbour pairs whose common prefix is shorter than l.
    let mut at = [0usize; MAX_LEN + 1];
    for &c in common {
        at[c.min(MAX_LEN)] += 1;
    }
    let mut shorter = [0usize; MAX_LEN + 2];
    for l in 0..=MAX_LEN {
        shorter[l + 1] = shorter[l] + at[l];
    }
    let mut len = MAX_LEN;
    while 1 + shorter[len] > MAX_SET && len > MIN_TRIM {
        len -= 1;
    }
    len
}

/// A product for a prefix set: when too large, the left factor alone still is a prefix set.
fn extend_prefix(a: Set, b: &Set) -> Set {
    match product(&a, b) {
        Some(p) => trim_prefixes(p),
        None => a,
    }
}

/// A product for a suffix set: when too large, the right factor alone still is a suffix set.
fn extend_suffix<'a>(a: &Set, b: Cow<'a, Set>) -> Cow<'a, Set> {
    match product(a, &b) {
        Some(p) => Cow::Owned(trim_suffixes(p)),
        None => b,
    }
}

/// How good a required set is: longer shortest string first, then fewer strings. A set
/// with the empty string is useless, and so is one with a single-byte literal that is a
/// letter, a digit or a space (it occurs in almost every value: scanning for it costs more
/// than it saves), or one that is too large to have been trimmed into bounds.
fn score(set: &Set) -> Option<(usize, isize)> {
    let min = set.iter().map(|s| s.len()).min()?;
    if min == 0 || set.len() > MAX_SET {
        return None;
    }
    if set.iter().any(|s| is_common(s)) {
        return None;
    }
    Some((min.min(6), -(set.len() as isize)))
}

/// A single letter, digit or space: present in almost every value.
fn is_common(s: &[u8]) -> bool {
    s.len() == 1 && (s[0].is_ascii_alphanumeric() || s[0] == b' ')
}

/// A set worth keeping: one with a score, or the empty set (never matches).
fn usable(x: Set) -> Option<Set> {
    (x.is_empty() || score(&x).is_some()).then_some(x)
}

/// [`better`] over borrowed sets.
fn better_ref<'a>(a: Option<&'a Set>, b: Option<&'a Set>) -> Option<&'a Set> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if prefer_second(a, b)? { b } else { a }),
        (Some(x), None) | (None, Some(x)) => (x.is_empty() || score(x).is_some()).then_some(x),
        (None, None) => None,
    }
}

/// The better of two required sets (`None` when neither is usable, see [`usable`]); `b` is
/// copied only when it is chosen.
fn better(a: Option<Set>, b: Option<&Set>) -> Option<Set> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if prefer_second(&a, b)? { b.clone() } else { a }),
        (Some(x), None) => usable(x),
        (None, Some(x)) => (x.is_empty() || score(x).is_some()).then(|| x.clone()),
        (None, None) => None,
    }
}

/// Whether `b` is a better required set than `a`; `None` when neither is usable. An empty
/// set (never matches) beats everything, `a` first; then the higher score, `a` on a tie.
fn prefer_second(a: &Set, b: &Set) -> Option<bool> {
    if a.is_empty() {
        return Some(false);
    }
    if b.is_empty() {
        return Some(true);
    }
    match (score(a), score(b)) {
        (Some(sa), Some(sb)) => Some(sb > sa),
        (Some(_), None) => Some(false),
        (None, Some(_)) => Some(true),
        (None, None) => None,
    }
}

fn analyze(hir: &Hir) -> Info {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Info::exact(Set::one(LitStr::empty())),
        HirKind::Literal(lit) => Info::exact(Set::one(fold(&lit.0))),
        HirKind::Class(class) => {
            // The distinct folded bytes, as a bit set (what a `BTreeSet<u8>` of them would
            // hold, counted the same way: too many as soon as a new one makes MAX_CLASS + 1).
            let mut bytes = [0u64; 4];
            let mut count = 0usize;
            match class {
                Class::Bytes(c) => {
                    for r in c.iter() {
                        for b in r.start()..=r.end() {
                            let b = b.to_ascii_lowercase();
                            let (word, bit) = (usize::from(b >> 6), 1u64 << (b & 63));
                            if bytes[word] & bit == 0 {
                                bytes[word] |= bit;
                                count += 1;
                                if count > MAX_CLASS {
                                    return Info::unknown();
                                }
                            }
                        }
                    }
                }
                Class::Unicode(_) => return Info::unknown(),
            }
            // In byte order, as the set iterated: the set bits of each word, lowest first.
            let mut set = Vec::with_capacity(count);
            for (w, &word) in bytes.iter().enumerate() {
                let mut rest = word;
                while rest != 0 {
                    // w < 4 and the bit index < 64, so the byte fits.
                    let b = (w as u32 * 64 + rest.trailing_zeros()) as u8;
                    set.push(LitStr::new(&[b]));
                    rest &= rest - 1;
                }
            }
            Info::exact(LitSet::from_sorted(set))
        }
        HirKind::Capture(cap) => analyze(&cap.sub),
        HirKind::Repetition(rep) => {
            let mut sub = analyze(&rep.sub);
            if rep.min == 0 {
                // Can match the empty string: only an exact set may survive.
                let exact = match (sub.exact.take(), rep.max) {
                    (_, Some(0)) => Some(Set::one(LitStr::empty())),
                    (Some(mut e), Some(1)) => {
                        e.insert(LitStr::empty());
                        Some(e)
                    }
                    _ => None,
                };
                return match exact {
                    Some(e) => Info::exact(e),
                    None => Info::unknown(),
                };
            }
            let mut info = Info::unknown();
            if let Some(e) = sub.exact.take() {
                // Every match starts and ends with `min` copies… at least one copy.
                let mut complete = true;
                let power = if rep.min.min(8) > 1 {
                    let mut power = e.clone();
                    for _ in 1..rep.min.min(8) {
                        match product(&power, &e) {
                            Some(p) => power = p,
                            None => {
                                complete = false;
                                break;
                            }
                        }
                    }
                    power
                } else {
                    e
                };
                if complete && rep.max == Some(rep.min) && rep.min <= 8 {
                    return Info::exact(power);
                }
                info.prefix = Some(trim_prefixes(power.clone()));
                info.suffix = Some(trim_suffixes(power.clone()));
                info.inner = Some(power);
            } else {
                info.inner = best_required(&sub).cloned();
                info.prefix = sub.prefix.take();
                info.suffix = sub.suffix.take();
            }
            info
        }
        HirKind::Concat(items) => concat(&items.iter().map(analyze).collect::<Vec<_>>()),
        HirKind::Alternation(alts) => {
            let mut infos: Vec<Info> = alts.iter().map(analyze).collect();
            if infos.iter().all(|i| i.exact.is_some()) {
                // Each alternative's best required set is its exact set when that is usable.
                let all_usable = infos.iter().all(|i| {
                    i.exact
                        .as_ref()
                        .is_some_and(|e| e.is_empty() || score(e).is_some())
                });
                let e: Set = infos
                    .iter_mut()
                    .flat_map(|i| i.exact.take().unwrap_or_default())
                    .collect();
                if e.len() <= MAX_SET {
                    return Info::exact(e);
                }
                // The exact sets are also the prefix, suffix and required sets.
                let prefix = trim_prefixes(e.clone());
                return Info {
                    exact: None,
                    inner: all_usable.then(|| prefix.clone()),
                    prefix: Some(prefix),
                    suffix: Some(trim_suffixes(e)),
                };
            }
            let union = |get: fn(&Info) -> Option<&Set>| -> Option<Set> {
                let sets = infos.iter().map(get).collect::<Option<Vec<&Set>>>()?;
                Some(sets.into_iter().flatten().cloned().collect())
            };
            Info {
                exact: None,
                prefix: union(Info::prefix).map(trim_prefixes),
                suffix: union(Info::suffix).map(trim_suffixes),
                inner: union(best_required).map(trim_prefixes),
            }
        }
    }
}

/// The best set every match must contain.
fn best_required(info: &Info) -> Option<&Set> {
    let mut best = info.inner();
    for s in [info.exact.as_ref(), info.prefix(), info.suffix()] {
        best = better_ref(best, s);
    }
    best
}

fn concat(items: &[Info]) -> Info {
    if items.is_empty() {
        return Info::exact(Set::one(LitStr::empty()));
    }
    // Exact: the product of all exact sets.
    if items.iter().all(|i| i.exact.is_some()) {
        let mut exact: Option<Set> = Some(Set::one(LitStr::empty()));
        for i in items {
            exact = match (exact, &i.exact) {
                (Some(a), Some(b)) => product(&a, b),
                _ => None,
            };
        }
        if let Some(e) = exact {
            return Info::exact(e);
        }
    }
    // Prefix: exact items from the left, then the first non-exact item's prefix.
    let mut prefix: Option<Set> = Some(Set::one(LitStr::empty()));
    for i in items {
        let Some(p) = prefix.take() else { break };
        match &i.exact {
            Some(e) => prefix = Some(extend_prefix(p, e)),
            None => {
                prefix = Some(match &i.prefix {
                    Some(ip) => extend_prefix(p, ip),
                    None => p,
                });
                break;
            }
        }
    }
    let mut suffix: Option<Set> = Some(Set::one(LitStr::empty()));
    for i in items.iter().rev() {
        let Some(s) = suffix.take() else { break };
        match &i.exact {
            Some(e) => suffix = Some(extend_suffix(e, Cow::Owned(s)).into_owned()),
            None => {
                suffix = Some(match &i.suffix {
                    Some(is) => extend_suffix(is, Cow::Owned(s)).into_owned(),
                    None => s,
                });
                break;
            }
        }
    }
    // Inner: every item's own requirement, and every junction: the running suffix set of
    // the items so far joined to the next item's exact strings or prefixes.
    let mut best: Option<Set> = None;
    // Every match of the items so far ends with one of these.
    let mut run: Option<Cow<'_, Set>> = None;
    for i in items {
        best = better(best, best_required(i));
        run = match (run, &i.exact) {
            (Some(r), Some(e)) => {
                let joined = extend_suffix(&r, Cow::Borrowed(e));
                best = better(best, Some(&joined));
                Some(joined)
            }
            (Some(r), None) => {
                if let Some(p) = &i.prefix {
                    best = better(best, product(&r, p).map(trim_prefixes).as_ref());
                }
                i.suffix.as_ref().map(Cow::Borrowed)
            }
            (None, Some(e)) => Some(Cow::Borrowed(e)),
            (None, None) => i.suffix.as_ref().map(Cow::Borrowed),
        };
    }
    Info {
        exact: None,
        prefix: prefix.filter(|p| score(p).is_some()),
        suffix: suffix.filter(|s| score(s).is_some()),
        inner: best,
    }
}

/// The literals of a regex: whenever it matches, the haystack contains one of them
/// (ASCII case-insensitively). `Any` when no useful set exists.
pub fn regex_literals(hir: &Hir) -> Literals {
    let info = analyze(hir);
    match best_required(&info) {
        Some(set) if set.is_empty() => Literals::Never,
        Some(set) if score(set).is_some() => {
            Literals::OneOf(minimize(set.iter().map(|s| s.to_vec()).collect()))
        }
        _ => Literals::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcre::{PcreRegex, RegexLimits};

    fn lits(pattern: &str) -> Literals {
        let re = PcreRegex::new(pattern.as_bytes(), false, &RegexLimits::default())
            .unwrap_or_else(|e| panic!("{pattern}: {e}"));
        regex_literals(&re.hir())
    }

    fn strings(pattern: &str) -> Vec<String> {
        match lits(pattern) {
            Literals::OneOf(v) => v
                .into_iter()
                .map(|s| String::from_utf8_lossy(&s).into_owned())
                .collect(),
            other => panic!("{pattern}: {other:?}"),
        }
    }

    #[test]
    fn finds_required_literals() {
        assert_eq!(strings("abc|def"), ["abc", "def"]);
        assert_eq!(strings("(?i)SeLeCt"), ["select"]);
        // A small class joins its neighbours: "union" followed by each \s byte.
        let u = strings(r"(?i)union\s+select");
        assert_eq!(u.len(), 6);
        assert!(
            u.iter().all(|s| s.len() == 6 && s.starts_with("union")),
            "{u:?}"
        );
        assert_eq!(strings("a+b"), ["ab"]);
        assert_eq!(strings("x?yz"), ["yz"]);
        assert_eq!(
            strings("(?:foo|bar)[0-9]+baz").len(),
            10,
            "a digit joined to baz"
        );
        assert_eq!(strings(r"<script\b"), ["<script"]);
        assert_eq!(strings("[Aa][Bb]"), ["ab"]);
    }

    /// The trimming loops as they were (main 752d295): cut every string to `len` and
    /// rebuild the set, one length at a time.
    fn trim_ref(set: &Set, keep_last: bool) -> Vec<Vec<u8>> {
        let cut = |s: &[u8], len: usize| -> Vec<u8> {
            let cut = s.len().saturating_sub(len);
            if keep_last {
                s[cut..].to_vec()
            } else {
                s[..s.len().min(len)].to_vec()
            }
        };
        let mut v: BTreeSet<Vec<u8>> = set.iter().map(|s| cut(s, MAX_LEN)).collect();
        let mut len = MAX_LEN;
        while v.len() > MAX_SET && len > MIN_TRIM {
            len -= 1;
            v = v.iter().map(|s| cut(s, len)).collect();
        }
        v.into_iter().collect()
    }

    /// `minimize` as it was (main 8c1e612): every kept length looked up at every start.
    fn minimize_ref(mut by_len: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        by_len.sort_by_key(Vec::len);
        let mut kept: Vec<Vec<u8>> = Vec::new();
        let mut lens: Vec<usize> = Vec::new();
        for s in by_len {
            let contains_kept = if s.len() <= 2 * MAX_LEN {
                lens.iter()
                    .take_while(|&&l| l <= s.len())
                    .any(|&l| s.windows(l).any(|w| kept.iter().any(|k| k.as_slice() == w)))
            } else {
                kept.iter().any(|k| memchr::memmem::find(&s, k).is_some())
            };
            if !contains_kept {
                if !s.is_empty() && lens.last() != Some(&s.len()) {
                    lens.push(s.len());
                }
                kept.push(s);
            }
        }
        kept.sort_unstable();
        kept
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Distinct strings over a small alphabet (so that many contain others), of every
        /// length from 0 past `2 * MAX_LEN`, one byte long included.
        #[test]
        fn minimize_equals_the_reference(
            strings in proptest::collection::btree_set(
                proptest::collection::vec(0u8..4, 0..70),
                1..300,
            ),
        ) {
            let strings: Vec<Vec<u8>> = strings
                .into_iter()
                .map(|s| s.into_iter().map(|x| b'a' + x).collect())
                .collect();
            proptest::prop_assert_eq!(minimize(strings.clone()), minimize_ref(strings));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Sets of 500 to 2,500 strings over a small alphabet, short and long (past
        /// `MAX_LEN`), so that trimming stops at every length from 32 down to `MIN_TRIM`.
        #[test]
        fn trimming_equals_the_reference(
            strings in proptest::collection::vec(
                proptest::collection::vec(0u8..16, 1..40),
                500..2500,
            ),
            alphabet in 2u8..=16,
            shared in proptest::collection::vec(proptest::sample::select(b"xy".to_vec()), 0..30),
        ) {
            // A small alphabet stops the cut early, a large one lets it reach MIN_TRIM; a
            // shared head (or tail) moves it further.
            let strings: Vec<Vec<u8>> = strings
                .iter()
                .map(|s| s.iter().map(|x| b'a' + x % alphabet).collect())
                .collect();
            let set: Set = strings
                .iter()
                .map(|s| LitStr::concat(&shared, s))
                .chain(strings.iter().map(|s| LitStr::concat(s, &shared)))
                .collect();
            let got = |t: Set| -> Vec<Vec<u8>> { t.iter().map(|s| s.to_vec()).collect() };
            proptest::prop_assert_eq!(got(trim_prefixes(set.clone())), trim_ref(&set, false));
            proptest::prop_assert_eq!(got(trim_suffixes(set.clone())), trim_ref(&set, true));
        }
    }

    #[test]
    fn gives_up_when_nothing_is_required() {
        for p in ["a*", "^$", ".", "x?", "(?:a|)", r"\d+", "[^a]"] {
            assert_eq!(lits(p), Literals::Any, "{p}");
        }
        assert_eq!(lits("[^\\x00-\\xff]"), Literals::Never);
    }

    #[test]
    fn literal_sets_are_minimized_and_lowercase() {
        assert_eq!(
            Literals::one_of(vec![b"ABC".to_vec(), b"xabcx".to_vec(), b"bc".to_vec()]),
            Literals::OneOf(vec![b"bc".to_vec()])
        );
        assert_eq!(
            Literals::one_of(vec![b"<".to_vec()]),
            Literals::OneOf(vec![b"<".to_vec()])
        );
        assert_eq!(
            Literals::one_of(vec![b"1".to_vec(), b"abc".to_vec()]),
            Literals::Any
        );
        assert_eq!(Literals::one_of(vec![]), Literals::Never);
        assert_eq!(Literals::one(b""), Literals::Any);
    }
}
