//! Engine settings from configuration directives (`SecRuleEngine`, body access and limits,
//! `SecArgumentSeparator`, audit settings, …), with ModSecurity v3's defaults.

use crate::audit::{AuditEngine, AuditParts};

/// `SecRuleEngine`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RuleEngine {
    /// Rules run and disruptive actions act.
    On,
    /// Rules do not run.
    Off,
    /// Rules run and log; disruptive actions (including `block` and `allow`) do not act.
    /// This is also how ModSecurity v3 behaves when `SecRuleEngine` is absent (its "not set"
    /// state runs the rules but only acts when the engine is explicitly `On`).
    #[default]
    DetectionOnly,
}

impl RuleEngine {
    /// The name the audit log's `secrules_engine` uses.
    pub fn audit_name(self) -> &'static str {
        match self {
            RuleEngine::On => "Enabled",
            RuleEngine::Off => "Disabled",
            RuleEngine::DetectionOnly => "DetectionOnly",
        }
    }
}

/// `SecRequestBodyLimitAction` / `SecResponseBodyLimitAction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LimitAction {
    /// Deny the transaction (status 403) when the engine is `On`.
    #[default]
    Reject,
    /// Keep the first bytes up to the limit and go on.
    ProcessPartial,
}

/// The settings a ruleset carries.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `SecRuleEngine`.
    pub rule_engine: RuleEngine,
    /// `SecRequestBodyAccess` (`None`: not set; ModSecurity v3 then inspects the body unless a
    /// `ctl:requestBodyAccess=Off` says otherwise).
    pub request_body_access: Option<bool>,
    /// `SecResponseBodyAccess`.
    pub response_body_access: bool,
    /// `SecRequestBodyLimit` in bytes (`None`: not set, no limit, as in ModSecurity v3).
    pub request_body_limit: Option<u64>,
    /// `SecRequestBodyNoFilesLimit`, if set.
    pub request_body_no_files_limit: Option<u64>,
    /// `SecRequestBodyLimitAction`.
    pub request_body_limit_action: LimitAction,
    /// `SecResponseBodyLimit` in bytes (`None`: not set, no limit, as in ModSecurity v3).
    pub response_body_limit: Option<u64>,
    /// `SecResponseBodyLimitAction`.
    pub response_body_limit_action: LimitAction,
    /// `SecResponseBodyMimeType` (lower-cased); `None` until the directive appears.
    pub response_body_mime_types: Option<Vec<String>>,
    /// `SecRequestBodyJsonDepthLimit`, if set.
    pub json_depth_limit: Option<u64>,
    /// `SecArgumentsLimit`, if set.
    pub arguments_limit: Option<u64>,
    /// `SecArgumentSeparator` (`&` by default).
    pub argument_separator: u8,
    /// `SecWebAppId`.
    pub web_app_id: String,
    /// `SecComponentSignature`s.
    pub components: Vec<String>,
    /// `SecAuditEngine`.
    pub audit_engine: AuditEngine,
    /// `SecAuditLogParts`.
    pub audit_parts: AuditParts,
    /// `SecAuditLogRelevantStatus`, compiled.
    pub audit_relevant_status: Option<regex::bytes::Regex>,
    /// `SecUploadFileLimit`.
    pub upload_file_limit: Option<u64>,
    /// `SecXmlExternalEntity` (Palisade never loads external entities either way).
    pub xml_external_entity: bool,
    /// `SecUploadKeepFiles On` or `SecTmpSaveUploadedFiles On`: keep uploaded file content
    /// (FILES_TMP_CONTENT), in memory.
    pub upload_keep_files: bool,
    /// End MULTIPART_PART_HEADERS values with the header's line ending, as libmodsecurity
    /// 3.0.9 does (3.0.10+ does not).
    pub multipart_header_line_endings: bool,
    /// Reproduce the libmodsecurity 3.0.9 defects that Palisade otherwise corrects to decide
    /// as the OWASP CRS expects (listed, with the CRS tests that show them, in
    /// `tests/crs/MODSEC_DEFECTS.md`). Off by default; on to compare decisions with 3.0.9.
    pub modsec_3_0_9_defects: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rule_engine: RuleEngine::DetectionOnly,
            request_body_access: None,
            response_body_access: false,
            request_body_limit: None,
            request_body_no_files_limit: None,
            request_body_limit_action: LimitAction::Reject,
            response_body_limit: None,
            response_body_limit_action: LimitAction::Reject,
            response_body_mime_types: None,
            json_depth_limit: None,
            arguments_limit: None,
            argument_separator: b'&',
            web_app_id: String::new(),
            components: Vec::new(),
            audit_engine: AuditEngine::Off,
            audit_parts: AuditParts::DEFAULT,
            audit_relevant_status: None,
            upload_file_limit: None,
            xml_external_entity: false,
            upload_keep_files: false,
            multipart_header_line_endings: false,
            modsec_3_0_9_defects: false,
        }
    }
}
