//! One module per subcommand.

pub mod check;
pub mod match_op;
pub mod transform;
