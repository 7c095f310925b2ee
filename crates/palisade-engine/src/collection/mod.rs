//! Transaction collections: request collections in a byte arena, visited in ModSecurity's order.

pub mod stl_order;
