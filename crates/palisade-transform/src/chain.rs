//! [`Chain`]: the transformations a rule declares, in order, and their evaluation.
//!
//! ModSecurity v3 applies a rule's `t:` actions in the order written, skipping every one up to and
//! including the last `t:none`; when a rule has a `t:none` anywhere, the transformations of its
//! phase's `SecDefaultAction` are skipped too. [`Chain::push`] keeps that: `t:none` clears what
//! came before and marks the chain ([`Chain::clears_defaults`]); [`Chain::after_defaults`] builds
//! the list a rule actually runs.
//!
//! Evaluation can start from any prefix already computed ([`Chain::apply_from`]), so an engine can
//! cache the value after each (value, chain prefix) once per transaction and share it between
//! rules whose chains start alike. A step that does not change the value costs no allocation; once
//! a step has produced an owned value, later steps that can work in place reuse its buffer.

use core::fmt;
use std::borrow::Cow;

use crate::apply::{apply, apply_owned};
use crate::context::TransformContext;
use crate::id::{TransformId, UnknownTransform};

/// An ordered list of transformations (never containing `t:none`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Chain {
    ids: Vec<TransformId>,
    clears_defaults: bool,
}

impl Chain {
    /// The empty chain: values pass unchanged.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a transformation; `t:none` instead clears the chain and marks it as clearing the
    /// default transformations.
    pub fn push(&mut self, id: TransformId) {
        if id == TransformId::None {
            self.ids.clear();
            self.clears_defaults = true;
        } else {
            self.ids.push(id);
        }
    }

    /// Parses a chain as written on the command line or in a rule's actions: names separated by
    /// commas (or whitespace), each with or without its `t:` prefix, e.g.
    /// `t:none,t:urlDecodeUni,t:lowercase`. Names are matched case-insensitively.
    pub fn parse(spec: &str) -> Result<Self, UnknownTransform> {
        let mut chain = Self::new();
        for part in spec.split([',', ' ', '\t', '\n']).filter(|p| !p.is_empty()) {
            let name = part
                .strip_prefix("t:")
                .or_else(|| part.strip_prefix("T:"))
                .unwrap_or(part);
            chain.push(TransformId::from_name(name)?);
        }
        Ok(chain)
    }

    /// The transformations, in evaluation order.
    pub fn ids(&self) -> &[TransformId] {
        &self.ids
    }

    /// The number of transformations.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the chain has no transformation.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether a `t:none` was pushed: the rule then ignores its phase's default transformations.
    pub fn clears_defaults(&self) -> bool {
        self.clears_defaults
    }

    /// The chain a rule runs: `defaults` (its phase's `SecDefaultAction` transformations)
    /// followed by this chain, or this chain alone when it clears the defaults.
    pub fn after_defaults(&self, defaults: &Chain) -> Chain {
        if self.clears_defaults {
            return self.clone();
        }
        let mut ids = Vec::with_capacity(defaults.len() + self.len());
        ids.extend_from_slice(&defaults.ids);
        ids.extend_from_slice(&self.ids);
        Chain {
            ids,
            clears_defaults: false,
        }
    }

    /// Evaluates the whole chain.
    pub fn apply<'a>(&self, input: &'a [u8], ctx: &TransformContext) -> Cow<'a, [u8]> {
        self.apply_from(0, input, ctx)
    }

    /// Evaluates the chain from step `start` on, given the value after the first `start` steps
    /// (`start == 0`: the original value; `start >= len()`: nothing left to do). The result is
    /// the same as evaluating the whole chain from the original value.
    pub fn apply_from<'a>(
        &self,
        start: usize,
        value_after_prefix: &'a [u8],
        ctx: &TransformContext,
    ) -> Cow<'a, [u8]> {
        let mut value = Cow::Borrowed(value_after_prefix);
        for &id in self.ids.get(start..).unwrap_or_default() {
            value = match value {
                Cow::Borrowed(v) => apply(id, v, ctx),
                Cow::Owned(v) => Cow::Owned(apply_owned(id, v, ctx)),
            };
        }
        value
    }

    /// Evaluates the chain step by step, calling `step(index, id, value, changed)` after each
    /// transformation with the value it produced and whether that step changed the value. This is
    /// what `multiMatch` and the debug log need; [`Chain::apply`] is cheaper otherwise.
    pub fn for_each_step(
        &self,
        input: &[u8],
        ctx: &TransformContext,
        mut step: impl FnMut(usize, TransformId, &[u8], bool),
    ) {
        let mut current: Cow<'_, [u8]> = Cow::Borrowed(input);
        for (index, &id) in self.ids.iter().enumerate() {
            let next = match apply(id, &current, ctx) {
                Cow::Owned(v) => Some(v),
                Cow::Borrowed(_) => None,
            };
            if let Some(v) = next {
                current = Cow::Owned(v);
                step(index, id, &current, true);
            } else {
                step(index, id, &current, false);
            }
        }
    }
}

impl FromIterator<TransformId> for Chain {
    fn from_iter<I: IntoIterator<Item = TransformId>>(iter: I) -> Self {
        let mut chain = Self::new();
        for id in iter {
            chain.push(id);
        }
        chain
    }
}

impl fmt::Display for Chain {
    /// The chain as rule actions: `t:urlDecodeUni,t:lowercase` (with a leading `t:none` when it
    /// clears the defaults).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let none = self.clears_defaults.then_some(TransformId::None);
        for id in none.iter().chain(self.ids.iter()) {
            if !first {
                f.write_str(",")?;
            }
            first = false;
            write!(f, "t:{id}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_clears_what_came_before() {
        let chain = Chain::parse("t:lowercase,t:none,t:urlDecodeUni,t:LOWERCASE").expect("parses");
        assert_eq!(
            chain.ids(),
            [TransformId::UrlDecodeUni, TransformId::Lowercase]
        );
        assert!(chain.clears_defaults());
        assert_eq!(chain.to_string(), "t:none,t:urlDecodeUni,t:lowercase");
        assert!(Chain::parse("t:phpArgsNames").is_err());
    }

    #[test]
    fn defaults_run_first_unless_cleared() {
        let defaults = Chain::parse("t:lowercase").expect("parses");
        let own = Chain::parse("t:urlDecode").expect("parses");
        assert_eq!(
            own.after_defaults(&defaults).ids(),
            [TransformId::Lowercase, TransformId::UrlDecode]
        );
        let cleared = Chain::parse("t:none,t:urlDecode").expect("parses");
        assert_eq!(
            cleared.after_defaults(&defaults).ids(),
            [TransformId::UrlDecode]
        );
    }

    #[test]
    fn apply_from_a_prefix_equals_apply() {
        let ctx = TransformContext::default();
        let chain = Chain::parse("t:urlDecodeUni,t:htmlEntityDecode,t:lowercase").expect("parses");
        let input = b"%3CSCRIPT%3E&lt;b&gt;";
        let full = chain.apply(input, &ctx);
        assert_eq!(&*full, b"<script><b>");
        for k in 0..=chain.len() {
            let prefix: Chain = chain.ids()[..k].iter().copied().collect();
            let after = prefix.apply(input, &ctx);
            assert_eq!(chain.apply_from(k, &after, &ctx), full, "prefix {k}");
        }
        assert_eq!(&*chain.apply_from(99, b"x", &ctx), b"x");
    }

    #[test]
    fn steps_report_changes() {
        let ctx = TransformContext::default();
        let chain = Chain::parse("t:lowercase,t:urlDecode,t:lowercase").expect("parses");
        let mut seen = Vec::new();
        chain.for_each_step(b"A%41", &ctx, |i, _, v, changed| {
            seen.push((i, v.to_vec(), changed));
        });
        assert_eq!(
            seen,
            [
                (0, b"a%41".to_vec(), true),
                (1, b"aA".to_vec(), true),
                (2, b"aa".to_vec(), true)
            ]
        );
    }
}
