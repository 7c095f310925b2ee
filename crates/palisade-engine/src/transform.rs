//! The bridge to `palisade-transform`: applies one transformation to a value with the
//! ruleset's transformation settings (the `SecUnicodeMapFile` table), borrowing an unchanged
//! value or writing a changed one into a reused buffer.

use std::borrow::Cow;

use palisade_transform::TransformId;

/// What transformations need from the ruleset.
pub type TransformSettings = palisade_transform::TransformContext;

/// Applies `id` to `input`; an unchanged value comes back borrowed.
#[inline]
pub fn apply<'a>(id: TransformId, input: &'a [u8], settings: &TransformSettings) -> Cow<'a, [u8]> {
    palisade_transform::apply(id, input, settings)
}

/// Applies `id` to `input`, writing a changed value into `out` (replacing its contents);
/// returns whether the value changed (`out` is unspecified when it did not).
#[inline]
pub fn apply_into(
    id: TransformId,
    input: &[u8],
    settings: &TransformSettings,
    out: &mut Vec<u8>,
) -> bool {
    palisade_transform::apply_into(id, input, settings, out)
}
