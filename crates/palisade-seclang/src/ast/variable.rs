//! Rule targets: `ARGS`, `ARGS:foo`, `ARGS:/^id_/`, `!ARGS:foo`, `&ARGS`, `XML:/xpath`.
//!
//! [`VariableName`] names every variable of ModSecurity v3 (32 collections, 71 scalars, the
//! rejected `WEBSERVER_ERROR_LOG`; the scanner's two alias spellings resolve to their canonical
//! variant). [`Variable`] is one entry of a rule's `|`-separated target list.

use core::fmt;

use crate::Span;

/// One variable of a rule's target list (or of a `SecRuleUpdateTargetBy…`/`ctl:` target).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Variable {
    /// Where the variable starts (at `!` or `&` when present).
    pub span: Span,
    /// `!VAR:key`: an exclusion. ModSecurity removes the matching targets from the list.
    pub negated: bool,
    /// `&VAR`: the number of values instead of the values.
    pub count: bool,
    /// The variable or collection.
    pub name: VariableName,
    /// The part after `:` (only collections take one).
    pub selector: Option<Selector>,
}

impl Variable {
    /// A plain variable (no `!`, no `&`, no selector) with a default span.
    pub fn new(name: VariableName) -> Self {
        Variable {
            span: Span::default(),
            negated: false,
            count: false,
            name,
            selector: None,
        }
    }

    /// The same variable with a selector.
    pub fn with_selector(mut self, selector: Selector) -> Self {
        self.selector = Some(selector);
        self
    }
}

/// What follows `:` after a collection name.
///
/// Keys keep the spelling of the rule file; ModSecurity compares collection keys
/// case-insensitively, which is the engine's business.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selector {
    /// `ARGS:foo`: the member named `foo`.
    Key(String),
    /// `ARGS:/^id_/`: the members whose names match the regular expression (slashes removed).
    Regex(String),
    /// `XML:/soap:Envelope/…`: an XPath expression (only for `XML`).
    ///
    /// As in ModSecurity, `XML:/expr/` (which the scanner reads as a regular expression) gives
    /// the XPath `expr` without the slashes.
    XPath(String),
}

/// Whether the parser accepts a variable name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VariableSupport {
    /// Accepted.
    Accepted,
    /// Rejected by ModSecurity v3 at load time; the text says why.
    Rejected(&'static str),
}

macro_rules! variable_names {
    (
        collections { $( $cvar:ident = $cname:literal, )* }
        scalars { $( $svar:ident = $sname:literal, )* }
    ) => {
        /// A variable or collection name, as rules write it (case-insensitively).
        ///
        /// Collections take an optional `:key` or `:/regex/` selector; scalars take none.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum VariableName {
            $(
                #[doc = concat!("`", $cname, "` (collection).")]
                $cvar,
            )*
            $(
                #[doc = concat!("`", $sname, "`.")]
                $svar,
            )*
        }

        const VARIABLE_NAMES: &[(VariableName, &str, bool)] = &[
            $( (VariableName::$cvar, $cname, true), )*
            $( (VariableName::$svar, $sname, false), )*
        ];
    };
}

variable_names! {
    collections {
        Args = "ARGS",
        ArgsGet = "ARGS_GET",
        ArgsPost = "ARGS_POST",
        ArgsNames = "ARGS_NAMES",
        ArgsGetNames = "ARGS_GET_NAMES",
        ArgsPostNames = "ARGS_POST_NAMES",
        Files = "FILES",
        FilesNames = "FILES_NAMES",
        FilesSizes = "FILES_SIZES",
        FilesTmpNames = "FILES_TMPNAMES",
        FilesTmpContent = "FILES_TMP_CONTENT",
        MultipartFilename = "MULTIPART_FILENAME",
        MultipartName = "MULTIPART_NAME",
        MultipartPartHeaders = "MULTIPART_PART_HEADERS",
        MatchedVars = "MATCHED_VARS",
        MatchedVarsNames = "MATCHED_VARS_NAMES",
        RequestCookies = "REQUEST_COOKIES",
        RequestCookiesNames = "REQUEST_COOKIES_NAMES",
        RequestHeaders = "REQUEST_HEADERS",
        RequestHeadersNames = "REQUEST_HEADERS_NAMES",
        ResponseHeaders = "RESPONSE_HEADERS",
        ResponseHeadersNames = "RESPONSE_HEADERS_NAMES",
        Geo = "GEO",
        Rule = "RULE",
        Env = "ENV",
        Xml = "XML",
        Tx = "TX",
        Ip = "IP",
        Global = "GLOBAL",
        Resource = "RESOURCE",
        Session = "SESSION",
        User = "USER",
    }
    scalars {
        ArgsCombinedSize = "ARGS_COMBINED_SIZE",
        AuthType = "AUTH_TYPE",
        Duration = "DURATION",
        FilesCombinedSize = "FILES_COMBINED_SIZE",
        FullRequest = "FULL_REQUEST",
        FullRequestLength = "FULL_REQUEST_LENGTH",
        HighestSeverity = "HIGHEST_SEVERITY",
        InboundDataError = "INBOUND_DATA_ERROR",
        MatchedVar = "MATCHED_VAR",
        MatchedVarName = "MATCHED_VAR_NAME",
        ModsecBuild = "MODSEC_BUILD",
        MscPcreError = "MSC_PCRE_ERROR",
        MscPcreLimitsExceeded = "MSC_PCRE_LIMITS_EXCEEDED",
        MultipartBoundaryQuoted = "MULTIPART_BOUNDARY_QUOTED",
        MultipartBoundaryWhitespace = "MULTIPART_BOUNDARY_WHITESPACE",
        MultipartCrlfLfLines = "MULTIPART_CRLF_LF_LINES",
        MultipartDataAfter = "MULTIPART_DATA_AFTER",
        MultipartDataBefore = "MULTIPART_DATA_BEFORE",
        MultipartFileLimitExceeded = "MULTIPART_FILE_LIMIT_EXCEEDED",
        MultipartHeaderFolding = "MULTIPART_HEADER_FOLDING",
        MultipartInvalidHeaderFolding = "MULTIPART_INVALID_HEADER_FOLDING",
        MultipartInvalidPart = "MULTIPART_INVALID_PART",
        MultipartInvalidQuoting = "MULTIPART_INVALID_QUOTING",
        MultipartLfLine = "MULTIPART_LF_LINE",
        MultipartMissingSemicolon = "MULTIPART_MISSING_SEMICOLON",
        MultipartStrictError = "MULTIPART_STRICT_ERROR",
        MultipartUnmatchedBoundary = "MULTIPART_UNMATCHED_BOUNDARY",
        OutboundDataError = "OUTBOUND_DATA_ERROR",
        PathInfo = "PATH_INFO",
        QueryString = "QUERY_STRING",
        RemoteAddr = "REMOTE_ADDR",
        RemoteHost = "REMOTE_HOST",
        RemotePort = "REMOTE_PORT",
        RemoteUser = "REMOTE_USER",
        ReqbodyError = "REQBODY_ERROR",
        ReqbodyErrorMsg = "REQBODY_ERROR_MSG",
        ReqbodyProcessor = "REQBODY_PROCESSOR",
        ReqbodyProcessorError = "REQBODY_PROCESSOR_ERROR",
        ReqbodyProcessorErrorMsg = "REQBODY_PROCESSOR_ERROR_MSG",
        RequestBasename = "REQUEST_BASENAME",
        RequestBody = "REQUEST_BODY",
        RequestBodyLength = "REQUEST_BODY_LENGTH",
        RequestFilename = "REQUEST_FILENAME",
        RequestLine = "REQUEST_LINE",
        RequestMethod = "REQUEST_METHOD",
        RequestProtocol = "REQUEST_PROTOCOL",
        RequestUri = "REQUEST_URI",
        RequestUriRaw = "REQUEST_URI_RAW",
        ResponseBody = "RESPONSE_BODY",
        ResponseContentLength = "RESPONSE_CONTENT_LENGTH",
        ResponseContentType = "RESPONSE_CONTENT_TYPE",
        ResponseProtocol = "RESPONSE_PROTOCOL",
        ResponseStatus = "RESPONSE_STATUS",
        ServerAddr = "SERVER_ADDR",
        ServerName = "SERVER_NAME",
        ServerPort = "SERVER_PORT",
        SessionId = "SESSIONID",
        Status = "STATUS",
        Time = "TIME",
        TimeDay = "TIME_DAY",
        TimeEpoch = "TIME_EPOCH",
        TimeHour = "TIME_HOUR",
        TimeMin = "TIME_MIN",
        TimeMon = "TIME_MON",
        TimeSec = "TIME_SEC",
        TimeWday = "TIME_WDAY",
        TimeYear = "TIME_YEAR",
        UniqueId = "UNIQUE_ID",
        UrlencodedError = "URLENCODED_ERROR",
        UserId = "USERID",
        WebAppId = "WEBAPPID",
        WebserverErrorLog = "WEBSERVER_ERROR_LOG",
    }
}

/// Alias spellings the scanner accepts for another variable.
const VARIABLE_ALIASES: &[(VariableName, &str)] = &[
    (
        VariableName::MultipartMissingSemicolon,
        "MULTIPART_SEMICOLON_MISSING",
    ),
    (VariableName::Status, "STATUS_LINE"),
];

impl VariableName {
    /// Every variable name (canonical spellings), collections first.
    pub fn all() -> impl Iterator<Item = VariableName> {
        VARIABLE_NAMES.iter().map(|(v, _, _)| *v)
    }

    /// Every spelling the parser recognises, aliases included (106 names).
    pub fn all_spellings() -> impl Iterator<Item = &'static str> {
        VARIABLE_NAMES
            .iter()
            .map(|(_, n, _)| *n)
            .chain(VARIABLE_ALIASES.iter().map(|(_, n)| *n))
    }

    /// Looks a variable up by name, case-insensitively, aliases included.
    pub fn from_name(name: &str) -> Option<Self> {
        VARIABLE_NAMES
            .iter()
            .map(|(v, n, _)| (*v, *n))
            .chain(VARIABLE_ALIASES.iter().copied())
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(v, _)| v)
    }

    /// The canonical spelling (upper case).
    pub fn name(self) -> &'static str {
        VARIABLE_NAMES
            .iter()
            .find(|(v, _, _)| *v == self)
            .map_or("ARGS", |(_, n, _)| n)
    }

    /// True for collections (which take a `:key` or `:/regex/` selector).
    pub fn is_collection(self) -> bool {
        VARIABLE_NAMES
            .iter()
            .find(|(v, _, _)| *v == self)
            .is_some_and(|(_, _, c)| *c)
    }

    /// True for the collections `setvar` can write: `TX`, `IP`, `GLOBAL`, `RESOURCE`,
    /// `SESSION`, `USER`.
    pub fn is_writable(self) -> bool {
        matches!(
            self,
            VariableName::Tx
                | VariableName::Ip
                | VariableName::Global
                | VariableName::Resource
                | VariableName::Session
                | VariableName::User
        )
    }

    /// Whether ModSecurity v3 accepts the variable.
    pub fn support(self) -> VariableSupport {
        match self {
            VariableName::WebserverErrorLog => VariableSupport::Rejected(
                "Variable VARIABLE_WEBSERVER_ERROR_LOG is not supported by libModSecurity",
            ),
            _ => VariableSupport::Accepted,
        }
    }
}

impl fmt::Display for VariableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_106_spellings_and_32_collections() {
        assert_eq!(VariableName::all_spellings().count(), 106);
        assert_eq!(
            VariableName::all().filter(|v| v.is_collection()).count(),
            32
        );
        assert_eq!(VariableName::all().count(), 104);
    }

    #[test]
    fn names_round_trip_and_aliases_resolve() {
        for v in VariableName::all() {
            assert_eq!(VariableName::from_name(v.name()), Some(v));
            assert_eq!(
                VariableName::from_name(&v.name().to_ascii_lowercase()),
                Some(v)
            );
        }
        assert_eq!(
            VariableName::from_name("status_line"),
            Some(VariableName::Status)
        );
        assert_eq!(
            VariableName::from_name("MULTIPART_SEMICOLON_MISSING"),
            Some(VariableName::MultipartMissingSemicolon)
        );
        assert_eq!(VariableName::from_name("ARGSX"), None);
    }
}
