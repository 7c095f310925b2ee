//! The variables a rule can name, resolved to enums at compile time: collections (`ARGS`,
//! `REQUEST_HEADERS`, `TX`, …) and scalars (`REQUEST_URI`, `REQBODY_ERROR`, …).
//!
//! Variables that a proxy-embedded engine cannot know are documented and always empty:
//! `AUTH_TYPE` is taken from the `Authorization` header as ModSecurity v3 does, but
//! `REMOTE_USER` (HTTP authentication by the server), `FILES_TMPNAMES` (uploads are never
//! written to disk), `MSC_PCRE_ERROR`/`MSC_PCRE_LIMITS_EXCEEDED` (no backtracking engine) and
//! `WEBSERVER_ERROR_LOG` (rejected by ModSecurity v3 too) stay empty.

/// A collection: a variable made of `key: value` entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Collection {
    Args,
    ArgsGet,
    ArgsPost,
    ArgsNames,
    ArgsGetNames,
    ArgsPostNames,
    Files,
    FilesNames,
    FilesSizes,
    FilesTmpNames,
    FilesTmpContent,
    MultipartFilename,
    MultipartName,
    MultipartPartHeaders,
    MatchedVars,
    MatchedVarsNames,
    RequestCookies,
    RequestCookiesNames,
    RequestHeaders,
    RequestHeadersNames,
    ResponseHeaders,
    ResponseHeadersNames,
    Geo,
    Rule,
    Env,
    Xml,
    Tx,
    Ip,
    Global,
    Resource,
    Session,
    User,
}

const COLLECTION_NAMES: [(Collection, &str); 32] = [
    (Collection::Args, "ARGS"),
    (Collection::ArgsGet, "ARGS_GET"),
    (Collection::ArgsPost, "ARGS_POST"),
    (Collection::ArgsNames, "ARGS_NAMES"),
    (Collection::ArgsGetNames, "ARGS_GET_NAMES"),
    (Collection::ArgsPostNames, "ARGS_POST_NAMES"),
    (Collection::Files, "FILES"),
    (Collection::FilesNames, "FILES_NAMES"),
    (Collection::FilesSizes, "FILES_SIZES"),
    (Collection::FilesTmpNames, "FILES_TMPNAMES"),
    (Collection::FilesTmpContent, "FILES_TMP_CONTENT"),
    (Collection::MultipartFilename, "MULTIPART_FILENAME"),
    (Collection::MultipartName, "MULTIPART_NAME"),
    (Collection::MultipartPartHeaders, "MULTIPART_PART_HEADERS"),
    (Collection::MatchedVars, "MATCHED_VARS"),
    (Collection::MatchedVarsNames, "MATCHED_VARS_NAMES"),
    (Collection::RequestCookies, "REQUEST_COOKIES"),
    (Collection::RequestCookiesNames, "REQUEST_COOKIES_NAMES"),
    (Collection::RequestHeaders, "REQUEST_HEADERS"),
    (Collection::RequestHeadersNames, "REQUEST_HEADERS_NAMES"),
    (Collection::ResponseHeaders, "RESPONSE_HEADERS"),
    (Collection::ResponseHeadersNames, "RESPONSE_HEADERS_NAMES"),
    (Collection::Geo, "GEO"),
    (Collection::Rule, "RULE"),
    (Collection::Env, "ENV"),
    (Collection::Xml, "XML"),
    (Collection::Tx, "TX"),
    (Collection::Ip, "IP"),
    (Collection::Global, "GLOBAL"),
    (Collection::Resource, "RESOURCE"),
    (Collection::Session, "SESSION"),
    (Collection::User, "USER"),
];

impl Collection {
    /// The SecLang name, upper case.
    pub fn name(self) -> &'static str {
        COLLECTION_NAMES[self as usize].1
    }

    /// Looks a collection up by name, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<Self> {
        COLLECTION_NAMES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(c, _)| *c)
    }

    /// For a `*_NAMES` collection, the collection whose keys it lists.
    pub fn names_of(self) -> Option<Collection> {
        Some(match self {
            Collection::ArgsNames => Collection::Args,
            Collection::ArgsGetNames => Collection::ArgsGet,
            Collection::ArgsPostNames => Collection::ArgsPost,
            Collection::RequestCookiesNames => Collection::RequestCookies,
            Collection::RequestHeadersNames => Collection::RequestHeaders,
            Collection::ResponseHeadersNames => Collection::ResponseHeaders,
            Collection::MatchedVarsNames => Collection::MatchedVars,
            _ => return None,
        })
    }

    /// The persistent collection behind `IP`, `GLOBAL`, `RESOURCE`, `SESSION`, `USER`.
    pub fn persistent(self) -> Option<crate::persist::PersistentCollection> {
        use crate::persist::PersistentCollection as P;
        Some(match self {
            Collection::Ip => P::Ip,
            Collection::Global => P::Global,
            Collection::Resource => P::Resource,
            Collection::Session => P::Session,
            Collection::User => P::User,
            _ => return None,
        })
    }
}

/// A variable with a single value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Scalar {
    ArgsCombinedSize,
    AuthType,
    Duration,
    FilesCombinedSize,
    FullRequest,
    FullRequestLength,
    HighestSeverity,
    InboundDataError,
    MatchedVar,
    MatchedVarName,
    ModsecBuild,
    MscPcreError,
    MscPcreLimitsExceeded,
    MultipartBoundaryQuoted,
    MultipartBoundaryWhitespace,
    MultipartCrlfLfLines,
    MultipartDataAfter,
    MultipartDataBefore,
    MultipartFileLimitExceeded,
    MultipartHeaderFolding,
    MultipartInvalidHeaderFolding,
    MultipartInvalidPart,
    MultipartInvalidQuoting,
    MultipartLfLine,
    MultipartMissingSemicolon,
    MultipartStrictError,
    MultipartUnmatchedBoundary,
    OutboundDataError,
    PathInfo,
    QueryString,
    RemoteAddr,
    RemoteHost,
    RemotePort,
    RemoteUser,
    ReqbodyError,
    ReqbodyErrorMsg,
    ReqbodyProcessor,
    ReqbodyProcessorError,
    ReqbodyProcessorErrorMsg,
    RequestBasename,
    RequestBody,
    RequestBodyLength,
    RequestFilename,
    RequestLine,
    RequestMethod,
    RequestProtocol,
    RequestUri,
    RequestUriRaw,
    ResponseBody,
    ResponseContentLength,
    ResponseContentType,
    ResponseProtocol,
    ResponseStatus,
    ServerAddr,
    ServerName,
    ServerPort,
    SessionId,
    Status,
    Time,
    TimeDay,
    TimeEpoch,
    TimeHour,
    TimeMin,
    TimeMon,
    TimeSec,
    TimeWday,
    TimeYear,
    UniqueId,
    UrlencodedError,
    UserId,
    WebAppId,
}

const SCALAR_NAMES: [(Scalar, &str); 71] = [
    (Scalar::ArgsCombinedSize, "ARGS_COMBINED_SIZE"),
    (Scalar::AuthType, "AUTH_TYPE"),
    (Scalar::Duration, "DURATION"),
    (Scalar::FilesCombinedSize, "FILES_COMBINED_SIZE"),
    (Scalar::FullRequest, "FULL_REQUEST"),
    (Scalar::FullRequestLength, "FULL_REQUEST_LENGTH"),
    (Scalar::HighestSeverity, "HIGHEST_SEVERITY"),
    (Scalar::InboundDataError, "INBOUND_DATA_ERROR"),
    (Scalar::MatchedVar, "MATCHED_VAR"),
    (Scalar::MatchedVarName, "MATCHED_VAR_NAME"),
    (Scalar::ModsecBuild, "MODSEC_BUILD"),
    (Scalar::MscPcreError, "MSC_PCRE_ERROR"),
    (Scalar::MscPcreLimitsExceeded, "MSC_PCRE_LIMITS_EXCEEDED"),
    (Scalar::MultipartBoundaryQuoted, "MULTIPART_BOUNDARY_QUOTED"),
    (
        Scalar::MultipartBoundaryWhitespace,
        "MULTIPART_BOUNDARY_WHITESPACE",
    ),
    (Scalar::MultipartCrlfLfLines, "MULTIPART_CRLF_LF_LINES"),
    (Scalar::MultipartDataAfter, "MULTIPART_DATA_AFTER"),
    (Scalar::MultipartDataBefore, "MULTIPART_DATA_BEFORE"),
    (
        Scalar::MultipartFileLimitExceeded,
        "MULTIPART_FILE_LIMIT_EXCEEDED",
    ),
    (Scalar::MultipartHeaderFolding, "MULTIPART_HEADER_FOLDING"),
    (
        Scalar::MultipartInvalidHeaderFolding,
        "MULTIPART_INVALID_HEADER_FOLDING",
    ),
    (Scalar::MultipartInvalidPart, "MULTIPART_INVALID_PART"),
    (Scalar::MultipartInvalidQuoting, "MULTIPART_INVALID_QUOTING"),
    (Scalar::MultipartLfLine, "MULTIPART_LF_LINE"),
    (
        Scalar::MultipartMissingSemicolon,
        "MULTIPART_MISSING_SEMICOLON",
    ),
    (Scalar::MultipartStrictError, "MULTIPART_STRICT_ERROR"),
    (
        Scalar::MultipartUnmatchedBoundary,
        "MULTIPART_UNMATCHED_BOUNDARY",
    ),
    (Scalar::OutboundDataError, "OUTBOUND_DATA_ERROR"),
    (Scalar::PathInfo, "PATH_INFO"),
    (Scalar::QueryString, "QUERY_STRING"),
    (Scalar::RemoteAddr, "REMOTE_ADDR"),
    (Scalar::RemoteHost, "REMOTE_HOST"),
    (Scalar::RemotePort, "REMOTE_PORT"),
    (Scalar::RemoteUser, "REMOTE_USER"),
    (Scalar::ReqbodyError, "REQBODY_ERROR"),
    (Scalar::ReqbodyErrorMsg, "REQBODY_ERROR_MSG"),
    (Scalar::ReqbodyProcessor, "REQBODY_PROCESSOR"),
    (Scalar::ReqbodyProcessorError, "REQBODY_PROCESSOR_ERROR"),
    (
        Scalar::ReqbodyProcessorErrorMsg,
        "REQBODY_PROCESSOR_ERROR_MSG",
    ),
    (Scalar::RequestBasename, "REQUEST_BASENAME"),
    (Scalar::RequestBody, "REQUEST_BODY"),
    (Scalar::RequestBodyLength, "REQUEST_BODY_LENGTH"),
    (Scalar::RequestFilename, "REQUEST_FILENAME"),
    (Scalar::RequestLine, "REQUEST_LINE"),
    (Scalar::RequestMethod, "REQUEST_METHOD"),
    (Scalar::RequestProtocol, "REQUEST_PROTOCOL"),
    (Scalar::RequestUri, "REQUEST_URI"),
    (Scalar::RequestUriRaw, "REQUEST_URI_RAW"),
    (Scalar::ResponseBody, "RESPONSE_BODY"),
    (Scalar::ResponseContentLength, "RESPONSE_CONTENT_LENGTH"),
    (Scalar::ResponseContentType, "RESPONSE_CONTENT_TYPE"),
    (Scalar::ResponseProtocol, "RESPONSE_PROTOCOL"),
    (Scalar::ResponseStatus, "RESPONSE_STATUS"),
    (Scalar::ServerAddr, "SERVER_ADDR"),
    (Scalar::ServerName, "SERVER_NAME"),
    (Scalar::ServerPort, "SERVER_PORT"),
    (Scalar::SessionId, "SESSIONID"),
    (Scalar::Status, "STATUS"),
    (Scalar::Time, "TIME"),
    (Scalar::TimeDay, "TIME_DAY"),
    (Scalar::TimeEpoch, "TIME_EPOCH"),
    (Scalar::TimeHour, "TIME_HOUR"),
    (Scalar::TimeMin, "TIME_MIN"),
    (Scalar::TimeMon, "TIME_MON"),
    (Scalar::TimeSec, "TIME_SEC"),
    (Scalar::TimeWday, "TIME_WDAY"),
    (Scalar::TimeYear, "TIME_YEAR"),
    (Scalar::UniqueId, "UNIQUE_ID"),
    (Scalar::UrlencodedError, "URLENCODED_ERROR"),
    (Scalar::UserId, "USERID"),
    (Scalar::WebAppId, "WEBAPPID"),
];

/// The number of scalar variables.
pub const SCALAR_COUNT: usize = SCALAR_NAMES.len();

impl Scalar {
    /// The SecLang name, upper case.
    pub fn name(self) -> &'static str {
        SCALAR_NAMES[self as usize].1
    }

    /// Looks a scalar up by name, ignoring ASCII case; the aliases `STATUS_LINE` (of `STATUS`)
    /// and `MULTIPART_SEMICOLON_MISSING` are accepted.
    pub fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("STATUS_LINE") {
            return Some(Scalar::Status);
        }
        if name.eq_ignore_ascii_case("MULTIPART_SEMICOLON_MISSING") {
            return Some(Scalar::MultipartMissingSemicolon);
        }
        SCALAR_NAMES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(s, _)| *s)
    }

    /// Every scalar in enum order.
    pub fn all() -> impl Iterator<Item = Scalar> {
        SCALAR_NAMES.iter().map(|(s, _)| *s)
    }
}

/// Either kind of variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Var {
    /// A collection.
    Collection(Collection),
    /// A scalar.
    Scalar(Scalar),
}

impl Var {
    /// Looks a variable up by name (either kind).
    pub fn from_name(name: &str) -> Option<Var> {
        Collection::from_name(name)
            .map(Var::Collection)
            .or_else(|| Scalar::from_name(name).map(Var::Scalar))
    }

    /// The SecLang name.
    pub fn name(self) -> &'static str {
        match self {
            Var::Collection(c) => c.name(),
            Var::Scalar(s) => s.name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_in_enum_order() {
        for (i, (c, _)) in COLLECTION_NAMES.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
        for (i, (s, _)) in SCALAR_NAMES.iter().enumerate() {
            assert_eq!(*s as usize, i);
        }
        assert_eq!(
            Var::from_name("args"),
            Some(Var::Collection(Collection::Args))
        );
        assert_eq!(
            Var::from_name("status_line"),
            Some(Var::Scalar(Scalar::Status))
        );
        assert_eq!(Var::from_name("NOPE"), None);
    }
}
