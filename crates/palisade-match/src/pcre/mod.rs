//! PCRE patterns as ModSecurity v3 compiles them, matched by regex-automata in byte mode.
//!
//! - [`PcreRegex`]: a compiled pattern (what `@rx`, `@rxGlobal` and `@verifyCC` run).
//! - [`PcreError`]: why a pattern was refused, with its offset.
//! - [`RegexLimits`]: automaton size limits.
//!
//! ```
//! use palisade_match::pcre::{PcreRegex, RegexLimits};
//! let re = PcreRegex::new(br"\x{c2}\x{b4}", false, &RegexLimits::default()).unwrap();
//! assert!(re.is_match(b"a\xc2\xb4b"));
//! ```

mod ast;
mod error;
mod lower;
mod nfa_bound;
mod parse;
mod regex;

pub use error::{PcreError, PcreErrorKind};
pub use regex::{PcreRegex, RegexLimits, Slots};
