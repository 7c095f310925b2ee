//! Every transformation of ModSecurity v3 (`t:urlDecodeUni`, `t:lowercase`, …), computed byte for
//! byte as libmodsecurity computes it, and transformation chains.
//!
//! The primary types are:
//! - [`TransformId`]: the name of one transformation, as SecLang spells it (aliases included).
//!
//! Every transformation has the shape `fn(&[u8]) -> Cow<'_, [u8]>`: a value that the
//! transformation does not change comes back borrowed, without allocation.

mod id;

pub use id::{TransformId, UnknownTransform};
