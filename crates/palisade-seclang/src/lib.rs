//! Parser, AST and printer for ModSecurity's SecLang rule language.
//!
//! The primary types are:
//! - [`RuleSource`]: where rule files come from ([`FsSource`] for a filesystem,
//!   [`MemorySource`] for rules embedded in a program); `Include` and `@pmFromFile` read through it.
//! - [`ast::Directive`]: one directive of a rule file, typed ([`ast::DirectiveKind`]); a
//!   `SecRule` is an [`ast::Rule`] of [`ast::Variable`]s, an [`ast::Operator`] and
//!   [`ast::Action`]s.
//! - [`Diagnostic`]: an error or warning with its [`Span`], rendered like rustc's.
//! - [`Span`]: the place (file, line, column) of every directive, variable, operator and action.
//! - [`MacroString`]: a string with `%{VAR.key}` macros, split into literal and macro segments.
//! - [`OperatorName`]: the operators SecLang can name.

pub mod ast;
mod check;
mod diagnostic;
mod load;
mod macro_string;
mod operator_name;
mod parse;
mod print;
mod source;
mod span;

pub use check::check;
pub use diagnostic::{Diagnostic, FileTable, Level, SourceFile};
pub use load::{Loaded, load, load_str, load_with};
pub use macro_string::{MacroRef, MacroSegment, MacroString};
pub use operator_name::{OperatorName, OperatorSupport};
pub use parse::{Limits, ParseOutput, parse_str, parse_str_with};
pub use source::{FsSource, MemorySource, RuleSource, SourceError, resolve_relative};
pub use span::{FileId, Span};
