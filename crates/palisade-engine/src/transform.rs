//! The bridge to `palisade-transform`: applies one transformation to a value.

use std::borrow::Cow;

use palisade_transform::TransformId;

/// What transformations need from the ruleset (the `SecUnicodeMapFile` table, …).
#[derive(Clone, Debug, Default)]
pub struct TransformSettings {}

/// Applies `id` to `input`; an unchanged value comes back borrowed.
pub fn apply<'a>(id: TransformId, input: &'a [u8], _settings: &TransformSettings) -> Cow<'a, [u8]> {
    match id {
        TransformId::None => Cow::Borrowed(input),
        TransformId::Lowercase => {
            if input.iter().any(u8::is_ascii_uppercase) {
                Cow::Owned(input.to_ascii_lowercase())
            } else {
                Cow::Borrowed(input)
            }
        }
        TransformId::Uppercase => {
            if input.iter().any(u8::is_ascii_lowercase) {
                Cow::Owned(input.to_ascii_uppercase())
            } else {
                Cow::Borrowed(input)
            }
        }
        TransformId::Length => Cow::Owned(input.len().to_string().into_bytes()),
        TransformId::RemoveNulls => {
            if input.contains(&0) {
                Cow::Owned(input.iter().copied().filter(|&b| b != 0).collect())
            } else {
                Cow::Borrowed(input)
            }
        }
        _ => Cow::Borrowed(input),
    }
}
