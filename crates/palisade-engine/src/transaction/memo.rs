//! Transform once: per transaction, each (value slot, chain node) is transformed at most once,
//! and a chain reuses its prefix's result (`t:urlDecodeUni,t:lowercase` starts from the memoised
//! `t:urlDecodeUni`). Only values that cannot change during the transaction (request data)
//! have slots; `TX` and other mutable values are transformed without the memo.
//!
//! The memo also keeps, per slot, the trigger classes its value holds
//! ([`palisade_transform::Triggers::present_in`], one pass over the bytes, computed on first use):
//! with the chain's classes ([`ChainTrie::triggers`]) they tell whether the chain can change the
//! value beyond ASCII case ([`Memo::chain_is_quiet`]).
//!
//! # Exact identity: steps that change nothing are not computed
//!
//! A value holding none of a chain's *exact* classes ([`ChainTrie::exact`],
//! [`palisade_transform::Triggers::exact`]) is the chain's result byte for byte (the
//! transformation crate proves it per transformation, and by induction per chain). [`Memo::get`]
//! then answers with the original value itself: no step is computed or memoised, and the
//! value's prefilter scan is its raw scan ([`Memo::raw_bits`]), shared by every such chain.
//!
//! The same holds at any step of a chain: when the value reached at a step (memoised, or just
//! computed) holds none of the exact classes of the rest of the chain, the rest is that value,
//! so [`Memo::get`] memoises it for the requested node without computing the steps between
//! (a decoded value that holds no trigger of what follows, and above all the empty value that
//! `t:base64Decode` yields for any input outside its alphabet: it holds no class at all but the
//! *always* one). And a single step whose exact classes the value does not hold is skipped
//! (recorded as unchanged, as ModSecurity counts a step that leaves the bytes as they were).
//! The classes of a computed value are found with one pass over it, once per content, and only
//! when a step that is not *always* follows.
//!
//! The same test finds where a lookup starts. Exact classes only accumulate down a chain (a
//! node's set is its parent's plus its own step's), so the nodes of a chain whose sets the
//! value does not hold are a prefix of it, the root first, and the value at each of them is the
//! original value. A lookup walks up from the requested node only to the deepest such node (or
//! to a memoised one, if it meets one first) and starts there from the slot's root entry; a
//! node whose parent is such a node is one step from the root entry; a `multiMatch` walk starts
//! after that prefix. Those steps are counted as skipped, as the step-by-step walk counted them.
//! The steps above would each have been skipped one by one (the value holds none of their exact
//! classes), so the result and its `changed` flag are the same: the proptests below draw values
//! and chains where the prefix is empty, partial and whole, and fail when the prefix is taken by
//! the (case-blind) trigger classes instead.
//!
//! # One result per (content, transformation)
//!
//! Different chain nodes often apply the same transformation to the same bytes: CRS 934100
//! (`t:urlDecodeUni,t:jsDecode,t:removeWhitespace,t:base64Decode,…`) and 934160
//! (`t:urlDecodeUni,t:jsDecode,t:base64Decode,…`) both decode the original value with
//! `t:base64Decode` when it holds no `%`, `+`, `\` or white space, and `t:normalisePath` and
//! `t:cmdLine,t:normalisePath` both normalise it when `t:cmdLine` leaves it as it is. Every
//! memoised value has a *content* (the entry that first held its bytes; an unchanged step shares
//! its input's), and each content keeps the list of transformations already applied to it with
//! their results' contents ([`Memo::derived`]). A step whose (input content, transformation) is
//! listed is not computed: its entry shares the listed result's content, so the result's
//! trigger classes and prefilter scan are shared too.
//!
//! Why it is sound: a transformation is a function of its input bytes and of the ruleset's
//! settings, which are fixed for the transaction; a content's bytes never change once stored.
//! So the listed result *is* what the step would compute. Its `changed` flag is whether the
//! result's content differs from the input's: a computed step either shares its input's content
//! (the bytes did not change) or stores new bytes that differ from its input's (`apply_into`
//! reports a change only then), so a different content means different bytes, as ModSecurity
//! counts a change. The memo proptest below draws chains sharing transformations on different
//! prefixes, so that it catches a wrong reuse.
//!
//! A listed result also serves a transformation that gives the same result on this content
//! ([`palisade_transform::TransformId::same_result_as`]: `normalisePathWin` and `normalisePath`
//! on bytes without `\`, whose classes tell): `t:utf8toUnicode,t:urlDecodeUni,t:normalisePathWin`
//! (930110's family) and `t:cmdLine,t:normalisePath` (932160) normalise the same bytes when the
//! steps before leave the value as it is.
//!
//! # One step from a memoised parent
//!
//! The commonest miss (a `multiMatch` rule asking for each node of its chain in turn, or a
//! one-step chain once the slot has an entry) is one step below a memoised node: it is answered
//! without the general walk ([`Memo::compute`]), and a step that cannot change the value is
//! memoised as unchanged, so that the next node down finds it.
//!
//! # One walk for a `multiMatch` chain
//!
//! A `multiMatch` rule tests the original value and the value after every step that changed it
//! (ModSecurity compares each step's result with its input). [`Memo::multi_steps`] walks the
//! chain once, keeping the value reached, instead of one [`Memo::get`] per node (each of which
//! starts again from the slot's classes, the chain's, and a lookup). Per step, in order:
//! - the value reached holds none of the step's exact classes: the step leaves it byte for byte
//!   (the same rule as above), so it is no change and is neither computed, memoised nor tested;
//! - else the node's memoised entry, when there is one, is the step's value: a memo entry is the
//!   chain's value at its node, and its `changed` flag compares it with the value at the parent
//!   node, which is the value reached (a skipped step leaves it as it was);
//! - else the step is computed from the value reached ([`Memo::apply_step`], with the reuse of
//!   one result per content) and memoised.
//!
//! A step is reported when its value changed, so the list is the one a [`Memo::get`] per node
//! gives (the original value, then each node whose `changed` is set), in the same order. The
//! proptest `multi_steps_are_the_changed_steps` compares it with the chain computed step by
//! step, after random lookups that memoise parts of the chains.

use std::borrow::Cow;

use crate::collection::values::{Slot, ValueTable};
use crate::ruleset::chain::{ChainTrie, NodeId};
use crate::transform::{TransformSettings, apply, apply_into};
use palisade_transform::Triggers;

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Entry {
    start: u32,
    len: u32,
    /// The value differs from the parent node's.
    changed: bool,
    /// The bytes are the slot's original value (no step changed it).
    orig: bool,
    /// The entry that first held these bytes (entries of unchanged steps share it).
    content: u32,
    /// Offset of this entry's candidate bits in `Memo::bits`, or NONE when not scanned yet.
    bits: u32,
    /// The raw bits of the trigger classes of the bytes (for the content entry; 0 when not
    /// computed yet: a computed set holds the *always* class).
    classes: u32,
    /// For a content entry: the head of its list in `Memo::derived` (NONE when empty).
    derived: u32,
}

/// A transformation already applied to a content, and the content of its result (a link of a
/// content's list).
#[derive(Clone, Copy, Debug)]
struct Derived {
    t: palisade_transform::TransformId,
    /// The entry holding the result's content.
    result: u32,
    /// The next link of the same content's list (NONE at the end).
    next: u32,
}

/// The memo of transformed values: per chain node, a dense index from value slot to entry
/// (a lookup is two array reads).
#[derive(Clone, Debug, Default)]
pub struct Memo {
    by_node: Vec<Vec<u32>>,
    used_nodes: Vec<u32>,
    entries: Vec<Entry>,
    /// The transformations applied to each content and their results (see the
    /// [module documentation](self)).
    derived: Vec<Derived>,
    bytes: Vec<u8>,
    /// Candidate bitsets of scanned entries.
    pub bits: Vec<u64>,
    /// Number of transformations computed (statistics).
    pub computed: u64,
    /// Number of lookups answered from the memo (statistics).
    pub hits: u64,
    /// Number of prefilter scans (statistics).
    pub scans: u64,
    /// Number of lookups answered with the original value because the chain cannot change it
    /// (statistics; not counted in `hits`).
    pub identity: u64,
    /// Number of transformation steps skipped because the value holds none of their exact
    /// classes (statistics; not counted in `computed`).
    pub skipped: u64,
    /// Number of transformation steps not computed because the same transformation of the
    /// same content was computed before (statistics; not counted in `computed`).
    pub reused: u64,
    /// Cost accounting when the transaction is profiled (`None` otherwise).
    pub(crate) prof: Option<MemoProfile>,
    /// The chain nodes a lookup still has to compute (kept to reuse its allocation), deepest
    /// first, each with its transformation and the union of the exact classes of its step and
    /// of every step after it, up to the requested node.
    path: Vec<(NodeId, palisade_transform::TransformId, Triggers)>,
    /// Per slot: the raw bits of the value's trigger classes, 0 when not computed yet (a
    /// computed set is never empty: it holds the class of the *always* transformations).
    classes: Vec<u32>,
    /// Per slot: the offset in `bits` of the original value's candidate bits, NONE when not
    /// scanned yet.
    raw: Vec<u32>,
    /// The offset in `bits` of the computed empty value's candidate bits, once scanned.
    empty: Option<u32>,
    /// Where a transformation step writes a changed value before it is appended to `bytes`
    /// (kept, so that steps do not allocate).
    scratch: Vec<u8>,
    /// The values a `multiMatch` walk found ([`Memo::multi_steps`]); kept to reuse its
    /// allocation (the caller takes it and puts it back).
    pub steps_buf: Vec<(usize, MemoRef)>,
    /// The byte-condition part of recent scans (see
    /// [`GlobalPrefilter::scan_cached`](crate::ruleset::prefilter::GlobalPrefilter::scan_cached));
    /// kept across [`clear`](Self::clear), as it depends on the prefilter only.
    scan_cache: crate::ruleset::prefilter::ScanCache,
}

/// What the memo measures for the profiler: each computed transformation step (by chain node)
/// and each prefilter scan.
#[derive(Clone, Debug)]
pub(crate) struct MemoProfile {
    pub watch: std::sync::Arc<dyn crate::profile::Stopwatch>,
    pub transforms: Vec<crate::profile::Cost>,
    pub scans: crate::profile::Cost,
}

/// A transformed value: where its bytes are and whether the last step changed it.
#[derive(Clone, Copy, Debug)]
pub struct MemoRef {
    #[allow(dead_code)]
    idx: u32,
    content: u32,
    slot: Slot,
    orig: bool,
    start: u32,
    len: u32,
    /// The last transformation changed the value.
    pub changed: bool,
}

impl Memo {
    /// Forgets everything, keeping allocations.
    pub fn clear(&mut self) {
        for &n in &self.used_nodes {
            if let Some(v) = self.by_node.get_mut(n as usize) {
                v.clear();
            }
        }
        self.used_nodes.clear();
        self.entries.clear();
        self.derived.clear();
        self.bytes.clear();
        self.bits.clear();
        self.classes.clear();
        self.raw.clear();
        self.empty = None;
    }

    /// Whether the chain `node` leaves `slot`'s value as it is up to ASCII case: the value holds
    /// none of the chain's trigger bytes (see [`palisade_transform::Triggers`]). The value's
    /// classes are computed on the first call for a slot and kept for the transaction (a slot's
    /// value never changes).
    #[inline]
    pub fn chain_is_quiet(
        &mut self,
        values: &ValueTable,
        chains: &ChainTrie,
        slot: Slot,
        node: NodeId,
    ) -> bool {
        if node == ChainTrie::ROOT {
            return true;
        }
        let present = self.value_triggers(values, slot);
        !chains.triggers(node).may_change(present)
    }

    /// Whether the chain `node`'s result for `slot` is its value itself, byte for byte: the
    /// value holds none of the chain's exact classes ([`ChainTrie::exact`]).
    #[inline]
    pub fn chain_is_identity(
        &mut self,
        values: &ValueTable,
        chains: &ChainTrie,
        slot: Slot,
        node: NodeId,
    ) -> bool {
        let present = self.value_triggers(values, slot);
        !chains.exact(node).may_change(present)
    }

    /// The trigger classes `slot`'s value holds (computed on first use, then kept).
    #[inline]
    pub fn value_triggers(&mut self, values: &ValueTable, slot: Slot) -> Triggers {
        let i = slot.0 as usize;
        let known = self.classes.get(i).copied().unwrap_or(0);
        if known != 0 {
            return Triggers::from_bits(known);
        }
        let t = Triggers::present_in(values.get(slot));
        if self.classes.len() <= i {
            self.classes.resize(i + 1, 0);
        }
        if let Some(c) = self.classes.get_mut(i) {
            *c = t.bits();
        }
        t
    }

    fn find(&self, slot: Slot, node: NodeId) -> Option<u32> {
        let e = *self.by_node.get(node.0 as usize)?.get(slot.0 as usize)?;
        (e != NONE).then_some(e)
    }

    fn r(&self, slot: Slot, idx: u32) -> Option<MemoRef> {
        self.entries.get(idx as usize).map(|e| MemoRef {
            idx,
            content: e.content,
            slot,
            orig: e.orig,
            start: e.start,
            len: e.len,
            changed: e.changed,
        })
    }

    /// The bytes of a memoised value.
    pub fn bytes<'a>(&'a self, values: &'a ValueTable, r: MemoRef) -> &'a [u8] {
        if r.orig {
            return values.get(r.slot);
        }
        self.bytes
            .get(r.start as usize..(r.start as usize + r.len as usize))
            .unwrap_or(&[])
    }

    fn push_entry(&mut self, slot: Slot, node: NodeId, mut e: Entry) -> MemoRef {
        let idx = u32::try_from(self.entries.len()).unwrap_or(NONE);
        if e.content == NONE {
            e.content = idx;
        }
        self.entries.push(e);
        let n = node.0 as usize;
        if self.by_node.len() <= n {
            self.by_node.resize_with(n + 1, Vec::new);
        }
        let v = &mut self.by_node[n];
        if v.is_empty() {
            self.used_nodes.push(node.0);
        }
        if v.len() <= slot.0 as usize {
            // Grown by doubling: slots come in increasing order, one at a time.
            let want = (slot.0 as usize + 1).max(v.len() * 2).max(32);
            v.resize(want, NONE);
        }
        v[slot.0 as usize] = idx;
        MemoRef {
            idx,
            content: e.content,
            slot,
            orig: e.orig,
            start: e.start,
            len: e.len,
            changed: e.changed,
        }
    }

    /// The candidate-bits offset recorded for an entry's content.
    pub fn bits_of(&self, r: MemoRef) -> Option<u32> {
        self.entries
            .get(r.content as usize)
            .map(|e| e.bits)
            .filter(|&b| b != NONE)
    }

    /// Scans an entry's content with `pf` (once per content) and returns the bits' offset.
    /// An entry holding the slot's original value shares the slot's raw scan
    /// ([`Memo::raw_bits`]).
    pub fn scan(
        &mut self,
        values: &ValueTable,
        r: MemoRef,
        pf: &crate::ruleset::prefilter::GlobalPrefilter,
    ) -> u32 {
        if r.orig {
            return self.raw_bits(values, r.slot, pf);
        }
        if let Some(off) = self.bits_of(r) {
            return off;
        }
        if r.len == 0 {
            // Every computed empty value has the same scan (the empty value `t:base64Decode`
            // makes of most inputs, for instance): once per transaction.
            if let Some(off) = self.empty {
                return off;
            }
            let off = Self::scan_into(
                &mut self.bits,
                &mut self.prof,
                &mut self.scan_cache,
                &[],
                pf,
            );
            self.empty = Some(off);
            self.scans += 1;
            return off;
        }
        let bytes: &[u8] = self
            .bytes
            .get(r.start as usize..(r.start as usize + r.len as usize))
            .unwrap_or(&[]);
        let off = Self::scan_into(
            &mut self.bits,
            &mut self.prof,
            &mut self.scan_cache,
            bytes,
            pf,
        );
        if let Some(e) = self.entries.get_mut(r.content as usize) {
            e.bits = off;
        }
        self.scans += 1;
        off
    }

    /// The offset of the candidate bits of `slot`'s original value, scanning it on first use.
    /// No memo entry is needed: the gate asks this for values its chain leaves as they are.
    #[inline]
    pub fn raw_bits(
        &mut self,
        values: &ValueTable,
        slot: Slot,
        pf: &crate::ruleset::prefilter::GlobalPrefilter,
    ) -> u32 {
        let i = slot.0 as usize;
        if let Some(&off) = self.raw.get(i)
            && off != NONE
        {
            return off;
        }
        let off = Self::scan_into(
            &mut self.bits,
            &mut self.prof,
            &mut self.scan_cache,
            values.get(slot),
            pf,
        );
        if self.raw.len() <= i {
            self.raw.resize(i + 1, NONE);
        }
        if let Some(r) = self.raw.get_mut(i) {
            *r = off;
        }
        self.scans += 1;
        off
    }

    /// Appends the candidate bits of `bytes` to `bits`; returns their offset.
    fn scan_into(
        bits: &mut Vec<u64>,
        prof: &mut Option<MemoProfile>,
        cache: &mut crate::ruleset::prefilter::ScanCache,
        bytes: &[u8],
        pf: &crate::ruleset::prefilter::GlobalPrefilter,
    ) -> u32 {
        let start = prof.as_ref().map(|p| p.watch.nanos());
        let off = pf.scan_cached_append(bytes, bits, cache);
        if let (Some(start), Some(p)) = (start, prof.as_mut()) {
            let spent = p.watch.nanos().saturating_sub(start);
            p.scans.add(spent);
        }
        u32::try_from(off).unwrap_or(NONE)
    }

    /// Whether `slot` is set in the candidate bits at `off`.
    pub fn bit(&self, off: u32, slot: u32) -> bool {
        self.bits
            .get(off as usize + slot as usize / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    /// The value of `slot` after the chain `node`, computing (and memoising) what is missing;
    /// steps that cannot change the value are neither computed nor (for a whole chain that
    /// cannot change it) memoised: see the [module documentation](self). The common answers
    /// (the value itself, or a memoised entry) are inlined; the rest is [`Memo::compute`].
    #[inline]
    pub fn get(
        &mut self,
        values: &ValueTable,
        chains: &ChainTrie,
        settings: &TransformSettings,
        slot: Slot,
        node: NodeId,
    ) -> MemoRef {
        // Exact identity: the value holds none of the chain's exact classes, so it is the
        // chain's result; no entry is needed (an original reference reads the slot).
        let present = self.value_triggers(values, slot);
        if !chains.exact(node).may_change(present) {
            self.identity += 1;
            return MemoRef {
                idx: NONE,
                content: NONE,
                slot,
                orig: true,
                start: 0,
                len: 0,
                changed: false,
            };
        }
        if let Some(r) = self.find(slot, node).and_then(|e| self.r(slot, e)) {
            self.hits += 1;
            return r;
        }
        if let Some((parent, t)) = chains.step(node) {
            if let Some(p) = self.find(slot, parent).and_then(|e| self.r(slot, e)) {
                return self.one_step(values, settings, slot, node, t, p, present);
            }
            // The parent's chain leaves the value as it is (exact identity): its value is the
            // original one, whose content is the slot's root entry.
            if !chains.exact(parent).may_change(present) {
                self.skipped += u64::from(chains.depth(parent));
                let p = self.root_entry(slot);
                return self.one_step(values, settings, slot, node, t, p, present);
            }
        }
        self.compute(values, chains, settings, slot, node, present)
    }

    /// The values a `multiMatch` rule tests along its chain, in order: the original value
    /// (step 0, `steps[0]` is the root) and every step that changed the value, as
    /// `(index in steps, value)`; written to `out` (cleared first). One walk down the chain
    /// instead of one [`Memo::get`] per node: see the [module documentation](self) (*One walk
    /// for a `multiMatch` chain*). `steps`: the nodes of one chain, root first
    /// ([`ChainTrie::path_nodes`]).
    pub fn multi_steps(
        &mut self,
        values: &ValueTable,
        chains: &ChainTrie,
        settings: &TransformSettings,
        slot: Slot,
        steps: &[NodeId],
        out: &mut Vec<(usize, MemoRef)>,
    ) {
        out.clear();
        let orig = MemoRef {
            idx: NONE,
            content: NONE,
            slot,
            orig: true,
            start: 0,
            len: 0,
            changed: false,
        };
        out.push((0, orig));
        let present = self.value_triggers(values, slot);
        // The whole chain leaves the value as it is: no step changes it.
        if let Some(&last) = steps.last()
            && !chains.exact(last).may_change(present)
        {
            self.identity += 1;
            return;
        }
        // The steps up to the first whose chain's exact classes the value holds leave it as it
        // is (exact identity of that prefix): the walk starts there (`steps[0]` is the root,
        // whose exact set is empty).
        let first = steps
            .iter()
            .position(|&n| chains.exact(n).may_change(present))
            .unwrap_or(steps.len());
        self.skipped += u64::try_from(first.saturating_sub(1)).unwrap_or(0);
        // `cur`: the value after the step before (the original value, or a memo entry).
        let mut cur = orig;
        for (i, &n) in steps.iter().enumerate().skip(first.max(1)) {
            let Some((_, t)) = chains.step(n) else {
                continue;
            };
            // A step whose exact classes the value does not hold leaves it byte for byte.
            let step_exact = t.exact_triggers();
            if !step_exact.is_always() {
                let held = self.held_triggers(cur, present);
                if !step_exact.may_change(held) {
                    self.skipped += 1;
                    continue;
                }
            }
            if let Some(r) = self.find(slot, n).and_then(|e| self.r(slot, e)) {
                self.hits += 1;
                cur = r;
            } else {
                if cur.content == NONE {
                    // The original value without an entry: its root entry (a content that
                    // can list what was derived from it).
                    cur = self.root_entry(slot);
                }
                cur = self.apply_step(values, settings, slot, n, t, cur);
            }
            if cur.changed {
                out.push((i, cur));
            }
        }
    }

    /// [`Memo::get`] for a value that is neither the chain's result as it is nor memoised:
    /// from the nearest memoised ancestor (or the root), computes the steps that can change
    /// the value reached and skips the others. `present`: the value's trigger classes.
    #[inline(never)]
    fn compute(
        &mut self,
        values: &ValueTable,
        chains: &ChainTrie,
        settings: &TransformSettings,
        slot: Slot,
        node: NodeId,
        present: Triggers,
    ) -> MemoRef {
        // Walk up to the nearest memoised ancestor (or the root), then compute down. `path`:
        // the nodes still to compute, deepest first, each with its transformation and the
        // union of the exact classes of its step and of every step after it.
        let mut path = std::mem::take(&mut self.path);
        path.clear();
        let mut at = node;
        let mut base: Option<MemoRef> = None;
        let mut after = Triggers::NONE;
        loop {
            // An ancestor whose chain leaves the value as it is (exact identity; the root at
            // the latest): its value is the original one.
            if !chains.exact(at).may_change(present) {
                self.skipped += u64::from(chains.depth(at));
                break;
            }
            if let Some(r) = self.find(slot, at).and_then(|e| self.r(slot, e)) {
                base = Some(r);
                break;
            }
            match chains.step(at) {
                Some((p, t)) => {
                    after = after.union(t.exact_triggers());
                    path.push((at, t, after));
                    at = p;
                }
                None => break,
            }
        }
        let mut cur = match base {
            Some(r) => r,
            None => self.root_entry(slot),
        };
        let mut i = path.len();
        while i > 0 {
            i -= 1;
            let Some(&(n, t, rest_exact)) = path.get(i) else {
                break;
            };
            // Exact identity from here on: the value reached holds none of the exact classes
            // of this step and the ones after it, so it is the requested node's value.
            let step_exact = t.exact_triggers();
            if !step_exact.is_always() {
                let present = self.held_triggers(cur, present);
                if !rest_exact.may_change(present) {
                    self.skipped += u64::try_from(i + 1).unwrap_or(0);
                    let unchanged = self.unchanged(cur);
                    cur = self.push_entry(slot, node, unchanged);
                    break;
                }
                if !step_exact.may_change(present) {
                    // Not memoised either: a later lookup of this node finds the same
                    // value the same way, from the entry `cur` came from.
                    self.skipped += 1;
                    cur.changed = false;
                    continue;
                }
            }
            cur = self.apply_step(values, settings, slot, n, t, cur);
        }
        self.path = path;
        cur
    }

    /// The slot's root entry (its original value, a content that can list what was derived
    /// from it), made on first use.
    fn root_entry(&mut self, slot: Slot) -> MemoRef {
        if let Some(r) = self
            .find(slot, ChainTrie::ROOT)
            .and_then(|e| self.r(slot, e))
        {
            return r;
        }
        self.push_entry(
            slot,
            ChainTrie::ROOT,
            Entry {
                start: 0,
                len: 0,
                changed: false,
                orig: true,
                content: NONE,
                bits: NONE,
                classes: 0,
                derived: NONE,
            },
        )
    }

    /// [`Memo::get`] for a node whose parent is memoised (`parent`: its value): skips the step
    /// when the value holds none of its exact classes (memoising the node as unchanged, so that
    /// a `multiMatch` rule's next node finds it), and applies it otherwise.
    #[allow(clippy::too_many_arguments)]
    fn one_step(
        &mut self,
        values: &ValueTable,
        settings: &TransformSettings,
        slot: Slot,
        node: NodeId,
        t: palisade_transform::TransformId,
        parent: MemoRef,
        present: Triggers,
    ) -> MemoRef {
        let step_exact = t.exact_triggers();
        if !step_exact.is_always() {
            let held = if parent.orig {
                present
            } else {
                self.content_triggers(parent)
            };
            if !step_exact.may_change(held) {
                self.skipped += 1;
                let unchanged = self.unchanged(parent);
                return self.push_entry(slot, node, unchanged);
            }
        }
        self.apply_step(values, settings, slot, node, t, parent)
    }

    /// Applies `t` to `cur`'s value and memoises the result for `node`; a (content,
    /// transformation) already computed is not computed again (see the
    /// [module documentation](self)).
    fn apply_step(
        &mut self,
        values: &ValueTable,
        settings: &TransformSettings,
        slot: Slot,
        node: NodeId,
        t: palisade_transform::TransformId,
        cur: MemoRef,
    ) -> MemoRef {
        let head = self
            .entries
            .get(cur.content as usize)
            .map_or(NONE, |e| e.derived);
        // A transformation that gives `t`'s result on this content (see
        // `TransformId::same_result_as`): its result is `t`'s too.
        let alt = t.same_result_as().and_then(|(other, apart)| {
            if head == NONE {
                return None;
            }
            let held = if cur.orig {
                self.value_triggers(values, slot)
            } else {
                self.content_triggers(cur)
            };
            (!apart.may_change(held)).then_some(other)
        });
        let mut link = head;
        while let Some(d) = self.derived.get(link as usize) {
            if d.t == t || Some(d.t) == alt {
                if let Some(&res) = self.entries.get(d.result as usize) {
                    self.reused += 1;
                    let e = Entry {
                        start: res.start,
                        len: res.len,
                        changed: res.content != cur.content,
                        orig: res.orig,
                        content: res.content,
                        bits: NONE,
                        classes: 0,
                        derived: NONE,
                    };
                    return self.push_entry(slot, node, e);
                }
                break;
            }
            link = d.next;
        }
        self.computed += 1;
        let input: &[u8] = if cur.orig {
            values.get(slot)
        } else {
            self.bytes
                .get(cur.start as usize..(cur.start as usize + cur.len as usize))
                .unwrap_or(&[])
        };
        // ModSecurity counts a step as a change only when the bytes differ (as
        // `apply_into` reports it).
        let start = self.prof.as_ref().map(|p| p.watch.nanos());
        let changed = apply_into(t, input, settings, &mut self.scratch);
        if let (Some(start), Some(p)) = (start, self.prof.as_mut()) {
            let spent = p.watch.nanos().saturating_sub(start);
            crate::profile::add_at(&mut p.transforms, node.0 as usize, spent);
        }
        let e = if changed {
            let s = self.bytes.len();
            self.bytes.extend_from_slice(&self.scratch);
            Entry {
                start: u32::try_from(s).unwrap_or(0),
                len: u32::try_from(self.scratch.len()).unwrap_or(0),
                changed: true,
                orig: false,
                content: NONE,
                bits: NONE,
                classes: 0,
                derived: NONE,
            }
        } else {
            self.unchanged(cur)
        };
        let r = self.push_entry(slot, node, e);
        // Record the result with the input's content (a content entry always exists here:
        // `cur` comes from a memoised entry).
        let link = u32::try_from(self.derived.len()).unwrap_or(NONE);
        if let Some(input) = self.entries.get_mut(cur.content as usize) {
            input.derived = link;
            self.derived.push(Derived {
                t,
                result: r.content,
                next: head,
            });
        }
        r
    }

    /// An entry for a step that left `cur`'s bytes as they were: it shares their content.
    fn unchanged(&self, cur: MemoRef) -> Entry {
        Entry {
            start: cur.start,
            len: cur.len,
            changed: false,
            orig: cur.orig,
            content: cur.content,
            bits: NONE,
            classes: 0,
            derived: NONE,
        }
    }

    /// The trigger classes `cur` holds: `orig` (those of the original value, already known)
    /// when `cur` is the original value, else its content's.
    #[inline]
    fn held_triggers(&mut self, cur: MemoRef, orig: Triggers) -> Triggers {
        if cur.orig {
            orig
        } else {
            self.content_triggers(cur)
        }
    }

    /// The trigger classes of a computed (not original) value, found on first use and kept
    /// with its content entry.
    fn content_triggers(&mut self, r: MemoRef) -> Triggers {
        if let Some(e) = self.entries.get(r.content as usize)
            && e.classes != 0
        {
            return Triggers::from_bits(e.classes);
        }
        let t = Triggers::present_in(
            self.bytes
                .get(r.start as usize..(r.start as usize + r.len as usize))
                .unwrap_or(&[]),
        );
        if let Some(e) = self.entries.get_mut(r.content as usize) {
            e.classes = t.bits();
        }
        t
    }
}

/// Transforms a value that has no slot (TX, counts, …) along `node`'s chain, returning every
/// step's value when `steps` is set (for `multiMatch`) or only the last.
pub fn transform_unmemoised(
    input: &[u8],
    chains: &ChainTrie,
    settings: &TransformSettings,
    node: NodeId,
) -> Vec<(NodeId, Vec<u8>, bool)> {
    let nodes = chains.path_nodes(node);
    let mut out: Vec<(NodeId, Vec<u8>, bool)> = Vec::with_capacity(nodes.len());
    let mut cur = input.to_vec();
    out.push((ChainTrie::ROOT, cur.clone(), false));
    for &n in nodes.iter().skip(1) {
        let Some((_, t)) = chains.step(n) else {
            continue;
        };
        let changed = match apply(t, &cur, settings) {
            Cow::Borrowed(_) => false,
            Cow::Owned(v) if v == cur => false,
            Cow::Owned(v) => {
                cur = v;
                true
            }
        };
        out.push((n, cur.clone(), changed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_transform::TransformId;
    use proptest::prelude::*;

    /// Transformations drawn for the chains below: the base64 chains of CRS, the exact ones,
    /// the case changers and a few *always* ones.
    const POOL: [TransformId; 15] = [
        TransformId::Base64Decode,
        TransformId::NormalisePath,
        TransformId::UrlDecodeUni,
        TransformId::JsDecode,
        TransformId::RemoveWhitespace,
        TransformId::ReplaceComments,
        TransformId::Lowercase,
        TransformId::CmdLine,
        TransformId::HtmlEntityDecode,
        TransformId::Utf8ToUnicode,
        TransformId::CompressWhitespace,
        TransformId::RemoveNulls,
        TransformId::NormalisePathWin,
        TransformId::Length,
        TransformId::HexDecode,
    ];

    fn value() -> impl Strategy<Value = Vec<u8>> {
        let bytes: Vec<u8> = b"aAbZz09+/=%%uU\\ &#;x*-.\x00\xc3\xa9".to_vec();
        proptest::collection::vec(prop::sample::select(bytes), 0..24)
    }

    fn chain() -> impl Strategy<Value = Vec<TransformId>> {
        proptest::collection::vec(prop::sample::select(POOL.to_vec()), 0..6)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

        /// Whatever the order of lookups, every (value, node) the memo answers, with identity
        /// answers and skipped steps, has the bytes and the `changed` flag of the chain
        /// computed step by step.
        #[test]
        fn memo_answers_as_the_chain_computed_step_by_step(
            vals in proptest::collection::vec(value(), 1..4),
            chain_list in proptest::collection::vec(chain(), 1..5),
            order in proptest::collection::vec((0usize..16, 0usize..16), 1..24),
        ) {
            let mut values = ValueTable::default();
            let slots: Vec<Slot> = vals.iter().map(|v| values.push(v)).collect();
            let mut chains = ChainTrie::default();
            let nodes: Vec<NodeId> = chain_list.iter().map(|c| chains.intern(c)).collect();
            let settings = TransformSettings::default();
            let mut m = Memo::default();
            for (a, b) in order {
                let (vi, ci) = (a % vals.len(), b % nodes.len());
                let (slot, node) = (slots[vi], nodes[ci]);
                let mut cur = vals[vi].clone();
                let mut changed = false;
                for &t in &chain_list[ci] {
                    let next = apply(t, &cur, &settings).into_owned();
                    changed = next != cur;
                    cur = next;
                }
                let r = m.get(&values, &chains, &settings, slot, node);
                prop_assert_eq!(m.bytes(&values, r), cur.as_slice(), "{:?}", &chain_list[ci]);
                prop_assert_eq!(r.changed, changed, "{:?}", &chain_list[ci]);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

        /// A `multiMatch` walk, after random lookups and walks that memoise parts of the chains,
        /// reports the original value and exactly the steps that changed the value, with their
        /// bytes, as the chain computed step by step.
        #[test]
        fn multi_steps_are_the_changed_steps(
            vals in proptest::collection::vec(value(), 1..4),
            chain_list in proptest::collection::vec(chain(), 1..5),
            order in proptest::collection::vec((0usize..16, 0usize..16, any::<bool>()), 1..24),
        ) {
            let mut values = ValueTable::default();
            let slots: Vec<Slot> = vals.iter().map(|v| values.push(v)).collect();
            let mut chains = ChainTrie::default();
            let nodes: Vec<NodeId> = chain_list.iter().map(|c| chains.intern(c)).collect();
            let settings = TransformSettings::default();
            let mut m = Memo::default();
            let mut out = Vec::new();
            for (a, b, walk) in order {
                let (vi, ci) = (a % vals.len(), b % nodes.len());
                let (slot, node) = (slots[vi], nodes[ci]);
                if !walk {
                    let _ = m.get(&values, &chains, &settings, slot, node);
                    continue;
                }
                let mut want: Vec<(usize, Vec<u8>)> = vec![(0, vals[vi].clone())];
                let mut cur = vals[vi].clone();
                for (i, &t) in chain_list[ci].iter().enumerate() {
                    let next = apply(t, &cur, &settings).into_owned();
                    if next != cur {
                        want.push((i + 1, next.clone()));
                    }
                    cur = next;
                }
                let steps = chains.path_nodes(node);
                m.multi_steps(&values, &chains, &settings, slot, &steps, &mut out);
                let got: Vec<(usize, Vec<u8>)> =
                    out.iter().map(|&(i, r)| (i, m.bytes(&values, r).to_vec())).collect();
                prop_assert_eq!(got, want, "{:?}", &chain_list[ci]);
            }
        }
    }

    #[test]
    fn identity_chains_are_neither_computed_nor_memoised() {
        let mut values = ValueTable::default();
        let plain = values.push(b"hello-world_1");
        let upper = values.push(b"Hello");
        let b64 = values.push(b"not~base64");
        let mut chains = ChainTrie::default();
        let exact = chains.intern(&[
            TransformId::Utf8ToUnicode,
            TransformId::UrlDecodeUni,
            TransformId::HtmlEntityDecode,
            TransformId::Lowercase,
        ]);
        let crs934100 = chains.intern(&[
            TransformId::UrlDecodeUni,
            TransformId::JsDecode,
            TransformId::RemoveWhitespace,
            TransformId::Base64Decode,
            TransformId::UrlDecodeUni,
            TransformId::JsDecode,
            TransformId::RemoveWhitespace,
        ]);
        let settings = TransformSettings::default();
        let mut m = Memo::default();
        let r = m.get(&values, &chains, &settings, plain, exact);
        assert_eq!(m.bytes(&values, r), b"hello-world_1");
        assert!(r.orig && !r.changed);
        assert_eq!((m.computed, m.identity, m.entries.len()), (0, 1, 0));
        // With an upper-case letter, only the lowercase step is computed.
        let r = m.get(&values, &chains, &settings, upper, exact);
        assert_eq!(m.bytes(&values, r), b"hello");
        assert!(r.changed);
        assert_eq!((m.computed, m.skipped), (1, 3));
        // base64Decode rejects the value: the empty result needs no further step.
        let r = m.get(&values, &chains, &settings, b64, crs934100);
        assert_eq!(m.bytes(&values, r), b"");
        assert!(!r.changed);
        assert_eq!((m.computed, m.skipped), (2, 9));
    }

    #[test]
    fn a_transformation_of_the_same_content_is_computed_once() {
        let mut values = ValueTable::default();
        let s = values.push(b"ZXZhbCgp");
        let path = values.push(b"a/./b/../c");
        let win = values.push(b"a\\./b");
        let mut chains = ChainTrie::default();
        use TransformId as T;
        let crs934100 = chains.intern(&[
            T::UrlDecodeUni,
            T::JsDecode,
            T::RemoveWhitespace,
            T::Base64Decode,
        ]);
        let crs934160 = chains.intern(&[T::UrlDecodeUni, T::JsDecode, T::Base64Decode]);
        let cmd_path = chains.intern(&[T::CmdLine, T::NormalisePath]);
        let path_win = chains.intern(&[T::Utf8ToUnicode, T::UrlDecodeUni, T::NormalisePathWin]);
        let settings = TransformSettings::default();
        let mut m = Memo::default();
        let a = m.get(&values, &chains, &settings, s, crs934100);
        let b = m.get(&values, &chains, &settings, s, crs934160);
        assert_eq!(m.bytes(&values, a), b"eval()");
        assert_eq!(m.bytes(&values, b), b"eval()");
        assert!(a.changed && b.changed);
        assert_eq!((m.computed, m.reused), (1, 1));
        // Shared content: one scan serves both.
        assert_eq!(a.content, b.content);
        // normalisePathWin reuses normalisePath on bytes without a backslash...
        let p1 = m.get(&values, &chains, &settings, path, cmd_path);
        let p2 = m.get(&values, &chains, &settings, path, path_win);
        assert_eq!(m.bytes(&values, p1), b"a/c");
        assert_eq!(m.bytes(&values, p2), b"a/c");
        assert_eq!((m.computed, m.reused), (2, 2));
        // ... and not on bytes with one.
        let plain = chains.intern(&[T::NormalisePath]);
        let w1 = m.get(&values, &chains, &settings, win, plain);
        let w2 = m.get(&values, &chains, &settings, win, path_win);
        let direct = apply(T::NormalisePath, b"a\\./b", &settings).into_owned();
        assert_eq!(m.bytes(&values, w1), direct.as_slice());
        assert_eq!(m.bytes(&values, w2), b"a/b");
        assert!(w2.changed);
        assert_eq!((m.computed, m.reused), (4, 2));
    }

    #[test]
    fn prefix_is_reused() {
        let mut values = ValueTable::default();
        let s = values.push(b"AbC");
        let mut chains = ChainTrie::default();
        let lower = chains.intern(&[TransformId::Lowercase]);
        let lower_len = chains.intern(&[TransformId::Lowercase, TransformId::Length]);
        let settings = TransformSettings::default();
        let mut m = Memo::default();
        let r = m.get(&values, &chains, &settings, s, lower_len);
        assert_eq!(m.bytes(&values, r), b"3");
        assert_eq!(m.computed, 2);
        let r = m.get(&values, &chains, &settings, s, lower);
        assert_eq!(m.bytes(&values, r), b"abc");
        assert!(r.changed);
        assert_eq!(m.computed, 2);
        assert_eq!(m.hits, 1);
        let r = m.get(&values, &chains, &settings, s, ChainTrie::ROOT);
        assert_eq!(m.bytes(&values, r), b"AbC");
        assert!(!r.changed);
        let up = chains.intern(&[TransformId::Uppercase]);
        let r = m.get(&values, &chains, &settings, s, up);
        assert_eq!(m.bytes(&values, r), b"ABC");
    }
}
