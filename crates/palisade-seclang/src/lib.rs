//! Parser, AST and printer for ModSecurity's SecLang rule language.
//!
//! The primary types are:
//! - [`RuleSource`]: where rule files come from ([`FsSource`] for a filesystem,
//!   [`MemorySource`] for rules embedded in a program); `Include` and `@pmFromFile` read through it.
//! - [`Span`]: the place (file, line, column) of every directive, variable, operator and action.
//! - [`MacroString`]: a string with `%{VAR.key}` macros, split into literal and macro segments.
//! - [`OperatorName`]: the operators SecLang can name.

mod macro_string;
mod operator_name;
mod source;
mod span;

pub use macro_string::{MacroRef, MacroSegment, MacroString};
pub use operator_name::{OperatorName, OperatorSupport};
pub use source::{FsSource, MemorySource, RuleSource, SourceError, resolve_relative};
pub use span::{FileId, Span};
