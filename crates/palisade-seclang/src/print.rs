//! The printer: any AST back to canonical SecLang, one directive per line.
//!
//! Canonical form: directive names, action names and keywords in their reference spelling;
//! variable lists unquoted; the operator and the action list in double quotes; numbers for
//! phases; severity names for levels 0–7. Values with a choice of quoting (`msg`, `tag`,
//! `setvar`, selectors, …) are written in the first form that ModSecurity's scanner reads back
//! as the same value: `'…'`, then bare, then `"…"`. The printer checks this by parsing each
//! candidate, so `parse(print(ast)) == ast` for every AST the parser can produce.
//!
//! ```
//! use palisade_seclang::{parse_str, FileId};
//! let out = parse_str("secrule ARGS:foo \"@rx ^a\" \"ID:1,PHASE:request,t:LOWERCASE\"", FileId(0));
//! assert_eq!(
//!     out.directives[0].to_string(),
//!     "SecRule ARGS:foo \"@rx ^a\" \"id:1,phase:2,t:lowercase\""
//! );
//! ```

use core::fmt;

use crate::MacroString;
use crate::ast::{
    Action, ActionKind, AllowScope, Ctl, Directive, DirectiveKind, Operator, Rule, Selector,
    SetVar, SetVarOp, Variable,
};
use crate::parse::{reparse_action, reparse_operator, reparse_variable};

impl fmt::Display for Directive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

/// Writes a list of actions as `"a,b,c"`.
struct ActionList<'a>(&'a [Action]);

impl fmt::Display for ActionList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        let last = self.0.len().saturating_sub(1);
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            // What follows the action decides which spellings read back: `,` or the closing `"`.
            let next = if i == last { '"' } else { ',' };
            f.write_str(&action_text(&a.kind, next))?;
        }
        f.write_str("\"")
    }
}

/// Writes variables as `A|B|!C:key`.
struct VariableList<'a>(&'a [Variable]);

impl fmt::Display for VariableList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            v.fmt(f)?;
        }
        Ok(())
    }
}

fn is_path(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'/' | b'.' | b'-' | b'*' | b':')
        })
}

/// A path bare when it can be, else in double quotes.
struct PathArg<'a>(&'a str);

impl fmt::Display for PathArg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_path(self.0) {
            f.write_str(self.0)
        } else {
            write!(f, "\"{}\"", self.0)
        }
    }
}

impl fmt::Display for Rule {
    /// `SecRule VARIABLES "OPERATOR" "ACTIONS"`. An unquoted operator (one whose argument holds
    /// a `"`) is followed by a tab: a space could be escaped by a trailing backslash.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.operator.to_string();
        let sep = if op.starts_with('"') { " " } else { "\t" };
        write!(
            f,
            "SecRule {} {op}{sep}{}",
            VariableList(&self.variables),
            ActionList(&self.actions)
        )
    }
}

impl fmt::Display for DirectiveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DirectiveKind as K;
        let name = self.name().name();
        match self {
            K::SecRule(rule) => rule.fmt(f),
            K::SecAction(actions) | K::SecDefaultAction(actions) => {
                write!(f, "{name} {}", ActionList(actions))
            }
            K::SecRuleScript { path, actions } => {
                write!(f, "{name} {} {}", PathArg(path), ActionList(actions))
            }
            K::SecMarker(m) => write!(f, "{name} \"{m}\""),
            K::Include(p) => write!(f, "{name} {}", PathArg(p)),
            K::SecRemoteRules { key, url } => write!(f, "{name} {key} {url}"),
            K::SecRemoteRulesFailAction(a) => write!(f, "{name} {}", a.name()),
            K::SecRuleEngine(m) => write!(f, "{name} {}", m.name()),
            K::SecRequestBodyAccess(b)
            | K::SecResponseBodyAccess(b)
            | K::SecXmlExternalEntity(b)
            | K::SecUploadKeepFiles(b)
            | K::SecTmpSaveUploadedFiles(b) => {
                write!(f, "{name} {}", if *b { "On" } else { "Off" })
            }
            K::SecRequestBodyLimit(n)
            | K::SecRequestBodyNoFilesLimit(n)
            | K::SecResponseBodyLimit(n)
            | K::SecRequestBodyJsonDepthLimit(n)
            | K::SecArgumentsLimit(n)
            | K::SecPcreMatchLimit(n)
            | K::SecUploadFileLimit(n) => write!(f, "{name} {n}"),
            K::SecRequestBodyLimitAction(a) | K::SecResponseBodyLimitAction(a) => {
                write!(f, "{name} {}", a.name())
            }
            K::SecResponseBodyMimeType(types) => write!(f, "{name} {}", types.join(" ")),
            K::SecResponseBodyMimeTypesClear => f.write_str(name),
            K::SecArgumentSeparator(c) => write!(f, "{name} {}", char::from(*c)),
            K::SecUnicodeMapFile { path, code_page } => write!(f, "{name} {path} {code_page}"),
            K::SecComponentSignature(t) => write!(f, "{name} \"{t}\""),
            // Bare (to the end of the line) unless the text needs the quotes.
            K::SecWebAppId(t) => {
                if t.contains(['"', '|'])
                    || t.starts_with(char::is_whitespace)
                    || t.ends_with(char::is_whitespace)
                {
                    write!(f, "{name} \"{t}\"")
                } else {
                    write!(f, "{name} {t}")
                }
            }
            K::SecRuleRemoveByTag(t) | K::SecRuleRemoveByMsg(t) => {
                if t.starts_with(char::is_whitespace) || t.ends_with(char::is_whitespace) {
                    write!(f, "{name} \"{t}\"")
                } else {
                    write!(f, "{name} {t}")
                }
            }
            K::SecHttpBlKey(t) | K::SecGeoLookupDb(t) => write!(f, "{name} {t}"),
            K::SecRuleRemoveById(ranges) => {
                f.write_str(name)?;
                for r in ranges {
                    write!(f, " {r}")?;
                }
                Ok(())
            }
            K::SecRuleUpdateTargetById { id, targets } => {
                write!(f, "{name} {id} {}", VariableList(targets))
            }
            K::SecRuleUpdateTargetByTag { tag: s, targets }
            | K::SecRuleUpdateTargetByMsg { msg: s, targets } => {
                write!(f, "{name} \"{s}\" {}", VariableList(targets))
            }
            K::SecRuleUpdateActionById { id, actions } => {
                write!(f, "{name} {id} {}", ActionList(actions))
            }
            K::SecDebugLogLevel(n) => write!(f, "{name} {n}"),
            K::SecAuditEngine(m) => write!(f, "{name} {}", m.name()),
            K::SecDebugLog(p)
            | K::SecAuditLog(p)
            | K::SecAuditLog2(p)
            | K::SecAuditLogStorageDir(p)
            | K::SecUploadDir(p) => write!(f, "{name} {p}"),
            K::SecAuditLogParts(parts) => write!(f, "{name} {parts}"),
            K::SecAuditLogFormat(v) => write!(f, "{name} {}", v.name()),
            K::SecAuditLogType(v) => write!(f, "{name} {}", v.name()),
            K::SecAuditLogDirMode(m) | K::SecAuditLogFileMode(m) | K::SecUploadFileMode(m) => {
                write!(f, "{name} {m:04o}")
            }
            K::SecAuditLogRelevantStatus(s) => {
                if s.contains('|') {
                    write!(f, "{name} \"{s}\"")
                } else {
                    write!(f, "{name} {s}")
                }
            }
            K::NoEffect { argument, .. } => write!(f, "{name} {argument}"),
        }
    }
}

impl fmt::Display for Variable {
    /// `!NAME:key`, `&NAME`, `NAME:/regex/` or `NAME:'/re|gex/'`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match (self.negated, self.count) {
            (true, _) => "!",
            (false, true) => "&",
            _ => "",
        };
        let name = self.name.name();
        match &self.selector {
            None => write!(f, "{prefix}{name}"),
            Some(Selector::Key(k) | Selector::XPath(k)) => {
                // An XPath or ENV key written `/x/` is read back without the slashes; keep it
                // anyway (the AST cannot hold such a value from a parse).
                write!(f, "{prefix}{name}:{k}")
            }
            Some(Selector::Regex(r)) => {
                let plain = format!("{prefix}{name}:/{r}/");
                let same = |text: &str| reparse_variable(text).is_some_and(|v| v == *self);
                if same(&plain) {
                    return f.write_str(&plain);
                }
                let quoted = format!("{prefix}{name}:'/{r}/'");
                if same(&quoted) {
                    return f.write_str(&quoted);
                }
                f.write_str(&plain)
            }
        }
    }
}

impl fmt::Display for Operator {
    /// `"@rx ARG"`, `"!@within ARG"`, `"@detectSQLi"`; unquoted (`@rx ARG`) when the argument
    /// holds a `"` that the quoted form cannot carry.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = if self.negated { "!" } else { "" };
        let name = self.name.name();
        if self.argument.segments.is_empty() {
            return write!(f, "\"{neg}@{name}\"");
        }
        let quoted = format!("\"{neg}@{name} {}\"", self.argument);
        if reparse_operator(&quoted).is_some_and(|o| o == *self) {
            return f.write_str(&quoted);
        }
        let bare = format!("{neg}@{name} {}", self.argument);
        if reparse_operator(&bare).is_some_and(|o| o == *self) {
            return f.write_str(&bare);
        }
        f.write_str(&quoted)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

/// The forms of a predicate value: `'…'`, bare, `"…"`.
fn predicate_forms(name: &str, value: &MacroString) -> Vec<String> {
    vec![
        format!("{name}:'{value}'"),
        format!("{name}:{value}"),
        format!("{name}:\"{value}\""),
    ]
}

fn setvar_forms(sv: &SetVar) -> Vec<String> {
    let body = match sv.op {
        SetVarOp::Delete => format!("!{}.{}", sv.collection.name().to_ascii_lowercase(), sv.key),
        SetVarOp::Set | SetVarOp::Add | SetVarOp::Sub => {
            let op = match sv.op {
                SetVarOp::Add => "=+",
                SetVarOp::Sub => "=-",
                _ => "=",
            };
            format!(
                "{}.{}{op}{}",
                sv.collection.name().to_ascii_lowercase(),
                sv.key,
                sv.value
            )
        }
    };
    let mut forms = vec![format!("setvar:'{body}'"), format!("setvar:{body}")];
    if sv.op == SetVarOp::Set && sv.value == MacroString::literal("1") {
        // `setvar:tx.key` sets 1; it also carries a key ending in `\` (which would escape `=`).
        let bare = format!("{}.{}", sv.collection.name().to_ascii_lowercase(), sv.key);
        forms.push(format!("setvar:'{bare}'"));
        forms.push(format!("setvar:{bare}"));
    }
    forms
}

fn ctl_text(ctl: &Ctl) -> String {
    let name = ctl.name();
    let on_off = |b: bool| if b { "On" } else { "Off" };
    match ctl {
        Ctl::AuditEngine(m) => format!("ctl:{name}={}", m.name()),
        Ctl::AuditLogParts { add, parts } => {
            format!("ctl:{name}={}{parts}", if *add { "+" } else { "-" })
        }
        Ctl::ForceRequestBodyVariable(b) | Ctl::RequestBodyAccess(b) => {
            format!("ctl:{name}={}", on_off(*b))
        }
        Ctl::RequestBodyProcessor(p) => format!("ctl:{name}={}", p.name()),
        Ctl::RuleEngine(m) => format!("ctl:{name}={}", m.name()),
        Ctl::RuleRemoveById(r) => format!("ctl:{name}={r}"),
        Ctl::RuleRemoveByTag(t) => format!("ctl:{name}={t}"),
        Ctl::RuleRemoveTargetById { id, target } => format!("ctl:{name}={id};{target}"),
        Ctl::RuleRemoveTargetByTag { tag, target } => format!("ctl:{name}={tag};{target}"),
    }
}

/// The candidate spellings of an action, best first.
fn action_forms(kind: &ActionKind) -> Vec<String> {
    use ActionKind as A;
    let name = kind.name();
    match kind {
        A::Accuracy(n) | A::Maturity(n) => vec![format!("{name}:'{n}'")],
        A::Allow(AllowScope::All) => vec![name.to_owned()],
        A::Allow(scope) => vec![format!("{name}:{scope}")],
        A::AuditLog
        | A::Block
        | A::Capture
        | A::Chain
        | A::Deny
        | A::Drop
        | A::Log
        | A::MultiMatch
        | A::NoAuditLog
        | A::NoLog
        | A::Pass => vec![name.to_owned()],
        A::Ctl(ctl) => vec![ctl_text(ctl)],
        A::Exec(p) => vec![format!("{name}:'{p}'"), format!("{name}:{p}")],
        A::ExpireVar(m)
        | A::LogData(m)
        | A::Msg(m)
        | A::Redirect(m)
        | A::SetEnv(m)
        | A::SetRsc(m)
        | A::SetSid(m)
        | A::SetUid(m)
        | A::Tag(m) => predicate_forms(name, m),
        A::Id(id) => vec![format!("{name}:{id}")],
        A::InitCol(ic) => {
            let col = ic.collection.name().to_ascii_lowercase();
            let k = &ic.key;
            vec![
                format!("{name}:{col}='{k}'"),
                format!("{name}:{col}={k}"),
                format!("{name}:{col}=\"{k}\""),
            ]
        }
        A::Phase(p) => vec![format!("{name}:{}", p.number())],
        // `'x\'` does not close: a `rev` ending in `\` (read from a bare token) stays bare.
        A::Rev(s) => vec![format!("{name}:'{s}'"), format!("{name}:{s}")],
        A::Ver(s) => vec![format!("{name}:'{s}'")],
        A::SetVar(sv) => setvar_forms(sv),
        A::Severity(s) => match s.name() {
            Some(n) => vec![format!("{name}:'{n}'")],
            None => vec![format!("{name}:'{}'", s.level)],
        },
        A::Skip(n) => vec![format!("{name}:{n}")],
        A::SkipAfter(m) => vec![format!("{name}:{m}")],
        A::Status(n) => vec![format!("{name}:{n}")],
        A::Transform(t) => vec![format!("t:{}", t.name())],
        A::XmlNs(x) => vec![format!("{name}:{}={}", x.prefix, x.uri)],
    }
}

/// The first spelling of `kind` that reads back as the same action when `next` follows it.
fn action_text(kind: &ActionKind, next: char) -> String {
    let mut forms = action_forms(kind);
    if forms.len() > 1
        && let Some(i) = forms
            .iter()
            .position(|s| reparse_action(s, next).is_some_and(|k| k == *kind))
    {
        return forms.swap_remove(i);
    }
    forms.into_iter().next().unwrap_or_default()
}

impl fmt::Display for ActionKind {
    /// The first spelling that reads back as the same action, as the last of an action list.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&action_text(self, '"'))
    }
}

#[cfg(test)]
mod tests {
    use crate::{FileId, parse_str};

    fn round_trip(text: &str) -> String {
        let first = parse_str(text, FileId(0));
        assert!(first.is_ok(), "{text}: {:?}", first.diagnostics);
        let printed: String = first.directives.iter().map(|d| format!("{d}\n")).collect();
        let second = parse_str(&printed, FileId(0));
        assert_eq!(first.directives, second.directives, "{printed}");
        printed
    }

    #[test]
    fn values_are_written_in_a_form_that_reads_back() {
        // A value ending in `\` keeps its bare form in the middle of the list.
        assert_eq!(
            round_trip("SecRule ARGS \"@rx a\" \"id:1,msg:abc\\,pass\"\n"),
            "SecRule ARGS \"@rx a\" \"id:1,msg:abc\\,pass\"\n"
        );
        // A setvar key ending in `\` is written without `=1`.
        assert_eq!(
            round_trip("SecAction \"id:1,setvar:'tx.k\\'\"\n"),
            "SecAction \"id:1,setvar:'tx.k\\'\"\n"
        );
        // A `'` in a msg needs another quoting.
        assert_eq!(
            round_trip("SecAction \"id:1,msg:it's,pass\"\n"),
            "SecAction \"id:1,msg:it's,pass\"\n"
        );
        assert_eq!(
            round_trip("SecAction \"id:1,msg:\"it's, ok\",pass\"\n"),
            "SecAction \"id:1,msg:\"it's, ok\",pass\"\n"
        );
        // An unquoted operator holding a `"` stays unquoted, followed by a tab.
        assert_eq!(
            round_trip("SecRule ARGS @rx a\"b \"id:1\"\n"),
            "SecRule ARGS @rx a\"b\t\"id:1\"\n"
        );
        // A `rev` ending in `\` stays bare (fuzz finding), at the end of the list or not.
        assert_eq!(
            round_trip("SecAction \"id:1,rev:abc\\,pass\"\n"),
            "SecAction \"id:1,rev:abc\\,pass\"\n"
        );
        assert_eq!(
            round_trip("SecAction \"id:1,rev:abc\\\"\n"),
            "SecAction \"id:1,rev:abc\\\"\n"
        );
        // A regular expression with `|` is written in quotes.
        assert_eq!(
            round_trip("SecRule ARGS:'/a|b/' \"@rx a\" \"id:1\"\n"),
            "SecRule ARGS:'/a|b/' \"@rx a\" \"id:1\"\n"
        );
    }
}
