//! The transaction's profiling hooks (see [`crate::profile`]): switching the profiler on and
//! off, reading what it measured, and the cheap calls the phase loop, the body processing and
//! the memo make. With no profiler each hook is a test of `None`.

use std::sync::Arc;

use super::Transaction;
use super::memo::MemoProfile;
use crate::profile::{Profile, Profiler, Stopwatch, add_at};
use crate::ruleset::rule::BodyProcessorKind;

impl Transaction {
    /// Switches cost accounting on (with the host's stopwatch) or off for this transaction.
    /// Switching it on starts from an empty [`Profile`].
    pub fn set_profiler(&mut self, watch: Option<Arc<dyn Stopwatch>>) {
        match watch {
            Some(w) => {
                self.memo.prof = Some(MemoProfile {
                    watch: w.clone(),
                    transforms: Vec::new(),
                    scans: Default::default(),
                });
                self.profiler = Some(Box::new(Profiler {
                    watch: w,
                    data: Profile::default(),
                    memo_hits_at_start: self.memo.hits,
                }));
            }
            None => {
                self.memo.prof = None;
                self.profiler = None;
            }
        }
    }

    /// What the profiler measured so far (`None` when profiling is off).
    pub fn profile(&self) -> Option<Profile> {
        let p = self.profiler.as_ref()?;
        let mut out = p.data.clone();
        if let Some(m) = &self.memo.prof {
            out.transforms = m.transforms.clone();
            out.prefilter_scans = m.scans;
        }
        out.eval = self.stats;
        out.memo_hits = self.memo.hits.saturating_sub(p.memo_hits_at_start);
        Some(out)
    }

    /// The stopwatch's reading when profiling, else `None` (the hooks' only cost when off).
    #[inline]
    pub(crate) fn prof_now(&self) -> Option<u64> {
        self.profiler.as_ref().map(|p| p.watch.nanos())
    }

    fn prof_elapsed(&mut self, start: u64) -> Option<(&mut Profile, u64)> {
        let p = self.profiler.as_mut()?;
        let spent = p.watch.nanos().saturating_sub(start);
        Some((&mut p.data, spent))
    }

    /// Records a rule (its whole chain) that started at `start`.
    pub(crate) fn prof_rule(&mut self, index: u32, start: u64) {
        if let Some((p, spent)) = self.prof_elapsed(start) {
            add_at(&mut p.rules, index as usize, spent);
        }
    }

    /// Counts an operator run by the rule link `index` (a value the prefilter did not decide).
    pub(crate) fn prof_operator(&mut self, index: u32) {
        if let Some(p) = self.profiler.as_mut() {
            let v = &mut p.data.operator_runs;
            let i = index as usize;
            if v.len() <= i {
                v.resize(i + 1, 0);
            }
            if let Some(c) = v.get_mut(i) {
                *c += 1;
            }
        }
    }

    /// Records a phase's rule loop that started at `start`.
    pub(crate) fn prof_phase(&mut self, phase: u8, start: u64) {
        if let Some((p, spent)) = self.prof_elapsed(start)
            && let Some(c) = p.phases.get_mut(usize::from(phase))
        {
            c.add(spent);
        }
    }

    /// Records the request body processor that started at `start`.
    pub(crate) fn prof_body(&mut self, start: u64) {
        let kind = match (self.st.body_processor, self.st.body_type) {
            (Some(BodyProcessorKind::Json), _) => 3,
            (Some(BodyProcessorKind::Xml), _) => 4,
            (_, Some(BodyProcessorKind::Multipart)) => 2,
            (_, Some(BodyProcessorKind::UrlEncoded)) => 1,
            _ => 0,
        };
        if let Some((p, spent)) = self.prof_elapsed(start)
            && let Some(c) = p.body_processors.get_mut(kind)
        {
            c.add(spent);
        }
    }
}
