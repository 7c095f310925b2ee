//! Every transformation of ModSecurity v3 (`t:urlDecodeUni`, `t:lowercase`, …), computed byte for
//! byte as libmodsecurity computes it, and transformation chains.
//!
//! The primary types are:
//! - [`TransformId`]: the name of one transformation, as SecLang spells it (aliases included).
//! - [`Chain`]: the transformations a rule declares, with `t:none` semantics, evaluated whole
//!   ([`Chain::apply`]) or from a cached prefix ([`Chain::apply_from`]).
//! - [`Triggers`]: the bytes each transformation reacts to, so that an engine can prove from one
//!   pass over a value that a chain leaves it as it is up to ASCII case.
//! - [`TransformContext`]: what some transformations need from the rule set (the
//!   `SecUnicodeMapFile` map, a [`UnicodeMap`]).
//!
//! One transformation is applied with [`apply`]; each also exists as a plain function in
//! [`transformations`], one module per transformation named after it. Every transformation has
//! the shape `fn(&[u8]) -> Cow<'_, [u8]>` and returns [`Cow::Borrowed`](std::borrow::Cow) exactly
//! when the value does not change, without allocating.
//!
//! ```
//! use palisade_transform::{Chain, TransformContext};
//!
//! let chain = Chain::parse("t:none,t:urlDecodeUni,t:htmlEntityDecode,t:lowercase").unwrap();
//! let ctx = TransformContext::default();
//! assert_eq!(&*chain.apply(b"%3CScript%3E&#x28;1&#41;", &ctx), b"<script>(1)");
//! ```
//!
//! Where ModSecurity v3.0.9 (the Debian build that produced Palisade's benchmark verdicts) and
//! v3/master differ, each transformation's module says which behaviour it follows and why:
//! `htmlEntityDecode` and `hexDecode` follow v3.0.9 (master has CVE-2025-27110 and
//! CVE-2026-30923 there); `cssDecode`, `sqlHexDecode` and `utf8toUnicode` follow master.

mod apply;
mod chain;
mod context;
mod id;
pub mod transformations;
mod triggers;
mod unicode_map;

pub use apply::{apply, apply_into, apply_owned};
pub use chain::Chain;
pub use context::TransformContext;
pub use id::{TransformId, UnknownTransform};
pub use triggers::Triggers;
pub use unicode_map::{UnicodeMap, UnicodeMapError};
