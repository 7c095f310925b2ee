//! Target resolution: the values a rule's target visits, in ModSecurity's order, with the name
//! each reports (`ARGS:q`, `REQUEST_HEADERS:User-Agent`, `TX:score`, `REQUEST_URI`). Values
//! stay where they are (slots in the value table, or this rule's scratch buffer); names are
//! only spelled out when a rule matches or an exclusion needs them.

use std::sync::Arc;

use super::Transaction;
use super::state::request_collection;
use crate::collection::keys::KeyId;
use crate::collection::tx::MutCollection;
use crate::collection::values::Slot;
use crate::ruleset::rule::{KeyExclusion, Selector, Target, TargetKind, XPathSelector};
use crate::var::{Collection, Scalar};

/// Where a visited value's bytes are.
#[derive(Clone, Copy, Debug)]
pub(crate) enum VVal {
    /// An immutable request value (memoisable).
    Slot(Slot),
    /// A range of the transaction's scratch buffer.
    Scratch(u32, u32),
    /// A range of the matched-values table.
    Matched(Slot),
}

/// How a visited value is named.
#[derive(Clone, Copy, Debug)]
pub(crate) enum VName {
    /// A scalar: its name.
    Plain(&'static str),
    /// `COLLECTION:key`.
    Key(&'static str, VVal),
    /// The target's full name (counts, XPath results).
    Target,
}

/// One value a target yields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Visit {
    pub val: VVal,
    pub name: VName,
}

fn excluded_key(exclusions: &[KeyExclusion], key_id: KeyId, key: &[u8]) -> bool {
    exclusions.iter().any(|e| match e {
        KeyExclusion::Key(id, spelling) => {
            if *id != KeyId::NONE && key_id != KeyId::NONE {
                *id == key_id
            } else {
                spelling.eq_ignore_ascii_case(key)
            }
        }
        KeyExclusion::Regex(re) => re.is_match(key),
    })
}

impl Transaction {
    pub(crate) fn vval_bytes(&self, v: VVal) -> &[u8] {
        match v {
            VVal::Slot(s) => self.d.values.get(s),
            VVal::Scratch(a, l) => self
                .scratch
                .get(a as usize..(a as usize + l as usize))
                .unwrap_or(&[]),
            VVal::Matched(s) => self.st.matched_values.get(s),
        }
    }

    /// Resolves `target` into `out` (cleared first); the scratch buffer is reset.
    pub(crate) fn resolve_target(&mut self, target: &Target, out: &mut Vec<Visit>) {
        out.clear();
        self.scratch.clear();
        if target.count {
            let n = self.count_values(target, out);
            out.clear();
            self.scratch.clear();
            let v = push_decimal(&mut self.scratch, n);
            out.push(Visit {
                val: v,
                name: VName::Target,
            });
            return;
        }
        self.resolve_values(target, out);
    }

    /// The number of values `target` (read as a count, `&`) yields: what
    /// [`Transaction::resolve_values`] would push. A key of `TX` (`&TX:score`) or of a request
    /// collection by interned id (`&REQUEST_HEADERS:Content-Type`) without key exclusions is
    /// counted in place (the same lookups `resolve_mut` and `resolve_request` make); any other
    /// target is resolved into `buf` (left holding its visits, and the scratch buffer its
    /// bytes) and counted.
    fn count_values(&mut self, target: &Target, buf: &mut Vec<Visit>) -> usize {
        if target.exclusions.is_empty() {
            match &target.kind {
                TargetKind::Collection(Collection::Tx, Selector::Key(id, spelling)) => {
                    return usize::from(
                        self.st.tx.get_named(&self.rs.keys, *id, spelling).is_some(),
                    );
                }
                TargetKind::Collection(c, Selector::Key(id, _)) if *id != KeyId::NONE => {
                    if let Some((rc, _)) = request_collection(*c)
                        && let Some(coll) = self.d.colls.get(rc as usize)
                    {
                        return coll.keyed(*id).count();
                    }
                }
                _ => {}
            }
        }
        buf.clear();
        self.resolve_values(target, buf);
        buf.len()
    }

    /// The range of `target`'s visits in the visit lists' resolution arena, resolved once per
    /// data epoch for every rule and target set naming the same distinct target
    /// ([`Target::id`]; see `visit_lists`); `None` when a value lives in scratch space (the
    /// caller then resolves its targets itself). A count (`&`) is never cached.
    pub(crate) fn target_values(&mut self, target: &Target) -> Option<(u32, u32)> {
        let epoch = self.d.epoch;
        if target.count {
            return None;
        }
        if let Some(found) = self.lists.target(target.id, epoch) {
            return found;
        }
        let mut arena = self.lists.begin_target();
        let start = arena.len();
        self.scratch.clear();
        self.resolve_values(target, &mut arena);
        self.lists
            .end_target(arena, target.id, epoch, start, yields_slots(target))
    }

    fn resolve_values(&mut self, target: &Target, out: &mut Vec<Visit>) {
        match &target.kind {
            TargetKind::Scalar(s) => {
                let val = match self.d.scalars.get(*s as usize).copied().flatten() {
                    Some(slot) if !dynamic_scalar(*s) => VVal::Slot(slot),
                    _ => {
                        // Computed into the scratch buffer itself (taken out while the
                        // scalar, which may read the transaction, is spelled out).
                        let mut scratch = std::mem::take(&mut self.scratch);
                        let a = scratch.len();
                        self.scalar_into(*s, &mut scratch);
                        let l = scratch.len() - a;
                        self.scratch = scratch;
                        match (u32::try_from(a), u32::try_from(l)) {
                            (Ok(a), Ok(l)) => VVal::Scratch(a, l),
                            _ => VVal::Scratch(0, 0),
                        }
                    }
                };
                out.push(Visit {
                    val,
                    name: VName::Plain(s.name()),
                });
            }
            // `TX:key`, the commonest per-rule read (CRS's paranoia-level checks): the
            // lookup `resolve_mut` makes, without its dispatch.
            TargetKind::Collection(Collection::Tx, Selector::Key(id, spelling))
                if target.exclusions.is_empty() =>
            {
                if let Some(v) = self.st.tx.get_named(&self.rs.keys, *id, spelling) {
                    let kv = push_to(&mut self.scratch, spelling);
                    let vv = push_to(&mut self.scratch, &v.value);
                    out.push(Visit {
                        val: vv,
                        name: VName::Key(Collection::Tx.name(), kv),
                    });
                }
            }
            TargetKind::Collection(c, sel) => {
                if let Some((rc, names)) = request_collection(*c) {
                    self.resolve_request(*c, rc as usize, names, sel, &target.exclusions, out);
                } else {
                    self.resolve_other(*c, sel, &target.exclusions, out);
                }
            }
        }
    }

    fn resolve_request(
        &mut self,
        c: Collection,
        rc: usize,
        names: bool,
        sel: &Selector,
        exclusions: &[KeyExclusion],
        out: &mut Vec<Visit>,
    ) {
        let name = c.name();
        let coll = &mut self.d.colls[rc];
        match sel {
            Selector::All => {
                coll.visit_order();
                let coll = &self.d.colls[rc];
                for &i in coll.cached_visit_order().unwrap_or(&[]) {
                    let Some(e) = coll.entry(i) else { continue };
                    if !exclusions.is_empty()
                        && excluded_key(exclusions, e.key_id, self.d.values.get(e.key))
                    {
                        continue;
                    }
                    out.push(Visit {
                        val: VVal::Slot(if names { e.key } else { e.value }),
                        name: VName::Key(name, VVal::Slot(e.key)),
                    });
                }
            }
            Selector::Key(id, spelling) => {
                let coll = &self.d.colls[rc];
                let visit = |i: u32| {
                    coll.entry(i).map(|e| Visit {
                        val: VVal::Slot(if names { e.key } else { e.value }),
                        name: VName::Key(name, VVal::Slot(e.key)),
                    })
                };
                if *id != KeyId::NONE {
                    out.extend(coll.keyed(*id).filter_map(visit));
                } else {
                    out.extend(coll.keyed_bytes(&self.d.values, spelling).filter_map(visit));
                }
            }
            Selector::Regex(re) => {
                coll.visit_order();
                let coll = &self.d.colls[rc];
                for &i in coll.cached_visit_order().unwrap_or(&[]) {
                    let Some(e) = coll.entry(i) else { continue };
                    let key = self.d.values.get(e.key);
                    if !re.is_match(key) {
                        continue;
                    }
                    if !exclusions.is_empty() && excluded_key(exclusions, e.key_id, key) {
                        continue;
                    }
                    out.push(Visit {
                        val: VVal::Slot(if names { e.key } else { e.value }),
                        name: VName::Key(name, VVal::Slot(e.key)),
                    });
                }
            }
            Selector::XPath(_) => {}
        }
    }

    /// `XML:/xpath`: the text content of every selected node, in document order, each named
    /// after the target (`XML:/*`), as ModSecurity names them. Nothing before the XML body
    /// processor has parsed a document.
    fn resolve_xpath(&mut self, x: &Arc<XPathSelector>, out: &mut Vec<Visit>) {
        let Some(doc) = &self.d.xml else {
            return;
        };
        let cached = self.d.xpath_values.iter().position(|(s, _)| s.same_as(x));
        let at = match cached {
            Some(i) => i,
            None => {
                let mut texts: Vec<&[u8]> = Vec::new();
                if let Some(path) = &x.path {
                    let ns: Vec<(&str, &str)> =
                        x.namespaces.iter().map(|(p, u)| (&**p, &**u)).collect();
                    path.eval(doc, &ns, |t| texts.push(t));
                }
                let slots = texts.iter().map(|t| self.d.values.push(t)).collect();
                self.d.xpath_values.push((x.clone(), slots));
                self.d.xpath_values.len() - 1
            }
        };
        if let Some((_, slots)) = self.d.xpath_values.get(at) {
            out.extend(slots.iter().map(|&s| Visit {
                val: VVal::Slot(s),
                name: VName::Target,
            }));
        }
    }

    fn resolve_mut(
        &mut self,
        which: MutWhich,
        c: Collection,
        sel: &Selector,
        exclusions: &[KeyExclusion],
        out: &mut Vec<Visit>,
    ) {
        let name = c.name();
        let coll: &MutCollection = match which {
            MutWhich::Tx => &self.st.tx,
            MutWhich::Env => &self.st.env,
            MutWhich::Persistent(p) => match self.st.persistent[p.index()].as_ref() {
                Some(o) => &o.vars,
                None => return,
            },
        };
        let scratch = &mut self.scratch;
        let base = u32::try_from(self.rs.keys.len()).unwrap_or(0);
        let lists = &mut self.lists;
        match sel {
            Selector::All | Selector::Regex(_) => {
                for id in coll.visit_ids() {
                    let Some(v) = coll.get(id) else { continue };
                    // Answers for compile-time keys are kept (see `key_regex_match`).
                    if let Selector::Regex(re) = sel
                        && !lists.key_regex_match(re, id, base, &v.key)
                    {
                        continue;
                    }
                    if !exclusions.is_empty() && excluded_key(exclusions, KeyId::NONE, &v.key) {
                        continue;
                    }
                    let kv = push_to(scratch, &v.key);
                    let vv = push_to(scratch, &v.value);
                    out.push(Visit {
                        val: vv,
                        name: VName::Key(name, kv),
                    });
                }
            }
            Selector::Key(id, spelling) => {
                if let Some(v) = coll.get_named(&self.rs.keys, *id, spelling)
                    && (exclusions.is_empty() || !excluded_key(exclusions, KeyId::NONE, spelling))
                {
                    let kv = push_to(scratch, spelling);
                    let vv = push_to(scratch, &v.value);
                    out.push(Visit {
                        val: vv,
                        name: VName::Key(name, kv),
                    });
                }
            }
            Selector::XPath(_) => {}
        }
    }

    fn resolve_other(
        &mut self,
        c: Collection,
        sel: &Selector,
        exclusions: &[KeyExclusion],
        out: &mut Vec<Visit>,
    ) {
        match c {
            Collection::Tx => self.resolve_mut(MutWhich::Tx, c, sel, exclusions, out),
            Collection::Env => self.resolve_mut(MutWhich::Env, c, sel, exclusions, out),
            Collection::MatchedVars | Collection::MatchedVarsNames => {
                let names = c == Collection::MatchedVarsNames;
                let name = c.name();
                self.st.index_matched(&self.d.values);
                let mv = &mut self.st.matched_vars;
                let order: Vec<u32> = match sel {
                    Selector::Key(_, spelling) => {
                        mv.keyed_bytes(&self.st.matched_values, spelling).collect()
                    }
                    _ => mv.visit_order().to_vec(),
                };
                let mv = &self.st.matched_vars;
                for i in order {
                    let Some(e) = mv.entry(i) else { continue };
                    let key = self.st.matched_values.get(e.key);
                    if let Selector::Regex(re) = sel
                        && !re.is_match(key)
                    {
                        continue;
                    }
                    if !matches!(sel, Selector::Key(..))
                        && excluded_key(exclusions, KeyId::NONE, key)
                    {
                        continue;
                    }
                    out.push(Visit {
                        val: VVal::Matched(if names { e.key } else { e.value }),
                        name: VName::Key(name, VVal::Matched(e.key)),
                    });
                }
            }
            Collection::Xml => {
                if let Selector::XPath(x) = sel {
                    self.resolve_xpath(x, out);
                }
            }
            Collection::Rule => {
                if let Selector::Key(_, k) = sel {
                    let _ = k;
                }
            }
            _ => {
                if let Some(p) = c.persistent() {
                    self.resolve_mut(MutWhich::Persistent(p), c, sel, exclusions, out);
                }
            }
        }
    }
}

/// Whether every visit [`Transaction::resolve_values`] gives for `target` has its value and
/// name in the value table ([`slot_only`](super::visit_lists::slot_only)), whatever the data:
/// a request collection's members are slots named `Key(_, Slot)` (`resolve_request`), and
/// `XML:` XPath results are slots named `Target` (`resolve_xpath`). Not so for counts, `TX`,
/// `ENV`, persistent collections (scratch), `MATCHED_VARS` (the matched-values table) and
/// scalars (an unset or dynamic one is spelled in scratch).
fn yields_slots(target: &Target) -> bool {
    !target.count
        && matches!(&target.kind, TargetKind::Collection(c, _)
            if request_collection(*c).is_some() || *c == Collection::Xml)
}

/// Appends `n` in decimal (as `usize::to_string` spells it) to the scratch buffer.
fn push_decimal(scratch: &mut Vec<u8>, n: usize) -> VVal {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + u8::try_from(n % 10).unwrap_or(0);
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    push_to(scratch, digits.get(at..).unwrap_or(&[]))
}

fn push_to(scratch: &mut Vec<u8>, bytes: &[u8]) -> VVal {
    let a = u32::try_from(scratch.len()).unwrap_or(0);
    scratch.extend_from_slice(bytes);
    VVal::Scratch(a, u32::try_from(bytes.len()).unwrap_or(0))
}

#[derive(Clone, Copy)]
enum MutWhich {
    Tx,
    Env,
    Persistent(crate::persist::PersistentCollection),
}

/// Scalars whose value is computed at each read rather than stored.
pub(crate) fn dynamic_scalar(s: Scalar) -> bool {
    matches!(
        s,
        Scalar::MatchedVar
            | Scalar::MatchedVarName
            | Scalar::HighestSeverity
            | Scalar::Duration
            | Scalar::Time
            | Scalar::TimeDay
            | Scalar::TimeEpoch
            | Scalar::TimeHour
            | Scalar::TimeMin
            | Scalar::TimeMon
            | Scalar::TimeSec
            | Scalar::TimeWday
            | Scalar::TimeYear
            | Scalar::ModsecBuild
            | Scalar::WebAppId
            | Scalar::Status
    )
}
