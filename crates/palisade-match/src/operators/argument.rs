//! [`Argument`]: an operator argument that ModSecurity expands at match time
//! (`@contains %{tx.x}`), precomputed when it holds no macro.

use std::borrow::Cow;

use palisade_seclang::MacroString;

use crate::context::{EvalContext, literal_text};

/// An argument read at match time.
#[derive(Clone, Debug)]
pub(crate) enum Argument {
    /// No macro: the bytes, once.
    Static(Vec<u8>),
    /// Expanded at each evaluation.
    Dynamic(MacroString),
}

impl Argument {
    pub(crate) fn new(arg: &MacroString) -> Self {
        if arg.has_macros() {
            Argument::Dynamic(arg.clone())
        } else {
            Argument::Static(literal_text(arg).into_bytes())
        }
    }

    /// The argument's value for this evaluation.
    pub(crate) fn value<'s>(&'s self, ctx: &EvalContext<'_>) -> Cow<'s, [u8]> {
        match self {
            Argument::Static(v) => Cow::Borrowed(v),
            Argument::Dynamic(m) => Cow::Owned(ctx.expand(m)),
        }
    }

    /// The value when it holds no macro.
    pub(crate) fn static_value(&self) -> Option<&[u8]> {
        match self {
            Argument::Static(v) => Some(v),
            Argument::Dynamic(_) => None,
        }
    }
}
