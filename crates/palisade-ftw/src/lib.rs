//! A runner for go-ftw YAML tests (the format of the CRS regression suite), in-process or
//! against a live deployment over HTTP.
