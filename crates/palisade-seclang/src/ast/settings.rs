//! Small typed values shared by engine directives and `ctl:` actions: engine modes, body limit
//! actions, audit log settings, body processors, ID ranges.

use core::fmt;

/// `SecRuleEngine On|Off|DetectionOnly` and `ctl:ruleEngine=…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EngineMode {
    /// Rules run and disruptive actions are applied.
    On,
    /// Rules do not run.
    Off,
    /// Rules run; disruptive actions are logged, not applied.
    DetectionOnly,
}

impl EngineMode {
    /// The SecLang spelling.
    pub fn name(self) -> &'static str {
        match self {
            EngineMode::On => "On",
            EngineMode::Off => "Off",
            EngineMode::DetectionOnly => "DetectionOnly",
        }
    }
}

/// `SecRequestBodyLimitAction` / `SecResponseBodyLimitAction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyLimitAction {
    /// Reject a body over the limit.
    Reject,
    /// Inspect the first part of the body, up to the limit.
    ProcessPartial,
}

impl BodyLimitAction {
    /// The SecLang spelling.
    pub fn name(self) -> &'static str {
        match self {
            BodyLimitAction::Reject => "Reject",
            BodyLimitAction::ProcessPartial => "ProcessPartial",
        }
    }
}

/// `SecAuditEngine On|Off|RelevantOnly` and `ctl:auditEngine=…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditEngineMode {
    /// Log every transaction.
    On,
    /// Log nothing.
    Off,
    /// Log transactions with warnings or errors, or a relevant status.
    RelevantOnly,
}

impl AuditEngineMode {
    /// The SecLang spelling.
    pub fn name(self) -> &'static str {
        match self {
            AuditEngineMode::On => "On",
            AuditEngineMode::Off => "Off",
            AuditEngineMode::RelevantOnly => "RelevantOnly",
        }
    }
}

/// `SecAuditLogFormat JSON|Native`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditLogFormat {
    /// ModSecurity v3's JSON format.
    Json,
    /// The native (v2-like) text format.
    Native,
}

impl AuditLogFormat {
    /// The SecLang spelling.
    pub fn name(self) -> &'static str {
        match self {
            AuditLogFormat::Json => "JSON",
            AuditLogFormat::Native => "Native",
        }
    }
}

/// `SecAuditLogType Serial|Concurrent|HTTPS` (`Parallel` is read as `Concurrent`, as ModSecurity
/// does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditLogType {
    /// One file.
    Serial,
    /// One file per transaction (`Concurrent` or `Parallel`).
    Concurrent,
    /// Sent to an HTTPS endpoint.
    Https,
}

impl AuditLogType {
    /// The SecLang spelling.
    pub fn name(self) -> &'static str {
        match self {
            AuditLogType::Serial => "Serial",
            AuditLogType::Concurrent => "Concurrent",
            AuditLogType::Https => "HTTPS",
        }
    }
}

/// `SecRemoteRulesFailAction Abort|Warn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RemoteRulesFailAction {
    /// Loading fails when remote rules cannot be fetched.
    Abort,
    /// A warning, and loading goes on.
    Warn,
}

impl RemoteRulesFailAction {
    /// The SecLang spelling.
    pub fn name(self) -> &'static str {
        match self {
            RemoteRulesFailAction::Abort => "Abort",
            RemoteRulesFailAction::Warn => "Warn",
        }
    }
}

/// `ctl:requestBodyProcessor=…` (ModSecurity v3 has no `MULTIPART` form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyProcessor {
    /// `JSON`.
    Json,
    /// `XML`.
    Xml,
    /// `URLENCODED`.
    UrlEncoded,
}

impl BodyProcessor {
    /// The SecLang spelling.
    pub fn name(self) -> &'static str {
        match self {
            BodyProcessor::Json => "JSON",
            BodyProcessor::Xml => "XML",
            BodyProcessor::UrlEncoded => "URLENCODED",
        }
    }
}

/// A set of audit log parts (`ABIJDEFHZ`), letters `A`–`K` and `Z`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AuditLogParts {
    bits: u32,
}

impl AuditLogParts {
    /// The letters ModSecurity v3 accepts, in canonical order.
    pub const LETTERS: &'static str = "ABCDEFGHIJKZ";

    /// The set of the letters in `text`, or the first letter that is not a part.
    pub fn from_letters(text: &str) -> Result<Self, char> {
        let mut parts = AuditLogParts::default();
        for c in text.chars() {
            match Self::LETTERS.find(c) {
                Some(i) => parts.bits |= 1 << i,
                None => return Err(c),
            }
        }
        Ok(parts)
    }

    /// True when the set holds `part`.
    pub fn contains(self, part: char) -> bool {
        Self::LETTERS
            .find(part)
            .is_some_and(|i| self.bits & (1 << i) != 0)
    }

    /// True when the set is empty.
    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// The letters of the set, in canonical order.
    pub fn letters(self) -> impl Iterator<Item = char> {
        Self::LETTERS
            .chars()
            .enumerate()
            .filter(move |(i, _)| self.bits & (1 << i) != 0)
            .map(|(_, c)| c)
    }
}

impl fmt::Display for AuditLogParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.letters() {
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// A rule ID or an inclusive range of IDs (`SecRuleRemoveById 1 2-5`, `ctl:ruleRemoveById=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdRange {
    /// The first ID.
    pub start: u64,
    /// The last ID (equal to `start` for a single ID).
    pub end: u64,
}

impl IdRange {
    /// A single ID.
    pub fn single(id: u64) -> Self {
        IdRange { start: id, end: id }
    }

    /// True when `id` is in the range.
    pub fn contains(self, id: u64) -> bool {
        self.start <= id && id <= self.end
    }
}

impl fmt::Display for IdRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_log_parts_are_a_set_in_canonical_order() {
        let p = AuditLogParts::from_letters("ZBAIJ").unwrap();
        assert_eq!(p.to_string(), "ABIJZ");
        assert!(p.contains('J') && !p.contains('C'));
        assert_eq!(AuditLogParts::from_letters("ABL"), Err('L'));
    }
}
