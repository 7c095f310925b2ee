//! The compiled, immutable ruleset (`Send + Sync`, shared through `Arc`): rules per phase in
//! flat lists, chains as linked rule indices, markers resolved, exceptions
//! (`SecRuleRemoveBy…`, `SecRuleUpdateTargetBy…`, `SecRuleUpdateActionById`) applied,
//! `SecDefaultAction` merged, targets and operators compiled, transformation chains interned.
//!
//! The primary types:
//! - [`Ruleset`]: the result of [`compile`](compile::compile).
//! - [`CompiledRule`](rule::CompiledRule): one rule or chain link.
//! - [`Settings`](settings::Settings): engine settings from configuration directives.

pub mod chain;
pub mod compile;
pub mod macros;
pub mod operator;
pub mod prefilter;
pub mod rule;
pub mod settings;

use std::sync::Arc;

use palisade_transform::TransformId;

use crate::collection::keys::KeyInterner;
use chain::ChainTrie;
use rule::{CompiledRule, Disruptive, RunAction};
use settings::Settings;

/// One entry of a phase's rule list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A rule (the first link of its chain), by index into [`Ruleset::rules`]; `removed` when a
    /// `SecRuleRemoveBy…` directive removed it (it still counts for `skip`).
    Rule {
        /// The rule.
        index: u32,
        /// Removed by an exception directive.
        removed: bool,
    },
    /// A `SecMarker`, by index into the marker names.
    Marker(u32),
}

/// `SecDefaultAction` for one phase.
#[derive(Clone, Debug, Default)]
pub struct DefaultActions {
    /// Transformations applied before a rule's own (unless it has `t:none`).
    pub transforms: Vec<TransformId>,
    /// Non-disruptive actions run when a rule of the phase matches.
    pub actions: Vec<RunAction>,
    /// The disruptive action `block` stands for.
    pub disruptive: Option<Disruptive>,
}

/// A compiled ruleset.
#[derive(Debug)]
pub struct Ruleset {
    /// Every rule and chain link.
    pub rules: Vec<CompiledRule>,
    /// Rule lists for phases 0–5 (SecLang numbering).
    pub phases: [Vec<Entry>; 6],
    /// `SecDefaultAction` per phase.
    pub defaults: [DefaultActions; 6],
    /// Marker names.
    pub markers: Vec<Box<str>>,
    /// Engine settings.
    pub settings: Settings,
    /// Interned collection keys.
    pub keys: KeyInterner,
    /// Interned transformation chains.
    pub chains: ChainTrie,
    /// Rule file names.
    pub files: Vec<Arc<str>>,
    /// Number of `SecRule`/`SecAction` directives compiled (chain links included).
    pub directive_rules: usize,
    /// What transformations need (the unicode map, …).
    pub transform: crate::transform::TransformSettings,
    /// The prefilter over every operator's literals (one slot per rule link).
    pub prefilter: prefilter::GlobalPrefilter,
    /// Rule links by literal tag (for `ctl:ruleRemoveByTag` and `…TargetByTag`).
    pub tag_index: std::collections::HashMap<Box<str>, Vec<u32>>,
    /// Rule links by id (for `ctl:ruleRemoveTargetById`).
    pub id_index: std::collections::HashMap<i64, Vec<u32>>,
    /// The number of distinct target sets (see [`rule::CompiledRule::target_set`]).
    pub target_sets: u32,
}

impl Ruleset {
    /// The number of rules (chains count once).
    pub fn rule_count(&self) -> usize {
        self.rules.iter().filter(|r| r.parent.is_none()).count()
    }

    /// A rule's file name.
    pub fn file_name(&self, rule: &CompiledRule) -> Arc<str> {
        self.files
            .get(rule.file as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(""))
    }
}
