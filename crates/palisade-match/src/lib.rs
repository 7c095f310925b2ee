//! Operators (`@rx`, `@pm`, `@detectSQLi`, `@ipMatch`, …) with ModSecurity v3's semantics, and
//! the multi-pattern prefilter that decides which rules need their full operator run.
