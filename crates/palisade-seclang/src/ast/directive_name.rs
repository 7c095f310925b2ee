//! The 81 directive names of ModSecurity v3 and what ModSecurity does with each: acts on it,
//! accepts it without effect, accepts it only with its off/default value, or rejects it.

use core::fmt;

/// How ModSecurity v3 treats a directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectiveSupport {
    /// Accepted and acting.
    Acting,
    /// Accepted, no effect (`SecTmpDir`, `SecDataDir`, …).
    NoEffect,
    /// Accepted only with its off/default value (given); other values are rejected with the
    /// message.
    DefaultOnly {
        /// The one accepted value (`Off`, or `0` for `SecCookieFormat`).
        value: &'static str,
        /// ModSecurity's message for any other value.
        message: &'static str,
    },
    /// Rejected at load time with ModSecurity's message.
    Rejected(&'static str),
}

macro_rules! directive_names {
    ( $( $var:ident = $name:literal => $support:expr, )* ) => {
        /// A directive name, as rules write it (case-insensitively).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DirectiveName {
            $(
                #[doc = concat!("`", $name, "`.")]
                $var,
            )*
        }

        const DIRECTIVE_NAMES: &[(DirectiveName, &str, DirectiveSupport)] = &[
            $( (DirectiveName::$var, $name, $support), )*
        ];
    };
}

use DirectiveSupport::{Acting, DefaultOnly, NoEffect, Rejected};

directive_names! {
    SecRule = "SecRule" => Acting,
    SecAction = "SecAction" => Acting,
    SecRuleScript = "SecRuleScript" => Acting,
    SecDefaultAction = "SecDefaultAction" => Acting,
    SecMarker = "SecMarker" => Acting,
    Include = "Include" => Acting,
    SecRemoteRules = "SecRemoteRules" => Acting,
    SecRemoteRulesFailAction = "SecRemoteRulesFailAction" => Acting,
    SecRuleEngine = "SecRuleEngine" => Acting,
    SecRequestBodyAccess = "SecRequestBodyAccess" => Acting,
    SecResponseBodyAccess = "SecResponseBodyAccess" => Acting,
    SecRequestBodyLimit = "SecRequestBodyLimit" => Acting,
    SecRequestBodyNoFilesLimit = "SecRequestBodyNoFilesLimit" => Acting,
    SecRequestBodyLimitAction = "SecRequestBodyLimitAction" => Acting,
    SecResponseBodyLimit = "SecResponseBodyLimit" => Acting,
    SecResponseBodyLimitAction = "SecResponseBodyLimitAction" => Acting,
    SecResponseBodyMimeType = "SecResponseBodyMimeType" => Acting,
    SecResponseBodyMimeTypesClear = "SecResponseBodyMimeTypesClear" => Acting,
    SecRequestBodyJsonDepthLimit = "SecRequestBodyJsonDepthLimit" => Acting,
    SecArgumentsLimit = "SecArgumentsLimit" => Acting,
    SecArgumentSeparator = "SecArgumentSeparator" => Acting,
    SecPcreMatchLimit = "SecPcreMatchLimit" => Acting,
    SecUnicodeMapFile = "SecUnicodeMapFile" => Acting,
    SecXmlExternalEntity = "SecXmlExternalEntity" => Acting,
    SecWebAppId = "SecWebAppId" => Acting,
    SecComponentSignature = "SecComponentSignature" => Acting,
    SecHttpBlKey = "SecHttpBlKey" => Acting,
    SecGeoLookupDb = "SecGeoLookupDb" => Acting,
    SecRuleRemoveById = "SecRuleRemoveById" => Acting,
    SecRuleRemoveByTag = "SecRuleRemoveByTag" => Acting,
    SecRuleRemoveByMsg = "SecRuleRemoveByMsg" => Acting,
    SecRuleUpdateTargetById = "SecRuleUpdateTargetById" => Acting,
    SecRuleUpdateTargetByTag = "SecRuleUpdateTargetByTag" => Acting,
    SecRuleUpdateTargetByMsg = "SecRuleUpdateTargetByMsg" => Acting,
    SecRuleUpdateActionById = "SecRuleUpdateActionById" => Acting,
    SecDebugLog = "SecDebugLog" => Acting,
    SecDebugLogLevel = "SecDebugLogLevel" => Acting,
    SecAuditEngine = "SecAuditEngine" => Acting,
    SecAuditLog = "SecAuditLog" => Acting,
    SecAuditLog2 = "SecAuditLog2" => Acting,
    SecAuditLogParts = "SecAuditLogParts" => Acting,
    SecAuditLogFormat = "SecAuditLogFormat" => Acting,
    SecAuditLogType = "SecAuditLogType" => Acting,
    SecAuditLogStorageDir = "SecAuditLogStorageDir" => Acting,
    SecAuditLogDirMode = "SecAuditLogDirMode" => Acting,
    SecAuditLogFileMode = "SecAuditLogFileMode" => Acting,
    SecAuditLogRelevantStatus = "SecAuditLogRelevantStatus" => Acting,
    SecUploadDir = "SecUploadDir" => Acting,
    SecUploadFileLimit = "SecUploadFileLimit" => Acting,
    SecUploadFileMode = "SecUploadFileMode" => Acting,
    SecUploadKeepFiles = "SecUploadKeepFiles" => Acting,
    SecTmpSaveUploadedFiles = "SecTmpSaveUploadedFiles" => Acting,
    SecPcreMatchLimitRecursion = "SecPcreMatchLimitRecursion" => NoEffect,
    SecTmpDir = "SecTmpDir" => NoEffect,
    SecDataDir = "SecDataDir" => NoEffect,
    SecStatusEngine = "SecStatusEngine" => NoEffect,
    SecCollectionTimeout = "SecCollectionTimeout" => NoEffect,
    SecConnEngine = "SecConnEngine" => DefaultOnly {
        value: "Off",
        message: "SecConnEngine is not yet supported.",
    },
    SecRuleInheritance = "SecRuleInheritance" => DefaultOnly {
        value: "Off",
        message: "SecRuleInheritance is not yet supported.",
    },
    SecDisableBackendCompression = "SecDisableBackendCompression" => DefaultOnly {
        value: "Off",
        message: "SecDisableBackendCompression is not supported.",
    },
    SecContentInjection = "SecContentInjection" => DefaultOnly {
        value: "Off",
        message: "SecContentInjection is not yet supported.",
    },
    SecHashEngine = "SecHashEngine" => DefaultOnly {
        value: "Off",
        message: "SecHashEngine is not yet supported.",
    },
    SecInterceptOnError = "SecInterceptOnError" => DefaultOnly {
        value: "Off",
        message: "SecInterceptOnError is not yet supported.",
    },
    SecCookieFormat = "SecCookieFormat" => DefaultOnly {
        value: "0",
        message: "SecCookieFormat 1 is not yet supported.",
    },
    SecServerSignature = "SecServerSignature" => Rejected("SecServerSignature is not supported."),
    SecCacheTransformations = "SecCacheTransformations" => Rejected("SecCacheTransformations is not supported."),
    SecChrootDir = "SecChrootDir" => Rejected("SecChrootDir is not supported."),
    SecHashKey = "SecHashKey" => Rejected("SecHashKey is not yet supported."),
    SecHashParam = "SecHashParam" => Rejected("SecHashParam is not yet supported."),
    SecHashMethodRx = "SecHashMethodRx" => Rejected("SecHashMethodRx is not yet supported."),
    SecHashMethodPm = "SecHashMethodPm" => Rejected("SecHashMethodPm is not yet supported."),
    SecGsbLookupDb = "SecGsbLookupDb" => Rejected("SecGsbLookupDb is not supported."),
    SecGuardianLog = "SecGuardianLog" => Rejected("SecGuardianLog is not supported."),
    SecConnReadStateLimit = "SecConnReadStateLimit" => Rejected("SecConnReadStateLimit is not yet supported."),
    SecConnWriteStateLimit = "SecConnWriteStateLimit" => Rejected("SecConnWriteStateLimit is not yet supported."),
    SecSensorId = "SecSensorId" => Rejected("SecSensorId is not yet supported."),
    SecRulePerfTime = "SecRulePerfTime" => Rejected("SecRulePerfTime is not yet supported."),
    SecStreamInBodyInspection = "SecStreamInBodyInspection" => Rejected("SecStreamInBodyInspection is not supported."),
    SecStreamOutBodyInspection = "SecStreamOutBodyInspection" => Rejected("SecStreamOutBodyInspection is not supported."),
    SecRequestBodyInMemoryLimit = "SecRequestBodyInMemoryLimit" => Rejected(
        "As of ModSecurity version 3.0, SecRequestBodyInMemoryLimit is no longer supported. \
         Instead, you can use your web server configurations to control those values. \
         ModSecurity will follow the web server decision."
    ),
    SecCookieV0Separator = "SecCookieV0Separator" => Rejected("SecCookieV0Separator is not yet supported."),
}

impl DirectiveName {
    /// Every directive name (81), in a fixed order.
    pub fn all() -> impl Iterator<Item = DirectiveName> {
        DIRECTIVE_NAMES.iter().map(|(d, _, _)| *d)
    }

    /// Looks a directive up by name, case-insensitively.
    pub fn from_name(name: &str) -> Option<Self> {
        DIRECTIVE_NAMES
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|(d, _, _)| *d)
    }

    /// The canonical spelling (`SecRuleEngine`).
    pub fn name(self) -> &'static str {
        DIRECTIVE_NAMES
            .iter()
            .find(|(d, _, _)| *d == self)
            .map_or("SecRule", |(_, n, _)| n)
    }

    /// How ModSecurity v3 treats the directive.
    pub fn support(self) -> DirectiveSupport {
        DIRECTIVE_NAMES
            .iter()
            .find(|(d, _, _)| *d == self)
            .map_or(Acting, |(_, _, s)| *s)
    }
}

impl fmt::Display for DirectiveName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_surface() {
        let count = |pred: fn(DirectiveSupport) -> bool| {
            DirectiveName::all().filter(|d| pred(d.support())).count()
        };
        assert_eq!(DirectiveName::all().count(), 81);
        assert_eq!(count(|s| matches!(s, Acting)), 52);
        assert_eq!(count(|s| matches!(s, NoEffect)), 5);
        assert_eq!(count(|s| matches!(s, DefaultOnly { .. })), 7);
        assert_eq!(count(|s| matches!(s, Rejected(_))), 17);
    }

    #[test]
    fn names_round_trip_case_insensitively() {
        for d in DirectiveName::all() {
            assert_eq!(DirectiveName::from_name(d.name()), Some(d));
            assert_eq!(
                DirectiveName::from_name(&d.name().to_ascii_uppercase()),
                Some(d)
            );
        }
        assert_eq!(DirectiveName::from_name("SecRules"), None);
    }
}
