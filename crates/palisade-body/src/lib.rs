//! Request body processors (urlencoded, multipart, JSON, XML) with bounded memory and
//! ModSecurity v3's error flags.
