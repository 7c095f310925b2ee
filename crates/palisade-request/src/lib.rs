//! Request data parsers with ModSecurity v3's semantics: the URI split, urlencoded arguments,
//! cookies, and the body processors (urlencoded, multipart, JSON, XML) with bounded memory and
//! ModSecurity's error flags.
