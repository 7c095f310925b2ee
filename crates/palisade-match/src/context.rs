//! What operators need from the engine: [`CompileContext`] when a rule is loaded,
//! [`EvalContext`] (a [`MacroExpander`] and an optional [`Captures`] sink) when it runs.

use std::path::Path;
use std::sync::{Arc, Mutex};

use palisade_seclang::{MacroSegment, MacroString, RuleSource};

use crate::operators::geo_lookup::{GeoDatabase, GeoRecord};
use crate::operators::pm::Pm;
use crate::operators::regex_source::load_condition;
use crate::pcre::{PcreError, PcreRegex, RegexLimits};
use crate::prefilter::bytes::ByteCondition;
use crate::prefilter::{Literals, regex_literals};

/// A compiled regex in the [`CompileCache`], with the limits it was checked under and what the
/// prefilter learns from its HIR (the byte condition only when [`load_condition`] computed it).
type CachedRegex = (RegexLimits, Arc<PcreRegex>, Literals, Option<ByteCondition>);

/// Compiled operator parts shared by the rules of one ruleset: `@pm`/`@pmFromFile` with the
/// same phrases (CRS v4 reads `unix-shell.data` and `lfi-os-files.data` twice each) and
/// fixed `@rx`/`@rxGlobal` patterns written more than once (24 copies in CRS v4) are compiled
/// once. Give the same cache to every [`CompileContext`] of a ruleset
/// ([`CompileContext::with_cache`]) and drop it after loading; the compiled operators keep
/// what they share.
#[derive(Debug, Default)]
pub struct CompileCache {
    pm: Mutex<Vec<Arc<Pm>>>,
    regex: Mutex<Vec<CachedRegex>>,
}

impl CompileCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `@pm` matcher for `phrases`: a shared one if an identical phrase list was compiled.
    pub(crate) fn pm<E>(
        &self,
        phrases: Vec<Vec<u8>>,
        build: impl FnOnce(Vec<Vec<u8>>) -> Result<Pm, E>,
    ) -> Result<Arc<Pm>, E> {
        let mut cache = self.pm.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(pm) = cache.iter().find(|pm| pm.phrases() == phrases.as_slice()) {
            return Ok(Arc::clone(pm));
        }
        let pm = Arc::new(build(phrases)?);
        cache.push(Arc::clone(&pm));
        Ok(pm)
    }

    /// The regex `PcreRegex::new(pattern, false, limits)`, its literals ([`regex_literals`]
    /// of its HIR) and, when [`load_condition`] computes it, its byte condition (of the same
    /// HIR): shared ones if the pattern was compiled.
    pub(crate) fn regex(
        &self,
        pattern: &[u8],
        limits: &RegexLimits,
    ) -> Result<(Arc<PcreRegex>, Literals, Option<ByteCondition>), PcreError> {
        // `PcreRegex::new` compiles an empty pattern as `.*` and keeps that text.
        let stored: &[u8] = if pattern.is_empty() { b".*" } else { pattern };
        let mut cache = self.regex.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, re, lits, cond)) = cache
            .iter()
            .find(|(l, re, _, _)| l == limits && !re.caseless() && re.pattern() == stored)
        {
            return Ok((Arc::clone(re), lits.clone(), cond.clone()));
        }
        let (re, hir) = PcreRegex::new_with_hir(pattern, false, limits)?;
        let re = Arc::new(re);
        let lits = regex_literals(&hir);
        let cond = load_condition(&lits, &hir);
        cache.push((*limits, Arc::clone(&re), lits.clone(), cond.clone()));
        Ok((re, lits, cond))
    }
}

/// Everything an operator may need while it is compiled.
#[derive(Clone)]
pub struct CompileContext<'a> {
    source: &'a dyn RuleSource,
    rule_file: Option<&'a Path>,
    geo: Option<Arc<GeoDatabase>>,
    limits: RegexLimits,
    cache: Option<&'a CompileCache>,
}

impl<'a> CompileContext<'a> {
    /// A context reading data files through `source`, with default limits and no GeoIP database.
    pub fn new(source: &'a dyn RuleSource) -> Self {
        CompileContext {
            source,
            rule_file: None,
            geo: None,
            limits: RegexLimits::default(),
            cache: None,
        }
    }

    /// The rule file that names the operator: relative data file paths (`@pmFromFile x.data`)
    /// resolve against its directory.
    pub fn with_rule_file(mut self, path: &'a Path) -> Self {
        self.rule_file = Some(path);
        self
    }

    /// The GeoIP database of `SecGeoLookupDb`, for `@geoLookup`.
    pub fn with_geo_database(mut self, db: Arc<GeoDatabase>) -> Self {
        self.geo = Some(db);
        self
    }

    /// Regex automaton size limits.
    pub fn with_limits(mut self, limits: RegexLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Shares compiled parts with the other operators compiled with the same cache.
    pub fn with_cache(mut self, cache: &'a CompileCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The cache of shared compiled parts, if any.
    pub(crate) fn cache(&self) -> Option<&'a CompileCache> {
        self.cache
    }

    /// The source data files are read from.
    pub fn source(&self) -> &'a dyn RuleSource {
        self.source
    }

    /// The rule file naming the operator, if known.
    pub fn rule_file(&self) -> Option<&'a Path> {
        self.rule_file
    }

    /// The GeoIP database, if configured.
    pub fn geo_database(&self) -> Option<&Arc<GeoDatabase>> {
        self.geo.as_ref()
    }

    /// The regex limits.
    pub fn limits(&self) -> &RegexLimits {
        &self.limits
    }
}

/// Expands `%{…}` macros in operator arguments at match time (`@within %{tx.allowed_methods}`).
/// The engine implements it over the running transaction.
pub trait MacroExpander {
    /// The text with every macro replaced by its variable's value; an unset variable expands
    /// to nothing, as in ModSecurity.
    fn expand(&self, text: &MacroString) -> Vec<u8>;
}

/// An expander with no transaction behind it: macros expand to nothing, as ModSecurity's
/// `RunTimeString::evaluate` does without a transaction.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoMacros;

impl MacroExpander for NoMacros {
    fn expand(&self, text: &MacroString) -> Vec<u8> {
        literal_text(text).into_bytes()
    }
}

/// The literal parts of `text`, macros dropped: what ModSecurity operators that read their
/// argument once at load time see (`@pm`, `@ipMatch`, `@validateByteRange`, `@verifyCC`, …).
pub fn literal_text(text: &MacroString) -> String {
    let mut s = String::new();
    for seg in &text.segments {
        if let MacroSegment::Literal(l) = seg {
            s.push_str(l);
        }
    }
    s
}

/// What an operator captured, for rules with the `capture` action.
///
/// `TX:n` values are stored as ModSecurity's `storeOrUpdateFirst` stores them: a later value
/// for the same index replaces the earlier one, and an index that was not captured keeps
/// whatever the transaction held before (the engine applies [`Captures::tx`] over TX).
///
/// What each operator captures, as in ModSecurity v3.0.9:
/// - `@rx`: every capture group that took part in the match, group 0 being the whole match;
///   groups that did not take part are skipped (their `TX:n` keeps its old value). Groups
///   above 9 are stored too.
/// - `@rxGlobal`: every match in turn, its groups numbered on from the previous match
///   (`TX:0..k` for the first, `TX:k+1..` for the second, …).
/// - `@pm`/`@pmFromFile`: `TX:0` = the matched phrase as ModSecurity reports it.
/// - `@detectSQLi`: `TX:0` = the libinjection fingerprint; `@detectXSS`: `TX:0` = the input.
/// - `@verifyCC`, `@verifyCPF`, `@verifySSN`, `@verifySVNR`: `TX:0` = the verified number.
/// - `@geoLookup`: no TX values, but the GEO collection ([`Captures::geo`]), filled whether
///   or not the rule has `capture`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Captures {
    tx: Vec<Option<Vec<u8>>>,
    /// Boxed: a `GeoRecord` is 168 bytes, and the engine moves its capture sink in and out
    /// of the transaction around every operator run (32 bytes to move instead of 192).
    geo: Option<Box<GeoRecord>>,
}

impl Captures {
    /// No captures.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets everything (keeps the allocation).
    pub fn clear(&mut self) {
        self.tx.clear();
        self.geo = None;
    }

    /// Stores `value` as `TX:index`, replacing an earlier value for that index.
    pub fn set(&mut self, index: usize, value: &[u8]) {
        if self.tx.len() <= index {
            self.tx.resize(index + 1, None);
        }
        self.tx[index] = Some(value.to_vec());
    }

    /// The value captured for `TX:index`.
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        self.tx.get(index).and_then(|v| v.as_deref())
    }

    /// The captured `TX` values in index order.
    pub fn tx(&self) -> impl Iterator<Item = (usize, &[u8])> {
        self.tx
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_deref().map(|v| (i, v)))
    }

    /// True when nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.tx.iter().all(Option::is_none) && self.geo.is_none()
    }

    /// What `@geoLookup` found (the GEO collection).
    pub fn geo(&self) -> Option<&GeoRecord> {
        self.geo.as_deref()
    }

    pub(crate) fn set_geo(&mut self, record: GeoRecord) {
        self.geo = Some(Box::new(record));
    }
}

/// Something worth telling the engine about an evaluation that did not fail outright.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalNote {
    /// A regex built from an expanded macro did not compile; the operator did not match
    /// (ModSecurity logs "Error with regular expression" and returns no match).
    RegexError {
        /// The expanded pattern.
        pattern: Vec<u8>,
        /// Why it was refused.
        error: PcreError,
    },
    /// The operator's work budget for this input ran out and it reported no match, as
    /// ModSecurity does when PCRE reaches its match limit (the engine may set
    /// `MSC_PCRE_LIMITS_EXCEEDED`).
    WorkLimitExceeded,
}

/// What an operator may use while it runs.
pub struct EvalContext<'a> {
    expander: &'a dyn MacroExpander,
    captures: Option<&'a mut Captures>,
    geo: Option<&'a mut Option<GeoRecord>>,
    notes: Vec<EvalNote>,
}

impl<'a> EvalContext<'a> {
    /// A context expanding macros with `expander`, capturing nothing.
    pub fn new(expander: &'a dyn MacroExpander) -> Self {
        EvalContext {
            expander,
            captures: None,
            geo: None,
            notes: Vec::new(),
        }
    }

    /// Collects captures into `captures` (the rule has the `capture` action).
    pub fn with_captures(mut self, captures: &'a mut Captures) -> Self {
        self.captures = Some(captures);
        self
    }

    /// True when captures are being collected.
    pub fn capturing(&self) -> bool {
        self.captures.is_some()
    }

    /// The capture sink, if any.
    pub fn captures(&mut self) -> Option<&mut Captures> {
        self.captures.as_deref_mut()
    }

    /// Expands macros in `text`.
    pub fn expand(&self, text: &MacroString) -> Vec<u8> {
        self.expander.expand(text)
    }

    /// Notes left by evaluations in this context.
    pub fn notes(&self) -> &[EvalNote] {
        &self.notes
    }

    /// Takes the notes, leaving none.
    pub fn take_notes(&mut self) -> Vec<EvalNote> {
        std::mem::take(&mut self.notes)
    }

    pub(crate) fn note(&mut self, note: EvalNote) {
        self.notes.push(note);
    }

    /// Stores `TX:index` if capturing.
    pub(crate) fn capture(&mut self, index: usize, value: &[u8]) {
        if let Some(c) = self.captures.as_deref_mut() {
            c.set(index, value);
        }
    }

    /// Records a GeoIP lookup result (the GEO collection); kept in the capture sink when
    /// there is one, else in the GEO slot set with [`with_geo`](Self::with_geo).
    pub(crate) fn set_geo(&mut self, record: GeoRecord) {
        if let Some(slot) = self.geo.as_deref_mut() {
            *slot = Some(record.clone());
        }
        if let Some(c) = self.captures.as_deref_mut() {
            c.set_geo(record);
        }
    }

    /// Receives the GEO collection filled by `@geoLookup` (which ModSecurity fills whether
    /// or not the rule has `capture`).
    pub fn with_geo(mut self, slot: &'a mut Option<GeoRecord>) -> Self {
        self.geo = Some(slot);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_shares_identical_phrase_sets_and_patterns() {
        let cache = CompileCache::new();
        let phrases = |p: &[&str]| p.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        let a = cache.pm(phrases(&["select", "union"]), Pm::new).unwrap();
        let b = cache.pm(phrases(&["select", "union"]), Pm::new).unwrap();
        let c = cache.pm(phrases(&["select"]), Pm::new).unwrap();
        assert!(Arc::ptr_eq(&a, &b) && !Arc::ptr_eq(&a, &c));

        let limits = RegexLimits::default();
        let (x, lx, cx) = cache.regex(b"a+bcd", &limits).unwrap();
        let (y, ly, cy) = cache.regex(b"a+bcd", &limits).unwrap();
        let (z, _, _) = cache.regex(b"a+c", &limits).unwrap();
        assert!(Arc::ptr_eq(&x, &y) && !Arc::ptr_eq(&x, &z));
        assert_eq!(lx, ly);
        assert_eq!(lx, regex_literals(&x.hir()));
        assert_eq!(cx, cy);
        // Long literals: the condition is left to be derived if asked for.
        assert_eq!(cx, None);
        // No literals: the condition is computed from the HIR at hand.
        let (w, _, cw) = cache.regex(b"x+", &limits).unwrap();
        assert_eq!(cw, Some(crate::prefilter::bytes::regex_condition(&w.hir())));
        // The empty pattern is `.*`, not the pattern `.*` compiled caseless or another text.
        let (e, _, _) = cache.regex(b"", &limits).unwrap();
        assert!(Arc::ptr_eq(&e, &cache.regex(b".*", &limits).unwrap().0));
        assert!(e.is_match(b"anything"));
    }
}
