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
//! verdicts), including its quirks; each operator module documents them. Checked against the
//! real library (see `tests/oracle/`): all 294 distinct CRS `@rx` patterns on 23,511 values
//! (6.9 million evaluations, captures included) and 46,030 generated cases across the other
//! operators agree, except for the first divergence below.
//!
//! Where Palisade knowingly differs from libmodsecurity 3.0.9:
//! - PCRE's multi-line `^` never matches after a newline that ends the subject. Palisade
//!   reproduces that when `^` comes before anything the pattern consumes (every CRS pattern);
//!   a `^` after consumed bytes (`\n^`) still matches there.
//! - `@rxGlobal` with `capture`: after an empty match, PCRE looks for a non-empty match at the
//!   same offset before moving on; Palisade moves on (only captured values can differ).
//! - `@verifyCC`, `@verifyCPF`, `@verifySSN`, `@verifySVNR` run in linear time with a work
//!   budget; v3's quadratic loops can find a match past the point where the budget runs out
//!   (Palisade then reports no match and [`EvalNote::WorkLimitExceeded`]).
//! - Refused at load time instead of loading and never matching: `@geoLookup` without a
//!   database, invalid `@ipMatch` lists, regexes PCRE accepts but that need backtracking
//!   (backreferences, atomic groups, possessive quantifiers, most lookarounds).
//! - Not implemented (load-time errors): `@fuzzyHash`, `@validateDTD`, `@validateSchema`;
//!   `@rbl`, `@inspectFile` and `https://` data files need the network or run programs.
//! - Data files resolve relative to the rule file only (v3 tries the working directory first).
//! - `@validateByteRange` ignores a single value outside 0..255 (v3 writes outside its table).
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
    Captures, CompileCache, CompileContext, EvalContext, EvalNote, MacroExpander, NoMacros,
    literal_text,
};
pub use error::{OperatorError, OperatorErrorKind};
pub use operator::Operator;
pub use operators::geo_lookup::{GeoDatabase, GeoDatabaseError, GeoRecord};
