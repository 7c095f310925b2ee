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
//! [`CompiledRule::target_set`]: crate::ruleset::rule::CompiledRule::target_set

use super::resolve::Visit;

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

/// The per-transaction cache of visit lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct VisitLists {
    /// Per target set: its list, if built.
    index: Vec<Option<ListEntry>>,
    /// Every list's items (target index in the rule, visit), list after list.
    items: Vec<(u16, Visit)>,
}

impl VisitLists {
    /// Forgets everything, keeping allocations.
    pub fn clear(&mut self) {
        self.index.iter_mut().for_each(|e| *e = None);
        self.items.clear();
    }

    /// The item range of target set `ts`'s list if it was built in `epoch`: `Some(None)` when
    /// the list is known unusable, `None` when it must be built.
    pub fn find(&self, ts: u32, epoch: u32) -> Option<Option<(u32, u32)>> {
        let e = self.index.get(ts as usize).copied().flatten()?;
        (e.epoch == epoch).then_some(e.usable.then_some((e.start, e.end)))
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
    pub fn item(&self, i: u32) -> Option<(u16, Visit)> {
        self.items.get(i as usize).copied()
    }
}
