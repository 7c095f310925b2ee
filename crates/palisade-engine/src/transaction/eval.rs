//! Rule evaluation, as ModSecurity v3.0.9 runs it:
//!
//! - the phase loop (`RulesSet::evaluate`): markers, `skip`, `allow`, exception directives,
//!   `ctl:ruleRemoveByTag`, and the stop after an interruption;
//! - a rule (`RuleWithOperator::evaluate`): every target's values, transformed (once per
//!   value and chain, through the memo), the operator on each, and for each match the
//!   `setvar`s and `MATCHED_VAR*` updates; then the chain's next link; then, when the whole
//!   chain matched, the actions that only run then (`executeActionsAfterFullMatch`) and the
//!   log message (`performLogging`).

use super::memo::transform_unmemoised;
use super::resolve::{VName, VVal, Visit};
use super::state::{Intervention, MatchedName, State};
use super::visit_lists::VisitLists;
use super::{LoggedMessage, Transaction};
use crate::InterruptionAction;
use crate::message::{RuleMessage, match_description};
use crate::ruleset::chain::{ChainTrie, NodeId};
use crate::ruleset::rule::{
    AllowKind, CompiledRule, CtlAction, Disruptive, RunAction, SetVarAction, SetVarKind, Target,
    ValueExclusion,
};
use crate::ruleset::settings::RuleEngine;
use crate::ruleset::{Entry, Ruleset};
use crate::text::stoi_or_zero;
use crate::var::{Collection, Scalar};
use palisade_seclang::MacroString;

/// The message a rule (chain) builds while it runs (ModSecurity's `RuleMessage`).
///
/// Most matching rules never log (CRS's skip and scoring rules), so the expensive parts are
/// built lazily: the match description from [`LastMatch`], and `msg`/`logdata`/`tag` expanded
/// only when the message is logged or the rule disrupts (`pending_*` say which rule's
/// actions to expand). Rules whose actions could change what those macros read before then
/// expand eagerly, as ModSecurity does.
#[derive(Debug)]
pub(crate) struct Msg {
    pub message: Vec<u8>,
    pub data: Vec<u8>,
    pub severity: Option<u8>,
    pub tags: Vec<Vec<u8>>,
    pub last: Option<LastMatch>,
    pub disruptive: bool,
    pub save: bool,
    pub no_audit_log: bool,
    pending_msg: Option<u32>,
    pending_data: Option<u32>,
    pending_tags: Vec<u32>,
    /// The bytes of [`SavedVal::Held`] in `last`'s key (kept between matches, reused).
    held_key: Vec<u8>,
    /// The bytes of [`SavedVal::Held`] in `last`'s original value (reused).
    held_val: Vec<u8>,
}

/// What the match description needs: the rule link that matched, the value's name and its
/// value before transformations.
#[derive(Clone, Debug)]
pub(crate) struct LastMatch {
    rule: u32,
    name: SavedName,
    original: SavedVal,
}

/// Where a saved value's bytes are: a value-table slot (request data, unchanged for the
/// transaction), or copied into the [`Msg`]'s `held_key`/`held_val` buffer (a value in
/// scratch space, which the next resolution overwrites).
#[derive(Clone, Copy, Debug)]
enum SavedVal {
    Slot(crate::collection::values::Slot),
    Held,
}

#[derive(Clone, Debug)]
enum SavedName {
    Plain(&'static str),
    Key(&'static str, SavedVal),
    Target(u16),
}

impl Msg {
    fn new() -> Self {
        Msg {
            message: Vec::new(),
            data: Vec::new(),
            severity: None,
            tags: Vec::new(),
            last: None,
            disruptive: false,
            save: true,
            no_audit_log: false,
            pending_msg: None,
            pending_data: None,
            pending_tags: Vec::new(),
            held_key: Vec::new(),
            held_val: Vec::new(),
        }
    }

    /// Back to [`Msg::new`]'s state, keeping the buffers (one `Msg` serves every rule of a
    /// phase: matching rules then do not allocate their tag lists anew).
    fn reset(&mut self) {
        self.message.clear();
        self.data.clear();
        self.severity = None;
        self.tags.clear();
        self.last = None;
        self.disruptive = false;
        self.save = true;
        self.no_audit_log = false;
        self.pending_msg = None;
        self.pending_data = None;
        self.pending_tags.clear();
    }
}

/// Expands operator arguments in the transaction's current state.
struct Expander<'a> {
    t: &'a Transaction,
}

impl palisade_match::MacroExpander for Expander<'_> {
    fn expand(&self, s: &MacroString) -> Vec<u8> {
        self.t.expand_macro_string(s)
    }
}

impl Transaction {
    /// Runs the rules of `phase` (0–5).
    pub(crate) fn run_phase(&mut self, phase: u8) {
        let rs = self.rs.clone();
        match self.st.allow {
            Some(AllowKind::All) if phase != 5 => return,
            Some(AllowKind::Request) if phase <= 2 => return,
            _ => {}
        }
        self.st.allow = None;
        let Some(entries) = rs.phases.get(usize::from(phase)) else {
            return;
        };
        let phase_start = self.prof_now();
        let mut msg = Msg::new();
        for entry in entries {
            match *entry {
                Entry::Marker(id) => {
                    if self.st.marker == Some(id) {
                        self.st.marker = None;
                    }
                }
                Entry::Rule { index, removed } => {
                    if self.st.marker.is_some() {
                        continue;
                    }
                    if self.st.skip_next > 0 {
                        self.st.skip_next -= 1;
                        continue;
                    }
                    if self.st.allow.is_some() || removed {
                        continue;
                    }
                    if State::bit(&self.st.removed_by_tag, index) {
                        continue;
                    }
                    msg.reset();
                    let start = self.prof_now();
                    self.eval_link(&rs, index, &mut msg);
                    if let Some(start) = start {
                        self.prof_rule(index, start);
                    }
                    if self.st.it.disruptive {
                        break;
                    }
                }
            }
        }
        if let Some(start) = phase_start {
            self.prof_phase(phase, start);
        }
    }

    fn target_removed(&self, idx: u32, target: &Target) -> bool {
        self.st
            .removed_targets
            .iter()
            .any(|(i, t)| *i == idx && **t == *target.full_name)
    }

    fn value_removed(
        &self,
        idx: u32,
        ctl: bool,
        rule: &CompiledRule,
        target: &Target,
        v: &Visit,
    ) -> bool {
        for e in &rule.value_exclusions {
            match e {
                ValueExclusion::Name(n) => {
                    if self.name_is(target, v.name, n) {
                        return true;
                    }
                }
                ValueExclusion::KeyRegex(re) => {
                    let hit = match v.name {
                        VName::Plain(s) => re.is_match(s.as_bytes()),
                        VName::Key(_, k) => re.is_match(self.vval_bytes(k)),
                        VName::Target => re.is_match(target.full_name.as_bytes()),
                    };
                    if hit {
                        return true;
                    }
                }
            }
        }
        ctl && self
            .st
            .removed_targets
            .iter()
            .any(|(i, t)| *i == idx && self.name_is(target, v.name, t.as_bytes()))
    }

    /// [`Transaction::value_removed`] for a visit list (no `ctl` removals), without testing
    /// `Name` exclusions that cannot match: a `COLLECTION:key` name equals an exclusion only
    /// when the exclusion begins with `COLLECTION:` ([`Transaction::name_is`]), which is
    /// decided once per collection name (`cache`) instead of once per value. CRS's
    /// `!REQUEST_HEADERS:Cookie` is thus not compared with each of a JSON body's thousands of
    /// `ARGS` names. Key regexes apply to every name and are always tested.
    fn list_value_removed(
        &self,
        rule: &CompiledRule,
        target: &Target,
        v: &Visit,
        cache: &mut Option<(&'static str, bool)>,
    ) -> bool {
        let VName::Key(c, _) = v.name else {
            return self.value_removed(0, false, rule, target, v);
        };
        let names = match *cache {
            Some((cc, b)) if std::ptr::eq(cc, c) => b,
            _ => {
                let b = name_exclusions_may_match(&rule.value_exclusions, c);
                *cache = Some((c, b));
                b
            }
        };
        if names {
            return self.value_removed(0, false, rule, target, v);
        }
        rule.value_exclusions.iter().any(|e| match e {
            ValueExclusion::KeyRegex(re) => {
                let VName::Key(_, k) = v.name else {
                    return false;
                };
                re.is_match(self.vval_bytes(k))
            }
            ValueExclusion::Name(_) => false,
        })
    }

    /// Whether a `ctl:ruleRemoveTarget…` removed this value's name from rule `idx`: one of
    /// the removals `mine` (indexes into the removals, taken when the rule started), or one
    /// added since (from `seen` on).
    fn ctl_value_removed(
        &self,
        idx: u32,
        mine: &[usize],
        seen: usize,
        target: &Target,
        v: &Visit,
    ) -> bool {
        let removed = &self.st.removed_targets;
        mine.iter().any(|&k| {
            removed
                .get(k)
                .is_some_and(|(_, t)| self.name_is(target, v.name, t.as_bytes()))
        }) || removed
            .get(seen..)
            .unwrap_or(&[])
            .iter()
            .any(|(i, t)| *i == idx && self.name_is(target, v.name, t.as_bytes()))
    }

    /// Whether a visited value's name (`COLLECTION:key`) is exactly `full`, without spelling
    /// the name out.
    fn name_is(&self, target: &Target, n: VName, full: &[u8]) -> bool {
        match n {
            VName::Plain(s) => s.as_bytes() == full,
            VName::Target => target.full_name.as_bytes() == full,
            VName::Key(c, k) => {
                let c = c.as_bytes();
                full.len() > c.len()
                    && full.starts_with(c)
                    && full.get(c.len()) == Some(&b':')
                    && &full[c.len() + 1..] == self.vval_bytes(k)
            }
        }
    }

    /// Evaluates one link (and, when it matches and chains, the next ones).
    fn eval_link(&mut self, rs: &Ruleset, idx: u32, msg: &mut Msg) -> bool {
        let Some(rule) = rs.rules.get(idx as usize) else {
            return false;
        };
        if rule.chained
            && rule.parent.is_none()
            && !self.st.deferring
            && !rs.settings.modsec_3_0_9_defects
        {
            // A chain logs only when it matches whole: the multiMatch messages of its links
            // wait until then (libmodsecurity 3.0.9 logs them even when a later link fails).
            self.st.deferring = true;
            let hit = self.eval_link(rs, idx, msg);
            self.st.deferring = false;
            let deferred = std::mem::take(&mut self.st.deferred);
            if hit {
                for m in deferred {
                    self.emit_message(m);
                }
            }
            return hit;
        }
        let Some(op) = &rule.operator else {
            return self.eval_unconditional(rs, rule, msg);
        };
        if State::bit(&self.st.removed_by_id, idx) {
            return true;
        }
        let ctl_targets = self.st.has_removed_targets(idx);
        // The rule's values: from the visit list it shares with its target set (then
        // filtered by the `ctl` removals for this rule, if any), or resolved here (when a value
        // lives in scratch space). `@geoLookup` writes GEO while it runs, so it resolves each
        // target when it reaches it.
        let list = if rule.target_set != u32::MAX
            && !(rule.reads_xml && self.xml_present)
            && op.name != palisade_seclang::OperatorName::GeoLookup
        {
            self.visit_list(rs, rule)
        } else {
            None
        };
        // Skip the whole rule when no value of its target set is a prefilter candidate for
        // its operator: then no value can match (the rule is not negated). `ctl` removals only
        // take values away, so the target set's union still decides.
        // Otherwise visit only the group's candidates (the other values are prefilter misses
        // for the rule: see `visit_lists`); with `ctl` removals for the rule, only those that
        // are not removed (`eval_list_ctl`).
        let mut cands: Option<(u32, u32)> = None;
        if rule.skippable
            && self.opts.prefilter
            && self.opts.memoize
            && let Some(l) = list
        {
            match self.group_candidate(rs, rule, l) {
                GroupAnswer::Skip => {
                    self.stats.rules_skipped += 1;
                    self.clean_matched();
                    return false;
                }
                GroupAnswer::Candidates(a, b) => cands = Some((a, b)),
                _ => {}
            }
        }
        self.stats.rules += 1;
        let mut global = false;
        if ctl_targets && let Some(l) = list {
            global = self.eval_list_ctl(rs, idx, rule, op, l, cands, msg);
        } else if let (Some((a, b)), Some((ca, cb))) = (list, cands) {
            // Each value left out is one test the prefilter decided (as `eval_visit` counts
            // it).
            let skipped = u64::from((b - a).saturating_sub(cb - ca));
            self.stats.tests += skipped;
            self.stats.prefiltered += skipped;
            // A candidate whose bits (as the group read them: what the rule's own test reads)
            // lack the rule's slot is a prefilter miss too (see `visit_lists`).
            let (w, bit) = (
                rule.prefilter_slot as usize / 64,
                1u64 << (rule.prefilter_slot % 64),
            );
            for j in ca..cb {
                let Some((i, off)) = self.lists.candidate(j) else {
                    break;
                };
                if self.memo.bits.get(off as usize + w).copied().unwrap_or(0) & bit == 0 {
                    self.stats.tests += 1;
                    self.stats.prefiltered += 1;
                    continue;
                }
                let Some((ti, v)) = self.lists.item(i) else {
                    break;
                };
                let Some(target) = rule.targets.get(usize::from(ti)) else {
                    continue;
                };
                global |= self.eval_visit(rs, rule, op, target, v, msg);
            }
        } else if let Some((a, b)) = list {
            for i in a..b {
                let Some((ti, v)) = self.lists.item(i) else {
                    break;
                };
                let Some(target) = rule.targets.get(usize::from(ti)) else {
                    continue;
                };
                global |= self.eval_visit(rs, rule, op, target, v, msg);
            }
        } else {
            let mut visits = std::mem::take(&mut self.visits_buf);
            for target in &rule.targets {
                if ctl_targets && self.target_removed(idx, target) {
                    continue;
                }
                self.resolve_target(target, &mut visits);
                for v in visits.iter().copied() {
                    if (ctl_targets || !rule.value_exclusions.is_empty())
                        && self.value_removed(idx, ctl_targets, rule, target, &v)
                    {
                        continue;
                    }
                    global |= self.eval_visit(rs, rule, op, target, v, msg);
                }
            }
            self.visits_buf = visits;
        }
        if !global {
            self.clean_matched();
            return false;
        }
        if rule.chained {
            let Some(next) = rule.next else {
                return false;
            };
            if !self.eval_link(rs, next, msg) {
                return false;
            }
        }
        self.after_full_match(rs, rule, msg);
        if msg.save && rule.parent.is_none() && !rule.multi_match {
            self.push_message(rs, rule, msg);
        }
        true
    }

    /// The values of a visit list for a rule with `ctl:ruleRemoveTarget…` removals: every
    /// value not removed (a target removed whole is skipped, decided when the rule reaches
    /// it; removals the rule's own actions add apply from then on), and of those, when the
    /// group answered with candidates `cands`, only the candidates holding the rule's slot
    /// are tested, the others counted as prefilter misses, exactly as
    /// [`Transaction::eval_link`] does without removals (removals only take values away; a
    /// value that is no candidate is a prefilter miss whether or not others are removed: see
    /// `visit_lists`). A removal names a `COLLECTION:key` value only when it holds a `:`
    /// ([`Transaction::name_is`]), so a keyed value is compared with the removals only when
    /// one of them does or when removals were added while the rule runs. Out of line: ~20
    /// CRS rules per request take this path (941010's `xss-perf-disable`).
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn eval_list_ctl(
        &mut self,
        rs: &Ruleset,
        idx: u32,
        rule: &CompiledRule,
        op: &crate::ruleset::operator::CompiledOperator,
        (a, b): (u32, u32),
        cands: Option<(u32, u32)>,
        msg: &mut Msg,
    ) -> bool {
        // The `ctl` removals for this rule when it started (entries added while it runs are
        // checked from `seen` on, as they come).
        let mut mine = std::mem::take(&mut self.ctl_buf);
        mine.clear();
        let seen = self.st.removed_targets.len();
        mine.extend(
            (0..seen).filter(|&k| self.st.removed_targets.get(k).is_some_and(|e| e.0 == idx)),
        );
        let mine_keyed = mine.iter().any(|&k| {
            self.st
                .removed_targets
                .get(k)
                .is_some_and(|(_, t)| t.contains(':'))
        });
        let (w, bit) = (
            rule.prefilter_slot as usize / 64,
            1u64 << (rule.prefilter_slot % 64),
        );
        let (mut j, cb) = cands.unwrap_or((0, 0));
        let mut global = false;
        let mut current: Option<(u16, bool)> = None;
        for i in a..b {
            let Some((ti, v)) = self.lists.item(i) else {
                break;
            };
            // This position's candidate bits, if it is a candidate (candidates are in list
            // order).
            let mut cand: Option<u32> = None;
            while j < cb {
                match self.lists.candidate(j) {
                    Some((ci, _)) if ci < i => j += 1,
                    Some((ci, off)) if ci == i => {
                        cand = Some(off);
                        j += 1;
                        break;
                    }
                    _ => break,
                }
            }
            let Some(target) = rule.targets.get(usize::from(ti)) else {
                continue;
            };
            let removed = match current {
                Some((t, r)) if t == ti => r,
                _ => {
                    let r = self.target_removed(idx, target);
                    current = Some((ti, r));
                    r
                }
            };
            if removed {
                continue;
            }
            let may_name = !matches!(v.name, VName::Key(..))
                || mine_keyed
                || self.st.removed_targets.len() != seen;
            if may_name && self.ctl_value_removed(idx, &mine, seen, target, &v) {
                continue;
            }
            if cands.is_some() {
                let hit = cand.is_some_and(|off| {
                    self.memo.bits.get(off as usize + w).copied().unwrap_or(0) & bit != 0
                });
                if !hit {
                    self.stats.tests += 1;
                    self.stats.prefiltered += 1;
                    continue;
                }
            }
            global |= self.eval_visit(rs, rule, op, target, v, msg);
        }
        self.ctl_buf = mine;
        global
    }

    /// Runs the operator on one (transformed) value and, on a match, everything a match
    /// does. Returns whether it matched.
    #[allow(clippy::too_many_arguments)]
    fn test_value(
        &mut self,
        rs: &Ruleset,
        rule: &CompiledRule,
        op: &crate::ruleset::operator::CompiledOperator,
        target: &Target,
        v: Visit,
        _step: (NodeId, usize),
        tv: Tv<'_>,
        candidate: bool,
        msg: &mut Msg,
    ) -> bool {
        // Scan once: a value's prefilter scan at a node is memoised with the value; a rule
        // whose operator is not a candidate cannot match, so its result is known. `candidate`:
        // the caller already found the operator a candidate (from the raw value's scan, for a
        // value the chain leaves as it is up to ASCII case).
        self.stats.tests += 1;
        if self.opts.prefilter
            && !candidate
            && let Tv::Memo(r) = tv
            && rule.prefilter_slot != u32::MAX
            && !self.candidate(rs, r, rule.prefilter_slot)
        {
            self.stats.prefiltered += 1;
            if !op.negated {
                return false;
            }
            return self.matched_value(rs, rule, op, target, v, tv, msg);
        }
        if self.profiler.is_some() {
            let i = self.rule_index(rs, rule);
            self.prof_operator(i);
        }
        let mut captures = std::mem::take(&mut self.captures);
        captures.clear();
        let mut geo: Option<palisade_match::GeoRecord> = None;
        // The matched value is copied into a reused buffer (the memo cannot stay borrowed
        // while the match's actions run).
        let mut bytes = std::mem::take(&mut self.match_buf);
        bytes.clear();
        let hit = {
            let input: &[u8] = match tv {
                Tv::Memo(r) => self.memo.bytes(&self.d.values, r),
                Tv::Owned(b) => b,
                Tv::Val(v) => self.vval_bytes(v),
            };
            let expander = Expander { t: self };
            let mut cx = palisade_match::EvalContext::new(&expander).with_geo(&mut geo);
            // A candidate proven by the prefilter lets `@pm` skip its own quick check (same
            // result either way; see `Operator::evaluate_candidate`).
            let proven = candidate
                || (self.opts.prefilter
                    && matches!(tv, Tv::Memo(_))
                    && rule.prefilter_slot != u32::MAX);
            let run = |cx: &mut palisade_match::EvalContext<'_>| {
                if proven {
                    op.evaluate_candidate(input, cx)
                } else {
                    op.evaluate(input, cx)
                }
            };
            let mut result = run(&mut cx);
            // Operators capture only when they match; a capturing search costs several times
            // a plain one, so it runs only for the values that did match.
            if result && rule.capture {
                let mut cx =
                    palisade_match::EvalContext::new(&expander).with_captures(&mut captures);
                result = run(&mut cx);
            }
            let hit = result != op.negated;
            if hit {
                bytes.extend_from_slice(input);
            }
            hit
        };
        self.stats.operators += 1;
        if rule.capture && !captures.is_empty() {
            for (g, c) in captures.tx() {
                let mut digits = [0u8; 12];
                let key = crate::text::fmt_i32(i32::try_from(g).unwrap_or(i32::MAX), &mut digits);
                let id = self.st.tx.id_for(&rs.keys, key);
                self.st.tx.set(id, key, c);
            }
        }
        self.captures = captures;
        if let Some(g) = geo {
            self.set_geo(&g);
        }
        if !hit {
            self.match_buf = bytes;
            return false;
        }
        let matched = self.matched_bytes(rs, rule, op, target, v, &mut bytes, msg);
        self.match_buf = bytes;
        matched
    }

    /// Tests one visited value (transformed, or each changed step for `multiMatch`) with the
    /// rule's operator; true when it matched.
    fn eval_visit(
        &mut self,
        rs: &Ruleset,
        rule: &CompiledRule,
        op: &crate::ruleset::operator::CompiledOperator,
        target: &Target,
        v: Visit,
        msg: &mut Msg,
    ) -> bool {
        let mut global = false;
        // The values to test: the transformed value, or every changed step (multiMatch).
        match v.val {
            VVal::Slot(slot) if self.opts.memoize => {
                // Gate: when the chain cannot change the value beyond ASCII case, every step
                // of it has the raw value's candidate bits (the prefilter ignores ASCII case),
                // so the raw value's scan, shared by every rule, decides; the chain is only
                // computed when the operator is a candidate. Negated operators need the
                // transformed value either way.
                let gated = self.opts.prefilter
                    && rule.prefilter_slot != u32::MAX
                    && !op.negated
                    && self
                        .memo
                        .chain_is_quiet(&self.d.values, &rs.chains, slot, rule.chain);
                if gated {
                    let raw = self.memo.raw_bits(&self.d.values, slot, &rs.prefilter);
                    if !self.memo.bit(raw, rule.prefilter_slot) {
                        self.stats.tests += 1;
                        self.stats.prefiltered += 1;
                        return false;
                    }
                }
                if self.case_blind_miss(rs, rule, op, slot) {
                    return false;
                }
                if rule.multi_match {
                    // One walk down the chain: the original value and each changed step.
                    let mut steps = std::mem::take(&mut self.memo.steps_buf);
                    self.memo.multi_steps(
                        &self.d.values,
                        &rs.chains,
                        &rs.transform,
                        slot,
                        &rule.chain_steps,
                        &mut steps,
                    );
                    for &(i, r) in &steps {
                        let n = rule.chain_steps.get(i).copied().unwrap_or(rule.chain);
                        global |= self.test_value(
                            rs,
                            rule,
                            op,
                            target,
                            v,
                            (n, i),
                            Tv::Memo(r),
                            gated,
                            msg,
                        );
                    }
                    self.memo.steps_buf = steps;
                } else {
                    let r =
                        self.memo
                            .get(&self.d.values, &rs.chains, &rs.transform, slot, rule.chain);
                    global |= self.test_value(
                        rs,
                        rule,
                        op,
                        target,
                        v,
                        (rule.chain, 0),
                        Tv::Memo(r),
                        gated,
                        msg,
                    );
                }
            }
            _ if rule.chain == crate::ruleset::chain::ChainTrie::ROOT => {
                global |= self.test_value(
                    rs,
                    rule,
                    op,
                    target,
                    v,
                    (rule.chain, 0),
                    Tv::Val(v.val),
                    false,
                    msg,
                );
            }
            _ => {
                let input = self.vval_bytes(v.val).to_vec();
                let steps = transform_unmemoised(&input, &rs.chains, &rs.transform, rule.chain);
                if rule.multi_match {
                    for (i, (n, b, changed)) in steps.iter().enumerate() {
                        if i == 0 || *changed {
                            global |= self.test_value(
                                rs,
                                rule,
                                op,
                                target,
                                v,
                                (*n, i),
                                Tv::Owned(b),
                                false,
                                msg,
                            );
                        }
                    }
                } else if let Some((n, b, _)) = steps.last() {
                    global |=
                        self.test_value(rs, rule, op, target, v, (*n, 0), Tv::Owned(b), false, msg);
                }
            }
        }
        global
    }

    /// Whether a case-blind operator (`@pm`, `@pmFromFile`), run on `slot`'s raw value, proves
    /// that it matches no step of the rule's chain, without computing the chain.
    ///
    /// Sound because: (1) the value holds none of the chain's trigger classes, so every step of
    /// the chain equals the raw value up to ASCII case (`palisade_transform::Triggers`); (2)
    /// whether `@pm`/`@pmFromFile` match depends only on the ASCII-lowercased input: in
    /// ModSecurity `Pm` builds its matcher with `acmp_create(0)` (case-insensitive: both the
    /// phrases and every input byte go through `tolower`, C locale), and palisade-match's `Pm`
    /// folds every input byte with `to_ascii_lowercase` in its quick check (upper-case letters
    /// share their lower-case class) and in acmp (`input_letter`). So a miss on the raw value is
    /// a miss on every step (multiMatch included), and a miss has no side effect (nothing is
    /// captured). Only misses are decided here: on a hit the caller computes the chain and runs
    /// the operator on the real value, so captures and `MATCHED_VAR` are exact. Chains whose
    /// result is the raw value itself ([`super::memo::Memo::chain_is_identity`]) need no proof:
    /// they go the usual way, at the same cost. The engine test `case_blind` compares decisions
    /// with this on and off.
    fn case_blind_miss(
        &mut self,
        rs: &Ruleset,
        rule: &CompiledRule,
        op: &crate::ruleset::operator::CompiledOperator,
        slot: crate::collection::values::Slot,
    ) -> bool {
        use palisade_seclang::OperatorName as O;
        if !self.opts.prefilter
            || op.negated
            || !matches!(op.name, O::Pm | O::PmFromFile)
            || !self
                .memo
                .chain_is_quiet(&self.d.values, &rs.chains, slot, rule.chain)
            || self
                .memo
                .chain_is_identity(&self.d.values, &rs.chains, slot, rule.chain)
        {
            return false;
        }
        if self.profiler.is_some() {
            let i = self.rule_index(rs, rule);
            self.prof_operator(i);
        }
        let hit = {
            let expander = Expander { t: self };
            let mut cx = palisade_match::EvalContext::new(&expander);
            let raw = self.d.values.get(slot);
            // With a prefilter slot, the gate in `eval_visit` (same conditions as above) has
            // already found the raw value a candidate: `@pm` can skip its own quick check,
            // which is then never built (same answer either way).
            if rule.prefilter_slot != u32::MAX {
                op.evaluate_candidate(raw, &mut cx)
            } else {
                op.evaluate(raw, &mut cx)
            }
        };
        if hit {
            return false;
        }
        self.stats.tests += 1;
        self.stats.operators += 1;
        true
    }

    /// The visit list of `rule`'s target set in the current state of the data, built on first
    /// use: every target resolved in order, the rule's value exclusions applied. `None` when a
    /// value or name is not a slot (the rule then resolves its targets itself).
    fn visit_list(&mut self, _rs: &Ruleset, rule: &CompiledRule) -> Option<(u32, u32)> {
        let (ts, epoch) = (rule.target_set, self.d.epoch);
        if let Some(found) = self.lists.find(ts, epoch) {
            return found;
        }
        let start = self.lists.begin();
        let mut usable = true;
        // Per collection name: whether a `Name` exclusion can match names in it (see
        // `list_value_removed`).
        let mut names_cache: Option<(&'static str, bool)> = None;
        for (ti, target) in rule.targets.iter().enumerate() {
            // Each distinct target is resolved once per epoch (see `visit_lists`).
            let (Ok(ti), Some((a, b))) = (u16::try_from(ti), self.target_values(target)) else {
                usable = false;
                break;
            };
            if rule.value_exclusions.is_empty() {
                self.lists.push_resolved(ti, a, b);
                continue;
            }
            for i in a..b {
                let Some(v) = self.lists.resolved(i) else {
                    break;
                };
                if !self.list_value_removed(rule, target, &v, &mut names_cache) {
                    self.lists.push(ti, v);
                }
            }
        }
        self.lists.finish(ts, epoch, start, usable)
    }

    /// Whether any value of `rule`'s target set, transformed by its chain, is a candidate
    /// for its operator, and if so which values may be: the answer of the rule's group
    /// (target set, chain node), built once per state of the data (see `visit_lists`).
    // Kept out of `eval_link` (as `build_group`): inlined, they made the frame of that
    // recursive function, which runs for every rule link, larger and costlier to set up
    // (callgrind: json.jsonl 557.9 M -> 548.6 M with both out of line).
    #[inline(never)]
    fn group_candidate(
        &mut self,
        rs: &Ruleset,
        rule: &CompiledRule,
        list: (u32, u32),
    ) -> GroupAnswer {
        let ts = rule.target_set;
        let epoch = self.d.epoch;
        // A chain that meets none of the trigger classes of the list's values leaves each of
        // them as it is up to ASCII case: it shares the raw values' group (node ROOT), built
        // once per target set instead of once per chain.
        let classes = match self.lists.classes(ts) {
            Some(c) => palisade_transform::Triggers::from_bits(c),
            None => {
                let mut c = palisade_transform::Triggers::NONE;
                for &(_, v) in self.lists.items(list.0, list.1) {
                    if let VVal::Slot(slot) = v.val {
                        c = c.union(self.memo.value_triggers(&self.d.values, slot));
                    }
                }
                // Never 0 once a value is seen: the *always* class is in every value's set
                // (an empty list keeps 0 and is recomputed, for nothing).
                self.lists.set_classes(ts, c.bits());
                c
            }
        };
        let (chain, mask) = if rule.chain != ChainTrie::ROOT
            && rs.chains.triggers(rule.chain).may_change(classes)
        {
            (rule.chain, rule.group_mask.as_deref())
        } else {
            (ChainTrie::ROOT, rule.root_group_mask.as_deref())
        };
        let mask = mask.unwrap_or(&[]);
        let slot = rule.prefilter_slot;
        let bit = 1u64 << (slot % 64);
        // The rule's word in the group's mask (always there for a skippable rule; if not,
        // the group cannot answer for it).
        let Some(k) = mask
            .iter()
            .position(|&(w, m)| w == slot / 64 && m & bit != 0)
        else {
            return GroupAnswer::All;
        };
        let g = match self.lists.group(ts, chain.0, epoch) {
            Some(g) => g,
            None => {
                // A root group misses the rule's slot when its targets' raw unions do (see
                // `visit_lists`): no need to build it. Asked only for long lists: a short one
                // costs less to build than to answer from the unions.
                if chain == ChainTrie::ROOT
                    && list.1.saturating_sub(list.0) >= RAW_UNION_MIN_VALUES
                    && self.raw_unions_miss(rs, rule, slot)
                {
                    return GroupAnswer::Skip;
                }
                self.build_group(rs, ts, chain, mask, list)
            }
        };
        if self.lists.union_word(g, k) & bit == 0 {
            GroupAnswer::Skip
        } else {
            let (a, b) = VisitLists::candidates(g);
            GroupAnswer::Candidates(a, b)
        }
    }

    /// Whether `slot` is in none of the raw unions of `rule`'s targets' current resolutions
    /// (each word of a union computed on first use and shared by every target set naming the
    /// target; see `visit_lists`). False when a target has no current usable resolution.
    #[inline(never)]
    fn raw_unions_miss(&mut self, rs: &Ruleset, rule: &CompiledRule, slot: u32) -> bool {
        let epoch = self.d.epoch;
        let (w, bit) = (slot as usize / 64, 1u64 << (slot % 64));
        if w >= 64 {
            return false;
        }
        for target in &rule.targets {
            if target.count || target.id == u32::MAX {
                return false;
            }
            let Some((mut at, done)) = self.lists.target_union(target.id, epoch) else {
                return false;
            };
            let x = if done & (1 << w) != 0 {
                self.lists.union_at(at, w)
            } else {
                let Some(Some((a, b))) = self.lists.target(target.id, epoch) else {
                    return false;
                };
                if at == u32::MAX {
                    match self.lists.alloc_union(target.id, rs.prefilter.words()) {
                        Some(u) => at = u,
                        None => return false,
                    }
                }
                let mut x = 0u64;
                for i in a..b {
                    // Every value of a usable resolution is a slot (a miss is answered no).
                    let Some(Visit {
                        val: VVal::Slot(s), ..
                    }) = self.lists.resolved(i)
                    else {
                        return false;
                    };
                    let off = self.memo.raw_bits(&self.d.values, s, &rs.prefilter) as usize;
                    x |= self.memo.bits.get(off + w).copied().unwrap_or(0);
                }
                self.lists.set_union_word(target.id, at, w, x);
                x
            };
            if x & bit != 0 {
                return false;
            }
        }
        true
    }

    /// Builds the group of target set `ts` at `chain` over `list`: the union of the values'
    /// candidate bits in the words of `mask`, and the values holding one of its bits.
    #[inline(never)]
    fn build_group(
        &mut self,
        rs: &Ruleset,
        ts: u32,
        chain: NodeId,
        mask: &[(u32, u64)],
        list: (u32, u32),
    ) -> super::visit_lists::Group {
        let (mut words, mut cands) = self.lists.begin_group();
        let words_at = words.len();
        words.resize(words_at + mask.len(), 0);
        let cands_at = cands.len();
        let acc = words.get_mut(words_at..).unwrap_or(&mut []);
        let values = &self.d.values;
        let memo = &mut self.memo;
        let items = self.lists.items(list.0, list.1);
        // The chain's classes, when it is not the root: a value holding none of them is left as
        // it is up to ASCII case, and has the candidate bits of its raw form (the prefilter
        // ignores ASCII case): no need to transform it.
        let trig = (chain != ChainTrie::ROOT).then(|| rs.chains.triggers(chain));
        if let ([(w, m)], [a]) = (mask, &mut *acc) {
            // One word (most groups): the word and its mask in registers, the union ORed only
            // for candidates.
            let (w, m) = (*w as usize, *m);
            let mut union = 0u64;
            for (i, &(_, v)) in (list.0..).zip(items) {
                let VVal::Slot(slot) = v.val else {
                    continue;
                };
                let b = value_bits(memo, values, rs, chain, trig, slot);
                let x = memo.bits.get(b as usize + w).copied().unwrap_or(0) & m;
                if x != 0 {
                    union |= x;
                    cands.push((i, b));
                }
            }
            *a = union;
        } else {
            for (i, &(_, v)) in (list.0..).zip(items) {
                let VVal::Slot(slot) = v.val else {
                    continue;
                };
                let b = value_bits(memo, values, rs, chain, trig, slot);
                if or_masked(&memo.bits, b as usize, acc, mask) != 0 {
                    cands.push((i, b));
                }
            }
        }
        self.lists
            .end_group(ts, chain.0, self.d.epoch, words, words_at, cands, cands_at)
    }

    fn candidate(&mut self, rs: &Ruleset, r: super::memo::MemoRef, slot: u32) -> bool {
        let off = self.memo.scan(&self.d.values, r, &rs.prefilter);
        self.memo.bit(off, slot)
    }

    /// A match decided without running the operator (a negated operator the prefilter proved
    /// false).
    #[allow(clippy::too_many_arguments)]
    fn matched_value(
        &mut self,
        rs: &Ruleset,
        rule: &CompiledRule,
        op: &crate::ruleset::operator::CompiledOperator,
        target: &Target,
        v: Visit,
        tv: Tv<'_>,
        msg: &mut Msg,
    ) -> bool {
        let mut bytes = std::mem::take(&mut self.match_buf);
        bytes.clear();
        match tv {
            Tv::Memo(r) => bytes.extend_from_slice(self.memo.bytes(&self.d.values, r)),
            Tv::Owned(b) => bytes.extend_from_slice(b),
            Tv::Val(x) => bytes.extend_from_slice(self.vval_bytes(x)),
        }
        let matched = self.matched_bytes(rs, rule, op, target, v, &mut bytes, msg);
        self.match_buf = bytes;
        matched
    }

    // `bytes` stays `&mut Vec` so that its callers (`test_value`, `matched_value`) need no change.
    #[allow(clippy::too_many_arguments, clippy::ptr_arg)]
    fn matched_bytes(
        &mut self,
        rs: &Ruleset,
        rule: &CompiledRule,
        _op: &crate::ruleset::operator::CompiledOperator,
        target: &Target,
        v: Visit,
        bytes: &mut Vec<u8>,
        msg: &mut Msg,
    ) -> bool {
        self.stats.matches += 1;
        let save = |t: &Transaction, v: VVal, held: &mut Vec<u8>| match v {
            VVal::Slot(s) => SavedVal::Slot(s),
            other => {
                held.clear();
                held.extend_from_slice(t.vval_bytes(other));
                SavedVal::Held
            }
        };
        let name = match v.name {
            VName::Plain(p) => SavedName::Plain(p),
            VName::Key(c, k) => SavedName::Key(c, save(self, k, &mut msg.held_key)),
            VName::Target => SavedName::Target(
                rule.targets
                    .iter()
                    .position(|t| std::ptr::eq(t, target))
                    .and_then(|i| u16::try_from(i).ok())
                    .unwrap_or(0),
            ),
        };
        msg.last = Some(LastMatch {
            rule: self.rule_index(rs, rule),
            name,
            original: save(self, v.val, &mut msg.held_val),
        });
        let name = self.matched_name(target, v.name);
        self.update_matched(name, bytes);
        self.independent_actions(rs, rule, msg);
        if rule.multi_match && msg.save {
            self.push_message(rs, rule, msg);
        }
        true
    }

    fn rule_index(&self, rs: &Ruleset, rule: &CompiledRule) -> u32 {
        let base = rs.rules.as_ptr() as usize;
        let at = rule as *const CompiledRule as usize;
        u32::try_from((at - base) / std::mem::size_of::<CompiledRule>()).unwrap_or(0)
    }

    /// Builds what was deferred: the pending `msg`/`logdata`/`tag` expansions.
    fn finish_msg(&mut self, rs: &Ruleset, msg: &mut Msg) {
        for i in std::mem::take(&mut msg.pending_tags) {
            if let Some(r) = rs.rules.get(i as usize) {
                for t in &r.tags {
                    let tag = self.expand(t, Some(r));
                    msg.tags.push(tag);
                }
            }
        }
        if let Some(r) = msg
            .pending_data
            .take()
            .and_then(|i| rs.rules.get(i as usize))
            && let Some(m) = &r.logdata
        {
            msg.data.clear();
            self.expand_into(m, Some(r), &mut msg.data);
        }
        if let Some(r) = msg
            .pending_msg
            .take()
            .and_then(|i| rs.rules.get(i as usize))
            && let Some(m) = &r.msg
        {
            msg.message.clear();
            self.expand_into(m, Some(r), &mut msg.message);
        }
    }

    /// The match description of the last match.
    fn describe(&self, rs: &Ruleset, last: &LastMatch, msg: &Msg) -> Vec<u8> {
        let Some(rule) = rs.rules.get(last.rule as usize) else {
            return Vec::new();
        };
        let Some(op) = &rule.operator else {
            return Vec::new();
        };
        if let Some(m) = op.fixed_message {
            return m.as_bytes().to_vec();
        }
        let val = |v: &SavedVal, held: &'_ [u8]| -> Vec<u8> {
            match v {
                SavedVal::Slot(s) => self.d.values.get(*s).to_vec(),
                SavedVal::Held => held.to_vec(),
            }
        };
        let name: Vec<u8> = match &last.name {
            SavedName::Plain(p) => p.as_bytes().to_vec(),
            SavedName::Key(c, k) => {
                let mut n = c.as_bytes().to_vec();
                n.push(b':');
                n.extend_from_slice(&val(k, &msg.held_key));
                n
            }
            SavedName::Target(i) => rule
                .targets
                .get(usize::from(*i))
                .map(|t| t.full_name.as_bytes().to_vec())
                .unwrap_or_default(),
        };
        match_description(
            op.display,
            op.param.as_bytes(),
            &name,
            &val(&last.original, &msg.held_val),
        )
    }

    fn eval_unconditional(&mut self, rs: &Ruleset, rule: &CompiledRule, msg: &mut Msg) -> bool {
        self.independent_actions(rs, rule, msg);
        self.after_full_match(rs, rule, msg);
        if msg.save && !rule.has_block && !rule.multi_match && msg.pending_msg.is_some() {
            self.finish_msg(rs, msg);
        }
        if (rule.has_block && !rule.multi_match)
            || (msg.save && !rule.multi_match && !msg.message.is_empty())
        {
            self.push_message(rs, rule, msg);
        }
        true
    }

    /// The [`MatchedName`] of a visited value's name: where its parts are (a scalar's name, a
    /// collection's name and a key slot), its bytes copied into `matched_values` only when
    /// they live in scratch space (overwritten by the next resolution) or are a target's name.
    fn matched_name(&mut self, target: &Target, n: VName) -> MatchedName {
        match n {
            VName::Plain(p) => MatchedName::Plain(p),
            VName::Key(c, VVal::Slot(k)) => MatchedName::Request(c, k),
            VName::Key(c, VVal::Matched(k)) => MatchedName::Matched(c, k),
            VName::Key(c, VVal::Scratch(a, l)) => {
                let key = self
                    .scratch
                    .get(a as usize..(a as usize + l as usize))
                    .unwrap_or(&[]);
                MatchedName::Matched(c, self.st.matched_values.push(key))
            }
            VName::Target => {
                MatchedName::Whole(self.st.matched_values.push(target.full_name.as_bytes()))
            }
        }
    }

    /// Sets `MATCHED_VAR_NAME`/`MATCHED_VAR` to `name`/`value` and adds them to
    /// `MATCHED_VARS`: the value is copied into `matched_values` once, and both variables
    /// name that copy.
    fn update_matched(&mut self, name: MatchedName, value: &[u8]) {
        let v = self.st.matched_values.push(value);
        // Indexed only when something reads `MATCHED_VARS` (`State::index_matched`).
        self.st.matched_pending.push((name, v));
        self.st.matched_var = Some((name, v));
    }

    fn clean_matched(&mut self) {
        self.st.matched_var = None;
        if !self.st.matched_values.is_empty() {
            self.st.matched_vars.clear();
            self.st.matched_pending.clear();
            self.st.matched_values.clear();
        }
    }

    /// `executeActionsIndependentOfChainedRuleResult`: runs for every matched value. Most
    /// matches are of rules with nothing to do here (no `setvar`, not a multiMatch rule that
    /// logs per match), which this answers inline, without the call.
    #[inline(always)]
    fn independent_actions(&mut self, rs: &Ruleset, rule: &CompiledRule, msg: &mut Msg) {
        // Everything below needs a `setvar` (collections are opened only for them) or a
        // multiMatch rule outside a chain.
        if rule.setvars.is_empty() && (!rule.multi_match || rule.chained) {
            return;
        }
        self.run_independent_actions(rs, rule, msg);
    }

    /// [`Transaction::independent_actions`] for a rule that has some.
    fn run_independent_actions(&mut self, rs: &Ruleset, rule: &CompiledRule, msg: &mut Msg) {
        // Palisade opens persistent collections before the rule's setvars run, so that
        // `initcol:ip=…,setvar:ip.n=+1` works in one rule (ModSecurity 3.0.9 runs the setvars
        // first and loses them).
        if rule.opens_collection && !rule.setvars.is_empty() {
            for a in &rule.actions {
                if let RunAction::OpenCollection(p, key) = a {
                    let key = String::from_utf8_lossy(&self.expand(key, Some(rule))).into_owned();
                    self.open_collection(*p, key);
                }
            }
        }
        for sv in &rule.setvars {
            self.setvar(rs, rule, sv);
        }
        if rule.multi_match && !rule.chained {
            if let Some(s) = rule.severity {
                self.severity(s, msg);
            }
            if let Some(m) = &rule.logdata {
                msg.pending_data = None;
                msg.data.clear();
                self.expand_into(m, Some(rule), &mut msg.data);
            }
            if let Some(m) = &rule.msg {
                msg.pending_msg = None;
                msg.message.clear();
                self.expand_into(m, Some(rule), &mut msg.message);
            }
        }
    }

    fn severity(&mut self, s: u8, msg: &mut Msg) {
        msg.severity = Some(s);
        if s < self.st.highest_severity {
            self.st.highest_severity = s;
        }
    }

    /// `executeActionsAfterFullMatch`.
    fn after_full_match(&mut self, rs: &Ruleset, rule: &CompiledRule, msg: &mut Msg) {
        if let Some(def) = rs.defaults.get(usize::from(rule.phase)) {
            for a in &def.actions {
                if !self.run_flag_action(a, msg) {
                    self.run_action(rs, rule, a, msg);
                }
            }
        }
        let idx = self.rule_index(rs, rule);
        if rule.eager_msg {
            self.finish_msg(rs, msg);
            for t in &rule.tags {
                let tag = self.expand(t, Some(rule));
                msg.tags.push(tag);
            }
        } else if !rule.tags.is_empty() {
            msg.pending_tags.push(idx);
        }
        let replaced = !rule.update_actions.is_empty();
        for a in &rule.update_actions {
            self.run_action(rs, rule, a, msg);
        }
        if let Some(s) = rule.severity {
            self.severity(s, msg);
        }
        if rule.eager_msg {
            if let Some(m) = &rule.logdata {
                msg.data.clear();
                self.expand_into(m, Some(rule), &mut msg.data);
            }
            if let Some(m) = &rule.msg {
                msg.message.clear();
                self.expand_into(m, Some(rule), &mut msg.message);
            }
        } else {
            if rule.logdata.is_some() {
                msg.pending_data = Some(idx);
            }
            if rule.msg.is_some() {
                msg.pending_msg = Some(idx);
            }
        }
        for a in &rule.actions {
            if replaced && matches!(a, RunAction::Block) {
                continue;
            }
            if !self.run_flag_action(a, msg) {
                self.run_action(rs, rule, a, msg);
            }
        }
        if !replaced
            && let Some(d) = &rule.disruptive
            && self.engine() == RuleEngine::On
        {
            match d {
                // `pass` (most matching rules), without `disrupt`'s call.
                Disruptive::Pass => self.st.it = Intervention::default(),
                _ => self.disrupt(rs, rule, d, msg),
            }
        }
    }

    /// Runs `a` when it only sets a flag or a marker (`log`, `auditlog`, `skipAfter`, … most
    /// actions of a match), as [`Transaction::run_action`] does, without its call; false
    /// (nothing done) for the other actions.
    #[inline(always)]
    fn run_flag_action(&mut self, a: &RunAction, msg: &mut Msg) -> bool {
        match a {
            RunAction::Log => msg.save = true,
            RunAction::NoLog => msg.save = false,
            RunAction::AuditLog => {
                msg.no_audit_log = false;
                msg.save = true;
            }
            RunAction::Status(s) => self.st.it.status = *s,
            RunAction::Skip(n) => self.st.skip_next = *n,
            RunAction::SkipAfter(m) => self.st.marker = Some(*m),
            RunAction::Nothing => {}
            _ => return false,
        }
        true
    }

    fn run_action(&mut self, rs: &Ruleset, rule: &CompiledRule, a: &RunAction, msg: &mut Msg) {
        if self.run_flag_action(a, msg) {
            return;
        }
        match a {
            RunAction::NoAuditLog => {
                msg.no_audit_log = true;
                // `noauditlog` concerns the audit log only (libmodsecurity 3.0.9 also drops
                // the error-log line: tests/crs/MODSEC_DEFECTS.md).
                if rs.settings.modsec_3_0_9_defects {
                    msg.save = false;
                }
            }
            RunAction::Block => {
                if self.engine() == RuleEngine::On
                    && let Some(d) = rs
                        .defaults
                        .get(usize::from(rule.phase))
                        .and_then(|d| d.disruptive.as_ref())
                {
                    self.disrupt(rs, rule, d, msg);
                }
            }
            RunAction::Ctl(c) => self.ctl(rs, c),
            RunAction::OpenCollection(p, key) => {
                let key = String::from_utf8_lossy(&self.expand(key, Some(rule))).into_owned();
                self.open_collection(*p, key);
            }
            RunAction::ExpireVar(m) => {
                let text = self.expand(m, Some(rule));
                self.expirevar(rs, &text);
            }
            RunAction::SetEnv(m) => {
                let text = self.expand(m, Some(rule));
                let (k, v) = match text.iter().position(|&b| b == b'=') {
                    Some(p) => (&text[..p], &text[p + 1..]),
                    None => (&text[..], &b""[..]),
                };
                let id = self.st.env.id_for(&rs.keys, k);
                self.st.env.set(id, k, v);
            }
            RunAction::Msg(m) => {
                msg.pending_msg = None;
                msg.message.clear();
                self.expand_into(m, Some(rule), &mut msg.message);
            }
            RunAction::LogData(m) => {
                msg.pending_data = None;
                msg.data.clear();
                self.expand_into(m, Some(rule), &mut msg.data);
            }
            RunAction::Severity(s) => self.severity(*s, msg),
            RunAction::Tag(m) => {
                self.finish_msg(rs, msg);
                let t = self.expand(m, Some(rule));
                msg.tags.push(t);
            }
            RunAction::SetVar(sv) => self.setvar(rs, rule, sv),
            RunAction::Disrupt(d) => {
                if self.engine() == RuleEngine::On {
                    self.disrupt(rs, rule, d, msg);
                }
            }
            RunAction::Log
            | RunAction::NoLog
            | RunAction::AuditLog
            | RunAction::Status(_)
            | RunAction::Skip(_)
            | RunAction::SkipAfter(_)
            | RunAction::Nothing => {}
        }
    }

    fn disrupt(&mut self, rs: &Ruleset, rule: &CompiledRule, d: &Disruptive, msg: &mut Msg) {
        match d {
            Disruptive::Deny | Disruptive::Drop => {
                if self.st.it.status == 200 {
                    self.st.it.status = 403;
                }
                self.st.it.disruptive = true;
                self.st.it.action = Some(if matches!(d, Disruptive::Drop) {
                    InterruptionAction::Drop
                } else {
                    InterruptionAction::Deny
                });
                msg.disruptive = true;
                self.st.it.rule_id = self.top_id(rs, rule);
                self.finish_msg(rs, msg);
                let m = self.build_message(rs, rule, msg);
                self.st.it.log = Some(m.render_with_client_template());
            }
            Disruptive::Redirect(url) => {
                let url = String::from_utf8_lossy(&self.expand(url, Some(rule))).into_owned();
                let s = self.st.it.status;
                if s == 200 || !(301..=307).contains(&s) {
                    self.st.it.status = 302;
                }
                self.st.it.url = Some(url);
                self.st.it.disruptive = true;
                self.st.it.action = Some(InterruptionAction::Redirect);
                msg.disruptive = true;
                self.st.it.rule_id = self.top_id(rs, rule);
                self.finish_msg(rs, msg);
                let m = self.build_message(rs, rule, msg);
                self.st.it.log = Some(m.render_with_client_template());
            }
            Disruptive::Pass => self.st.it = Intervention::default(),
            Disruptive::Allow(k) => self.st.allow = Some(*k),
        }
    }

    fn top_id(&self, rs: &Ruleset, rule: &CompiledRule) -> i64 {
        let mut r = rule;
        while let Some(p) = r.parent.and_then(|p| rs.rules.get(p as usize)) {
            r = p;
        }
        r.id
    }

    fn ctl(&mut self, rs: &Ruleset, c: &CtlAction) {
        match c {
            CtlAction::AuditEngine(e) => self.st.audit_engine = Some(*e),
            CtlAction::AuditLogParts { add, parts } => {
                self.st.audit_mods.push((*add, parts.clone()))
            }
            CtlAction::ForceRequestBodyVariable => {}
            CtlAction::RequestBodyAccess(b) => self.st.body_access = Some(*b),
            CtlAction::RequestBodyProcessor(p) => {
                use crate::ruleset::rule::BodyProcessorKind as B;
                match p {
                    B::Json | B::Xml => self.st.body_processor = Some(*p),
                    B::UrlEncoded | B::Multipart => self.st.body_type = Some(*p),
                }
                self.d
                    .set_scalar(Scalar::ReqbodyProcessor, p.name().as_bytes());
            }
            CtlAction::RuleEngine(e) => self.st.engine = Some(*e),
            CtlAction::RuleRemoveById(ranges) => {
                for (i, r) in rs.rules.iter().enumerate() {
                    if ranges.iter().any(|&(a, b)| a <= r.id && r.id <= b) {
                        State::set_bit(
                            &mut self.st.removed_by_id,
                            u32::try_from(i).unwrap_or(u32::MAX),
                        );
                    }
                }
            }
            CtlAction::RuleRemoveByTag(t) => {
                if let Some(v) = rs.tag_index.get(t) {
                    for &i in v {
                        State::set_bit(&mut self.st.removed_by_tag, i);
                    }
                }
            }
            CtlAction::RuleRemoveTargetById(id, t) => {
                if let Some(v) = rs.id_index.get(id) {
                    for &i in v {
                        self.st.removed_targets.push((i, t.clone()));
                    }
                }
            }
            CtlAction::RuleRemoveTargetByTag(tag, t) => {
                if let Some(v) = rs.tag_index.get(tag) {
                    for &i in v {
                        self.st.removed_targets.push((i, t.clone()));
                    }
                }
            }
        }
    }

    fn setvar(&mut self, rs: &Ruleset, rule: &CompiledRule, sv: &SetVarAction) {
        // A value without macros (most of CRS's setup `setvar`s) is used as it is.
        if let Some(v) = sv.value.as_literal() {
            match sv.key.as_literal() {
                Some(k) => self.setvar_apply(rs, sv, k, v),
                None => {
                    let mut key = std::mem::take(&mut self.name_buf);
                    key.clear();
                    self.expand_into(&sv.key, Some(rule), &mut key);
                    self.setvar_apply(rs, sv, &key, v);
                    self.name_buf = key;
                }
            }
            return;
        }
        let mut value = std::mem::take(&mut self.value_buf);
        value.clear();
        self.expand_into(&sv.value, Some(rule), &mut value);
        match sv.key.as_literal() {
            Some(k) => self.setvar_apply(rs, sv, k, &value),
            None => {
                // `name_buf` is free here: `matched_bytes` is done with it before the
                // actions run.
                let mut key = std::mem::take(&mut self.name_buf);
                key.clear();
                self.expand_into(&sv.key, Some(rule), &mut key);
                self.setvar_apply(rs, sv, &key, &value);
                self.name_buf = key;
            }
        }
        self.value_buf = value;
    }

    fn setvar_apply(&mut self, rs: &Ruleset, sv: &SetVarAction, key: &[u8], value: &[u8]) {
        let Some(coll) = self.mut_coll(sv.collection) else {
            return;
        };
        // A literal key has its id and order hash from the load (`key_hash` is the hash of
        // exactly these bytes); an expanded key gets both from one pass (`id_hashed`).
        let (id, hash) = match sv.key_id {
            Some(id) if sv.key.as_literal().is_some() => (id, sv.key_hash),
            _ => coll.id_hashed(&rs.keys, key),
        };
        let set = |coll: &mut crate::collection::tx::MutCollection, value: &[u8]| {
            coll.set_hashed(id, key, hash, value)
        };
        match sv.op {
            SetVarKind::Delete => coll.remove(id),
            SetVarKind::Set => set(coll, value),
            SetVarKind::Add | SetVarKind::Sub => {
                let pre = stoi_or_zero(value);
                let cur = coll.get(id).map_or(0, |v| stoi_or_zero(&v.value));
                let n = if sv.op == SetVarKind::Add {
                    cur.wrapping_add(pre)
                } else {
                    cur.wrapping_sub(pre)
                };
                let mut digits = [0u8; 12];
                set(coll, crate::text::fmt_i32(n, &mut digits));
            }
        }
    }

    fn mut_coll(&mut self, c: Collection) -> Option<&mut crate::collection::tx::MutCollection> {
        match c {
            Collection::Tx => Some(&mut self.st.tx),
            _ => {
                let p = c.persistent()?;
                self.st.persistent[p.index()].as_mut().map(|o| &mut o.vars)
            }
        }
    }

    fn open_collection(&mut self, p: crate::persist::PersistentCollection, key: String) {
        use crate::persist::PersistentCollection as P;
        if self.st.persistent[p.index()]
            .as_ref()
            .is_some_and(|o| o.key == key)
        {
            return;
        }
        // Switching to another record saves the one that was open.
        self.save_one(p);
        let now = self.host.clock.now_micros().div_euclid(1_000_000);
        let stored = self
            .host
            .store
            .load(&self.rs.settings.web_app_id, p, &key, now);
        let mut vars = crate::collection::tx::MutCollection::new(
            u32::try_from(self.rs.keys.len()).unwrap_or(0),
        );
        for v in stored {
            let id = vars.id_for(&self.rs.keys, v.name.as_bytes());
            vars.set(id, v.name.as_bytes(), &v.value);
            if let Some(t) = v.expires_at {
                vars.set_expiry(id, t);
            }
        }
        match p {
            P::Session => self.d.set_scalar(Scalar::SessionId, key.as_bytes()),
            P::User => self.d.set_scalar(Scalar::UserId, key.as_bytes()),
            _ => {}
        }
        self.st.persistent[p.index()] = Some(super::state::OpenCollection { key, vars });
    }

    /// `expirevar:COL.KEY=SECONDS`, as libmodsecurity 3.0.11+ (`ExpireVar::evaluate`; 3.0.9
    /// ignores the action): only the persistent collections, and seconds that are not all
    /// digits leave the variable alone.
    fn expirevar(&mut self, rs: &Ruleset, text: &[u8]) {
        let (lhs, secs) = match text.iter().position(|&b| b == b'=') {
            Some(p) if !text[p + 1..].iter().all(u8::is_ascii_digit) => return,
            Some(p) => (&text[..p], stoi_or_zero(&text[p + 1..])),
            None => (text, 0),
        };
        let Some(dot) = lhs.iter().position(|&b| b == b'.') else {
            return;
        };
        let col = String::from_utf8_lossy(&lhs[..dot]).into_owned();
        let key = &lhs[dot + 1..];
        let Some(c) = Collection::from_name(&col).filter(|c| c.persistent().is_some()) else {
            return;
        };
        let now = self.host.clock.now_micros().div_euclid(1_000_000);
        if let Some(coll) = self.mut_coll(c)
            && let Some(id) = coll.find_id(&rs.keys, key)
        {
            coll.set_expiry(id, now + i64::from(secs));
        }
    }

    fn build_message(&self, rs: &Ruleset, rule: &CompiledRule, msg: &Msg) -> RuleMessage {
        let mut top = rule;
        while let Some(p) = top.parent.and_then(|p| rs.rules.get(p as usize)) {
            top = p;
        }
        let uri = match &self.uri_arc {
            Some(u) => u.clone(),
            None => self.d.uri_path_decoded.clone(),
        };
        RuleMessage {
            rule_id: top.id,
            file: rs.file_name(top),
            line: top.line,
            phase: top.phase,
            rev: top.rev.clone(),
            ver: top.ver.clone(),
            maturity: top.maturity,
            accuracy: top.accuracy,
            message: msg.message.clone(),
            data: msg.data.clone(),
            severity: msg.severity.unwrap_or(0),
            has_severity: msg.severity.is_some(),
            tags: msg.tags.clone(),
            matched: msg
                .last
                .as_ref()
                .map(|l| self.describe(rs, l, msg))
                .unwrap_or_default(),
            matched_var_name: self
                .st
                .matched_var
                .map(|(n, _)| {
                    let mut out = Vec::new();
                    self.st.matched_name_into(&self.d.values, n, &mut out);
                    out
                })
                .unwrap_or_default(),
            matched_var: self
                .st
                .matched_var
                .map(|(_, v)| self.st.matched_values.get(v).to_vec())
                .unwrap_or_default(),
            reference: top.chain_text.to_string(),
            disruptive: msg.disruptive,
            save: msg.save,
            no_audit_log: msg.no_audit_log,
            client_ip: self.client_arc.clone(),
            server_ip: self.server_arc.clone(),
            uri,
            unique_id: self.id.clone(),
        }
    }

    /// `performLogging`: records the message (and writes the error-log line unless the rule
    /// was disruptive).
    fn push_message(&mut self, rs: &Ruleset, rule: &CompiledRule, msg: &mut Msg) {
        self.finish_msg(rs, msg);
        let m = self.build_message(rs, rule, msg);
        if self.st.deferring {
            self.st.deferred.push(m);
            return;
        }
        self.emit_message(m);
    }

    /// Records a message (and hands a non-disruptive one to the host's error log).
    fn emit_message(&mut self, m: RuleMessage) {
        let error_logged = !m.disruptive;
        if error_logged && let Some(sink) = &self.host.rule_log {
            sink.rule_matched(&m);
        }
        self.messages.push(LoggedMessage {
            message: m,
            error_logged,
        });
    }
}

/// Whether a `Name` exclusion of `exclusions` can equal a `collection:key` name (for any key).
fn name_exclusions_may_match(exclusions: &[ValueExclusion], collection: &str) -> bool {
    exclusions.iter().any(|e| match e {
        ValueExclusion::Name(n) => {
            n.len() > collection.len()
                && n.starts_with(collection.as_bytes())
                && n.get(collection.len()) == Some(&b':')
        }
        ValueExclusion::KeyRegex(_) => false,
    })
}

#[cfg(test)]
mod list_exclusion_tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// When a `Name` exclusion equals a `collection:key` name, the per-collection check
        /// says names of that collection may match (so `list_value_removed` tests them).
        #[test]
        fn a_matching_name_is_never_skipped(
            coll in proptest::sample::select(vec!["ARGS", "ARGS_NAMES", "REQUEST_HEADERS", "TX", "A"]),
            key in proptest::collection::vec(proptest::sample::select(b"aA:_".to_vec()), 0..4),
            other in proptest::collection::vec(proptest::sample::select(b"ARGS_:aH".to_vec()), 0..8),
            glue in proptest::bool::ANY,
        ) {
            let mut full = coll.as_bytes().to_vec();
            full.push(b':');
            full.extend_from_slice(&key);
            let n: Vec<u8> = if glue { full.clone() } else { other };
            let excl = vec![ValueExclusion::Name(n.clone().into())];
            if n == full {
                proptest::prop_assert!(name_exclusions_may_match(&excl, coll));
            }
        }
    }
}

/// What a rule's group says about its values (`group_candidate`).
enum GroupAnswer {
    /// No value is a candidate for the rule: it cannot match.
    Skip,
    /// Only these values (a range of group candidates) may be.
    Candidates(u32, u32),
    /// The group cannot tell: every value is visited.
    All,
}

/// The shortest list whose root group is first asked of the raw unions (see `group_candidate`).
const RAW_UNION_MIN_VALUES: u32 = 32;

/// ORs into `acc` (one word per entry of `mask`) the words of `mask` of the candidate bits at
/// offset `b` of `bits`, masked; returns the OR of the masked words (non-zero when the value
/// holds one of the mask's bits).
#[inline(always)]
fn or_masked(bits: &[u64], b: usize, acc: &mut [u64], mask: &[(u32, u64)]) -> u64 {
    if let ([(w, m)], [a]) = (mask, &mut *acc) {
        // One word (most groups).
        let x = bits.get(b + *w as usize).copied().unwrap_or(0) & m;
        *a |= x;
        return x;
    }
    let words = bits.get(b..).unwrap_or(&[]);
    let mut hit = 0u64;
    for (a, &(w, m)) in acc.iter_mut().zip(mask) {
        let x = words.get(w as usize).copied().unwrap_or(0) & m;
        *a |= x;
        hit |= x;
    }
    hit
}

/// The offset of the candidate bits a group reads for the value of `slot` at `chain`: of the
/// raw value, unless `trig` (the chain's classes; `None` at the root) may change it, then of
/// its (memoised) value at `chain`.
#[inline(always)]
fn value_bits(
    memo: &mut super::memo::Memo,
    values: &crate::collection::values::ValueTable,
    rs: &Ruleset,
    chain: NodeId,
    trig: Option<palisade_transform::Triggers>,
    slot: crate::collection::values::Slot,
) -> u32 {
    if trig.is_some_and(|t| t.may_change(memo.value_triggers(values, slot))) {
        let r = memo.get(values, &rs.chains, &rs.transform, slot, chain);
        memo.scan(values, r, &rs.prefilter)
    } else {
        memo.raw_bits(values, slot, &rs.prefilter)
    }
}

/// A value to test: in the memo, or computed on the side.
#[derive(Clone, Copy)]
enum Tv<'a> {
    Memo(super::memo::MemoRef),
    Owned(&'a [u8]),
    Val(VVal),
}
