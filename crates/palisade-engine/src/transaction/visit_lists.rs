//! Visit lists per target set: the values a rule's targets visit, after its value exclusions,
//! resolved once per (target set, state of the data) and shared by every rule with the same
//! targets and exclusions (see [`CompiledRule::target_set`]). CRS runs dozens of rules over
//! `REQUEST_COOKIES|!REQUEST_COOKIES:/__utm/|REQUEST_COOKIES_NAMES|ARGS_NAMES|ARGS|XML:/*`:
//! they resolve those collections and test each value's name against the exclusions once,
//! instead of once per rule (and twice for a rule the prefilter could not skip whole).
//!
//! A list also keeps, once asked, the union of its values' trigger classes
//! ([`palisade_transform::Triggers`]): a chain that meets none of them leaves every value of the
//! list as it is up to ASCII case, so every such chain shares the list's raw candidate bits.
//!
//! # Groups: a list's candidates per chain node
//!
//! Skippable rules (see [`CompiledRule::skippable`]) ask whether any value of their list,
//! transformed by their chain, is a prefilter candidate for their operator. The answer is kept
//! per (target set, chain node, epoch) as a *group*: the union of the values' candidate bits,
//! restricted to the prefilter words that hold the slots of the skippable rules of that target
//! set and chain node ([`CompiledRule::group_mask`]; for node ROOT, every skippable rule of the
//! target set: [`CompiledRule::root_group_mask`]), and the list positions of the values that
//! hold at least one of those bits (the group's *candidates*).
//!
//! A rule of the group then visits only the candidates. This is sound: a value outside them
//! holds none of the group's bits, so none of the rule's slot (which is one of them), in the
//! candidate bits the rule's own test would read. The rule is not negated and not
//! `multiMatch` (it is skippable), so its test of such a value is decided by the prefilter as
//! a miss (the gate of `eval_visit` reads the raw value's bits when the chain leaves the value
//! as it is up to ASCII case, as the group does; otherwise the value of the chain, memoised,
//! whose scan the group read), with no effect but the counters `tests` and `prefiltered`,
//! which the caller adds in bulk (one each per skipped value). When the group was built at
//! node ROOT because the chain changes no value of the list beyond ASCII case, the rule's gate
//! reads the raw bits of every value too.
//!
//! The group also records, for each candidate, the offset of the candidate bits it read (the
//! raw scan, or the scan of the value of the chain). A rule then visits only the candidates
//! holding its own slot in those bits: a candidate that does not hold it is, by the same
//! argument, a value whose test reads exactly those bits and finds the rule's slot clear, a
//! prefilter miss with no effect but the two counters (added one each per such candidate). The
//! bits at an offset never change during the transaction (the memo's bits are only appended
//! to, and cleared with the lists). The engine test `group_candidates` compares decisions,
//! messages, captures and counters with the prefilter on and off.
//!
//! # Resolutions per distinct target
//!
//! Target sets overlap: dozens of CRS target sets name `ARGS`, `ARGS_NAMES`,
//! `REQUEST_COOKIES|!REQUEST_COOKIES:/__utm/` or `REQUEST_HEADERS` among other targets. Each
//! distinct target (collection, selector, key exclusions, count: [`Target::id`], assigned at
//! load) is resolved once per data epoch into an arena of visits here; a list then copies the
//! ranges of its targets (filtered by its rule's value exclusions) instead of resolving them
//! again. This is sound because a target's resolution reads only the request data (request
//! collections, stored scalars, the XML document), every change of which bumps the epoch
//! ([`Data::epoch`]), and the key exclusions that are part of the target; the list cache
//! above already relies on the same fact for whole target sets. A resolution with a value in
//! the scratch buffer is recorded as unusable (as a list with one would be): its lists are not
//! built. The engine test `target_cache` compares decisions, messages and counters with and
//! without the cache on random requests and rules sharing targets.
//!
//! # Raw unions per resolution (empty root groups without iterating)
//!
//! Each usable resolution can also hold, for its epoch, the union of the raw candidate bits of
//! its values (every word of the prefilter), computed the first time a root group needs it and
//! shared by every target set naming the target. Before building a root group (node ROOT: the
//! raw bits of each value of the list), the rule ORs the unions of its targets' resolutions;
//! when the rule's slot is not in that OR, its group's union lacks it too, and the answer is
//! Skip without building the group. Sound because a list holds a subset of its targets'
//! resolved values (value exclusions only remove), every one a slot, and a root group's union
//! is the OR of those values' raw bits under the mask, so it is a subset of the OR of the
//! resolutions' unions. The raw bits of a slot never change during a transaction, and a union
//! is tied to its resolution's epoch (recomputed with it). Each word of a union is computed
//! only when a rule whose slot lies in it asks (a group's mask is mostly one word; words from
//! the 65th on are never cached and those rules build their group as before). A non-root group may read
//! transformed bits and does not use these unions. The test `group_candidates` (prefilter on
//! and off, 3,000 cases) catches a union that misses a value's bits.
//!
//! [`CompiledRule::target_set`]: crate::ruleset::rule::CompiledRule::target_set
//! [`Target::id`]: crate::ruleset::rule::Target::id
//! [`Data::epoch`]: crate::transaction::state::Data::epoch
//! [`CompiledRule::skippable`]: crate::ruleset::rule::CompiledRule::skippable
//! [`CompiledRule::group_mask`]: crate::ruleset::rule::CompiledRule::group_mask
//! [`CompiledRule::root_group_mask`]: crate::ruleset::rule::CompiledRule::root_group_mask

use super::resolve::{VName, VVal, Visit};
use crate::collection::keys::KeyId;
use crate::ruleset::rule::KeyRegex;

/// Whether a visit's value and name are both in the value table (they outlive the scratch
/// buffer, which the next resolution overwrites).
#[inline]
pub(crate) fn slot_only(v: &Visit) -> bool {
    matches!(v.val, VVal::Slot(_))
        && !matches!(v.name, VName::Key(_, VVal::Scratch(..) | VVal::Matched(_)))
}

/// One built list.
#[derive(Clone, Copy, Debug)]
struct ListEntry {
    /// The data epoch the list was built in.
    epoch: u32,
    start: u32,
    end: u32,
    /// False when a value or name lives in the scratch buffer (which the next resolution
    /// overwrites): rules then resolve their targets themselves.
    usable: bool,
    /// The raw bits of the union of the values' trigger classes; 0 when not computed yet.
    classes: u32,
}

/// One built group (see the [module documentation](self)).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Group {
    /// The chain node.
    node: u32,
    /// The data epoch the group was built in.
    epoch: u32,
    /// Offset in `words` of the union, one word per entry of the group's mask.
    words: u32,
    /// The candidates' list positions: `cands[start..end]`.
    start: u32,
    end: u32,
}

/// One distinct target's resolution: `resolved[start..end]`.
#[derive(Clone, Copy, Debug)]
struct Resolved {
    /// The data epoch it was resolved in.
    epoch: u32,
    start: u32,
    end: u32,
    /// False when a value or name lives in the scratch buffer.
    usable: bool,
    /// Offset in `unions` of the raw union of its values (`u32::MAX`: none allocated yet).
    union: u32,
    /// Which words (of the first 64) of that union are computed.
    done: u64,
}

/// The per-transaction cache of visit lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct VisitLists {
    /// Per distinct target id: its latest resolution.
    targets: Vec<Option<Resolved>>,
    /// Every resolution's visits, one after another.
    resolved: Vec<Visit>,
    /// Per target set: its list, if built.
    index: Vec<Option<ListEntry>>,
    /// Every list's items (target index in the rule, visit), list after list.
    items: Vec<(u16, Visit)>,
    /// Per target set: its groups (one per chain node, the latest epoch's).
    groups: Vec<Vec<Group>>,
    /// Every group's union words, group after group.
    words: Vec<u64>,
    /// Every group's candidates, group after group: each a position in `items` and the offset
    /// of the candidate bits the group read for it (in the memo's bits).
    cands: Vec<(u32, u32)>,
    /// The raw unions of resolutions (see the module comment), one after the other.
    unions: Vec<u64>,
    /// Per numbered key regex ([`KeyRegex::index`]), its answer for each compile-time key
    /// id: 0 not asked yet, 1 no, 2 yes. Kept by [`VisitLists::clear`] (see
    /// [`VisitLists::key_regex_match`]).
    key_regex_answers: Vec<Vec<u8>>,
}

impl VisitLists {
    /// The raw union of target `id`'s resolution in `epoch`, when that resolution is current
    /// and usable: its offset in the unions (`u32::MAX`: none allocated yet) and which of its
    /// first 64 words are computed.
    #[inline]
    pub fn target_union(&self, id: u32, epoch: u32) -> Option<(u32, u64)> {
        let e = self.targets.get(id as usize).copied().flatten()?;
        (e.epoch == epoch && e.usable).then_some((e.union, e.done))
    }

    /// Allocates `words` zero words for target `id`'s raw union; returns their offset.
    pub fn alloc_union(&mut self, id: u32, words: usize) -> Option<u32> {
        let at = u32::try_from(self.unions.len()).ok()?;
        let e = self.targets.get_mut(id as usize)?.as_mut()?;
        self.unions.resize(at as usize + words, 0);
        e.union = at;
        e.done = 0;
        Some(at)
    }

    /// Records word `w` (below 64) of target `id`'s raw union at `at`.
    pub fn set_union_word(&mut self, id: u32, at: u32, w: usize, x: u64) {
        if let (Some(u), Some(Some(e))) = (
            self.unions.get_mut(at as usize + w),
            self.targets.get_mut(id as usize),
        ) && w < 64
        {
            *u = x;
            e.done |= 1 << w;
        }
    }

    /// Word `w` of the union at `at`.
    #[inline]
    pub fn union_at(&self, at: u32, w: usize) -> u64 {
        self.unions.get(at as usize + w).copied().unwrap_or(0)
    }

    /// Whether `re` matches `key`, the key of a `TX` (or other mutable collection) variable
    /// whose id is `id`, where ids below `base` are the ruleset's compile-time ids.
    ///
    /// For a compile-time id and a regex that [answers caselessly], the answer is kept and
    /// reused, in this transaction and the next ones this object is reset for. Sound because
    /// such an id stands for one key up to ASCII case (the ruleset's interner compares keys
    /// ASCII-caselessly: every key given that id is a case variant of the interned spelling),
    /// a caseless regex gives every case variant the same answer, and a transaction never
    /// changes ruleset (ids, regex numbers and the interner are the ruleset's). Run-time ids
    /// are numbered afresh in every transaction and are never kept. The engine test
    /// `tx_selection` compares decisions and messages with the answers kept and not kept over
    /// random sequences of `setvar`s and deletions across reset transactions.
    ///
    /// [answers caselessly]: KeyRegex::answers_caselessly
    #[inline]
    pub fn key_regex_match(&mut self, re: &KeyRegex, id: KeyId, base: u32, key: &[u8]) -> bool {
        if re.index == u32::MAX || id.0 >= base || !re.answers_caselessly() {
            return re.is_match(key);
        }
        let r = re.index as usize;
        if self.key_regex_answers.len() <= r {
            self.key_regex_answers.resize_with(r + 1, Vec::new);
        }
        let Some(row) = self.key_regex_answers.get_mut(r) else {
            return re.is_match(key);
        };
        if row.len() < base as usize {
            row.resize(base as usize, 0);
        }
        match row.get_mut(id.0 as usize) {
            Some(1) => false,
            Some(2) => true,
            Some(slot) => {
                let hit = re.is_match(key);
                *slot = 1 + u8::from(hit);
                hit
            }
            None => re.is_match(key),
        }
    }

    /// Forgets everything, keeping allocations.
    pub fn clear(&mut self) {
        self.targets.iter_mut().for_each(|e| *e = None);
        self.resolved.clear();
        self.index.iter_mut().for_each(|e| *e = None);
        self.items.clear();
        self.groups.iter_mut().for_each(Vec::clear);
        self.words.clear();
        self.cands.clear();
        self.unions.clear();
    }

    /// The item range of target set `ts`'s list if it was built in `epoch`: `Some(None)` when
    /// the list is known unusable, `None` when it must be built.
    pub fn find(&self, ts: u32, epoch: u32) -> Option<Option<(u32, u32)>> {
        let e = self.index.get(ts as usize).copied().flatten()?;
        (e.epoch == epoch).then_some(e.usable.then_some((e.start, e.end)))
    }

    /// The range in the resolution arena of distinct target `id` if it was resolved in
    /// `epoch`: `Some(None)` when that resolution is unusable, `None` when it must be resolved.
    #[inline]
    pub fn target(&self, id: u32, epoch: u32) -> Option<Option<(u32, u32)>> {
        let e = self.targets.get(id as usize).copied().flatten()?;
        (e.epoch == epoch).then_some(e.usable.then_some((e.start, e.end)))
    }

    /// Takes the resolution arena out, to resolve a target at its end; give it back with
    /// [`VisitLists::end_target`].
    pub fn begin_target(&mut self) -> Vec<Visit> {
        std::mem::take(&mut self.resolved)
    }

    /// Puts the arena back with the resolution of target `id` in `epoch` from `start` to its
    /// end (dropped when unusable; not recorded when `id` is `u32::MAX`), and returns its range
    /// when usable. `slots`: the caller knows every visit of it to be [`slot_only`] (then
    /// they are not checked one by one).
    pub fn end_target(
        &mut self,
        resolved: Vec<Visit>,
        id: u32,
        epoch: u32,
        start: usize,
        slots: bool,
    ) -> Option<(u32, u32)> {
        self.resolved = resolved;
        let usable = slots
            || self
                .resolved
                .get(start..)
                .unwrap_or(&[])
                .iter()
                .all(slot_only);
        if !usable {
            self.resolved.truncate(start);
        }
        let (Ok(a), Ok(b)) = (u32::try_from(start), u32::try_from(self.resolved.len())) else {
            self.resolved.truncate(start);
            return None;
        };
        let t = id as usize;
        if id != u32::MAX {
            if self.targets.len() <= t {
                self.targets.resize(t + 1, None);
            }
            if let Some(e) = self.targets.get_mut(t) {
                *e = Some(Resolved {
                    epoch,
                    start: a,
                    end: b,
                    usable,
                    union: u32::MAX,
                    done: 0,
                });
            }
        }
        usable.then_some((a, b))
    }

    /// Visit `i` of the resolution arena.
    #[inline]
    pub fn resolved(&self, i: u32) -> Option<Visit> {
        self.resolved.get(i as usize).copied()
    }

    /// Appends the arena's visits `a..b` to the list being built, as target `target`'s.
    pub fn push_resolved(&mut self, target: u16, a: u32, b: u32) {
        let src = self.resolved.get(a as usize..b as usize).unwrap_or(&[]);
        self.items.extend(src.iter().map(|&v| (target, v)));
    }

    /// Where the next list starts.
    pub fn begin(&self) -> u32 {
        u32::try_from(self.items.len()).unwrap_or(u32::MAX)
    }

    /// Appends an item to the list being built.
    pub fn push(&mut self, target: u16, v: Visit) {
        self.items.push((target, v));
    }

    /// Ends the list of `ts` begun at `start`; returns its range when usable.
    pub fn finish(&mut self, ts: u32, epoch: u32, start: u32, usable: bool) -> Option<(u32, u32)> {
        if !usable {
            self.items.truncate(start as usize);
        }
        let end = self.begin();
        let t = ts as usize;
        if self.index.len() <= t {
            self.index.resize(t + 1, None);
        }
        if let Some(e) = self.index.get_mut(t) {
            *e = Some(ListEntry {
                epoch,
                start,
                end,
                usable,
                classes: 0,
            });
        }
        usable.then_some((start, end))
    }

    /// The union of the trigger classes of target set `ts`'s list, if recorded (for the list
    /// of the current epoch: [`VisitLists::find`] found it).
    pub fn classes(&self, ts: u32) -> Option<u32> {
        let e = self.index.get(ts as usize).copied().flatten()?;
        (e.classes != 0).then_some(e.classes)
    }

    /// Records the union of the trigger classes of target set `ts`'s list.
    pub fn set_classes(&mut self, ts: u32, classes: u32) {
        if let Some(Some(e)) = self.index.get_mut(ts as usize) {
            e.classes = classes;
        }
    }

    /// Item `i`.
    #[inline]
    pub fn item(&self, i: u32) -> Option<(u16, Visit)> {
        self.items.get(i as usize).copied()
    }

    /// Items `a..b` (empty when out of range).
    #[inline]
    pub fn items(&self, a: u32, b: u32) -> &[(u16, Visit)] {
        self.items.get(a as usize..b as usize).unwrap_or(&[])
    }

    /// The group of target set `ts` at chain `node`, if built in `epoch`.
    #[inline]
    pub fn group(&self, ts: u32, node: u32, epoch: u32) -> Option<Group> {
        self.groups
            .get(ts as usize)?
            .iter()
            .find(|g| g.node == node && g.epoch == epoch)
            .copied()
    }

    /// Takes the union and candidate buffers out to build a group in them (items stay
    /// readable); give them back with [`VisitLists::end_group`].
    pub fn begin_group(&mut self) -> (Vec<u64>, Vec<(u32, u32)>) {
        (
            std::mem::take(&mut self.words),
            std::mem::take(&mut self.cands),
        )
    }

    /// Records the group of `ts` at `node` built in `epoch` (its union from `words_at`, its
    /// candidates from `cands_at` to the end of `cands`), replacing an older one, and puts
    /// the buffers back.
    #[allow(clippy::too_many_arguments)]
    pub fn end_group(
        &mut self,
        ts: u32,
        node: u32,
        epoch: u32,
        words: Vec<u64>,
        words_at: usize,
        cands: Vec<(u32, u32)>,
        cands_at: usize,
    ) -> Group {
        let g = Group {
            node,
            epoch,
            words: u32::try_from(words_at).unwrap_or(u32::MAX),
            start: u32::try_from(cands_at).unwrap_or(u32::MAX),
            end: u32::try_from(cands.len()).unwrap_or(u32::MAX),
        };
        self.words = words;
        self.cands = cands;
        let t = ts as usize;
        if self.groups.len() <= t {
            self.groups.resize_with(t + 1, Vec::new);
        }
        if let Some(v) = self.groups.get_mut(t) {
            v.retain(|e| e.node != node);
            v.push(g);
        }
        g
    }

    /// Word `k` of group `g`'s union (0 when out of range).
    #[inline]
    pub fn union_word(&self, g: Group, k: usize) -> u64 {
        self.words.get(g.words as usize + k).copied().unwrap_or(0)
    }

    /// The range of group `g`'s candidates, for [`VisitLists::candidate`].
    #[inline]
    pub fn candidates(g: Group) -> (u32, u32) {
        (g.start, g.end)
    }

    /// Candidate `j`: a list position, and the offset of the value's candidate bits at the
    /// group's chain node.
    #[inline]
    pub fn candidate(&self, j: u32) -> Option<(u32, u32)> {
        self.cands.get(j as usize).copied()
    }
}
