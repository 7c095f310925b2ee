//! multipart body processor (in progress).
