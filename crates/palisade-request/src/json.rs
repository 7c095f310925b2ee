//! json body processor (in progress).
