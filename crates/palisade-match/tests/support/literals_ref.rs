//! The literal analysis of `prefilter::literals` as it was at main 752d295 (BTreeSet of
//! owned strings), kept as the reference the faster analysis must agree with exactly: same
//! literal sets for every CRS v4 pattern and for random patterns (`tests/literals_ref.rs`).

#![allow(dead_code)]

use std::collections::BTreeSet;

use palisade_match::prefilter::Literals;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Drops strings that contain another string of the set (if the longer one occurs, so does
/// the shorter one).
fn minimize(set: BTreeSet<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut by_len: Vec<Vec<u8>> = set.into_iter().collect();
    by_len.sort_by_key(Vec::len);
    // A string is dropped when one of its substrings was kept. For short strings (all of a
    // regex's, at most MAX_LEN bytes) looking their substrings up costs far less than
    // searching them for every kept string.
    let mut kept: BTreeSet<Vec<u8>> = BTreeSet::new();
    for s in by_len {
        let contains_kept = if s.len() <= 2 * MAX_LEN {
            (0..s.len()).any(|i| (i + 1..=s.len()).any(|j| kept.contains(&s[i..j])))
        } else {
            kept.iter().any(|k| memchr::memmem::find(&s, k).is_some())
        };
        if !contains_kept {
            kept.insert(s);
        }
    }
    kept.into_iter().collect()
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

type Set = BTreeSet<Vec<u8>>;

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

fn fold(bytes: &[u8]) -> Vec<u8> {
    bytes.to_ascii_lowercase()
}

/// Cross product, `None` when it would exceed `MAX_SET` strings.
fn product(a: &Set, b: &Set) -> Option<Set> {
    if a.len().saturating_mul(b.len()) > MAX_SET {
        return None;
    }
    let mut out = Set::new();
    for x in a {
        for y in b {
            let mut s = x.clone();
            s.extend_from_slice(y);
            out.insert(s);
        }
    }
    Some(out)
}

/// Shortens strings (keeping their first bytes) until the set fits.
fn trim_prefixes(set: Set) -> Set {
    let mut set: Set = set
        .into_iter()
        .map(|mut s| {
            s.truncate(MAX_LEN);
            s
        })
        .collect();
    let mut len = MAX_LEN;
    while set.len() > MAX_SET && len > MIN_TRIM {
        len -= 1;
        set = set
            .into_iter()
            .map(|mut s| {
                s.truncate(len);
                s
            })
            .collect();
    }
    set
}

/// Shortens strings (keeping their last bytes) until the set fits.
fn trim_suffixes(set: Set) -> Set {
    let cut = |s: Vec<u8>, len: usize| -> Vec<u8> {
        if s.len() > len {
            s[s.len() - len..].to_vec()
        } else {
            s
        }
    };
    let mut set: Set = set.into_iter().map(|s| cut(s, MAX_LEN)).collect();
    let mut len = MAX_LEN;
    while set.len() > MAX_SET && len > MIN_TRIM {
        len -= 1;
        set = set.into_iter().map(|s| cut(s, len)).collect();
    }
    set
}

/// A product for a prefix set: when too large, the left factor alone still is a prefix set.
fn extend_prefix(a: &Set, b: &Set) -> Set {
    product(a, b).map_or_else(|| a.clone(), trim_prefixes)
}

/// A product for a suffix set: when too large, the right factor alone still is a suffix set.
fn extend_suffix(a: &Set, b: &Set) -> Set {
    product(a, b).map_or_else(|| b.clone(), trim_suffixes)
}

/// How good a required set is: longer shortest string first, then fewer strings. A set
/// with the empty string is useless, and so is one with a single-byte literal that is a
/// letter, a digit or a space (it occurs in almost every value: scanning for it costs more
/// than it saves), or one that is too large to have been trimmed into bounds.
fn score(set: &Set) -> Option<(usize, isize)> {
    let min = set.iter().map(Vec::len).min()?;
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
        (Some(a), Some(b)) => {
            if a.is_empty() {
                return Some(a);
            }
            if b.is_empty() {
                return Some(b);
            }
            match (score(a), score(b)) {
                (Some(sa), Some(sb)) => Some(if sb > sa { b } else { a }),
                (Some(_), None) => Some(a),
                (None, Some(_)) => Some(b),
                (None, None) => None,
            }
        }
        (Some(x), None) | (None, Some(x)) => (x.is_empty() || score(x).is_some()).then_some(x),
        (None, None) => None,
    }
}

fn better(a: Option<Set>, b: Option<Set>) -> Option<Set> {
    match (a, b) {
        (Some(a), Some(b)) => {
            // An empty set (never matches) beats everything.
            if a.is_empty() {
                return Some(a);
            }
            if b.is_empty() {
                return Some(b);
            }
            match (score(&a), score(&b)) {
                (Some(sa), Some(sb)) => Some(if sb > sa { b } else { a }),
                (Some(_), None) => Some(a),
                (None, Some(_)) => Some(b),
                (None, None) => None,
            }
        }
        (Some(x), None) | (None, Some(x)) => usable(x),
        (None, None) => None,
    }
}

fn analyze(hir: &Hir) -> Info {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Info::exact(Set::from([Vec::new()])),
        HirKind::Literal(lit) => Info::exact(Set::from([fold(&lit.0)])),
        HirKind::Class(class) => {
            let mut bytes = BTreeSet::new();
            match class {
                Class::Bytes(c) => {
                    for r in c.iter() {
                        for b in r.start()..=r.end() {
                            bytes.insert(b.to_ascii_lowercase());
                            if bytes.len() > MAX_CLASS {
                                return Info::unknown();
                            }
                        }
                    }
                }
                Class::Unicode(_) => return Info::unknown(),
            }
            Info::exact(bytes.into_iter().map(|b| vec![b]).collect())
        }
        HirKind::Capture(cap) => analyze(&cap.sub),
        HirKind::Repetition(rep) => {
            let sub = analyze(&rep.sub);
            if rep.min == 0 {
                // Can match the empty string: only an exact set may survive.
                let exact = match (&sub.exact, rep.max) {
                    (_, Some(0)) => Some(Set::from([Vec::new()])),
                    (Some(e), Some(1)) => {
                        let mut s = e.clone();
                        s.insert(Vec::new());
                        Some(s)
                    }
                    _ => None,
                };
                return match exact {
                    Some(e) => Info::exact(e),
                    None => Info::unknown(),
                };
            }
            let mut info = Info::unknown();
            if let Some(e) = &sub.exact {
                // Every match starts and ends with `min` copies… at least one copy.
                let mut power = e.clone();
                let mut complete = true;
                for _ in 1..rep.min.min(8) {
                    match product(&power, e) {
                        Some(p) => power = p,
                        None => {
                            complete = false;
                            break;
                        }
                    }
                }
                if complete && rep.max == Some(rep.min) && rep.min <= 8 {
                    return Info::exact(power);
                }
                info.prefix = Some(trim_prefixes(power.clone()));
                info.suffix = Some(trim_suffixes(power.clone()));
                info.inner = Some(power);
            } else {
                info.prefix = sub.prefix.clone();
                info.suffix = sub.suffix.clone();
                info.inner = best_required(&sub);
            }
            info
        }
        HirKind::Concat(items) => concat(&items.iter().map(analyze).collect::<Vec<_>>()),
        HirKind::Alternation(alts) => {
            let infos: Vec<Info> = alts.iter().map(analyze).collect();
            let union = |get: &dyn Fn(&Info) -> Option<Set>| -> Option<Set> {
                let mut out = Set::new();
                for i in &infos {
                    out.extend(get(i)?);
                }
                Some(out)
            };
            if let Some(e) = union(&|i: &Info| i.exact.clone())
                && e.len() <= MAX_SET
            {
                return Info::exact(e);
            }
            Info {
                exact: None,
                prefix: union(&|i: &Info| i.prefix().cloned()).map(trim_prefixes),
                suffix: union(&|i: &Info| i.suffix().cloned()).map(trim_suffixes),
                inner: union(&best_required).map(trim_prefixes),
            }
        }
    }
}

/// The best set every match must contain.
fn best_required(info: &Info) -> Option<Set> {
    let mut best = info.inner();
    for s in [info.exact.as_ref(), info.prefix(), info.suffix()] {
        best = better_ref(best, s);
    }
    best.cloned()
}

fn concat(items: &[Info]) -> Info {
    if items.is_empty() {
        return Info::exact(Set::from([Vec::new()]));
    }
    // Exact: the product of all exact sets.
    let mut exact: Option<Set> = Some(Set::from([Vec::new()]));
    for i in items {
        exact = match (exact, &i.exact) {
            (Some(a), Some(b)) => product(&a, b),
            _ => None,
        };
    }
    if let Some(e) = exact {
        return Info::exact(e);
    }
    // Prefix: exact items from the left, then the first non-exact item's prefix.
    let mut prefix: Option<Set> = Some(Set::from([Vec::new()]));
    for i in items {
        let Some(p) = prefix.take() else { break };
        match &i.exact {
            Some(e) => prefix = Some(extend_prefix(&p, e)),
            None => {
                prefix = Some(match &i.prefix {
                    Some(ip) => extend_prefix(&p, ip),
                    None => p,
                });
                break;
            }
        }
    }
    let mut suffix: Option<Set> = Some(Set::from([Vec::new()]));
    for i in items.iter().rev() {
        let Some(s) = suffix.take() else { break };
        match &i.exact {
            Some(e) => suffix = Some(extend_suffix(e, &s)),
            None => {
                suffix = Some(match &i.suffix {
                    Some(is) => extend_suffix(is, &s),
                    None => s,
                });
                break;
            }
        }
    }
    // Inner: every item's own requirement, and every junction: the running suffix set of
    // the items so far joined to the next item's exact strings or prefixes.
    let mut best: Option<Set> = None;
    let mut run: Option<Set> = None; // every match of the items so far ends with one of these
    for i in items {
        best = better(best, best_required(i));
        match (&run, &i.exact) {
            (Some(r), Some(e)) => {
                let joined = extend_suffix(r, e);
                best = better(best, Some(joined.clone()));
                run = Some(joined);
            }
            (Some(r), None) => {
                if let Some(p) = &i.prefix {
                    best = better(best, product(r, p).map(trim_prefixes));
                }
                run = i.suffix.clone();
            }
            (None, Some(e)) => run = Some(e.clone()),
            (None, None) => run = i.suffix.clone(),
        }
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
pub fn regex_literals_ref(hir: &Hir) -> Literals {
    let info = analyze(hir);
    match best_required(&info) {
        Some(set) if set.is_empty() => Literals::Never,
        Some(set) if score(&set).is_some() => Literals::OneOf(minimize(set)),
        _ => Literals::Any,
    }
}
