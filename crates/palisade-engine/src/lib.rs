//! The WAF engine: compiles a SecLang AST into an immutable ruleset and runs transactions
//! through phases 1 to 5.

pub mod audit;
pub mod collection;
pub mod host;
pub mod message;
pub mod persist;
pub mod text;
pub mod var;
pub mod ruleset;
