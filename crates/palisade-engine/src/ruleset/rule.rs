//! A compiled rule: targets resolved to collections and interned keys, the operator compiled,
//! the transformation chain interned, actions sorted into the groups ModSecurity v3 runs at
//! different moments (per matched value, after the whole chain matched, the disruptive one).

use std::sync::Arc;

use crate::audit::AuditEngine;
use crate::collection::keys::KeyId;
use crate::persist::PersistentCollection;
use crate::ruleset::chain::NodeId;
use crate::ruleset::macros::Macro;
use crate::ruleset::operator::CompiledOperator;
use crate::ruleset::settings::RuleEngine;
use crate::var::{Collection, Scalar};

/// A case-insensitive regular expression over collection keys (`ARGS:/^id_/`).
///
/// A pattern that is `^` followed by ASCII letters, digits, `_` and `-` only
/// (`^_pk_ref`, `^header_name_920450_`: CRS's cookie exclusions and its restricted-header
/// chain) is answered without the regex: such a pattern matches exactly the keys that begin
/// with that text, ASCII case ignored (`^` is the start of the key, the regex being built
/// without multi-line mode; none of those characters is special in a regex; case-insensitive
/// matching without Unicode folds ASCII letters only). The proptest
/// `literal_prefixes_match_as_the_regex_does` checks it against the compiled regex.
///
/// Any other pattern that begins with `^` and such characters and holds no `|`
/// (`^_ga(?:_\w+)?$`, CRS's cookie exclusion) first checks that the key begins with them,
/// less the last one when a quantifier follows it (`?`, `*`, `{`, or `+`, which a further
/// quantifier can make optional: `a+*`), before the
/// regex runs: without alternation every match starts at the start of the key and goes
/// through those characters first, each matching exactly itself up to ASCII case (built
/// without Unicode only; the Unicode fallback for non-ASCII patterns never takes it). The
/// proptest `required_prefixes_only_reject_what_the_regex_rejects` checks it.
///
/// An unanchored pattern of that form (`MULTIPART_HEADERS_CONTENT_TYPES_*`, CRS 922110's `TX`
/// selection, tried on every `TX` key) first checks that the key *holds* those characters
/// (less the quantified last one), ASCII case ignored: without alternation every match, wherever
/// it starts, starts with them, each matching exactly itself up to ASCII case. The proptest
/// `required_infixes_only_reject_what_the_regex_rejects` checks it.
#[derive(Clone, Debug)]
pub struct KeyRegex {
    /// The compiled expression.
    pub re: regex::bytes::Regex,
    /// The source, as written.
    pub source: Box<str>,
    /// The text after `^` when the pattern is a plain literal prefix (see above).
    prefix: Option<Box<[u8]>>,
    /// Text every matching key begins with, ASCII case ignored (see above).
    required: Option<Box<[u8]>>,
    /// Text every matching key holds, ASCII case ignored, for an unanchored pattern (see
    /// above).
    inner: Option<Box<[u8]>>,
    /// The ruleset's number for this expression (one per distinct source, given at load), by
    /// which a transaction keeps its answers for compile-time `TX` keys
    /// ([`KeyRegex::answers_caselessly`]); `u32::MAX`: none (not kept).
    pub index: u32,
    /// See [`KeyRegex::answers_caselessly`].
    caseless: bool,
}

/// The literal every match of `pattern` begins with (see [`KeyRegex`]), if it has one.
fn required_prefix(pattern: &str) -> Option<Box<[u8]>> {
    leading_literal(pattern.strip_prefix('^')?, pattern)
}

/// The literal every match of an unanchored `pattern` holds (see [`KeyRegex`]), if it has one:
/// its leading literal, wherever the match starts.
fn required_infix(pattern: &str) -> Option<Box<[u8]>> {
    if pattern.starts_with('^') {
        return None;
    }
    leading_literal(pattern, pattern)
}

/// The plain characters `rest` (the part of `pattern` after any `^`) begins with, less the
/// last one when a quantifier follows it; `None` when there are none or `pattern` holds `|`.
fn leading_literal(rest: &str, pattern: &str) -> Option<Box<[u8]>> {
    if pattern.contains('|') {
        return None;
    }
    let plain = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let n = rest.bytes().take_while(|&b| plain(b)).count();
    let mut lit = rest.as_bytes().get(..n)?;
    if matches!(rest.as_bytes().get(n), Some(b'?' | b'*' | b'{' | b'+')) {
        lit = lit.get(..n.saturating_sub(1))?;
    }
    (!lit.is_empty()).then(|| lit.into())
}

/// Whether every `(?` in `pattern` opens a plain non-capturing group `(?:` (no inline flags,
/// no named groups; an escaped `\(?` counts too, which only makes the answer `false`).
fn no_inline_flags(pattern: &str) -> bool {
    pattern
        .match_indices("(?")
        .all(|(i, _)| pattern.as_bytes().get(i + 2) == Some(&b':'))
}

/// Whether `key` holds `lower` (stored in ASCII lower case, not empty), ASCII case ignored.
fn holds_caseless(key: &[u8], lower: &[u8]) -> bool {
    let Some(&first) = lower.first() else {
        return true;
    };
    key.windows(lower.len()).any(|w| {
        w.first().is_some_and(|b| b.to_ascii_lowercase() == first) && w.eq_ignore_ascii_case(lower)
    })
}

/// `bytes` in ASCII lower case (as [`starts_caseless`] takes its prefix).
fn lowered(mut bytes: Box<[u8]>) -> Box<[u8]> {
    bytes.make_ascii_lowercase();
    bytes
}

/// The literal after `^` when `pattern` is `^` plus `[A-Za-z0-9_-]+`.
fn literal_prefix(pattern: &str) -> Option<Box<[u8]>> {
    let rest = pattern.strip_prefix('^')?;
    let plain = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    plain.then(|| rest.as_bytes().into())
}

impl KeyRegex {
    /// Compiles `pattern` case-insensitively, bytes-wise (as ModSecurity's PCRE without UTF).
    pub fn new(pattern: &str) -> Result<KeyRegex, String> {
        regex::bytes::RegexBuilder::new(pattern)
            .case_insensitive(true)
            .unicode(false)
            .build()
            .map(|re| (re, required_prefix(pattern), required_infix(pattern)))
            .or_else(|_| {
                // Patterns with non-ASCII text need Unicode mode to parse at all.
                regex::bytes::RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .map(|re| (re, None, None))
            })
            .map(|(re, required, inner)| KeyRegex {
                re,
                source: pattern.into(),
                prefix: literal_prefix(pattern).map(lowered),
                required: required.map(lowered),
                inner: inner.map(lowered),
                index: u32::MAX,
                caseless: no_inline_flags(pattern),
            })
            .map_err(|e| e.to_string())
    }

    /// Whether the answer is the same for every spelling of a key up to ASCII case: the
    /// expression is compiled case-insensitively and holds no group with flags (`(?-i)`,
    /// `(?i:…)`, named groups: anything `(?` other than `(?:`), so nothing turns case
    /// sensitivity back on. Case-insensitive matching folds every ASCII letter to a class
    /// holding both its cases (ASCII folding without Unicode; simple case folding with it,
    /// whose classes for ASCII letters hold both cases too), and no other construct (classes,
    /// `\w`, `\b`, anchors) tells ASCII cases apart.
    pub fn answers_caselessly(&self) -> bool {
        self.caseless
    }

    /// Whether the expression matches anywhere in `key`.
    ///
    /// Inlined up to the first byte of a literal or required prefix (a key failing there
    /// costs a few instructions at the call site); the rest is out of line.
    #[inline]
    pub fn is_match(&self, key: &[u8]) -> bool {
        let head = match (&self.prefix, &self.required) {
            (Some(p), _) | (None, Some(p)) => p.first(),
            (None, None) => None,
        };
        if let (Some(h), Some(k)) = (head, key.first())
            && k.to_ascii_lowercase() != *h
        {
            return false;
        }
        self.is_match_rest(key)
    }

    /// [`KeyRegex::is_match`] after its first-byte check.
    #[inline(never)]
    fn is_match_rest(&self, key: &[u8]) -> bool {
        match &self.prefix {
            Some(p) => starts_caseless(key, p),
            None => {
                if let Some(r) = &self.required
                    && !starts_caseless(key, r)
                {
                    return false;
                }
                if let Some(r) = &self.inner
                    && !holds_caseless(key, r)
                {
                    return false;
                }
                self.re.is_match(key)
            }
        }
    }
}

/// Whether `key` begins with `lower` (stored in ASCII lower case), ASCII case ignored.
fn starts_caseless(key: &[u8], lower: &[u8]) -> bool {
    key.get(..lower.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(lower))
}

#[cfg(test)]
mod key_regex_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_plain_prefixes_skip_the_regex() {
        for p in ["^_pk_ref", "^header_name_920450_", "^a-b9"] {
            assert!(KeyRegex::new(p).unwrap().prefix.is_some(), "{p}");
        }
        for p in [
            "^_ga(?:_\\w+)?$",
            "_pk_ref",
            "^",
            "^a.b",
            "^a$",
            "^pbjs-\\w+$",
            "^a|b",
        ] {
            assert!(KeyRegex::new(p).unwrap().prefix.is_none(), "{p}");
        }
    }

    proptest! {
        /// A literal-prefix pattern answers as its compiled regex does, on any key bytes.
        #[test]
        fn literal_prefixes_match_as_the_regex_does(
            lit in "[a-zA-Z0-9_-]{1,6}",
            key in prop::collection::vec(
                prop_oneof![
                    prop::sample::select(b"aAbBzZ09_-\n\r".to_vec()),
                    any::<u8>(),
                ],
                0..10,
            ),
            glue in any::<bool>(),
        ) {
            let pattern = format!("^{lit}");
            let k = KeyRegex::new(&pattern).unwrap();
            prop_assert!(k.prefix.is_some());
            // Half the time the key starts with the literal, in another case mix.
            let mut key = key;
            if glue {
                let mut head: Vec<u8> = lit.bytes().map(|b| if key.len() % 2 == 0 { b.to_ascii_uppercase() } else { b }).collect();
                head.extend_from_slice(&key);
                key = head;
            }
            prop_assert_eq!(k.is_match(&key), k.re.is_match(&key));
        }

        /// A pattern with a required prefix answers as its compiled regex does: patterns
        /// made of a `^`, a literal, and pieces that quantify, group or end it.
        #[test]
        fn required_prefixes_only_reject_what_the_regex_rejects(
            lit in "[a-zA-Z0-9_-]{1,4}",
            tail in prop::collection::vec(
                prop::sample::select(vec![
                    "?", "*", "+", "{0,2}", "{1}", "(?:_\\w+)?", "$", "\\d", "[a-c]*", "x", ".", "(a)?",
                ]),
                0..3,
            ),
            key in prop::collection::vec(
                prop::sample::select(b"aAbBcCgG_-1x\n".to_vec()),
                0..8,
            ),
            glue in 0usize..3,
        ) {
            let pattern = format!("^{lit}{}", tail.concat());
            let k = KeyRegex::new(&pattern).unwrap();
            // Keys that start with the literal, all of it but its last byte, or anything.
            let mut full: Vec<u8> = match glue {
                0 => lit.bytes().map(|b| b.to_ascii_uppercase()).collect(),
                1 => lit.bytes().take(lit.len() - 1).collect(),
                _ => Vec::new(),
            };
            full.extend_from_slice(&key);
            prop_assert_eq!(k.is_match(&full), k.re.is_match(&full), "{} on {:?}", pattern, full);
        }
    }

    proptest! {
        /// An unanchored pattern with a required literal answers as its compiled regex does:
        /// a literal and pieces that quantify, group or end it, on keys holding the literal
        /// (in another case) somewhere, all of it but its last byte, or anything.
        #[test]
        fn required_infixes_only_reject_what_the_regex_rejects(
            lit in "[a-zA-Z0-9_-]{1,4}",
            tail in prop::collection::vec(
                prop::sample::select(vec![
                    "?", "*", "+", "{0,2}", "{1}", "(?:_\\w+)?", "$", "\\d", "[a-c]*", "x", ".", "(a)?",
                ]),
                0..3,
            ),
            before in prop::collection::vec(prop::sample::select(b"aAbB_-1x".to_vec()), 0..4),
            after in prop::collection::vec(prop::sample::select(b"aAbBcCgG_-1x\n".to_vec()), 0..6),
            glue in 0usize..3,
        ) {
            let pattern = format!("{lit}{}", tail.concat());
            let k = KeyRegex::new(&pattern).unwrap();
            let mut full = before.clone();
            match glue {
                0 => full.extend(lit.bytes().map(|b| b.to_ascii_uppercase())),
                1 => full.extend(lit.bytes().take(lit.len() - 1)),
                _ => {}
            }
            full.extend_from_slice(&after);
            prop_assert_eq!(k.is_match(&full), k.re.is_match(&full), "{} on {:?}", pattern, full);
        }
    }

    #[test]
    fn required_infixes() {
        let inner = |p: &str| KeyRegex::new(p).unwrap().inner.map(|r| r.to_vec());
        assert_eq!(
            inner("MULTIPART_HEADERS_CONTENT_TYPES_*"),
            Some(b"multipart_headers_content_types".to_vec())
        );
        assert_eq!(inner("rfi_parameter_.*"), Some(b"rfi_parameter_".to_vec()));
        assert_eq!(inner("^abc"), None);
        assert_eq!(inner("a?"), None);
        assert_eq!(inner("ab|cd"), None);
        assert_eq!(inner("\\x22?\\x24Version"), None);
    }

    #[test]
    fn required_prefixes() {
        let req = |p: &str| KeyRegex::new(p).unwrap().required.map(|r| r.to_vec());
        assert_eq!(req("^_ga(?:_\\w+)?$"), Some(b"_ga".to_vec()));
        assert_eq!(req("^_gab?"), Some(b"_ga".to_vec()));
        assert_eq!(req("^a?"), None);
        assert_eq!(req("^ab|cd"), None);
        assert_eq!(req("^[\\w]+x"), None);
        assert_eq!(req("_ga"), None);
    }
}

/// Which members of a collection a target takes.
#[derive(Clone, Debug)]
pub enum Selector {
    /// All members.
    All,
    /// The members named (case-insensitively) by an interned key.
    Key(KeyId, Box<[u8]>),
    /// The members whose names match.
    Regex(Arc<KeyRegex>),
    /// An XPath expression (`XML:/*`).
    XPath(Arc<XPathSelector>),
}

/// A compiled `XML:` XPath target with the rule's `xmlns` prefixes.
#[derive(Clone, Debug)]
pub struct XPathSelector {
    /// The expression as written.
    pub source: Box<str>,
    /// The compiled path; `None` when it is outside the supported subset (it selects
    /// nothing; a warning says so at load time).
    pub path: Option<palisade_request::xml::XPath>,
    /// The rule's `xmlns:prefix=uri` actions.
    pub namespaces: Vec<(Box<str>, Box<str>)>,
}

impl XPathSelector {
    /// Whether `other` selects the same nodes (same expression and namespaces).
    pub fn same_as(&self, other: &XPathSelector) -> bool {
        self.source == other.source && self.namespaces == other.namespaces
    }
}

/// A key exclusion attached to a whole-collection or regex target (`ARGS|!ARGS:pwd`).
#[derive(Clone, Debug)]
pub enum KeyExclusion {
    /// The member with this key, case-insensitively.
    Key(KeyId, Box<[u8]>),
    /// Members whose names match.
    Regex(Arc<KeyRegex>),
}

/// What a target reads.
#[derive(Clone, Debug)]
pub enum TargetKind {
    /// A scalar variable.
    Scalar(Scalar),
    /// Members of a collection.
    Collection(Collection, Selector),
}

/// One compiled target of a rule.
#[derive(Clone, Debug)]
pub struct Target {
    /// What it reads.
    pub kind: TargetKind,
    /// `&`: the number of values instead of the values.
    pub count: bool,
    /// Key exclusions from the rule's own `!` targets.
    pub exclusions: Vec<KeyExclusion>,
    /// ModSecurity's full name (`ARGS`, `ARGS:foo`, `ARGS:regex(^a)`), for
    /// `ctl:ruleRemoveTarget…` comparisons and the `&` count's variable name.
    pub full_name: Box<str>,
    /// The distinct-target id, assigned at load to the targets of rules with a target set
    /// (see [`CompiledRule::target_set`]): equal targets (same collection, selector, key
    /// exclusions and count) share it, so that a transaction resolves each once per state of
    /// the data (`u32::MAX`: none).
    pub id: u32,
}

/// An exclusion from `SecRuleUpdateTargetBy…` (`!REQUEST_COOKIES:_ga`), tested against every
/// value a rule visits, as ModSecurity v3 does.
#[derive(Clone, Debug)]
pub enum ValueExclusion {
    /// Values whose `COLLECTION:key` name is exactly this (case-sensitive).
    Name(Box<[u8]>),
    /// Values whose key (of any collection) matches (case-insensitive).
    KeyRegex(Arc<KeyRegex>),
}

/// A `setvar`.
#[derive(Clone, Debug)]
pub struct SetVarAction {
    /// `TX` or a persistent collection.
    pub collection: Collection,
    /// The key (macros allowed).
    pub key: Macro,
    /// The key's interned id when it has no macro.
    pub key_id: Option<KeyId>,
    /// The key's iteration-order hash (`stl_order::key_hash`) when it has no macro, computed
    /// once at load (0 otherwise).
    pub key_hash: u64,
    /// What to do.
    pub op: SetVarKind,
    /// The operand.
    pub value: Macro,
}

/// The operation of a `setvar`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetVarKind {
    /// `=`.
    Set,
    /// `=+`.
    Add,
    /// `=-`.
    Sub,
    /// `!`.
    Delete,
}

/// The request body processors `ctl:requestBodyProcessor` selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyProcessorKind {
    /// `URLENCODED`.
    UrlEncoded,
    /// `MULTIPART`.
    Multipart,
    /// `JSON`.
    Json,
    /// `XML`.
    Xml,
}

impl BodyProcessorKind {
    /// The name `REQBODY_PROCESSOR` holds.
    pub fn name(self) -> &'static str {
        match self {
            BodyProcessorKind::UrlEncoded => "URLENCODED",
            BodyProcessorKind::Multipart => "MULTIPART",
            BodyProcessorKind::Json => "JSON",
            BodyProcessorKind::Xml => "XML",
        }
    }
}

/// A compiled `ctl:`.
#[derive(Clone, Debug)]
pub enum CtlAction {
    /// `ctl:auditEngine`.
    AuditEngine(AuditEngine),
    /// `ctl:auditLogParts=+X` / `=-X`.
    AuditLogParts {
        /// `+` (add) or `-` (remove).
        add: bool,
        /// The letters.
        parts: String,
    },
    /// `ctl:forceRequestBodyVariable` (accepted; no effect in ModSecurity v3).
    ForceRequestBodyVariable,
    /// `ctl:requestBodyAccess`.
    RequestBodyAccess(bool),
    /// `ctl:requestBodyProcessor`.
    RequestBodyProcessor(BodyProcessorKind),
    /// `ctl:ruleEngine`.
    RuleEngine(RuleEngine),
    /// `ctl:ruleRemoveById` (ids and inclusive ranges).
    RuleRemoveById(Vec<(i64, i64)>),
    /// `ctl:ruleRemoveByTag`.
    RuleRemoveByTag(Box<str>),
    /// `ctl:ruleRemoveTargetById=ID;TARGET`.
    RuleRemoveTargetById(i64, Box<str>),
    /// `ctl:ruleRemoveTargetByTag=TAG;TARGET`.
    RuleRemoveTargetByTag(Box<str>, Box<str>),
}

/// A non-disruptive action run after the whole chain matched, in rule order
/// (ModSecurity's `m_actionsRuntimePos`).
#[derive(Clone, Debug)]
pub enum RunAction {
    /// `log`.
    Log,
    /// `nolog`.
    NoLog,
    /// `auditlog`.
    AuditLog,
    /// `noauditlog`.
    NoAuditLog,
    /// `block`: the phase's default disruptive action, when the engine is `On`.
    Block,
    /// `status:N`.
    Status(u16),
    /// `ctl:…`.
    Ctl(CtlAction),
    /// `skip:N`.
    Skip(u32),
    /// `skipAfter:MARKER` (an index into the ruleset's marker names).
    SkipAfter(u32),
    /// `initcol`, `setsid`, `setuid`, `setrsc`.
    OpenCollection(PersistentCollection, Macro),
    /// `expirevar:COL.KEY=SECONDS`.
    ExpireVar(Macro),
    /// `setenv:NAME=VALUE`.
    SetEnv(Macro),
    /// `msg`, `logdata`, `severity`, `tag` or `setvar` coming from `SecDefaultAction` or
    /// `SecRuleUpdateActionById`, where ModSecurity runs them in this generic list.
    Msg(Macro),
    /// See [`RunAction::Msg`].
    LogData(Macro),
    /// See [`RunAction::Msg`].
    Severity(u8),
    /// See [`RunAction::Msg`].
    Tag(Macro),
    /// See [`RunAction::Msg`].
    SetVar(SetVarAction),
    /// A disruptive action from `SecRuleUpdateActionById`.
    Disrupt(Disruptive),
    /// An action with no run-time effect (`xmlns`, …).
    Nothing,
}

/// The disruptive action of a rule.
#[derive(Clone, Debug)]
pub enum Disruptive {
    /// `deny`.
    Deny,
    /// `drop` (a deny, as in ModSecurity v3).
    Drop,
    /// `pass`.
    Pass,
    /// `allow`, `allow:request`, `allow:phase`.
    Allow(AllowKind),
    /// `redirect:URL`.
    Redirect(Macro),
}

/// The scope of `allow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowKind {
    /// Every remaining rule (the logging phase excepted).
    All,
    /// The remaining request phases.
    Request,
    /// The rest of the phase.
    Phase,
}

/// Prefilter words, as (word index, mask of slots), in word order (see
/// [`CompiledRule::group_mask`]).
pub type GroupMask = Arc<[(u32, u64)]>;

/// One link of a chain (a chain of one is a plain rule).
#[derive(Debug)]
pub struct CompiledRule {
    /// `id:` (0 for chain links, which have none).
    pub id: i64,
    /// The phase as SecLang numbers it (a link takes its chain's).
    pub phase: u8,
    /// Index into the ruleset's file names.
    pub file: u32,
    /// Line of the directive.
    pub line: u32,
    /// The targets (after exclusions and `SecRuleUpdateTarget…` additions).
    pub targets: Vec<Target>,
    /// Exclusions tested against every value.
    pub value_exclusions: Vec<ValueExclusion>,
    /// The operator; `None` for `SecAction`.
    pub operator: Option<CompiledOperator>,
    /// The transformation chain's node.
    pub chain: NodeId,
    /// The chain's nodes root first (for `multiMatch`).
    pub chain_steps: Vec<NodeId>,
    /// The transformation names joined by `,` (for `[ref]`).
    pub chain_text: Box<str>,
    /// `capture`.
    pub capture: bool,
    /// `multiMatch`.
    pub multi_match: bool,
    /// `msg:`.
    pub msg: Option<Macro>,
    /// `logdata:`.
    pub logdata: Option<Macro>,
    /// `severity:`.
    pub severity: Option<u8>,
    /// `tag:`s.
    pub tags: Vec<Macro>,
    /// `rev:`.
    pub rev: Arc<str>,
    /// `ver:`.
    pub ver: Arc<str>,
    /// `maturity:`.
    pub maturity: i32,
    /// `accuracy:`.
    pub accuracy: i32,
    /// `setvar`s, run for every matched value.
    pub setvars: Vec<SetVarAction>,
    /// Actions run once the chain matched, in order.
    pub actions: Vec<RunAction>,
    /// Actions from `SecRuleUpdateActionById` run once the chain matched.
    pub update_actions: Vec<RunAction>,
    /// Disruptive actions from `SecRuleUpdateActionById` (they replace the rule's).
    pub update_disruptive: Option<Disruptive>,
    /// The disruptive action.
    pub disruptive: Option<Disruptive>,
    /// The rule has `block`.
    pub has_block: bool,
    /// The rule carries `chain`.
    pub chained: bool,
    /// The next link, if any.
    pub next: Option<u32>,
    /// The chain's first rule, for links.
    pub parent: Option<u32>,
    /// The literal tags (for `ctl:ruleRemoveByTag` and `…TargetByTag`).
    pub tag_names: Vec<Box<str>>,
    /// The rule has `initcol`, `setsid`, `setuid` or `setrsc`.
    pub opens_collection: bool,
    /// The operator's slot in the ruleset's prefilter (`u32::MAX`: none).
    pub prefilter_slot: u32,
    /// Rules whose targets (and value exclusions) are identical share a target-set id, so
    /// that one pass over their values can tell whether any value is a prefilter candidate
    /// (`u32::MAX`: the targets read values without memo slots, so no such pass).
    pub target_set: u32,
    /// The rule reads `XML:` (whose values have no slots).
    pub reads_xml: bool,
    /// The rule can be skipped when no value of its target set is a candidate for its
    /// operator: not negated, not `multiMatch`, an operator with literals.
    pub skippable: bool,
    /// For a skippable rule: the prefilter words (word index, mask of slots) that matter to
    /// the skippable rules sharing its target set and chain node. A transaction ORs only these
    /// words of each value's candidate bits into the group's union, and keeps the values that
    /// hold one of these bits as the group's candidates (see `transaction::visit_lists`).
    /// Shared by the rules of the group. `None` when not skippable (no allocation).
    pub group_mask: Option<GroupMask>,
    /// The same for the target set's raw values (chain node ROOT, used when the chain cannot
    /// change any value of the list beyond ASCII case): the slots of every skippable rule of
    /// the target set.
    pub root_group_mask: Option<GroupMask>,
    /// Expand `msg`, `logdata` and `tag` when the chain matches rather than when the message
    /// is needed: some action of the chain (or of the phase's defaults) could change what they
    /// read in between.
    pub eager_msg: bool,
}

impl CompiledRule {
    /// True when a tag (as literal text) equals `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tag_names.iter().any(|t| &**t == tag)
    }
}
