//! `ctl:` actions: settings changed for the current transaction only (12 forms in ModSecurity
//! v3; `requestBodyProcessor` counts as three, one per processor).

use crate::ast::settings::{AuditEngineMode, AuditLogParts, BodyProcessor, EngineMode, IdRange};
use crate::ast::variable::Variable;

/// One `ctl:NAME=VALUE` action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ctl {
    /// `ctl:auditEngine=On|Off|RelevantOnly`.
    AuditEngine(AuditEngineMode),
    /// `ctl:auditLogParts=+PARTS` or `=-PARTS`.
    AuditLogParts {
        /// True for `+` (add the parts), false for `-` (remove them).
        add: bool,
        /// The parts.
        parts: AuditLogParts,
    },
    /// `ctl:forceRequestBodyVariable=On|Off` (accepted by ModSecurity v3, no effect).
    ForceRequestBodyVariable(bool),
    /// `ctl:requestBodyAccess=On|Off`.
    RequestBodyAccess(bool),
    /// `ctl:requestBodyProcessor=JSON|XML|URLENCODED`.
    RequestBodyProcessor(BodyProcessor),
    /// `ctl:ruleEngine=On|Off|DetectionOnly`.
    RuleEngine(EngineMode),
    /// `ctl:ruleRemoveById=ID` or `=FIRST-LAST`.
    RuleRemoveById(IdRange),
    /// `ctl:ruleRemoveByTag=TAG`.
    RuleRemoveByTag(String),
    /// `ctl:ruleRemoveTargetById=ID;TARGET` (ModSecurity v3 takes one ID and one target).
    RuleRemoveTargetById {
        /// The rule.
        id: u64,
        /// The target to remove from it (`ARGS:password`).
        target: Variable,
    },
    /// `ctl:ruleRemoveTargetByTag=TAG;TARGET`.
    RuleRemoveTargetByTag {
        /// The tag selecting the rules.
        tag: String,
        /// The target to remove from them.
        target: Variable,
    },
}

impl Ctl {
    /// The SecLang name after `ctl:` (`ruleRemoveTargetById`).
    pub fn name(&self) -> &'static str {
        match self {
            Ctl::AuditEngine(_) => "auditEngine",
            Ctl::AuditLogParts { .. } => "auditLogParts",
            Ctl::ForceRequestBodyVariable(_) => "forceRequestBodyVariable",
            Ctl::RequestBodyAccess(_) => "requestBodyAccess",
            Ctl::RequestBodyProcessor(_) => "requestBodyProcessor",
            Ctl::RuleEngine(_) => "ruleEngine",
            Ctl::RuleRemoveById(_) => "ruleRemoveById",
            Ctl::RuleRemoveByTag(_) => "ruleRemoveByTag",
            Ctl::RuleRemoveTargetById { .. } => "ruleRemoveTargetById",
            Ctl::RuleRemoveTargetByTag { .. } => "ruleRemoveTargetByTag",
        }
    }
}

/// The `ctl:` names ModSecurity v3 accepts.
pub const CTL_NAMES: [&str; 10] = [
    "auditEngine",
    "auditLogParts",
    "forceRequestBodyVariable",
    "requestBodyAccess",
    "requestBodyProcessor",
    "ruleEngine",
    "ruleRemoveById",
    "ruleRemoveByTag",
    "ruleRemoveTargetById",
    "ruleRemoveTargetByTag",
];
