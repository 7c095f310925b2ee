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
//!
//! ```
//! use palisade_request::{ArgLimit, BodyConfig, CollectArgs, json, multipart, uri, urlencoded};
//!
//! // The URI split and ARGS_GET.
//! let target = b"/shop/item.php?id=1%27+OR+1%3D1&id=2";
//! let parts = uri::split(target);
//! assert_eq!(&*parts.filename, b"/shop/item.php");
//! assert_eq!(parts.basename(), Some(&b"item.php"[..]));
//! let mut args = CollectArgs::default();
//! let found = urlencoded::parse(parts.query_string.unwrap_or(b""), b'&', &mut args);
//! assert_eq!(args.0[0], (b"id".to_vec(), b"1' OR 1=1".to_vec()));
//! assert!(!found.invalid_encoding);
//!
//! // A JSON body under `SecArgumentsLimit 1000`, the two GET arguments counting.
//! let mut sink = ArgLimit::new(CollectArgs::default(), 2, 1000);
//! json::parse(br#"{"user":{"name":"x","roles":["a","b"]}}"#, 512, &mut sink).unwrap();
//! let names: Vec<_> = sink.into_inner().0.into_iter().map(|(n, _)| n).collect();
//! assert_eq!(names, [&b"json.user.name"[..], b"json.user.roles.array_0", b"json.user.roles.array_1"]);
//!
//! // A multipart body, with its flags.
//! let body = b"--B\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\nhello\r\n--B--\r\n";
//! let mut parts = multipart::CollectMultipart::default();
//! let outcome =
//!     multipart::parse(b"multipart/form-data; boundary=B", body, &BodyConfig::default(), &mut parts);
//! assert_eq!(parts.args, [(b"q".to_vec(), b"hello".to_vec())]);
//! assert!(outcome.error.is_none() && !outcome.flags.strict_error());
//! ```
//!
//! ## How v3 wires the processors into a transaction (for the engine)
//!
//! `Transaction::processRequestBody` in v3, step by step:
//! 1. For URLENCODED (by Content-Type, or `ctl:requestBodyProcessor=URLENCODED`), JSON and XML
//!    (by `ctl:requestBodyProcessor` only): if
//!    `SecRequestBodyNoFilesLimit` is set and the body is longer, REQBODY_ERROR = 1 with
//!    [`NO_FILES_LIMIT_MSG`], INBOUND_DATA_ERROR = 1, and the body is not parsed.
//! 2. XML, else JSON (the processor chosen by ctl), else MULTIPART, else URLENCODED (the body
//!    type from Content-Type, [`BodyProcessor::from_content_type`], or from ctl) runs. An error sets
//!    REQBODY_ERROR = 1 and REQBODY_ERROR_MSG = REQBODY_PROCESSOR_ERROR_MSG = the error's
//!    `reqbody_error_msg()`; success sets REQBODY_ERROR = 0. JSON errors count only for a
//!    non-empty body. URLENCODED leaves REQBODY_ERROR unset.
//! 3. MULTIPART without error: if [`multipart::MultipartOutcome::no_files_length`] exceeds
//!    `SecRequestBodyNoFilesLimit`, REQBODY_ERROR = 1 with [`NO_FILES_LIMIT_MSG`].
//! 4. Arguments: URLENCODED adds to ARGS and ARGS_POST through `SecArgumentsLimit`
//!    ([`ArgLimit`]); JSON adds to ARGS only, through the limit; MULTIPART adds text parts to
//!    ARGS and ARGS_POST without the limit. ARGS_GET come from QUERY_STRING (when non-empty)
//!    through the limit. URLENCODED_ERROR is set by query strings and URLENCODED bodies.

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
    /// Multipart: behave as libmodsecurity 3.0.9 (the version behind the benchmark verdicts)
    /// where v3/master changed: MULTIPART_PART_HEADERS values keep the header line's ending
    /// (`\r\n` or `\n`), and part header names are not checked for bytes outside `!`..`~`.
    /// Default off: v3/master's behaviour (no line endings; such a header name is an error).
    pub multipart_v3_0_9: bool,
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
            multipart_v3_0_9: false,
        }
    }
}

/// The body processors v3 has (REQBODY_PROCESSOR names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyProcessor {
    /// `URLENCODED`: [`urlencoded::parse`], arguments into ARGS and ARGS_POST.
    Urlencoded,
    /// `MULTIPART`: [`multipart::Multipart`].
    Multipart,
    /// `JSON`: [`json::parse`] (only chosen by `ctl:requestBodyProcessor=JSON`); its arguments go
    /// to ARGS only, not ARGS_POST, in v3.
    Json,
    /// `XML`: [`xml::parse`] (only chosen by `ctl:requestBodyProcessor=XML`).
    Xml,
}

impl BodyProcessor {
    /// The REQBODY_PROCESSOR value.
    pub fn name(self) -> &'static str {
        match self {
            BodyProcessor::Urlencoded => "URLENCODED",
            BodyProcessor::Multipart => "MULTIPART",
            BodyProcessor::Json => "JSON",
            BodyProcessor::Xml => "XML",
        }
    }

    /// The processor v3 picks from one `Content-Type` request header: a value starting (in any
    /// case) with `multipart/form-data` or `application/x-www-form-urlencoded`. v3 looks at every
    /// Content-Type header as it is added, so with several, the last one that matches wins;
    /// the multipart processor then reads the boundary from the *first* Content-Type header.
    pub fn from_content_type(value: &[u8]) -> Option<BodyProcessor> {
        let starts = |p: &[u8]| value.len() >= p.len() && value[..p.len()].eq_ignore_ascii_case(p);
        if starts(b"multipart/form-data") {
            Some(BodyProcessor::Multipart)
        } else if starts(b"application/x-www-form-urlencoded") {
            Some(BodyProcessor::Urlencoded)
        } else {
            None
        }
    }
}

/// Prefix of REQBODY_ERROR_MSG / REQBODY_PROCESSOR_ERROR_MSG when a body exceeds
/// `SecRequestBodyNoFilesLimit`, worded as v3 words it.
pub const NO_FILES_LIMIT_MSG: &str =
    "Request body excluding files is bigger than the maximum expected.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processor_from_content_type() {
        assert_eq!(
            BodyProcessor::from_content_type(b"Multipart/Form-Data; boundary=x"),
            Some(BodyProcessor::Multipart)
        );
        assert_eq!(
            BodyProcessor::from_content_type(b"application/x-www-form-urlencoded; charset=UTF-8"),
            Some(BodyProcessor::Urlencoded)
        );
        assert_eq!(BodyProcessor::from_content_type(b"application/json"), None);
        assert_eq!(BodyProcessor::from_content_type(b"multipart/"), None);
        assert_eq!(BodyProcessor::Json.name(), "JSON");
    }
}
