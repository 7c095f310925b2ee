//! Request data parsers with ModSecurity v3's semantics: the URI split, urlencoded arguments,
//! cookies, and the body processors (urlencoded, multipart, JSON, XML) with bounded memory and
//! ModSecurity's error flags.
//!
//! Every parser works on raw bytes (`&[u8]`) and knows nothing about rules or collections. Values
//! go out through small sink traits so that the engine can copy them once into its own arena:
//!
//! - [`uri`]: [`uri::split`] turns a raw request-target into REQUEST_URI, REQUEST_URI_RAW,
//!   REQUEST_FILENAME (= PATH_INFO), REQUEST_BASENAME and QUERY_STRING, splitting on the raw
//!   bytes before any decoding (as ModSecurity v3.0.12+ does); [`uri::request_line`] builds
//!   REQUEST_LINE.
//! - [`urlencoded`]: `application/x-www-form-urlencoded` data (QUERY_STRING and bodies) into
//!   arguments, with `SecArgumentSeparator` and the URLENCODED_ERROR condition.
//! - [`cookies`]: one `Cookie` header into REQUEST_COOKIES / REQUEST_COOKIES_NAMES.
//! - [`multipart`]: `multipart/form-data` bodies with every `MULTIPART_*` flag, files and part
//!   headers ([`multipart::MultipartSink`]).
//! - [`json`]: JSON bodies into `json.a.b`-style arguments ([`json::parse`]).
//! - [`xml`]: XML bodies into an [`xml::XmlDocument`] and the `XML:` XPath subset over it.
//!
//! Arguments from every parser go to an [`ArgSink`]; a sink may refuse an argument
//! (`SecArgumentsLimit`) by returning [`core::ops::ControlFlow::Break`], which stops the parser
//! the way ModSecurity stops. [`ArgLimit`] wraps a sink with such a limit.
//!
//! Limits are data: [`BodyConfig`] gathers every bound and option with ModSecurity's defaults.

pub mod cookies;
pub mod json;
pub mod multipart;
mod sink;
pub mod uri;
pub mod urlencoded;
pub mod xml;

pub use sink::{ArgLimit, ArgSink, CollectArgs};

/// The bounds and options every body processor obeys; the defaults are ModSecurity v3's (or,
/// where v3 has none, a safe bound that is documented on the field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyConfig {
    /// `SecRequestBodyJsonDepthLimit`: the deepest nesting of JSON arrays and objects. Default
    /// 10,000 (v3's built-in default when the directive is absent). A deeper body is a parse
    /// error, never recursion.
    pub json_depth: u32,
    /// The deepest XML element nesting accepted. Default 257: libxml2 2.9 without
    /// `XML_PARSE_HUGE` (v3 never sets it) accepts 257 nested elements and fails at 258, as
    /// measured with libmodsecurity 3.0.9.
    pub xml_depth: u32,
    /// The most XML nodes (elements, attributes, text runs) kept for one document. Default
    /// 1,000,000; a larger document is a parse error (v3 has no such bound; the body size
    /// limit bounds it there).
    pub xml_nodes: u32,
    /// Multipart: keep the content of file parts (FILES_TMP_CONTENT), as v3 does when
    /// `SecUploadKeepFiles On` or `SecTmpSaveUploadedFiles On`. Default off. With it off, file
    /// parts still report their sizes and names.
    pub multipart_keep_files: bool,
    /// `SecUploadFileLimit`: the most file parts stored when `multipart_keep_files` is on; the
    /// next one sets MULTIPART_FILE_LIMIT_EXCEEDED. `0` means no limit (v3's default, since v3
    /// leaves the directive unset unless configured).
    pub multipart_file_limit: u32,
    /// The most bytes of file content kept per file part when `multipart_keep_files` is on.
    /// Default 1 MiB (v3 writes files to disk instead; Palisade keeps them in memory, bounded).
    pub multipart_file_content: usize,
    /// Multipart: end each MULTIPART_PART_HEADERS value with the part header's line ending
    /// (`\r\n` or `\n`), as v3.0.9 does. Default off: v3/master (3.0.10+) stores the line
    /// without its ending.
    pub multipart_header_line_endings: bool,
}

impl Default for BodyConfig {
    fn default() -> Self {
        BodyConfig {
            json_depth: 10_000,
            xml_depth: 257,
            xml_nodes: 1_000_000,
            multipart_keep_files: false,
            multipart_file_limit: 0,
            multipart_file_content: 1 << 20,
            multipart_header_line_endings: false,
        }
    }
}

/// Prefix of REQBODY_ERROR_MSG / REQBODY_PROCESSOR_ERROR_MSG when a body exceeds
/// `SecRequestBodyNoFilesLimit`, worded as v3 words it.
pub const NO_FILES_LIMIT_MSG: &str =
    "Request body excluding files is bigger than the maximum expected.";
