//! xml body processor (in progress).
