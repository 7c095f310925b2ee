//! Where a transaction's time goes, for rule authors and for engine work (`palisade bench
//! --profile`): wall time and counts per rule, per transformation step, per body processor,
//! per phase, and for the prefilter scans.
//!
//! Profiling is off by default and is switched on per transaction
//! ([`Transaction::set_profiler`](crate::transaction::Transaction::set_profiler)). When it is
//! off, each hook is one test of an `Option` that is `None` (no clock read, no write), so an
//! ordinary transaction pays nothing measurable. The engine has no clock of its own (it builds
//! for `wasm32-unknown-unknown`): the host passes a [`Stopwatch`].
//!
//! What is measured:
//! - a rule: from the start of its first link to the end of its chain, its transformations,
//!   operators and actions included (the first rule that needs a transformed value pays for
//!   computing it; later rules find it memoised);
//! - a transformation step: computing one chain node's value from its parent's value (the
//!   memoised path only; values that have no memo slot, such as `TX`, are not counted);
//! - a body processor: parsing the request body into variables, before phase 2;
//! - a phase: its whole rule loop;
//! - the prefilter: scanning a value once for the literals of every rule.

use std::sync::Arc;

/// A monotonic clock in nanoseconds, provided by the host.
pub trait Stopwatch: Send + Sync + std::fmt::Debug {
    /// Nanoseconds since an arbitrary, fixed origin; never decreasing.
    fn nanos(&self) -> u64;
}

/// Time and count of one kind of work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// Total wall time in nanoseconds.
    pub nanos: u64,
    /// How many times it ran.
    pub count: u64,
}

impl Cost {
    /// Adds one run of `nanos`.
    pub fn add(&mut self, nanos: u64) {
        self.nanos = self.nanos.saturating_add(nanos);
        self.count += 1;
    }

    /// Adds another cost.
    pub fn merge(&mut self, o: Cost) {
        self.nanos = self.nanos.saturating_add(o.nanos);
        self.count += o.count;
    }
}

/// The names of the body-processor slots of [`Profile::body_processors`].
pub const BODY_PROCESSORS: [&str; 5] = ["(none)", "URLENCODED", "MULTIPART", "JSON", "XML"];

/// The costs of one transaction, or of many merged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Per rule, by index into [`Ruleset::rules`](crate::ruleset::Ruleset::rules) (the first
    /// link of a chain; the chain's time is included).
    pub rules: Vec<Cost>,
    /// Per transformation-chain node, by [`NodeId`](crate::ruleset::chain::NodeId): the last
    /// step of that chain, computed from its parent's value.
    pub transforms: Vec<Cost>,
    /// Per body processor, in the order of [`BODY_PROCESSORS`].
    pub body_processors: [Cost; 5],
    /// Per phase (0–5): the rule loop.
    pub phases: [Cost; 6],
    /// Prefilter scans (one per distinct transformed value that a prefiltered rule tests).
    pub prefilter_scans: Cost,
    /// Per rule link, by index into [`Ruleset::rules`](crate::ruleset::Ruleset::rules): the
    /// values whose operator ran (those the prefilter did not decide).
    pub operator_runs: Vec<u64>,
    /// The evaluation counters (rule links, values tested, operators run, …).
    pub eval: crate::transaction::EvalStats,
    /// Memo lookups answered without computing.
    pub memo_hits: u64,
}

fn merge_vec(into: &mut Vec<Cost>, from: &[Cost]) {
    if into.len() < from.len() {
        into.resize(from.len(), Cost::default());
    }
    for (a, b) in into.iter_mut().zip(from) {
        a.merge(*b);
    }
}

impl Profile {
    /// Adds another profile's costs to this one.
    pub fn merge(&mut self, o: &Profile) {
        merge_vec(&mut self.rules, &o.rules);
        merge_vec(&mut self.transforms, &o.transforms);
        for (a, b) in self.body_processors.iter_mut().zip(&o.body_processors) {
            a.merge(*b);
        }
        for (a, b) in self.phases.iter_mut().zip(&o.phases) {
            a.merge(*b);
        }
        self.prefilter_scans.merge(o.prefilter_scans);
        if self.operator_runs.len() < o.operator_runs.len() {
            self.operator_runs.resize(o.operator_runs.len(), 0);
        }
        for (a, b) in self.operator_runs.iter_mut().zip(&o.operator_runs) {
            *a += b;
        }
        let (a, b) = (&mut self.eval, &o.eval);
        a.rules += b.rules;
        a.tests += b.tests;
        a.operators += b.operators;
        a.prefiltered += b.prefiltered;
        a.matches += b.matches;
        self.memo_hits += o.memo_hits;
    }

    /// Forgets every cost, keeping allocations.
    pub fn clear(&mut self) {
        self.rules.clear();
        self.transforms.clear();
        self.body_processors = Default::default();
        self.phases = Default::default();
        self.prefilter_scans = Cost::default();
        self.operator_runs.clear();
        self.eval = Default::default();
        self.memo_hits = 0;
    }
}

/// Adds `nanos` at `index`, growing `v` as needed.
pub(crate) fn add_at(v: &mut Vec<Cost>, index: usize, nanos: u64) {
    if v.len() <= index {
        v.resize(index + 1, Cost::default());
    }
    if let Some(c) = v.get_mut(index) {
        c.add(nanos);
    }
}

/// A transaction's profiler: the host's stopwatch and what it measured so far.
#[derive(Clone, Debug)]
pub(crate) struct Profiler {
    pub watch: Arc<dyn Stopwatch>,
    pub data: Profile,
    /// The memo's hit counter when profiling started (the counter survives transaction reuse).
    pub memo_hits_at_start: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_and_grows() {
        let mut a = Profile::default();
        add_at(&mut a.rules, 2, 10);
        let mut b = Profile::default();
        add_at(&mut b.rules, 4, 5);
        add_at(&mut b.rules, 2, 7);
        b.phases[2].add(3);
        a.merge(&b);
        assert_eq!(a.rules.len(), 5);
        assert_eq!(
            a.rules[2],
            Cost {
                nanos: 17,
                count: 2
            }
        );
        assert_eq!(a.rules[4].count, 1);
        assert_eq!(a.phases[2].nanos, 3);
        a.clear();
        assert!(a.rules.is_empty());
        assert_eq!(a.phases[2], Cost::default());
    }
}
