//! The search loops behind `@verifyCC`, `@verifyCPF`, `@verifySSN` and `@verifySVNR`, with
//! ModSecurity v3's semantics and a linear work budget.
//!
//! - `@verifyCC` searches from every offset of the input in turn (PCRE's `start_offset`, so
//!   assertions see the bytes before it) and checks each match found; it stops at the first
//!   offset with no match. Every offset between a search's start and its match's start finds
//!   the same match, so one search per match suffices.
//! - The others call `Regex::searchAll` on every suffix `input[i..]` for `i < len - 1`.
//!   `searchAll` collects every group of every successive match (the next search starts at
//!   the end of the last group collected; an empty group or a group that did not take part
//!   ends it) and the operator checks them last match first. Results are memoized by offset;
//!   a suffix only differs from the whole input at its first byte, which matters only for
//!   patterns with `^`, `\A`, `\b` or `\B`.
//!
//! v3 runs these loops in quadratic time; to stay linear, each evaluation has a budget of
//! bytes scanned ([`budget`]: four times the input plus 64 KiB, far more than inputs that are
//! not built to be quadratic need). Running out reports no match (as PCRE's match limit does in v3)
//! and leaves an [`EvalNote::WorkLimitExceeded`](crate::EvalNote::WorkLimitExceeded).

use std::collections::BTreeMap;

use crate::pcre::{PcreRegex, Slots};

/// The budget for an input of `len` bytes.
pub(crate) fn budget(len: usize) -> usize {
    len.saturating_mul(4).saturating_add(1 << 16)
}

/// The budget ran out.
#[derive(Debug)]
pub(crate) struct OutOfBudget;

/// Searches with memoization: a search from `o` finds the same match as an earlier search from
/// `o' <= o` whose match starts at or after `o`.
pub(crate) struct Searcher<'a> {
    re: &'a PcreRegex,
    input: &'a [u8],
    /// Whether callers need the groups (else only group 0 is filled).
    groups: bool,
    left: usize,
    /// Match start → (smallest offset known to lead to it, the match's slots).
    known: BTreeMap<usize, (usize, Slots)>,
    /// Offsets known to have no match at or after them: every offset ≥ this.
    none_from: Option<usize>,
}

impl<'a> Searcher<'a> {
    pub(crate) fn new(re: &'a PcreRegex, input: &'a [u8], groups: bool) -> Self {
        Searcher {
            re,
            input,
            groups,
            left: budget(input.len()),
            known: BTreeMap::new(),
            none_from: None,
        }
    }

    fn spend(&mut self, cost: usize) -> Result<(), OutOfBudget> {
        self.left = self
            .left
            .checked_sub(cost.saturating_add(1))
            .ok_or(OutOfBudget)?;
        Ok(())
    }

    /// The leftmost match starting at or after `from`, with its groups (PCRE `start_offset`).
    pub(crate) fn find(&mut self, from: usize) -> Result<Option<Slots>, OutOfBudget> {
        if self.none_from.is_some_and(|n| n <= from) || from > self.input.len() {
            return Ok(None);
        }
        if let Some((_, (lo, slots))) = self.known.range(from..).next()
            && *lo <= from
        {
            return Ok(Some(slots.clone()));
        }
        let Some(span) = self.re.find_at(self.input, from, false) else {
            self.spend(self.input.len() - from)?;
            self.none_from = Some(self.none_from.map_or(from, |n| n.min(from)));
            return Ok(None);
        };
        let mut slots = Slots::new();
        if self.groups {
            // The capture pass costs as much again.
            self.spend(span.1 - span.0)?;
            self.re.captures_for_match(self.input, span, &mut slots);
        } else {
            slots.push(Some(span));
        }
        let (s, e) = slots.first().copied().flatten().unwrap_or((from, from));
        self.spend(e - from)?;
        let entry = self.known.entry(s).or_insert((from, slots.clone()));
        entry.0 = entry.0.min(from);
        Ok(Some(slots))
    }

    /// The match anchored at `i` when the subject starts at `i` (`input.substr(i)`).
    fn find_anchored_in_suffix(&mut self, i: usize) -> Result<Option<Slots>, OutOfBudget> {
        let suffix = &self.input[i..];
        let mut slots = Slots::new();
        let Some(span) = self.re.find_at(suffix, 0, true) else {
            let cost = self
                .re
                .max_len()
                .map_or(suffix.len(), |m| m.min(suffix.len()));
            self.spend(cost)?;
            return Ok(None);
        };
        self.spend(span.1)?;
        if self.groups {
            self.spend(span.1 - span.0)?;
            self.re.captures_for_match(suffix, span, &mut slots);
        } else {
            slots.push(Some(span));
        }
        for s in slots.iter_mut().flatten() {
            s.0 += i;
            s.1 += i;
        }
        Ok(Some(slots))
    }
}

/// `@verifyCC`'s loop: the first match (in offset order) whose text passes `check`.
pub(crate) fn first_verified(
    re: &PcreRegex,
    input: &[u8],
    check: impl Fn(&[u8]) -> bool,
) -> Result<Option<(usize, usize)>, OutOfBudget> {
    let mut searcher = Searcher::new(re, input, false);
    let mut offset = 0;
    while offset < input.len() {
        let Some(slots) = searcher.find(offset)? else {
            break;
        };
        let Some((s, e)) = slots.first().copied().flatten() else {
            break;
        };
        if check(&input[s..e]) {
            return Ok(Some((s, e)));
        }
        offset = offset.max(s) + 1;
    }
    Ok(None)
}

/// The elements `searchAll` collects from one match, and where its next search starts
/// (`None` when it stops).
fn elements(slots: &Slots) -> (Vec<(usize, usize)>, Option<usize>) {
    // pcre2_match's return value: the highest group that took part, plus one.
    let rc = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
    let mut out = Vec::with_capacity(rc);
    let mut next = None;
    for g in &slots[..rc] {
        let Some((s, e)) = *g else {
            return (out, None);
        };
        out.push((s, e));
        next = Some(e);
        if s == e {
            return (out, None);
        }
    }
    (out, next)
}

/// `@verifyCPF`/`@verifySSN`/`@verifySVNR`'s loop: the element v3 would accept first, if any.
pub(crate) fn searchall_verified(
    re: &PcreRegex,
    input: &[u8],
    check: impl Fn(&[u8]) -> bool,
) -> Result<Option<(usize, usize)>, OutOfBudget> {
    if input.len() < 2 {
        // `i < input.size() - 1` never holds (v3 underflows on an empty input; we don't).
        return Ok(None);
    }
    let looks_left = re.looks_left();
    let mut searcher = Searcher::new(re, input, true);
    // Offset → the last element passing `check` in the chain of searches from that offset
    // (full-input context).
    let mut chain_memo: BTreeMap<usize, Option<(usize, usize)>> = BTreeMap::new();

    let mut i = 0;
    while i < input.len() - 1 {
        // The first match of searchAll(input[i..]).
        let (first, skip_to) = if looks_left {
            match searcher.find_anchored_in_suffix(i)? {
                Some(slots) => (Some(slots), i + 1),
                None => (searcher.find(i + 1)?, i + 1),
            }
        } else {
            let found = searcher.find(i)?;
            let next_i = found
                .as_ref()
                .and_then(|s| s.first().copied().flatten())
                .map_or(input.len(), |(s, _)| s.max(i) + 1);
            (found, next_i)
        };
        let Some(first) = first else {
            if looks_left {
                i += 1;
                continue;
            }
            break;
        };
        let (elems, next) = elements(&first);
        let tail = match next {
            Some(o) => chain_result(&mut searcher, &mut chain_memo, o, &check)?,
            None => None,
        };
        let own = elems
            .iter()
            .rev()
            .find(|&&(s, e)| check(&input[s..e]))
            .copied();
        if let Some(hit) = tail.or(own) {
            return Ok(Some(hit));
        }
        i = skip_to;
    }
    Ok(None)
}

/// The last element passing `check` in the chain of `searchAll` searches starting at `from`.
fn chain_result(
    searcher: &mut Searcher<'_>,
    memo: &mut BTreeMap<usize, Option<(usize, usize)>>,
    from: usize,
    check: &impl Fn(&[u8]) -> bool,
) -> Result<Option<(usize, usize)>, OutOfBudget> {
    // Walk forward to the end of the chain or a memoized offset, then fill back.
    let mut pending: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
    let mut offset = Some(from);
    let mut result = None;
    while let Some(o) = offset {
        if let Some(r) = memo.get(&o) {
            result = *r;
            break;
        }
        let Some(slots) = searcher.find(o)? else {
            break;
        };
        let (elems, next) = elements(&slots);
        pending.push((o, elems));
        offset = next;
    }
    let input = searcher.input;
    while let Some((o, elems)) = pending.pop() {
        if result.is_none() {
            result = elems
                .iter()
                .rev()
                .find(|&&(s, e)| check(&input[s..e]))
                .copied();
        }
        memo.insert(o, result);
    }
    Ok(result)
}
