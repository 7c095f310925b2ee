//! Actions: `id:1`, `phase:2`, `msg:'…'`, `t:lowercase`, `setvar:'tx.score=+5'`, `ctl:…`, ….
//!
//! [`ActionKind`] has one variant per action ModSecurity v3 accepts (35 plain actions, `t:` and
//! `ctl:`), each with its value typed and validated. The ten actions ModSecurity rejects
//! (`append`, `proxy`, `sanitiseArg`, …) are parse errors; [`REJECTED_ACTIONS`] lists them.

use core::fmt;

use palisade_transform::TransformId;

use crate::ast::ctl::Ctl;
use crate::ast::variable::VariableName;
use crate::{MacroString, Span};

/// One action of a rule, `SecAction`, `SecDefaultAction` or `SecRuleUpdateActionById`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Action {
    /// Where the action's name starts.
    pub span: Span,
    /// The action and its value.
    pub kind: ActionKind,
}

impl Action {
    /// An action with a default span.
    pub fn new(kind: ActionKind) -> Self {
        Action {
            span: Span::default(),
            kind,
        }
    }
}

/// An action and its typed value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// `accuracy:N`.
    Accuracy(u32),
    /// `allow`, `allow:request`, `allow:phase`.
    Allow(AllowScope),
    /// `auditlog`.
    AuditLog,
    /// `block`: the disruptive action of `SecDefaultAction` for the phase.
    Block,
    /// `capture`: `TX:0`–`TX:9` receive the regular expression's groups.
    Capture,
    /// `chain`: the next `SecRule` is a link of this rule's chain.
    Chain,
    /// `ctl:…`: changes a setting for the current transaction.
    Ctl(Ctl),
    /// `deny`.
    Deny,
    /// `drop` (ModSecurity v3 performs a deny).
    Drop,
    /// `exec:PATH` (a Lua script in ModSecurity).
    Exec(String),
    /// `expirevar:COL.KEY=SECONDS` (macros allowed; split after expansion, as ModSecurity does).
    ExpireVar(MacroString),
    /// `id:N`.
    Id(u64),
    /// `initcol:COL=KEY`.
    InitCol(InitCol),
    /// `log`.
    Log,
    /// `logdata:'…'`.
    LogData(MacroString),
    /// `maturity:N`.
    Maturity(u32),
    /// `msg:'…'`.
    Msg(MacroString),
    /// `multiMatch`.
    MultiMatch,
    /// `noauditlog`.
    NoAuditLog,
    /// `nolog`.
    NoLog,
    /// `pass`.
    Pass,
    /// `phase:N` (or `request`, `response`, `logging`).
    Phase(Phase),
    /// `redirect:URL`.
    Redirect(MacroString),
    /// `rev:'…'`.
    Rev(String),
    /// `setenv:NAME=VALUE`.
    SetEnv(MacroString),
    /// `setrsc:KEY`.
    SetRsc(MacroString),
    /// `setsid:KEY`.
    SetSid(MacroString),
    /// `setuid:KEY`.
    SetUid(MacroString),
    /// `setvar:…`.
    SetVar(SetVar),
    /// `severity:N` or `severity:'CRITICAL'`.
    Severity(Severity),
    /// `skip:N`.
    Skip(u32),
    /// `skipAfter:MARKER`.
    SkipAfter(String),
    /// `status:N`.
    Status(u16),
    /// `tag:'…'`.
    Tag(MacroString),
    /// `t:NAME`.
    Transform(TransformId),
    /// `ver:'…'`.
    Ver(String),
    /// `xmlns:PREFIX=URI`.
    XmlNs(XmlNs),
}

/// How ModSecurity classifies an action: it decides where the action may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionClass {
    /// Describes the rule itself (`id`, `phase`, `chain`, `rev`, `ver`, `maturity`,
    /// `accuracy`); not allowed in `SecDefaultAction`.
    Configuration,
    /// A transformation (`t:…`), applied before the operator.
    Transformation,
    /// Runs when the rule matches (everything else).
    RunTime,
}

impl ActionKind {
    /// The action's SecLang name (`id`, `t`, `ctl`, `skipAfter`, …).
    pub fn name(&self) -> &'static str {
        match self {
            ActionKind::Accuracy(_) => "accuracy",
            ActionKind::Allow(_) => "allow",
            ActionKind::AuditLog => "auditlog",
            ActionKind::Block => "block",
            ActionKind::Capture => "capture",
            ActionKind::Chain => "chain",
            ActionKind::Ctl(_) => "ctl",
            ActionKind::Deny => "deny",
            ActionKind::Drop => "drop",
            ActionKind::Exec(_) => "exec",
            ActionKind::ExpireVar(_) => "expirevar",
            ActionKind::Id(_) => "id",
            ActionKind::InitCol(_) => "initcol",
            ActionKind::Log => "log",
            ActionKind::LogData(_) => "logdata",
            ActionKind::Maturity(_) => "maturity",
            ActionKind::Msg(_) => "msg",
            ActionKind::MultiMatch => "multiMatch",
            ActionKind::NoAuditLog => "noauditlog",
            ActionKind::NoLog => "nolog",
            ActionKind::Pass => "pass",
            ActionKind::Phase(_) => "phase",
            ActionKind::Redirect(_) => "redirect",
            ActionKind::Rev(_) => "rev",
            ActionKind::SetEnv(_) => "setenv",
            ActionKind::SetRsc(_) => "setrsc",
            ActionKind::SetSid(_) => "setsid",
            ActionKind::SetUid(_) => "setuid",
            ActionKind::SetVar(_) => "setvar",
            ActionKind::Severity(_) => "severity",
            ActionKind::Skip(_) => "skip",
            ActionKind::SkipAfter(_) => "skipAfter",
            ActionKind::Status(_) => "status",
            ActionKind::Tag(_) => "tag",
            ActionKind::Transform(_) => "t",
            ActionKind::Ver(_) => "ver",
            ActionKind::XmlNs(_) => "xmlns",
        }
    }

    /// True for disruptive actions: `allow`, `block`, `deny`, `drop`, `pass`, `redirect`.
    pub fn is_disruptive(&self) -> bool {
        matches!(
            self,
            ActionKind::Allow(_)
                | ActionKind::Block
                | ActionKind::Deny
                | ActionKind::Drop
                | ActionKind::Pass
                | ActionKind::Redirect(_)
        )
    }

    /// ModSecurity's class of the action.
    pub fn class(&self) -> ActionClass {
        match self {
            ActionKind::Accuracy(_)
            | ActionKind::Chain
            | ActionKind::Id(_)
            | ActionKind::Maturity(_)
            | ActionKind::Phase(_)
            | ActionKind::Rev(_)
            | ActionKind::Ver(_) => ActionClass::Configuration,
            ActionKind::Transform(_) => ActionClass::Transformation,
            _ => ActionClass::RunTime,
        }
    }
}

/// The names of the 35 plain actions ModSecurity v3 accepts (plus `t` and `ctl`).
pub const ACTION_NAMES: [&str; 37] = [
    "accuracy",
    "allow",
    "auditlog",
    "block",
    "capture",
    "chain",
    "deny",
    "drop",
    "exec",
    "expirevar",
    "id",
    "initcol",
    "log",
    "logdata",
    "maturity",
    "msg",
    "multiMatch",
    "noauditlog",
    "nolog",
    "pass",
    "phase",
    "redirect",
    "rev",
    "setenv",
    "setrsc",
    "setsid",
    "setuid",
    "setvar",
    "severity",
    "skip",
    "skipAfter",
    "status",
    "tag",
    "ver",
    "xmlns",
    "t",
    "ctl",
];

/// The actions ModSecurity v3 rejects, with the name its message uses.
pub const REJECTED_ACTIONS: [(&str, &str); 10] = [
    ("append", "Append"),
    ("deprecatevar", "DeprecateVar"),
    ("pause", "Pause"),
    ("prepend", "Prepend"),
    ("proxy", "Proxy"),
    ("sanitiseArg", "SanitiseArg"),
    ("sanitiseMatched", "SanitiseMatched"),
    ("sanitiseMatchedBytes", "SanitiseMatchedBytes"),
    ("sanitiseRequestHeader", "SanitiseRequestHeader"),
    ("sanitiseResponseHeader", "SanitiseResponseHeader"),
];

/// The scope of `allow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AllowScope {
    /// `allow`: skip every remaining rule of the transaction (logging phase excepted).
    All,
    /// `allow:request`: skip the remaining request phases.
    Request,
    /// `allow:phase`: skip the rest of the current phase.
    Phase,
}

/// A processing phase (`phase:0`–`phase:5`; `request` is 2, `response` is 4, `logging` is 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Phase 0: the connection (ModSecurity v3's `ConnectionPhase`).
    Connection,
    /// Phase 1: request headers.
    RequestHeaders,
    /// Phase 2: request body (`request`).
    RequestBody,
    /// Phase 3: response headers.
    ResponseHeaders,
    /// Phase 4: response body (`response`).
    ResponseBody,
    /// Phase 5: logging (`logging`).
    Logging,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 6] = [
        Phase::Connection,
        Phase::RequestHeaders,
        Phase::RequestBody,
        Phase::ResponseHeaders,
        Phase::ResponseBody,
        Phase::Logging,
    ];

    /// The phase's number, 0–5.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The phase with number `n`, if 0–5.
    pub fn from_number(n: u64) -> Option<Self> {
        usize::try_from(n)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }
}

/// A severity, 0 (`EMERGENCY`) to 7 (`DEBUG`). ModSecurity accepts any number; values above 7
/// have no name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Severity {
    /// The level, 0 being the most severe.
    pub level: u32,
}

impl Severity {
    /// The names of levels 0–7.
    pub const NAMES: [&'static str; 8] = [
        "EMERGENCY",
        "ALERT",
        "CRITICAL",
        "ERROR",
        "WARNING",
        "NOTICE",
        "INFO",
        "DEBUG",
    ];

    /// The severity named `name` (case-insensitive), or given as a number.
    pub fn from_text(text: &str) -> Option<Self> {
        if let Some(i) = Self::NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(text))
        {
            return u32::try_from(i).ok().map(|level| Severity { level });
        }
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().ok().map(|level| Severity { level });
        }
        None
    }

    /// The level's name, for levels 0–7.
    pub fn name(self) -> Option<&'static str> {
        usize::try_from(self.level)
            .ok()
            .and_then(|i| Self::NAMES.get(i).copied())
    }
}

/// `setvar:`: what to do to a collection variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SetVar {
    /// The collection: `TX`, `IP`, `GLOBAL`, `RESOURCE`, `SESSION` or `USER`.
    pub collection: VariableName,
    /// The variable's name inside the collection (macros allowed: `tx.%{rule.id}-x`).
    pub key: MacroString,
    /// The operation.
    pub op: SetVarOp,
    /// The operand (empty for [`SetVarOp::Delete`]; `1` for the bare `setvar:tx.key` form).
    pub value: MacroString,
}

/// The operation of a `setvar`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetVarOp {
    /// `col.key=value` (and `col.key`, which sets 1).
    Set,
    /// `col.key=+value`.
    Add,
    /// `col.key=-value`.
    Sub,
    /// `!col.key`.
    Delete,
}

/// `initcol:COL=KEY`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InitCol {
    /// The persistent collection: `IP`, `GLOBAL` or `RESOURCE` (ModSecurity requires the
    /// lower-case spelling `ip`, `global`, `resource`).
    pub collection: VariableName,
    /// The key that selects the record (`%{REMOTE_ADDR}`).
    pub key: MacroString,
}

/// `xmlns:PREFIX=URI`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct XmlNs {
    /// The namespace prefix.
    pub prefix: String,
    /// The namespace URI (starts with `http://`, as ModSecurity requires).
    pub uri: String,
}

impl fmt::Display for AllowScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AllowScope::All => "",
            AllowScope::Request => "request",
            AllowScope::Phase => "phase",
        })
    }
}
