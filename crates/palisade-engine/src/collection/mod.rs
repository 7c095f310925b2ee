//! Transaction collections: request values in one byte arena ([`values`]), request collections
//! visited in ModSecurity's order ([`request`], [`stl_order`]), interned keys ([`keys`], in maps keyed by hashes: [`prehashed`]) and the
//! mutable `TX` and persistent collections ([`tx`]).

pub mod keys;
pub mod prehashed;
pub mod request;
pub mod stl_order;
pub mod tx;
pub mod values;
