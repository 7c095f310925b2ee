//! Operators (`@rx`, `@pm`, `@detectSQLi`, `@ipMatch`, …) with ModSecurity v3's semantics, and
//! the multi-pattern prefilter that decides which rules need their full operator run.
//!
//! The primary types:
//! - [`Operator`]: compile `@name argument` once ([`Operator::compile`] with a
//!   [`CompileContext`]), share it, and [`Operator::evaluate`] it on transformed values with an
//!   [`EvalContext`] (a [`MacroExpander`] for `%{…}` arguments and an optional [`Captures`]
//!   sink for the `capture` action).
//! - [`prefilter::PrefilterBuilder`] / [`prefilter::Prefilter`]: one Aho-Corasick scan of a
//!   value yields the operators that may match it ([`prefilter::CandidateSet`]).
//! - [`pcre::PcreRegex`]: PCRE patterns as ModSecurity compiles them, on regex-automata in
//!   byte mode (no backtracking).
//! - [`GeoDatabase`]: the MaxMind database of `SecGeoLookupDb`.
//!
//! Semantics follow libmodsecurity 3.0.9 (what Debian ships and what produced the benchmark
//! verdicts), including its quirks; each operator module documents them.
//!
//! ```
//! use palisade_match::{Captures, CompileContext, EvalContext, NoMacros, Operator};
//! use palisade_seclang::{MacroString, MemorySource, OperatorName};
//!
//! let source = MemorySource::new();
//! let op = Operator::compile(OperatorName::Rx, &MacroString::literal("(a)(b?)(c)"), &CompileContext::new(&source)).unwrap();
//! let mut caps = Captures::new();
//! let mut ctx = EvalContext::new(&NoMacros).with_captures(&mut caps);
//! assert!(op.evaluate(b"xac", &mut ctx));
//! assert_eq!(caps.get(0), Some(&b"ac"[..]));
//! assert_eq!(caps.get(2), Some(&b""[..]));
//! ```

mod acmp;
mod context;
mod error;
mod operator;
mod operators;
pub mod pcre;
pub mod prefilter;

pub use context::{
    Captures, CompileContext, EvalContext, EvalNote, MacroExpander, NoMacros, literal_text,
};
pub use error::{OperatorError, OperatorErrorKind};
pub use operator::Operator;
pub use operators::geo_lookup::{GeoDatabase, GeoDatabaseError, GeoRecord};
