//! The bridge to `palisade-transform`: applies one transformation to a value with the
//! ruleset's transformation settings (the `SecUnicodeMapFile` table).

use std::borrow::Cow;

use palisade_transform::TransformId;

/// What transformations need from the ruleset.
pub type TransformSettings = palisade_transform::TransformContext;

/// Applies `id` to `input`; an unchanged value comes back borrowed.
#[inline]
pub fn apply<'a>(id: TransformId, input: &'a [u8], settings: &TransformSettings) -> Cow<'a, [u8]> {
    palisade_transform::apply(id, input, settings)
}
