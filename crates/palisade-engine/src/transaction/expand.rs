//! Macro expansion (`%{TX.score}`, `%{MATCHED_VAR}`, `%{rule.id}`): each macro reads the first
//! value of its variable in the transaction's current state, as ModSecurity's `RunTimeString`
//! does; an absent variable expands to nothing.

use super::Transaction;
use super::state::request_collection;
use crate::collection::keys::{KeyId, KeyInterner};
use crate::ruleset::Ruleset;
use crate::ruleset::macros::{Macro, MacroPart, MacroVar, RuleField};
use crate::ruleset::rule::CompiledRule;
use crate::var::{Collection, Scalar, Var};

impl Transaction {
    /// Expands `m` into `out`.
    pub(crate) fn expand_into(&self, m: &Macro, rule: Option<&CompiledRule>, out: &mut Vec<u8>) {
        self.expand_depth(m, rule, out, 0);
    }

    /// Expands `m`.
    pub(crate) fn expand(&self, m: &Macro, rule: Option<&CompiledRule>) -> Vec<u8> {
        let mut out = Vec::new();
        self.expand_into(m, rule, &mut out);
        out
    }

    /// Expands an operator argument (a macro string not compiled in advance).
    pub(crate) fn expand_macro_string(&self, s: &palisade_seclang::MacroString) -> Vec<u8> {
        use palisade_seclang::MacroSegment;
        let mut out = Vec::new();
        for seg in &s.segments {
            match seg {
                MacroSegment::Literal(l) => out.extend_from_slice(l.as_bytes()),
                MacroSegment::Macro(m) => {
                    // Read as `first_value` reads the compiled form (`MacroVar`), without
                    // building it: `TX` (every CRS operator macro) without the name search.
                    let var = if m.collection.eq_ignore_ascii_case("tx") {
                        Some(Var::Collection(Collection::Tx))
                    } else {
                        Var::from_name(&m.collection)
                    };
                    match var {
                        Some(Var::Scalar(sc)) => self.scalar_into(sc, &mut out),
                        Some(Var::Collection(c)) => match &m.key {
                            Some(k) => {
                                let id = self.arg_keys.id(&self.rs.keys, k.as_bytes());
                                self.member_into(c, id, k.as_bytes(), &mut out)
                            }
                            None => self.all_first_into(c, &mut out),
                        },
                        None => {}
                    }
                }
            }
        }
        out
    }

    fn expand_depth(&self, m: &Macro, rule: Option<&CompiledRule>, out: &mut Vec<u8>, depth: u8) {
        for p in &m.parts {
            match p {
                MacroPart::Lit(l) => out.extend_from_slice(l),
                MacroPart::Var(v) => self.first_value(v, rule, out, depth),
            }
        }
    }

    fn first_value(&self, v: &MacroVar, rule: Option<&CompiledRule>, out: &mut Vec<u8>, depth: u8) {
        match v {
            MacroVar::Scalar(s) => self.scalar_into(*s, out),
            MacroVar::Member(c, id, spelling) => self.member_into(*c, *id, spelling, out),
            MacroVar::All(c) => self.all_first_into(*c, out),
            MacroVar::Rule(f) => {
                if depth > 0 {
                    return;
                }
                let rs: &Ruleset = &self.rs;
                let Some(r) = rule else { return };
                let mut rules: Vec<&CompiledRule> = vec![r];
                let mut at = r.parent.and_then(|p| rs.rules.get(p as usize));
                while let Some(x) = at {
                    rules.push(x);
                    at = x.parent.and_then(|p| rs.rules.get(p as usize));
                }
                match f {
                    RuleField::Id => {
                        if let Some(x) = rules.iter().find(|x| x.id != 0) {
                            out.extend_from_slice(x.id.to_string().as_bytes());
                        }
                    }
                    RuleField::Rev => {
                        if let Some(x) = rules.iter().find(|x| !x.rev.is_empty()) {
                            out.extend_from_slice(x.rev.as_bytes());
                        }
                    }
                    RuleField::Ver => {
                        if let Some(x) = rules.iter().find(|x| !x.ver.is_empty()) {
                            out.extend_from_slice(x.ver.as_bytes());
                        }
                    }
                    RuleField::Severity => {
                        if let Some(s) = rules.iter().find_map(|x| x.severity) {
                            out.extend_from_slice(s.to_string().as_bytes());
                        }
                    }
                    RuleField::Phase => out.extend_from_slice(r.phase.to_string().as_bytes()),
                    RuleField::Msg => {
                        if let Some(m) = rules.iter().find_map(|x| x.msg.as_ref()) {
                            self.expand_depth(m, rule, out, depth + 1);
                        }
                    }
                    RuleField::LogData => {
                        if let Some(m) = rules.iter().find_map(|x| x.logdata.as_ref()) {
                            self.expand_depth(m, rule, out, depth + 1);
                        }
                    }
                }
            }
        }
    }

    /// A scalar's value ("" when unset, as ModSecurity's anchored variables give).
    pub(crate) fn scalar_into(&self, s: Scalar, out: &mut Vec<u8>) {
        match s {
            Scalar::MatchedVar => {
                if let Some((_, v)) = self.st.matched_var {
                    out.extend_from_slice(self.st.matched_values.get(v));
                }
            }
            Scalar::MatchedVarName => {
                if let Some((n, _)) = self.st.matched_var {
                    self.st.matched_name_into(&self.d.values, n, out);
                }
            }
            Scalar::HighestSeverity => {
                out.extend_from_slice(self.st.highest_severity.to_string().as_bytes())
            }
            Scalar::Duration => {
                let d = self.host.clock.now_micros() - self.started_micros;
                out.extend_from_slice(d.max(0).to_string().as_bytes());
            }
            Scalar::ModsecBuild => out.extend_from_slice(b"30090100"),
            Scalar::WebAppId => out.extend_from_slice(self.rs.settings.web_app_id.as_bytes()),
            Scalar::Status => {
                if let Some(v) = self.d.scalar(Scalar::ResponseStatus) {
                    out.extend_from_slice(v);
                }
            }
            Scalar::Time
            | Scalar::TimeDay
            | Scalar::TimeEpoch
            | Scalar::TimeHour
            | Scalar::TimeMin
            | Scalar::TimeMon
            | Scalar::TimeSec
            | Scalar::TimeWday
            | Scalar::TimeYear => {
                let secs = self.host.clock.now_micros().div_euclid(1_000_000);
                let local = secs + i64::from(self.host.clock.utc_offset_seconds());
                let c = crate::time::civil(local);
                let text = match s {
                    Scalar::Time => format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second),
                    Scalar::TimeDay => c.day.to_string(),
                    Scalar::TimeEpoch => secs.to_string(),
                    Scalar::TimeHour => c.hour.to_string(),
                    Scalar::TimeMin => c.minute.to_string(),
                    Scalar::TimeMon => (c.month - 1).to_string(),
                    Scalar::TimeSec => c.second.to_string(),
                    Scalar::TimeWday => c.weekday.to_string(),
                    _ => c.year.to_string(),
                };
                out.extend_from_slice(text.as_bytes());
            }
            _ => {
                if let Some(v) = self.d.scalar(s) {
                    out.extend_from_slice(v);
                }
            }
        }
    }

    fn member_into(&self, c: Collection, id: KeyId, spelling: &[u8], out: &mut Vec<u8>) {
        if let Some((rc, names)) = request_collection(c) {
            let coll = &self.d.colls[rc as usize];
            let mut it: Box<dyn Iterator<Item = u32>> = if id != KeyId::NONE {
                Box::new(coll.keyed(id))
            } else {
                Box::new(coll.keyed_bytes(&self.d.values, spelling))
            };
            if let Some(e) = it.next().and_then(|i| coll.entry(i)) {
                out.extend_from_slice(self.d.values.get(if names { e.key } else { e.value }));
            }
            return;
        }
        match c {
            Collection::Tx => {
                if let Some(v) = self.st.tx.get_named(&self.rs.keys, id, spelling) {
                    out.extend_from_slice(&v.value);
                }
            }
            Collection::Env => {
                if let Some(v) = self
                    .st
                    .env
                    .find_id(&self.rs.keys, spelling)
                    .and_then(|id| self.st.env.get(id))
                {
                    out.extend_from_slice(&v.value);
                }
            }
            Collection::MatchedVars | Collection::MatchedVarsNames => {
                let names = c == Collection::MatchedVarsNames;
                self.st
                    .newest_matched_into(&self.d.values, spelling, names, out);
            }
            _ => {
                if let Some(p) = c.persistent()
                    && let Some(open) = self.st.persistent(p)
                    && let Some(v) = open
                        .vars
                        .find_id(&self.rs.keys, spelling)
                        .and_then(|id| open.vars.get(id))
                {
                    out.extend_from_slice(&v.value);
                }
            }
        }
    }

    fn all_first_into(&self, c: Collection, out: &mut Vec<u8>) {
        if let Some((rc, names)) = request_collection(c) {
            let coll = &self.d.colls[rc as usize];
            if let Some(e) = coll.first_visited().and_then(|i| coll.entry(i)) {
                out.extend_from_slice(self.d.values.get(if names { e.key } else { e.value }));
            }
            return;
        }
        if c == Collection::Tx {
            let mut order = Vec::new();
            self.st.tx.visit_order(&mut order);
            if let Some(v) = order.first().and_then(|&id| self.st.tx.get(id)) {
                out.extend_from_slice(&v.value);
            }
        }
    }
}

/// The ruleset's ids of the keys that operator arguments name (`@within
/// %{tx.restricted_headers_basic}`): operator arguments are not compiled to [`Macro`]s (they
/// live in the operators), so without this each expansion would look its key up in the
/// ruleset's interner (a caseless hash and compare) again.
///
/// Sound because an entry holds exactly what `KeyInterner::lookup` returns for its bytes, and
/// the ruleset's interner never changes while a transaction holds it (`Transaction::rs` is set
/// once, and a `Ruleset` is immutable behind its `Arc`): an entry is used only for a key whose
/// bytes are equal to it, so the id is the one the lookup would give. `member_into` then does
/// what it does for a compiled macro (`MacroVar::Member`), whose id comes from the same
/// interner. At most [`ArgKeys::CAP`] keys are kept (others are looked up each time), and a
/// cache that is busy (never: expansion does not nest) is bypassed, never waited on.
///
/// [`Macro`]: crate::ruleset::macros::Macro
#[derive(Debug, Default)]
pub(crate) struct ArgKeys(std::cell::RefCell<Vec<(Box<[u8]>, KeyId)>>);

impl ArgKeys {
    /// Keys kept at most (CRS's operator arguments name about a dozen).
    const CAP: usize = 32;

    /// `keys.lookup(key)`, from the cache when `key` was looked up before.
    pub(crate) fn id(&self, keys: &KeyInterner, key: &[u8]) -> KeyId {
        let Ok(mut cache) = self.0.try_borrow_mut() else {
            return keys.lookup(key);
        };
        if let Some((_, id)) = cache.iter().find(|(k, _)| **k == *key) {
            return *id;
        }
        let id = keys.lookup(key);
        if cache.len() < Self::CAP {
            cache.push((key.into(), id));
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::ArgKeys;
    use crate::collection::keys::KeyInterner;
    use crate::var::{Collection, Var};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// The cache answers every lookup as the interner does, in any order, with repeats,
        /// case variants and more keys than it keeps.
        #[test]
        fn arg_keys_answer_as_the_interner(
            interned in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"aAbB_0".to_vec()), 0..4),
                0..12,
            ),
            probes in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"aAbB_0".to_vec()), 0..4),
                0..80,
            ),
        ) {
            let mut keys = KeyInterner::default();
            for k in &interned {
                keys.intern(k);
            }
            let cache = ArgKeys::default();
            for p in probes.iter().chain(probes.iter()) {
                proptest::prop_assert_eq!(cache.id(&keys, p), keys.lookup(p));
            }
        }
    }

    /// `expand_macro_string` takes `tx` (any case) as `Var::from_name` does.
    #[test]
    fn tx_shortcut_is_what_the_name_search_finds() {
        for n in ["tx", "TX", "Tx", "tX"] {
            assert_eq!(Var::from_name(n), Some(Var::Collection(Collection::Tx)));
        }
    }
}
