//! One module per subcommand.

pub mod bench;
pub mod check;
pub mod corpus;
pub mod ftw;
pub mod match_op;
pub mod replay;
pub mod transform;
