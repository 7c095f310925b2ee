//! From the AST to a [`Ruleset`]: one pass for settings, `SecDefaultAction`s and exception
//! directives (which ModSecurity v3 applies to every rule, wherever they appear), one pass for
//! rules, chains and markers.

use std::collections::HashMap;
use std::sync::Arc;

use palisade_seclang::ast::{
    self, ActionKind, AllowScope, AuditEngineMode, BodyLimitAction, BodyProcessor, Ctl, Directive,
    DirectiveKind, EngineMode, SetVarOp,
};
use palisade_seclang::{FileTable, Span};
use palisade_transform::TransformId;

use super::chain::{ChainTrie, NodeId};
use super::macros::Macro;
use super::operator::CompiledOperator;
use super::rule::{
    AllowKind, BodyProcessorKind, CompiledRule, CtlAction, Disruptive, KeyExclusion, KeyRegex,
    RunAction, Selector, SetVarAction, SetVarKind, Target, TargetKind, ValueExclusion,
    XPathSelector,
};
use super::settings::{LimitAction, RuleEngine, Settings};
use super::{DefaultActions, Entry, Ruleset};
use crate::audit::{AuditEngine, AuditParts};
use crate::collection::keys::KeyInterner;
use crate::host::{HostLog, LogLevel};
use crate::persist::PersistentCollection;
use crate::var::{Collection, Var};

/// An error found while compiling: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// The directive, action or target at fault.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// What compilation needs besides the directives.
pub struct CompileInput<'a> {
    /// The directives, in load order (`Include`s expanded).
    pub directives: &'a [Directive],
    /// The files they came from (for rule file names in log lines).
    pub files: &'a FileTable,
    /// Where engine messages go (directives that mean nothing inside a library, …).
    pub log: &'a dyn HostLog,
    /// Where operator data files (`@pmFromFile`, `@ipMatchFromFile`) and the unicode map are
    /// read from.
    pub source: &'a dyn palisade_seclang::RuleSource,
}

#[derive(Default)]
struct Exceptions {
    remove_ids: Vec<(u64, u64)>,
    remove_tags: Vec<String>,
    remove_msgs: Vec<String>,
    targets_by_id: HashMap<u64, Vec<ast::Variable>>,
    targets_by_tag: Vec<(String, Vec<ast::Variable>)>,
    targets_by_msg: Vec<(String, Vec<ast::Variable>)>,
    actions_by_id: HashMap<u64, Vec<ast::Action>>,
}

struct Compiler<'a> {
    input: &'a CompileInput<'a>,
    keys: KeyInterner,
    chains: ChainTrie,
    rules: Vec<CompiledRule>,
    phases: [Vec<Entry>; 6],
    defaults: [DefaultActions; 6],
    markers: Vec<Box<str>>,
    marker_ids: HashMap<String, u32>,
    settings: Settings,
    files: Vec<Arc<str>>,
    file_ids: HashMap<u32, u32>,
    errors: Vec<CompileError>,
    exceptions: Exceptions,
    seen_ids: HashMap<i64, Span>,
    directive_rules: usize,
    transform: crate::transform::TransformSettings,
    geo: Option<Arc<palisade_match::GeoDatabase>>,
    /// Compiled operator parts shared by identical arguments (dropped after compiling).
    cache: palisade_match::CompileCache,
    /// Key regexes by source, shared by every target, exclusion and `ctl` that writes the
    /// same one (CRS repeats `!REQUEST_COOKIES:/__utm/` on many rules); dropped after
    /// compiling.
    key_regexes: HashMap<String, Result<Arc<KeyRegex>, String>>,
}

/// Compiles directives into a ruleset, or returns every error found.
pub fn compile(input: &CompileInput<'_>) -> Result<Ruleset, Vec<CompileError>> {
    let mut c = Compiler {
        input,
        keys: KeyInterner::default(),
        chains: ChainTrie::default(),
        rules: Vec::new(),
        phases: Default::default(),
        defaults: Default::default(),
        markers: Vec::new(),
        marker_ids: HashMap::new(),
        settings: Settings::default(),
        files: Vec::new(),
        file_ids: HashMap::new(),
        errors: Vec::new(),
        exceptions: Exceptions::default(),
        seen_ids: HashMap::new(),
        key_regexes: HashMap::new(),
        directive_rules: 0,
        transform: crate::transform::TransformSettings::default(),
        geo: None,
        cache: palisade_match::CompileCache::new(),
    };
    for d in input.directives {
        c.first_pass(d);
    }
    c.rules_pass();
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    mark_eager_messages(&mut c.rules, &c.defaults);
    let prefilter = build_prefilter(&mut c.rules);
    let target_sets = assign_target_sets(&mut c.rules, &prefilter);
    let mut tag_index: HashMap<Box<str>, Vec<u32>> = HashMap::new();
    let mut id_index: HashMap<i64, Vec<u32>> = HashMap::new();
    for (i, r) in c.rules.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        for t in &r.tag_names {
            let v = tag_index.entry(t.clone()).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
        id_index.entry(r.id).or_default().push(i);
    }
    Ok(Ruleset {
        prefilter,
        tag_index,
        id_index,
        target_sets,
        rules: c.rules,
        phases: c.phases,
        defaults: c.defaults,
        markers: c.markers,
        settings: c.settings,
        keys: c.keys,
        chains: c.chains,
        files: c.files,
        directive_rules: c.directive_rules,
        transform: c.transform,
    })
}

impl Ruleset {
    /// Builds every regex automaton now. By default `@rx`, `@rxGlobal` and `@verify*`
    /// patterns are checked when the ruleset is compiled (a bad pattern fails the load) but
    /// their automata are built the first time a transaction runs them, which makes loading
    /// several times faster and leaves the patterns the prefilter never lets through unbuilt
    /// (see `palisade_match::pcre::PcreRegex`). Hosts that would rather pay the whole cost
    /// before the first request call this once after loading; it is safe to call from any
    /// thread, at any time, any number of times. Returns the number of operators whose build
    /// failed, which the checks at load rule out (always 0).
    pub fn compile_regexes(&self) -> usize {
        self.rules
            .iter()
            .filter_map(|r| r.operator.as_ref())
            .filter(|op| !op.compile_now())
            .count()
    }
}

fn engine_mode(m: EngineMode) -> RuleEngine {
    match m {
        EngineMode::On => RuleEngine::On,
        EngineMode::Off => RuleEngine::Off,
        EngineMode::DetectionOnly => RuleEngine::DetectionOnly,
    }
}

fn audit_mode(m: AuditEngineMode) -> AuditEngine {
    match m {
        AuditEngineMode::On => AuditEngine::On,
        AuditEngineMode::Off => AuditEngine::Off,
        AuditEngineMode::RelevantOnly => AuditEngine::RelevantOnly,
    }
}

fn limit_action(a: BodyLimitAction) -> LimitAction {
    match a {
        BodyLimitAction::Reject => LimitAction::Reject,
        BodyLimitAction::ProcessPartial => LimitAction::ProcessPartial,
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The text of a target as ModSecurity keeps it for `ctl:ruleRemoveTarget…` (`ARGS:foo`).
fn target_text(v: &ast::Variable) -> String {
    let mut s = v.name.name().to_owned();
    match &v.selector {
        Some(ast::Selector::Key(k)) => {
            s.push(':');
            s.push_str(k);
        }
        Some(ast::Selector::Regex(r)) => {
            s.push_str(":/");
            s.push_str(r);
            s.push('/');
        }
        Some(ast::Selector::XPath(x)) => {
            s.push(':');
            s.push_str(x);
        }
        None => {}
    }
    s
}

/// ModSecurity's `m_fullName` of a target.
fn full_name(v: &ast::Variable) -> String {
    let mut s = v.name.name().to_owned();
    match &v.selector {
        Some(ast::Selector::Key(k)) => {
            s.push(':');
            s.push_str(k);
        }
        Some(ast::Selector::Regex(r)) => {
            s.push_str(":regex(");
            s.push_str(r);
            s.push(')');
        }
        Some(ast::Selector::XPath(x)) => {
            s.push(':');
            s.push_str(x);
        }
        None => {}
    }
    s
}

/// ModSecurity's `Variable::operator==` between two targets.
fn same_variable(a: &ast::Variable, b: &ast::Variable) -> bool {
    a.name == b.name && full_name(a) == full_name(b)
}

impl Compiler<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(CompileError {
            span,
            message: message.into(),
        });
    }

    fn note(&self, level: LogLevel, message: String) {
        self.input.log.log(level, &message);
    }

    fn file_index(&mut self, span: Span) -> u32 {
        if let Some(&i) = self.file_ids.get(&span.file.0) {
            return i;
        }
        let name: Arc<str> = self
            .input
            .files
            .get(span.file)
            .map(|f| Arc::from(f.path.to_string_lossy().as_ref()))
            .unwrap_or_else(|| Arc::from("<rules>"));
        let i = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.push(name);
        self.file_ids.insert(span.file.0, i);
        i
    }

    fn marker_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.marker_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.markers.len()).unwrap_or(u32::MAX);
        self.markers.push(name.into());
        self.marker_ids.insert(name.to_owned(), id);
        id
    }

    fn first_pass(&mut self, d: &Directive) {
        let s = &mut self.settings;
        match &d.kind {
            DirectiveKind::SecRuleEngine(m) => s.rule_engine = engine_mode(*m),
            DirectiveKind::SecRequestBodyAccess(b) => s.request_body_access = Some(*b),
            DirectiveKind::SecResponseBodyAccess(b) => s.response_body_access = *b,
            DirectiveKind::SecRequestBodyLimit(n) => s.request_body_limit = Some(*n),
            DirectiveKind::SecRequestBodyNoFilesLimit(n) => {
                s.request_body_no_files_limit = Some(*n)
            }
            DirectiveKind::SecRequestBodyLimitAction(a) => {
                s.request_body_limit_action = limit_action(*a)
            }
            DirectiveKind::SecResponseBodyLimit(n) => s.response_body_limit = Some(*n),
            DirectiveKind::SecResponseBodyLimitAction(a) => {
                s.response_body_limit_action = limit_action(*a)
            }
            DirectiveKind::SecResponseBodyMimeType(types) => s
                .response_body_mime_types
                .get_or_insert_with(Vec::new)
                .extend(types.iter().cloned()),
            DirectiveKind::SecResponseBodyMimeTypesClear => {
                s.response_body_mime_types = Some(Vec::new())
            }
            DirectiveKind::SecRequestBodyJsonDepthLimit(n) => s.json_depth_limit = Some(*n),
            DirectiveKind::SecArgumentsLimit(n) => s.arguments_limit = Some(*n),
            DirectiveKind::SecArgumentSeparator(b) => s.argument_separator = *b,
            DirectiveKind::SecWebAppId(id) => s.web_app_id = id.clone(),
            DirectiveKind::SecComponentSignature(c) => s.components.push(c.clone()),
            DirectiveKind::SecAuditEngine(m) => s.audit_engine = audit_mode(*m),
            DirectiveKind::SecAuditLogParts(p) => {
                s.audit_parts = AuditParts::parse(&p.to_string());
            }
            DirectiveKind::SecAuditLogRelevantStatus(re) => match regex::bytes::Regex::new(re) {
                Ok(r) => s.audit_relevant_status = Some(r),
                Err(e) => {
                    let msg = format!("SecAuditLogRelevantStatus: bad expression: {e}");
                    self.error(d.span, msg);
                }
            },
            DirectiveKind::SecUploadFileLimit(n) => s.upload_file_limit = Some(*n),
            DirectiveKind::SecXmlExternalEntity(b) => s.xml_external_entity = *b,
            DirectiveKind::SecUploadKeepFiles(b) | DirectiveKind::SecTmpSaveUploadedFiles(b) => {
                s.upload_keep_files |= *b
            }
            DirectiveKind::SecDefaultAction(actions) => self.default_action(d.span, actions),
            DirectiveKind::SecRuleRemoveById(ranges) => self
                .exceptions
                .remove_ids
                .extend(ranges.iter().map(|r| (r.start, r.end))),
            DirectiveKind::SecRuleRemoveByTag(t) => self.exceptions.remove_tags.push(t.clone()),
            DirectiveKind::SecRuleRemoveByMsg(m) => self.exceptions.remove_msgs.push(m.clone()),
            DirectiveKind::SecRuleUpdateTargetById { id, targets } => self
                .exceptions
                .targets_by_id
                .entry(*id)
                .or_default()
                .extend(targets.iter().cloned()),
            DirectiveKind::SecRuleUpdateTargetByTag { tag, targets } => self
                .exceptions
                .targets_by_tag
                .push((tag.clone(), targets.clone())),
            DirectiveKind::SecRuleUpdateTargetByMsg { msg, targets } => self
                .exceptions
                .targets_by_msg
                .push((msg.clone(), targets.clone())),
            DirectiveKind::SecRuleUpdateActionById { id, actions } => self
                .exceptions
                .actions_by_id
                .entry(*id)
                .or_default()
                .extend(actions.iter().cloned()),
            DirectiveKind::SecMarker(name) => {
                self.marker_id(name);
            }
            DirectiveKind::SecGeoLookupDb(path) => {
                let file = self.input.files.get(d.span.file).map(|f| f.path.clone());
                let full = palisade_seclang::resolve_relative(file.as_deref(), path);
                match self.input.source.read(&full) {
                    Ok(bytes) => match palisade_match::GeoDatabase::from_bytes(bytes) {
                        Ok(db) => self.geo = Some(Arc::new(db)),
                        Err(e) => self.error(d.span, format!("SecGeoLookupDb: {e}")),
                    },
                    Err(e) => self.error(d.span, format!("SecGeoLookupDb: {e}")),
                }
            }
            DirectiveKind::SecUnicodeMapFile { path, code_page } => {
                let file = self.input.files.get(d.span.file).map(|f| f.path.clone());
                let full = palisade_seclang::resolve_relative(file.as_deref(), path);
                match self.input.source.read(&full) {
                    Ok(bytes) => {
                        match palisade_transform::UnicodeMap::parse(&bytes, f64::from(*code_page)) {
                            Ok(map) => {
                                self.transform =
                                    std::mem::take(&mut self.transform).with_unicode_map(map);
                            }
                            Err(e) => self.error(d.span, format!("SecUnicodeMapFile: {e}")),
                        }
                    }
                    Err(e) => self.error(d.span, format!("SecUnicodeMapFile: {e}")),
                }
            }
            DirectiveKind::SecRule(_) | DirectiveKind::SecAction(_) | DirectiveKind::Include(_) => {
            }
            DirectiveKind::SecRuleScript { .. } => {
                self.error(
                    d.span,
                    "SecRuleScript needs Lua, which Palisade does not run",
                );
            }
            DirectiveKind::SecRemoteRules { .. } => self.error(
                d.span,
                "SecRemoteRules: Palisade loads no rules over the network; fetch the file and \
                 load it instead",
            ),
            other => {
                self.note(
                    LogLevel::Info,
                    format!(
                        "{} has no effect inside the Palisade library (the host decides where \
                         logs and files go)",
                        other.name().name()
                    ),
                );
            }
        }
    }

    fn default_action(&mut self, span: Span, actions: &[ast::Action]) {
        let phase = ast::phase_of(actions).map_or(1, |p| p.number());
        let mut def = DefaultActions::default();
        for a in actions {
            match &a.kind {
                ActionKind::Phase(_) => {}
                ActionKind::Transform(TransformId::None) => {}
                ActionKind::Transform(t) => def.transforms.push(*t),
                ActionKind::Block => {}
                k if k.is_disruptive() => def.disruptive = self.disruptive(k),
                k => {
                    if let Some(r) = self.run_action(a.span, k, true) {
                        def.actions.push(r);
                    }
                }
            }
        }
        match self.defaults.get_mut(usize::from(phase)) {
            Some(slot) => *slot = def,
            None => self.error(span, format!("SecDefaultAction: unknown phase {phase}")),
        }
    }

    fn disruptive(&mut self, k: &ActionKind) -> Option<Disruptive> {
        Some(match k {
            ActionKind::Deny => Disruptive::Deny,
            ActionKind::Drop => Disruptive::Drop,
            ActionKind::Pass => Disruptive::Pass,
            ActionKind::Allow(s) => Disruptive::Allow(match s {
                AllowScope::All => AllowKind::All,
                AllowScope::Request => AllowKind::Request,
                AllowScope::Phase => AllowKind::Phase,
            }),
            ActionKind::Redirect(m) => Disruptive::Redirect(Macro::compile(m, &mut self.keys)),
            _ => return None,
        })
    }

    fn setvar(&mut self, sv: &ast::SetVar) -> Option<SetVarAction> {
        let collection = match Var::from_name(sv.collection.name()) {
            Some(Var::Collection(c)) => c,
            _ => return None,
        };
        let key = Macro::compile(&sv.key, &mut self.keys);
        let key_id = key.as_literal().map(|k| self.keys.intern(k));
        let key_hash = key
            .as_literal()
            .map_or(0, crate::collection::stl_order::key_hash);
        Some(SetVarAction {
            collection,
            key,
            key_id,
            key_hash,
            op: match sv.op {
                SetVarOp::Set => SetVarKind::Set,
                SetVarOp::Add => SetVarKind::Add,
                SetVarOp::Sub => SetVarKind::Sub,
                SetVarOp::Delete => SetVarKind::Delete,
            },
            value: Macro::compile(&sv.value, &mut self.keys),
        })
    }

    /// An action for the generic after-match list (`generic`: msg/logdata/… included, as they
    /// are in `SecDefaultAction` and `SecRuleUpdateActionById`).
    fn run_action(&mut self, span: Span, k: &ActionKind, generic: bool) -> Option<RunAction> {
        Some(match k {
            ActionKind::Log => RunAction::Log,
            ActionKind::NoLog => RunAction::NoLog,
            ActionKind::AuditLog => RunAction::AuditLog,
            ActionKind::NoAuditLog => RunAction::NoAuditLog,
            ActionKind::Block => RunAction::Block,
            ActionKind::Status(s) => RunAction::Status(*s),
            ActionKind::Ctl(c) => RunAction::Ctl(self.ctl(c)),
            ActionKind::Skip(n) => RunAction::Skip(*n),
            ActionKind::SkipAfter(m) => RunAction::SkipAfter(self.marker_id(m)),
            ActionKind::InitCol(ic) => {
                let col = match Var::from_name(ic.collection.name()) {
                    Some(Var::Collection(c)) => c.persistent(),
                    _ => None,
                };
                match col {
                    Some(p) => {
                        RunAction::OpenCollection(p, Macro::compile(&ic.key, &mut self.keys))
                    }
                    None => {
                        self.error(
                            span,
                            "initcol: the collection must be ip, global or resource",
                        );
                        return None;
                    }
                }
            }
            ActionKind::SetSid(m) => RunAction::OpenCollection(
                PersistentCollection::Session,
                Macro::compile(m, &mut self.keys),
            ),
            ActionKind::SetUid(m) => RunAction::OpenCollection(
                PersistentCollection::User,
                Macro::compile(m, &mut self.keys),
            ),
            ActionKind::SetRsc(m) => RunAction::OpenCollection(
                PersistentCollection::Resource,
                Macro::compile(m, &mut self.keys),
            ),
            ActionKind::ExpireVar(m) => RunAction::ExpireVar(Macro::compile(m, &mut self.keys)),
            ActionKind::SetEnv(m) => RunAction::SetEnv(Macro::compile(m, &mut self.keys)),
            ActionKind::Exec(_) => {
                self.error(span, "exec needs Lua, which Palisade does not run");
                return None;
            }
            ActionKind::XmlNs(_) => RunAction::Nothing,
            ActionKind::Msg(m) if generic => RunAction::Msg(Macro::compile(m, &mut self.keys)),
            ActionKind::LogData(m) if generic => {
                RunAction::LogData(Macro::compile(m, &mut self.keys))
            }
            ActionKind::Tag(m) if generic => RunAction::Tag(Macro::compile(m, &mut self.keys)),
            ActionKind::Severity(s) if generic => {
                RunAction::Severity(u8::try_from(s.level).unwrap_or(u8::MAX))
            }
            ActionKind::SetVar(sv) if generic => RunAction::SetVar(self.setvar(sv)?),
            ActionKind::Capture | ActionKind::MultiMatch if generic => RunAction::Nothing,
            _ => return None,
        })
    }

    fn ctl(&mut self, c: &Ctl) -> CtlAction {
        match c {
            Ctl::AuditEngine(m) => CtlAction::AuditEngine(audit_mode(*m)),
            Ctl::AuditLogParts { add, parts } => CtlAction::AuditLogParts {
                add: *add,
                parts: parts.to_string(),
            },
            Ctl::ForceRequestBodyVariable(_) => CtlAction::ForceRequestBodyVariable,
            Ctl::RequestBodyAccess(b) => CtlAction::RequestBodyAccess(*b),
            Ctl::RequestBodyProcessor(p) => CtlAction::RequestBodyProcessor(match p {
                BodyProcessor::Json => BodyProcessorKind::Json,
                BodyProcessor::Xml => BodyProcessorKind::Xml,
                BodyProcessor::UrlEncoded => BodyProcessorKind::UrlEncoded,
            }),
            Ctl::RuleEngine(m) => CtlAction::RuleEngine(engine_mode(*m)),
            Ctl::RuleRemoveById(r) => {
                CtlAction::RuleRemoveById(vec![(to_i64(r.start), to_i64(r.end))])
            }
            Ctl::RuleRemoveByTag(t) => CtlAction::RuleRemoveByTag(t.as_str().into()),
            Ctl::RuleRemoveTargetById { id, target } => {
                CtlAction::RuleRemoveTargetById(to_i64(*id), target_text(target).into())
            }
            Ctl::RuleRemoveTargetByTag { tag, target } => {
                CtlAction::RuleRemoveTargetByTag(tag.as_str().into(), target_text(target).into())
            }
        }
    }

    fn target(&mut self, v: &ast::Variable) -> Option<Target> {
        let kind = match Var::from_name(v.name.name()) {
            Some(Var::Scalar(s)) => TargetKind::Scalar(s),
            Some(Var::Collection(c)) => {
                let sel = match &v.selector {
                    None => Selector::All,
                    Some(ast::Selector::Key(k)) => {
                        Selector::Key(self.keys.intern(k.as_bytes()), k.as_bytes().into())
                    }
                    Some(ast::Selector::Regex(r)) => match self.key_regex(r) {
                        Ok(re) => Selector::Regex(re),
                        Err(e) => {
                            self.error(v.span, format!("bad regular expression in target: {e}"));
                            return None;
                        }
                    },
                    Some(ast::Selector::XPath(x)) => {
                        let path = match palisade_request::xml::XPath::compile(x) {
                            Ok(p) => Some(p),
                            Err(e) => {
                                self.note(
                                    LogLevel::Warning,
                                    format!(
                                        "{}:{}: XML:{x} selects nothing: {e}",
                                        self.input
                                            .files
                                            .get(v.span.file)
                                            .map(|f| f.path.display().to_string())
                                            .unwrap_or_default(),
                                        v.span.line
                                    ),
                                );
                                None
                            }
                        };
                        Selector::XPath(Arc::new(XPathSelector {
                            source: x.as_str().into(),
                            path,
                            namespaces: Vec::new(),
                        }))
                    }
                };
                TargetKind::Collection(c, sel)
            }
            None => {
                self.error(
                    v.span,
                    format!("variable {} is not supported", v.name.name()),
                );
                return None;
            }
        };
        Some(Target {
            kind,
            count: v.count,
            exclusions: Vec::new(),
            full_name: full_name(v).into(),
            id: u32::MAX,
        })
    }

    /// The compiled key regex of `source`, compiled once per distinct source.
    fn key_regex(&mut self, source: &str) -> Result<Arc<KeyRegex>, String> {
        if let Some(known) = self.key_regexes.get(source) {
            return known.clone();
        }
        let index = u32::try_from(self.key_regexes.len()).unwrap_or(u32::MAX);
        let compiled = KeyRegex::new(source).map(|mut k| {
            k.index = index;
            Arc::new(k)
        });
        self.key_regexes
            .insert(source.to_string(), compiled.clone());
        compiled
    }

    fn key_exclusion(&mut self, v: &ast::Variable) -> Option<KeyExclusion> {
        match &v.selector {
            Some(ast::Selector::Key(k)) => Some(KeyExclusion::Key(
                self.keys.intern(k.as_bytes()),
                k.as_bytes().into(),
            )),
            Some(ast::Selector::Regex(r)) => self.key_regex(r).ok().map(KeyExclusion::Regex),
            None => Some(KeyExclusion::Key(
                self.keys.intern(b""),
                Box::from(&b""[..]),
            )),
            Some(ast::Selector::XPath(_)) => None,
        }
    }

    fn rules_pass(&mut self) {
        let directives = self.input.directives;
        let mut open_chain: Option<u32> = None;
        for d in directives {
            match &d.kind {
                DirectiveKind::SecRule(rule) => {
                    self.directive_rules += 1;
                    let parent = open_chain;
                    let Some(idx) = self.compile_rule(
                        d.span,
                        Some(rule),
                        &rule.actions,
                        parent.map(|p| self.chain_start(p)),
                    ) else {
                        open_chain = None;
                        continue;
                    };
                    match parent {
                        Some(p) => {
                            if let Some(r) = self.rules.get_mut(p as usize) {
                                r.next = Some(idx);
                            }
                        }
                        None => self.push_entry(idx),
                    }
                    open_chain = if rule.is_chained() { Some(idx) } else { None };
                }
                DirectiveKind::SecAction(actions) => {
                    self.directive_rules += 1;
                    if let Some(idx) = self.compile_rule(d.span, None, actions, None) {
                        self.push_entry(idx);
                    }
                }
                DirectiveKind::SecMarker(name) => {
                    let id = self.marker_id(name);
                    for p in self.phases.iter_mut() {
                        p.push(Entry::Marker(id));
                    }
                }
                _ => {}
            }
        }
    }

    fn chain_start(&self, mut idx: u32) -> u32 {
        while let Some(p) = self.rules.get(idx as usize).and_then(|r| r.parent) {
            idx = p;
        }
        idx
    }

    fn push_entry(&mut self, idx: u32) {
        let Some(rule) = self.rules.get(idx as usize) else {
            return;
        };
        let removed = self.is_removed(rule);
        let phase = usize::from(rule.phase);
        if let Some(list) = self.phases.get_mut(phase) {
            list.push(Entry::Rule {
                index: idx,
                removed,
            });
        }
    }

    fn is_removed(&self, rule: &CompiledRule) -> bool {
        let id = u64::try_from(rule.id).unwrap_or(0);
        if self
            .exceptions
            .remove_ids
            .iter()
            .any(|&(a, b)| a <= id && id <= b)
        {
            return true;
        }
        if let Some(m) = rule.msg.as_ref().and_then(|m| m.as_literal())
            && self
                .exceptions
                .remove_msgs
                .iter()
                .any(|x| x.as_bytes() == m)
        {
            return true;
        }
        self.exceptions.remove_tags.iter().any(|t| rule.has_tag(t))
    }

    /// Compiles one rule or link; `starter` is the chain's first rule for links.
    fn compile_rule(
        &mut self,
        span: Span,
        rule: Option<&ast::Rule>,
        actions: &[ast::Action],
        starter: Option<u32>,
    ) -> Option<u32> {
        let file = self.file_index(span);
        let idx = u32::try_from(self.rules.len()).unwrap_or(u32::MAX);
        let mut id: i64 = 0;
        let mut phase: Option<u8> = None;
        let mut transforms: Vec<TransformId> = Vec::new();
        let mut has_none = false;
        let mut xmlns: Vec<(Box<str>, Box<str>)> = Vec::new();
        let mut r = CompiledRule {
            id: 0,
            phase: 1,
            file,
            line: span.line,
            targets: Vec::new(),
            value_exclusions: Vec::new(),
            operator: None,
            chain: ChainTrie::ROOT,
            chain_steps: Vec::new(),
            chain_text: "".into(),
            capture: false,
            multi_match: false,
            msg: None,
            logdata: None,
            severity: None,
            tags: Vec::new(),
            rev: Arc::from(""),
            ver: Arc::from(""),
            maturity: 0,
            accuracy: 0,
            setvars: Vec::new(),
            actions: Vec::new(),
            update_actions: Vec::new(),
            update_disruptive: None,
            disruptive: None,
            has_block: false,
            chained: false,
            next: None,
            parent: starter,
            tag_names: Vec::new(),
            opens_collection: false,
            prefilter_slot: u32::MAX,
            target_set: u32::MAX,
            reads_xml: false,
            skippable: false,
            group_mask: None,
            root_group_mask: None,
            eager_msg: false,
        };
        for a in actions {
            match &a.kind {
                ActionKind::Id(n) => id = to_i64(*n),
                ActionKind::Phase(p) => phase = Some(p.number()),
                ActionKind::Chain => r.chained = true,
                ActionKind::Rev(s) => r.rev = Arc::from(s.as_str()),
                ActionKind::Ver(s) => r.ver = Arc::from(s.as_str()),
                ActionKind::Maturity(n) => r.maturity = i32::try_from(*n).unwrap_or(i32::MAX),
                ActionKind::Accuracy(n) => r.accuracy = i32::try_from(*n).unwrap_or(i32::MAX),
                ActionKind::Transform(t) => {
                    if *t == TransformId::None {
                        has_none = true;
                        transforms.clear();
                    } else {
                        transforms.push(*t);
                    }
                }
                ActionKind::Capture => r.capture = true,
                ActionKind::XmlNs(x) => {
                    xmlns.push((x.prefix.as_str().into(), x.uri.as_str().into()))
                }
                ActionKind::MultiMatch => r.multi_match = true,
                ActionKind::Severity(s) => {
                    r.severity = Some(u8::try_from(s.level).unwrap_or(u8::MAX))
                }
                ActionKind::LogData(m) => r.logdata = Some(Macro::compile(m, &mut self.keys)),
                ActionKind::Msg(m) => r.msg = Some(Macro::compile(m, &mut self.keys)),
                ActionKind::SetVar(sv) => {
                    if let Some(s) = self.setvar(sv) {
                        r.setvars.push(s);
                    }
                }
                ActionKind::Tag(m) => {
                    let c = Macro::compile(m, &mut self.keys);
                    r.tag_names.push(m.to_string().into());
                    r.tags.push(c);
                }
                ActionKind::Block => {
                    r.has_block = true;
                    r.actions.push(RunAction::Block);
                }
                k if k.is_disruptive() => {
                    if starter.is_some() {
                        self.error(
                            a.span,
                            "Disruptive actions can only be specified by chain starter rules.",
                        );
                    }
                    r.disruptive = self.disruptive(k);
                }
                k => {
                    if let Some(x) = self.run_action(a.span, k, false) {
                        r.actions.push(x);
                    }
                }
            }
        }
        // Phase: links take their chain's; rules default to phase 1 (ModSecurity v3's
        // RequestHeadersPhase default).
        r.phase = match starter.and_then(|s| self.rules.get(s as usize)) {
            Some(s) => s.phase,
            None => phase.unwrap_or(1),
        };
        if starter.is_none() && rule.is_some() {
            if id == 0 {
                self.error(span, "Rules must have an ID.");
            } else if let Some(prev) = self.seen_ids.insert(id, span) {
                let _ = prev;
                self.error(span, format!("Rule id: {id} is duplicated"));
            }
        }
        r.id = if starter.is_some() { 0 } else { id };

        // Transformations: SecDefaultAction's first unless the rule has t:none.
        let mut chain: Vec<TransformId> = Vec::new();
        if !has_none && let Some(d) = self.defaults.get(usize::from(r.phase)) {
            chain.extend(d.transforms.iter().copied());
        }
        chain.extend(transforms);

        // SecRuleUpdateActionById.
        if let Some(update) = u64::try_from(r.id)
            .ok()
            .filter(|&i| i != 0)
            .and_then(|i| self.exceptions.actions_by_id.get(&i).cloned())
        {
            let mut pre: Vec<TransformId> = Vec::new();
            for a in &update {
                match &a.kind {
                    ActionKind::Transform(TransformId::None) => pre.clear(),
                    ActionKind::Transform(t) => pre.push(*t),
                    k if k.is_disruptive() && !matches!(k, ActionKind::Block) => {
                        if let Some(d) = self.disruptive(k) {
                            r.update_actions.push(RunAction::Disrupt(d));
                        }
                    }
                    k => {
                        if let Some(x) = self.run_action(a.span, k, true) {
                            r.update_actions.push(x);
                        }
                    }
                }
            }
            chain.extend(pre);
        }
        r.opens_collection = r
            .actions
            .iter()
            .any(|a| matches!(a, RunAction::OpenCollection(..)));
        r.chain = self.chains.intern(&chain);
        r.chain_steps = self.chains.path_nodes(r.chain);
        r.chain_text = chain
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(",")
            .into();

        if let Some(rule) = rule {
            self.compile_targets(&mut r, rule);
            if !xmlns.is_empty() {
                with_namespaces(&mut r.targets, &xmlns);
            }
            let rule_file = self.input.files.get(span.file).map(|f| f.path.clone());
            let mut ctx =
                palisade_match::CompileContext::new(self.input.source).with_cache(&self.cache);
            if let Some(p) = rule_file.as_deref() {
                ctx = ctx.with_rule_file(p);
            }
            if let Some(db) = &self.geo {
                ctx = ctx.with_geo_database(db.clone());
            }
            match CompiledOperator::compile(
                rule.operator.name,
                rule.operator.negated,
                &rule.operator.argument,
                &ctx,
            ) {
                Ok(op) => r.operator = Some(op),
                Err(e) => self.error(rule.operator.span, e),
            }
        }
        self.rules.push(r);
        Some(idx)
    }

    fn compile_targets(&mut self, r: &mut CompiledRule, rule: &ast::Rule) {
        let (negated, plain): (Vec<&ast::Variable>, Vec<&ast::Variable>) =
            rule.variables.iter().partition(|v| v.negated);

        // Exceptions from SecRuleUpdateTargetBy{Tag,Msg,Id}.
        let mut excluded: Vec<ast::Variable> = Vec::new();
        let mut added: Vec<ast::Variable> = Vec::new();
        let msg_lit = r
            .msg
            .as_ref()
            .and_then(|m| m.as_literal())
            .map(<[u8]>::to_vec);
        let mut sources: Vec<ast::Variable> = Vec::new();
        for (tag, targets) in &self.exceptions.targets_by_tag {
            if r.has_tag(tag) {
                sources.extend(targets.iter().cloned());
            }
        }
        for (msg, targets) in &self.exceptions.targets_by_msg {
            if msg_lit.as_deref() == Some(msg.as_bytes()) {
                sources.extend(targets.iter().cloned());
            }
        }
        if let Some(targets) = u64::try_from(r.id)
            .ok()
            .filter(|&i| i != 0)
            .and_then(|i| self.exceptions.targets_by_id.get(&i))
        {
            // ModSecurity keeps them in a multimap that yields the latest first.
            sources.extend(targets.iter().rev().cloned());
        }
        for v in sources {
            if v.negated {
                excluded.push(v);
            } else {
                added.push(v);
            }
        }

        for v in plain {
            if negated.iter().any(|e| same_variable(e, v))
                || excluded.iter().any(|e| same_variable(e, v))
            {
                continue;
            }
            let Some(mut t) = self.target(v) else {
                continue;
            };
            for e in &negated {
                if e.name == v.name
                    && let Some(k) = self.key_exclusion(e)
                {
                    t.exclusions.push(k);
                }
            }
            r.targets.push(t);
        }
        for v in &added {
            if let Some(t) = self.target(v) {
                r.targets.push(t);
            }
        }
        for e in &excluded {
            match &e.selector {
                Some(ast::Selector::Regex(re)) => {
                    if let Ok(k) = self.key_regex(re) {
                        r.value_exclusions.push(ValueExclusion::KeyRegex(k));
                    }
                }
                _ => r
                    .value_exclusions
                    .push(ValueExclusion::Name(full_name(e).into_bytes().into())),
            }
        }
    }
}

/// Gives the rule's `xmlns` prefixes to its `XML:` targets (ModSecurity registers them for
/// each XPath evaluation of the rule).
fn with_namespaces(targets: &mut [Target], xmlns: &[(Box<str>, Box<str>)]) {
    for t in targets {
        if let TargetKind::Collection(_, Selector::XPath(x)) = &mut t.kind {
            let mut sel = XPathSelector::clone(x);
            sel.namespaces = xmlns.to_vec();
            *x = Arc::new(sel);
        }
    }
}

fn changes_macros(a: &RunAction) -> bool {
    matches!(
        a,
        RunAction::SetVar(_)
            | RunAction::OpenCollection(..)
            | RunAction::SetEnv(_)
            | RunAction::ExpireVar(_)
            | RunAction::Msg(_)
            | RunAction::LogData(_)
            | RunAction::Tag(_)
            | RunAction::Ctl(CtlAction::RequestBodyProcessor(_))
    )
}

/// Marks the chains whose messages must be expanded eagerly (see
/// [`CompiledRule::eager_msg`]).
fn mark_eager_messages(rules: &mut [CompiledRule], defaults: &[DefaultActions; 6]) {
    let mut i = 0;
    while i < rules.len() {
        if rules[i].parent.is_some() {
            i += 1;
            continue;
        }
        let mut chain = vec![i];
        let mut at = rules[i].next;
        while let Some(n) = at {
            chain.push(n as usize);
            at = rules.get(n as usize).and_then(|r| r.next);
        }
        let eager = chain.iter().any(|&k| {
            rules.get(k).is_some_and(|r| {
                r.actions
                    .iter()
                    .chain(&r.update_actions)
                    .any(changes_macros)
                    || defaults
                        .get(usize::from(r.phase))
                        .is_some_and(|d| d.actions.iter().any(changes_macros))
            })
        });
        for k in chain {
            if let Some(r) = rules.get_mut(k) {
                r.eager_msg = eager;
            }
        }
        i += 1;
    }
}

/// Groups rules by identical target lists and marks the rules that a target set's candidate
/// bits can skip (see [`CompiledRule::target_set`]). The targets of those rules get their
/// distinct-target ids ([`Target::id`]): equal targets (by [`target_key`]) share one, and a
/// target set is then keyed by its targets' ids and its value exclusions.
fn assign_target_sets(rules: &mut [CompiledRule], pf: &super::prefilter::GlobalPrefilter) -> u32 {
    use crate::transaction::state::request_collection;
    let mut ids: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut target_ids: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut key: Vec<u8> = Vec::new();
    let mut set_key: Vec<u8> = Vec::new();
    for r in rules.iter_mut() {
        r.reads_xml = r
            .targets
            .iter()
            .any(|t| matches!(t.kind, TargetKind::Collection(Collection::Xml, _)));
        let eligible = r.operator.is_some()
            && r.targets.iter().all(|t| {
                !t.count
                    && match &t.kind {
                        TargetKind::Scalar(s) => !crate::transaction::dynamic_scalar(*s),
                        TargetKind::Collection(Collection::Xml, _) => true,
                        TargetKind::Collection(c, sel) => {
                            request_collection(*c).is_some() && !matches!(sel, Selector::XPath(_))
                        }
                    }
            });
        if !eligible {
            continue;
        }
        set_key.clear();
        for t in r.targets.iter_mut() {
            key.clear();
            target_key(t, &mut key);
            let id = match target_ids.get(&key) {
                Some(&id) => id,
                None => {
                    let next = u32::try_from(target_ids.len()).unwrap_or(u32::MAX);
                    target_ids.insert(key.clone(), next);
                    next
                }
            };
            t.id = id;
            set_key.extend_from_slice(&id.to_le_bytes());
        }
        set_key.push(b'|');
        for e in &r.value_exclusions {
            match e {
                ValueExclusion::Name(n) => {
                    set_key.push(b'n');
                    key_part(&mut set_key, n);
                }
                ValueExclusion::KeyRegex(re) => {
                    set_key.push(b'r');
                    key_part(&mut set_key, re.source.as_bytes());
                }
            }
        }
        let id = match ids.get(&set_key) {
            Some(&id) => id,
            None => {
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                ids.insert(set_key.clone(), next);
                next
            }
        };
        r.target_set = id;
        r.skippable = r.operator.as_ref().is_some_and(|op| !op.negated)
            && !r.multi_match
            && r.prefilter_slot != u32::MAX
            && !pf.is_always(r.prefilter_slot);
    }
    let sets = u32::try_from(ids.len()).unwrap_or(u32::MAX);
    drop(ids);
    assign_group_masks(rules);
    sets
}

/// Appends `bytes` to a key, length first (so that keys made of parts compare equal only
/// when every part does).
fn key_part(key: &mut Vec<u8>, bytes: &[u8]) {
    key.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_le_bytes());
    key.extend_from_slice(bytes);
}

/// Appends the description of `t` that decides what it resolves to: count or values, the
/// variable, the selector (key spelling, regex source, XPath with its namespaces), the key
/// exclusions (spellings, regex sources), and its full name. Keys, key ids and regexes are
/// all compiled from those texts, so equal descriptions resolve to the same values.
fn target_key(t: &Target, key: &mut Vec<u8>) {
    key.push(if t.count { b'&' } else { b'=' });
    key_part(key, t.full_name.as_bytes());
    match &t.kind {
        TargetKind::Scalar(s) => {
            key.push(b'S');
            key_part(key, s.name().as_bytes());
        }
        TargetKind::Collection(c, sel) => {
            key.push(b'C');
            key_part(key, c.name().as_bytes());
            match sel {
                Selector::All => key.push(b'A'),
                Selector::Key(_, spelling) => {
                    key.push(b'K');
                    key_part(key, spelling);
                }
                Selector::Regex(re) => {
                    key.push(b'R');
                    key_part(key, re.source.as_bytes());
                }
                Selector::XPath(x) => {
                    key.push(b'X');
                    key_part(key, x.source.as_bytes());
                    key.extend_from_slice(
                        &u32::try_from(x.namespaces.len())
                            .unwrap_or(u32::MAX)
                            .to_le_bytes(),
                    );
                    for (p, u) in &x.namespaces {
                        key_part(key, p.as_bytes());
                        key_part(key, u.as_bytes());
                    }
                }
            }
        }
    }
    key.extend_from_slice(
        &u32::try_from(t.exclusions.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    for e in &t.exclusions {
        match e {
            KeyExclusion::Key(_, spelling) => {
                key.push(b'k');
                key_part(key, spelling);
            }
            KeyExclusion::Regex(re) => {
                key.push(b'r');
                key_part(key, re.source.as_bytes());
            }
        }
    }
}

/// Fills [`CompiledRule::group_mask`] and [`CompiledRule::root_group_mask`]: per (target set,
/// chain node), and per target set, the prefilter words holding the slots of its skippable
/// rules, as (word index, mask) in word order; one shared copy per group.
fn assign_group_masks(rules: &mut [CompiledRule]) {
    use super::rule::GroupMask;
    use std::collections::BTreeMap;
    fn add(m: &mut BTreeMap<u32, u64>, slot: u32) {
        *m.entry(slot / 64).or_insert(0) |= 1u64 << (slot % 64);
    }
    let mut by_chain: HashMap<(u32, u32), BTreeMap<u32, u64>> = HashMap::new();
    let mut by_set: HashMap<u32, BTreeMap<u32, u64>> = HashMap::new();
    for r in rules.iter().filter(|r| r.skippable) {
        add(
            by_chain.entry((r.target_set, r.chain.0)).or_default(),
            r.prefilter_slot,
        );
        add(by_set.entry(r.target_set).or_default(), r.prefilter_slot);
    }
    let shared = |m: &BTreeMap<u32, u64>| -> GroupMask {
        Arc::from(m.iter().map(|(&w, &b)| (w, b)).collect::<Vec<_>>())
    };
    let chain_masks: HashMap<(u32, u32), GroupMask> =
        by_chain.iter().map(|(k, m)| (*k, shared(m))).collect();
    let set_masks: HashMap<u32, GroupMask> = by_set.iter().map(|(k, m)| (*k, shared(m))).collect();
    for r in rules.iter_mut().filter(|r| r.skippable) {
        if let (Some(c), Some(s)) = (
            chain_masks.get(&(r.target_set, r.chain.0)),
            set_masks.get(&r.target_set),
        ) {
            r.group_mask = Some(c.clone());
            r.root_group_mask = Some(s.clone());
        }
    }
}

/// Builds the ruleset's prefilter: one slot per rule link with an operator.
fn build_prefilter(rules: &mut [CompiledRule]) -> super::prefilter::GlobalPrefilter {
    let mut b = super::prefilter::GlobalPrefilterBuilder::default();
    for r in rules.iter_mut() {
        if let Some(op) = &r.operator {
            // `@pm`/`@pmFromFile` slots hold a window of each phrase (see `Pm`'s literals):
            // the shared scan tells their candidacy like any literal slot's, so their chains
            // and their own matchers run only for the values that hold a window.
            r.prefilter_slot = b.add_lazy(op.op.literals(), || op.op.byte_condition());
        }
    }
    b.build()
}

/// The chain nodes a rule tests values at: every step for `multiMatch`, else the last.
pub fn evaluation_nodes(rule: &CompiledRule) -> &[NodeId] {
    if rule.multi_match {
        &rule.chain_steps
    } else {
        std::slice::from_ref(&rule.chain)
    }
}

#[allow(dead_code)]
fn _collection_unused(_: Collection) {}
