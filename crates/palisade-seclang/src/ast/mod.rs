//! The typed AST the engine compiles from: one [`Directive`] per SecLang directive, in file order.
//!
//! - [`Directive`] / [`DirectiveKind`]: every directive ModSecurity v3 accepts, typed. The 17
//!   directives ModSecurity rejects and the non-default values of the 7 "off only" directives are
//!   parse errors; the 12 accepted directives without effect are [`DirectiveKind::NoEffect`].
//! - [`Rule`]: a `SecRule` — [`Variable`]s, an [`Operator`], [`Action`]s. A chain keeps the file's
//!   shape: the rule carrying [`ActionKind::Chain`] is followed by its links as consecutive
//!   `SecRule` directives; [`chains`] groups them.
//! - [`Action`] / [`ActionKind`], [`Ctl`]: actions with typed, validated values.
//!
//! Every node carries a [`Span`]; spans compare equal to each other, so two ASTs
//! that differ only in positions are equal.
//!
//! For the compiler:
//! - Take the directives of [`crate::load`]: `Include` is expanded, and ModSecurity's load-time
//!   checks have run ([`crate::check`]: ids present and unique, no disruptive action in a chain
//!   link, one `SecDefaultAction` per phase).
//! - A data file named by an operator (`@pmFromFile x.data`) is relative to the rule's file:
//!   `loaded.files.get(directive.span.file)` gives its path, and
//!   [`crate::resolve_relative`] joins them.
//! - Values are kept as ModSecurity keeps them: escapes (`\"`, `\'`) stay in operator
//!   arguments and `msg` texts, variable keys keep their case, `%{…}` macros are split out in
//!   [`MacroString`](crate::MacroString)s. `setvar:tx.x` (no value) is [`SetVarOp::Set`] with the
//!   value `1`.
//! - [`ActionKind::class`] tells configuration actions (`id`, `phase`, `chain`, …),
//!   transformations and run-time actions apart, as ModSecurity sorts them.

mod action;
mod ctl;
mod directive_name;
mod operator;
mod settings;
mod variable;

pub use action::{
    ACTION_NAMES, Action, ActionClass, ActionKind, AllowScope, InitCol, Phase, REJECTED_ACTIONS,
    SetVar, SetVarOp, Severity, XmlNs,
};
pub use ctl::{CTL_NAMES, Ctl};
pub use directive_name::{DirectiveName, DirectiveSupport};
pub use operator::{Operator, takes_argument};
pub use settings::{
    AuditEngineMode, AuditLogFormat, AuditLogParts, AuditLogType, BodyLimitAction, BodyProcessor,
    EngineMode, IdRange, RemoteRulesFailAction,
};
pub use variable::{Selector, Variable, VariableName, VariableSupport};

use crate::Span;

/// One directive of a rule file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Directive {
    /// Where the directive's name starts.
    pub span: Span,
    /// The directive and its typed arguments.
    pub kind: DirectiveKind,
}

impl Directive {
    /// A directive with a default span.
    pub fn new(kind: DirectiveKind) -> Self {
        Directive {
            span: Span::default(),
            kind,
        }
    }

    /// The directive's name.
    pub fn name(&self) -> DirectiveName {
        self.kind.name()
    }
}

/// A `SecRule`: targets, operator, actions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The targets, in file order (exclusions `!VAR` included, as written).
    pub variables: Vec<Variable>,
    /// The operator.
    pub operator: Operator,
    /// The actions, in file order (transformations included); empty when the rule has none.
    pub actions: Vec<Action>,
}

impl Rule {
    /// The rule's `id`, if it has one.
    pub fn id(&self) -> Option<u64> {
        id_of(&self.actions)
    }

    /// True when the rule carries `chain` (the next `SecRule` is its link).
    pub fn is_chained(&self) -> bool {
        self.actions
            .iter()
            .any(|a| matches!(a.kind, ActionKind::Chain))
    }

    /// The rule's explicit `phase`, if any.
    pub fn phase(&self) -> Option<Phase> {
        phase_of(&self.actions)
    }
}

/// The `id` among `actions`, if any (the last one wins, as in ModSecurity).
pub fn id_of(actions: &[Action]) -> Option<u64> {
    actions.iter().rev().find_map(|a| match a.kind {
        ActionKind::Id(id) => Some(id),
        _ => None,
    })
}

/// The `phase` among `actions`, if any (the last one wins).
pub fn phase_of(actions: &[Action]) -> Option<Phase> {
    actions.iter().rev().find_map(|a| match a.kind {
        ActionKind::Phase(p) => Some(p),
        _ => None,
    })
}

/// A directive and its typed arguments.
///
/// Paths and texts are kept as written (after removing the quotes around them); numbers are
/// parsed. Directives that ModSecurity v3 accepts without effect are [`DirectiveKind::NoEffect`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DirectiveKind {
    /// `SecRule VARIABLES OPERATOR [ACTIONS]`.
    SecRule(Rule),
    /// `SecAction ACTIONS`.
    SecAction(Vec<Action>),
    /// `SecRuleScript PATH [ACTIONS]` (a Lua script in ModSecurity).
    SecRuleScript {
        /// The script.
        path: String,
        /// The actions.
        actions: Vec<Action>,
    },
    /// `SecDefaultAction ACTIONS` (validated as ModSecurity does: a disruptive action other than
    /// `block`, no `id`/`chain`/`rev`/`ver`/`maturity`/`accuracy`/`t:none`).
    SecDefaultAction(Vec<Action>),
    /// `SecMarker NAME`.
    SecMarker(String),
    /// `Include PATH` (wildcards allowed). [`crate::load`] replaces it by the included files'
    /// directives.
    Include(String),
    /// `SecRemoteRules KEY URL`.
    SecRemoteRules {
        /// The key sent to the server.
        key: String,
        /// The URL.
        url: String,
    },
    /// `SecRemoteRulesFailAction Abort|Warn`.
    SecRemoteRulesFailAction(RemoteRulesFailAction),

    /// `SecRuleEngine On|Off|DetectionOnly`.
    SecRuleEngine(EngineMode),
    /// `SecRequestBodyAccess On|Off`.
    SecRequestBodyAccess(bool),
    /// `SecResponseBodyAccess On|Off`.
    SecResponseBodyAccess(bool),
    /// `SecRequestBodyLimit BYTES`.
    SecRequestBodyLimit(u64),
    /// `SecRequestBodyNoFilesLimit BYTES`.
    SecRequestBodyNoFilesLimit(u64),
    /// `SecRequestBodyLimitAction Reject|ProcessPartial`.
    SecRequestBodyLimitAction(BodyLimitAction),
    /// `SecResponseBodyLimit BYTES`.
    SecResponseBodyLimit(u64),
    /// `SecResponseBodyLimitAction Reject|ProcessPartial`.
    SecResponseBodyLimitAction(BodyLimitAction),
    /// `SecResponseBodyMimeType TYPE…` (added to the set of inspected types).
    SecResponseBodyMimeType(Vec<String>),
    /// `SecResponseBodyMimeTypesClear`.
    SecResponseBodyMimeTypesClear,
    /// `SecRequestBodyJsonDepthLimit N`.
    SecRequestBodyJsonDepthLimit(u64),
    /// `SecArgumentsLimit N`.
    SecArgumentsLimit(u64),
    /// `SecArgumentSeparator C` (one byte).
    SecArgumentSeparator(u8),
    /// `SecPcreMatchLimit N`.
    SecPcreMatchLimit(u64),
    /// `SecUnicodeMapFile PATH CODEPAGE`.
    SecUnicodeMapFile {
        /// The `unicode.mapping` file.
        path: String,
        /// The code page to use from it.
        code_page: u32,
    },
    /// `SecXmlExternalEntity On|Off`.
    SecXmlExternalEntity(bool),
    /// `SecWebAppId NAME`.
    SecWebAppId(String),
    /// `SecComponentSignature "TEXT"`.
    SecComponentSignature(String),
    /// `SecHttpBlKey KEY`.
    SecHttpBlKey(String),
    /// `SecGeoLookupDb PATH`.
    SecGeoLookupDb(String),

    /// `SecRuleRemoveById ID|RANGE…`.
    SecRuleRemoveById(Vec<IdRange>),
    /// `SecRuleRemoveByTag TAG`.
    SecRuleRemoveByTag(String),
    /// `SecRuleRemoveByMsg MSG`.
    SecRuleRemoveByMsg(String),
    /// `SecRuleUpdateTargetById ID TARGETS` (ModSecurity v3 takes one ID and no replacement
    /// target).
    SecRuleUpdateTargetById {
        /// The rule.
        id: u64,
        /// Targets to add (`ARGS:foo`) or exclude (`!ARGS:foo`).
        targets: Vec<Variable>,
    },
    /// `SecRuleUpdateTargetByTag TAG TARGETS`.
    SecRuleUpdateTargetByTag {
        /// The tag selecting the rules.
        tag: String,
        /// The targets.
        targets: Vec<Variable>,
    },
    /// `SecRuleUpdateTargetByMsg MSG TARGETS`.
    SecRuleUpdateTargetByMsg {
        /// The message selecting the rules.
        msg: String,
        /// The targets.
        targets: Vec<Variable>,
    },
    /// `SecRuleUpdateActionById ID ACTIONS`.
    SecRuleUpdateActionById {
        /// The rule.
        id: u64,
        /// The actions to add or replace.
        actions: Vec<Action>,
    },

    /// `SecDebugLog PATH`.
    SecDebugLog(String),
    /// `SecDebugLogLevel N`.
    SecDebugLogLevel(u32),
    /// `SecAuditEngine On|Off|RelevantOnly`.
    SecAuditEngine(AuditEngineMode),
    /// `SecAuditLog PATH`.
    SecAuditLog(String),
    /// `SecAuditLog2 PATH`.
    SecAuditLog2(String),
    /// `SecAuditLogParts PARTS`.
    SecAuditLogParts(AuditLogParts),
    /// `SecAuditLogFormat JSON|Native`.
    SecAuditLogFormat(AuditLogFormat),
    /// `SecAuditLogType Serial|Concurrent|HTTPS`.
    SecAuditLogType(AuditLogType),
    /// `SecAuditLogStorageDir PATH`.
    SecAuditLogStorageDir(String),
    /// `SecAuditLogDirMode OCTAL`.
    SecAuditLogDirMode(u32),
    /// `SecAuditLogFileMode OCTAL`.
    SecAuditLogFileMode(u32),
    /// `SecAuditLogRelevantStatus REGEX`.
    SecAuditLogRelevantStatus(String),

    /// `SecUploadDir PATH`.
    SecUploadDir(String),
    /// `SecUploadFileLimit N`.
    SecUploadFileLimit(u64),
    /// `SecUploadFileMode OCTAL`.
    SecUploadFileMode(u32),
    /// `SecUploadKeepFiles On|Off`.
    SecUploadKeepFiles(bool),
    /// `SecTmpSaveUploadedFiles On|Off`.
    SecTmpSaveUploadedFiles(bool),

    /// A directive ModSecurity v3 accepts without effect: the five no-ops
    /// (`SecPcreMatchLimitRecursion`, `SecTmpDir`, `SecDataDir`, `SecStatusEngine`,
    /// `SecCollectionTimeout`) and the seven "off only" directives with their accepted value
    /// (`SecConnEngine Off`, …, `SecCookieFormat 0`).
    NoEffect {
        /// The directive.
        name: DirectiveName,
        /// Its argument as written (`Off`, `0`, `/tmp`).
        argument: String,
    },
}

impl DirectiveKind {
    /// The directive's name.
    pub fn name(&self) -> DirectiveName {
        use DirectiveName as N;
        match self {
            DirectiveKind::SecRule(_) => N::SecRule,
            DirectiveKind::SecAction(_) => N::SecAction,
            DirectiveKind::SecRuleScript { .. } => N::SecRuleScript,
            DirectiveKind::SecDefaultAction(_) => N::SecDefaultAction,
            DirectiveKind::SecMarker(_) => N::SecMarker,
            DirectiveKind::Include(_) => N::Include,
            DirectiveKind::SecRemoteRules { .. } => N::SecRemoteRules,
            DirectiveKind::SecRemoteRulesFailAction(_) => N::SecRemoteRulesFailAction,
            DirectiveKind::SecRuleEngine(_) => N::SecRuleEngine,
            DirectiveKind::SecRequestBodyAccess(_) => N::SecRequestBodyAccess,
            DirectiveKind::SecResponseBodyAccess(_) => N::SecResponseBodyAccess,
            DirectiveKind::SecRequestBodyLimit(_) => N::SecRequestBodyLimit,
            DirectiveKind::SecRequestBodyNoFilesLimit(_) => N::SecRequestBodyNoFilesLimit,
            DirectiveKind::SecRequestBodyLimitAction(_) => N::SecRequestBodyLimitAction,
            DirectiveKind::SecResponseBodyLimit(_) => N::SecResponseBodyLimit,
            DirectiveKind::SecResponseBodyLimitAction(_) => N::SecResponseBodyLimitAction,
            DirectiveKind::SecResponseBodyMimeType(_) => N::SecResponseBodyMimeType,
            DirectiveKind::SecResponseBodyMimeTypesClear => N::SecResponseBodyMimeTypesClear,
            DirectiveKind::SecRequestBodyJsonDepthLimit(_) => N::SecRequestBodyJsonDepthLimit,
            DirectiveKind::SecArgumentsLimit(_) => N::SecArgumentsLimit,
            DirectiveKind::SecArgumentSeparator(_) => N::SecArgumentSeparator,
            DirectiveKind::SecPcreMatchLimit(_) => N::SecPcreMatchLimit,
            DirectiveKind::SecUnicodeMapFile { .. } => N::SecUnicodeMapFile,
            DirectiveKind::SecXmlExternalEntity(_) => N::SecXmlExternalEntity,
            DirectiveKind::SecWebAppId(_) => N::SecWebAppId,
            DirectiveKind::SecComponentSignature(_) => N::SecComponentSignature,
            DirectiveKind::SecHttpBlKey(_) => N::SecHttpBlKey,
            DirectiveKind::SecGeoLookupDb(_) => N::SecGeoLookupDb,
            DirectiveKind::SecRuleRemoveById(_) => N::SecRuleRemoveById,
            DirectiveKind::SecRuleRemoveByTag(_) => N::SecRuleRemoveByTag,
            DirectiveKind::SecRuleRemoveByMsg(_) => N::SecRuleRemoveByMsg,
            DirectiveKind::SecRuleUpdateTargetById { .. } => N::SecRuleUpdateTargetById,
            DirectiveKind::SecRuleUpdateTargetByTag { .. } => N::SecRuleUpdateTargetByTag,
            DirectiveKind::SecRuleUpdateTargetByMsg { .. } => N::SecRuleUpdateTargetByMsg,
            DirectiveKind::SecRuleUpdateActionById { .. } => N::SecRuleUpdateActionById,
            DirectiveKind::SecDebugLog(_) => N::SecDebugLog,
            DirectiveKind::SecDebugLogLevel(_) => N::SecDebugLogLevel,
            DirectiveKind::SecAuditEngine(_) => N::SecAuditEngine,
            DirectiveKind::SecAuditLog(_) => N::SecAuditLog,
            DirectiveKind::SecAuditLog2(_) => N::SecAuditLog2,
            DirectiveKind::SecAuditLogParts(_) => N::SecAuditLogParts,
            DirectiveKind::SecAuditLogFormat(_) => N::SecAuditLogFormat,
            DirectiveKind::SecAuditLogType(_) => N::SecAuditLogType,
            DirectiveKind::SecAuditLogStorageDir(_) => N::SecAuditLogStorageDir,
            DirectiveKind::SecAuditLogDirMode(_) => N::SecAuditLogDirMode,
            DirectiveKind::SecAuditLogFileMode(_) => N::SecAuditLogFileMode,
            DirectiveKind::SecAuditLogRelevantStatus(_) => N::SecAuditLogRelevantStatus,
            DirectiveKind::SecUploadDir(_) => N::SecUploadDir,
            DirectiveKind::SecUploadFileLimit(_) => N::SecUploadFileLimit,
            DirectiveKind::SecUploadFileMode(_) => N::SecUploadFileMode,
            DirectiveKind::SecUploadKeepFiles(_) => N::SecUploadKeepFiles,
            DirectiveKind::SecTmpSaveUploadedFiles(_) => N::SecTmpSaveUploadedFiles,
            DirectiveKind::NoEffect { name, .. } => *name,
        }
    }
}

/// A chain: its first rule and its links, each with its directive's span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain<'a> {
    /// The directives of the chain, first rule first; all are [`DirectiveKind::SecRule`].
    pub directives: Vec<&'a Directive>,
}

impl<'a> Chain<'a> {
    /// The rules of the chain, first rule first.
    pub fn rules(&self) -> impl Iterator<Item = &'a Rule> + '_ {
        self.directives.iter().filter_map(|d| match &d.kind {
            DirectiveKind::SecRule(r) => Some(r),
            _ => None,
        })
    }
}

/// Groups consecutive `SecRule` directives into chains, as ModSecurity does: a rule that
/// carries `chain` takes the next `SecRule` as its link, whatever directives (markers, engine
/// settings) sit between them. Returns the chains in file order; a rule without `chain` is a
/// chain of one. A chain still open at the end is returned as it is.
pub fn chains(directives: &[Directive]) -> Vec<Chain<'_>> {
    let mut out: Vec<Chain<'_>> = Vec::new();
    let mut open = false;
    for d in directives {
        let DirectiveKind::SecRule(rule) = &d.kind else {
            continue;
        };
        match out.last_mut() {
            Some(last) if open => last.directives.push(d),
            _ => out.push(Chain {
                directives: vec![d],
            }),
        }
        open = rule.is_chained();
    }
    out
}
