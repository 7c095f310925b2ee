//! Transaction collections: request values in one byte arena ([`values`]), request collections
//! visited in ModSecurity's order ([`request`], [`stl_order`]), interned keys ([`keys`], in maps keyed by hashes: [`prehashed`], hashed by [`key_hasher`]) and the
//! mutable `TX` and persistent collections ([`tx`]).

pub mod key_hasher;
pub mod keys;
pub mod prehashed;
pub mod request;
pub mod stl_order;
pub mod tx;
pub mod values;
