//! The WAF engine: compiles a SecLang AST into an immutable ruleset and runs transactions
//! through phases 1 to 5.

pub mod audit;
pub mod collection;
pub mod host;
mod interruption;
pub mod message;
pub mod persist;
pub mod profile;
pub mod ruleset;
pub mod text;
pub mod time;
pub mod transaction;
pub mod transform;
pub mod var;

pub use interruption::{Interruption, InterruptionAction};
