//! The libinjection SQL-injection and XSS detectors, as ModSecurity v3 embeds them
//! (C libinjection 3.9.2), reimplemented in safe Rust.
