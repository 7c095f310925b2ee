//! One module per operator family, each implementing [`crate::operator::Evaluate`].
//!
//! | SecLang | module |
//! |---|---|
//! | `@rx` | [`rx`] |
//! | `@rxGlobal` | [`rx_global`] |
//! | `@pm`, `@pmFromFile`/`@pmf` | [`pm`] |
//! | `@ipMatch`, `@ipMatchFromFile`/`@ipMatchF` | [`ip_match`] |
//! | `@beginsWith`, `@contains`, `@containsWord`, `@endsWith`, `@streq`, `@strmatch`, `@within` | [`strings`] |
//! | `@eq`, `@ge`, `@gt`, `@le`, `@lt` | [`numeric`] |
//! | `@validateByteRange`, `@validateUrlEncoding`, `@validateUtf8Encoding` | [`validate`] |
//! | `@verifyCC`, `@verifyCPF`, `@verifySSN`, `@verifySVNR` | [`verify`] |
//! | `@detectSQLi`, `@detectXSS` | [`libinjection`] |
//! | `@geoLookup` | [`geo_lookup`] |
//! | `@unconditionalMatch`, `@noMatch` | [`crate::operator`] |
//! | `@rbl`, `@inspectFile`, `@fuzzyHash`, `@validateDTD`, `@validateSchema` | refused, see [`crate::operator`] |

pub(crate) mod argument;
pub mod geo_lookup;
pub(crate) mod inet;
pub(crate) mod ip_match;
pub(crate) mod libinjection;
pub(crate) mod numeric;
pub(crate) mod pm;
pub(crate) mod pm_window;
pub(crate) mod regex_source;
pub(crate) mod rx;
pub(crate) mod rx_global;
pub(crate) mod search_all;
pub(crate) mod strings;
pub(crate) mod validate;
pub(crate) mod verify;
