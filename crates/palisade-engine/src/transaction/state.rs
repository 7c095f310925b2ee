//! The transaction's state: request data ([`Data`]), rule-evaluation state ([`State`]: TX,
//! matched variables, the pending intervention, `ctl:` changes, skips and markers) and the
//! rule messages it produced.

use crate::audit::AuditEngine;
use crate::collection::key_hasher::{KeyHasher, KeyHashes};
use crate::collection::keys::{KeyId, KeyInterner};
use crate::collection::request::RequestCollection;
use crate::collection::tx::MutCollection;
use crate::collection::values::{Slot, ValueTable};
use crate::persist::PersistentCollection;
use crate::ruleset::rule::{AllowKind, BodyProcessorKind};
use crate::ruleset::settings::RuleEngine;
use crate::var::{Collection, SCALAR_COUNT, Scalar};

/// Request collections stored in the value table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Rc {
    Args = 0,
    ArgsGet,
    ArgsPost,
    Cookies,
    Headers,
    ResponseHeaders,
    Files,
    FilesNames,
    FilesSizes,
    FilesTmpNames,
    FilesTmpContent,
    MultipartFilename,
    MultipartName,
    MultipartPartHeaders,
    Geo,
}

/// The number of [`Rc`] collections.
pub const RC_COUNT: usize = 15;

/// The stored collection behind a SecLang collection, and whether the target reads its names.
pub fn request_collection(c: Collection) -> Option<(Rc, bool)> {
    Some(match c {
        Collection::Args => (Rc::Args, false),
        Collection::ArgsNames => (Rc::Args, true),
        Collection::ArgsGet => (Rc::ArgsGet, false),
        Collection::ArgsGetNames => (Rc::ArgsGet, true),
        Collection::ArgsPost => (Rc::ArgsPost, false),
        Collection::ArgsPostNames => (Rc::ArgsPost, true),
        Collection::RequestCookies => (Rc::Cookies, false),
        Collection::RequestCookiesNames => (Rc::Cookies, true),
        Collection::RequestHeaders => (Rc::Headers, false),
        Collection::RequestHeadersNames => (Rc::Headers, true),
        Collection::ResponseHeaders => (Rc::ResponseHeaders, false),
        Collection::ResponseHeadersNames => (Rc::ResponseHeaders, true),
        Collection::Files => (Rc::Files, false),
        Collection::FilesNames => (Rc::FilesNames, false),
        Collection::FilesSizes => (Rc::FilesSizes, false),
        Collection::FilesTmpNames => (Rc::FilesTmpNames, false),
        Collection::FilesTmpContent => (Rc::FilesTmpContent, false),
        Collection::MultipartFilename => (Rc::MultipartFilename, false),
        Collection::MultipartName => (Rc::MultipartName, false),
        Collection::MultipartPartHeaders => (Rc::MultipartPartHeaders, false),
        Collection::Geo => (Rc::Geo, false),
        _ => return None,
    })
}

/// Request and response data.
#[derive(Debug)]
pub struct Data {
    /// Every immutable value.
    pub values: ValueTable,
    /// Request collections.
    pub colls: [RequestCollection; RC_COUNT],
    /// Scalars that hold request data (a new slot when a scalar changes).
    pub scalars: [Option<Slot>; SCALAR_COUNT],
    /// Client address.
    pub client_ip: String,
    /// Client port.
    pub client_port: u16,
    /// Server address.
    pub server_ip: String,
    /// Server port.
    pub server_port: u16,
    /// The request method.
    pub method: Vec<u8>,
    /// The raw request target.
    pub uri: Vec<u8>,
    /// The HTTP version as given (`1.1`).
    pub http_version: String,
    /// The percent-decoded path without query (`[uri "…"]` of log lines).
    pub uri_path_decoded: std::sync::Arc<[u8]>,
    /// The buffered request body.
    pub request_body: Vec<u8>,
    /// The buffered response body.
    pub response_body: Vec<u8>,
    /// The response status given to `process_response_headers`.
    pub response_status: u16,
    /// Sum of argument name and value lengths.
    pub args_combined_size: u64,
    /// Sum of uploaded file sizes.
    pub files_combined_size: u64,
    /// The request body was cut at the limit.
    pub request_body_truncated: bool,
    /// Bumped at every change of a collection or scalar (caches derived from the data
    /// compare it).
    pub epoch: u32,
    /// The response body was cut at the limit.
    pub response_body_truncated: bool,
    /// The request body's XML document (the XML body processor ran and parsed it).
    pub xml: Option<palisade_request::xml::XmlDocument>,
    /// `XML:` targets evaluated so far: the selector and the slots of the nodes' text, in
    /// document order (each distinct XPath is evaluated once per transaction).
    pub xpath_values: Vec<(
        std::sync::Arc<crate::ruleset::rule::XPathSelector>,
        Vec<Slot>,
    )>,
}

impl Data {
    /// Empty data.
    pub fn new() -> Self {
        Self::with_hasher(KeyHasher::new())
    }

    /// Empty data whose collections hash keys with `hasher` (a transaction passes its
    /// ruleset interner's, so that one hash of a key finds its id and its entry).
    pub fn with_hasher(hasher: KeyHasher) -> Self {
        Data {
            values: ValueTable::default(),
            colls: core::array::from_fn(|_| RequestCollection::with_hasher(hasher)),
            scalars: [None; SCALAR_COUNT],
            client_ip: String::new(),
            client_port: 0,
            server_ip: String::new(),
            server_port: 0,
            method: Vec::new(),
            uri: Vec::new(),
            http_version: String::new(),
            uri_path_decoded: std::sync::Arc::from(&b""[..]),
            request_body: Vec::new(),
            response_body: Vec::new(),
            response_status: 200,
            args_combined_size: 0,
            files_combined_size: 0,
            epoch: 0,
            request_body_truncated: false,
            response_body_truncated: false,
            xml: None,
            xpath_values: Vec::new(),
        }
    }

    /// Sets a scalar to a new value.
    pub fn set_scalar(&mut self, s: Scalar, value: &[u8]) {
        self.epoch = self.epoch.wrapping_add(1);
        let slot = self.values.push(value);
        self.scalars[s as usize] = Some(slot);
    }

    /// Sets a scalar to the concatenation of `parts` (no temporary buffer).
    pub fn set_scalar_parts(&mut self, s: Scalar, parts: &[&[u8]]) {
        self.epoch = self.epoch.wrapping_add(1);
        let slot = self.values.push_concat(parts);
        self.scalars[s as usize] = Some(slot);
    }

    /// Sets a scalar to the decimal digits of `n` (no temporary string).
    pub fn set_scalar_decimal(&mut self, s: Scalar, n: u64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut n = n;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.set_scalar(s, &buf[i..]);
    }

    /// A scalar's value, if set.
    pub fn scalar(&self, s: Scalar) -> Option<&[u8]> {
        self.scalars[s as usize].map(|sl| self.values.get(sl))
    }

    /// Adds `key: value` to a collection.
    pub fn add(&mut self, rc: Rc, keys: &KeyInterner, key: &[u8], value: &[u8]) {
        self.epoch = self.epoch.wrapping_add(1);
        let ks = self.values.push(key);
        let vs = self.values.push(value);
        let (id, h) = self.key_id_and_hashes(rc, keys, key);
        self.colls[rc as usize].add_hashed(&self.values, ks, vs, id, h);
    }

    /// Adds `key: value` to two collections (`ARGS` and `ARGS_GET` or `ARGS_POST`), the bytes
    /// stored once and the key hashed once.
    pub fn add_twice(&mut self, rcs: [Rc; 2], keys: &KeyInterner, key: &[u8], value: &[u8]) {
        self.epoch = self.epoch.wrapping_add(1);
        let ks = self.values.push(key);
        let vs = self.values.push(value);
        let (id, h) = self.key_id_and_hashes(rcs[0], keys, key);
        let first = &mut self.colls[rcs[0] as usize];
        first.add_hashed(&self.values, ks, vs, id, h);
        let hasher = first.hasher();
        let second = &mut self.colls[rcs[1] as usize];
        if second.hasher() == hasher {
            second.add_hashed(&self.values, ks, vs, id, h);
        } else {
            second.add(&self.values, ks, vs, id);
        }
    }

    /// The interned id of `key` and its hashes by the hasher of collection `rc`: one hashing
    /// when the interner hashes as the collection does (a transaction's data built with
    /// [`Data::with_hasher`] from its ruleset's interner).
    fn key_id_and_hashes(&self, rc: Rc, keys: &KeyInterner, key: &[u8]) -> (KeyId, KeyHashes) {
        let hasher = self.colls[rc as usize].hasher();
        let h = hasher.hash(key);
        let id = if keys.hasher() == hasher {
            keys.lookup_hashed(key, h.keyed)
        } else {
            keys.lookup(key)
        };
        (id, h)
    }

    /// Adds an entry whose slots already exist (the same value in `ARGS` and `ARGS_GET`).
    pub fn add_slots(&mut self, rc: Rc, keys: &KeyInterner, key: Slot, value: Slot) {
        let id = keys.lookup(self.values.get(key));
        self.add_slots_id(rc, key, value, id);
    }

    /// [`Data::add_slots`] with the key's interned id already looked up.
    pub fn add_slots_id(&mut self, rc: Rc, key: Slot, value: Slot, id: KeyId) {
        self.epoch = self.epoch.wrapping_add(1);
        self.colls[rc as usize].add(&self.values, key, value, id);
    }

    /// The first value of `key` in a collection.
    pub fn first(&self, rc: Rc, key: &[u8]) -> Option<&[u8]> {
        let c = &self.colls[rc as usize];
        c.keyed_bytes(&self.values, key)
            .next()
            .and_then(|i| c.entry(i))
            .map(|e| self.values.get(e.value))
    }
}

impl Data {
    /// Forgets everything, keeping allocations.
    pub fn clear(&mut self) {
        self.values.clear();
        for c in self.colls.iter_mut() {
            c.clear();
        }
        self.scalars = [None; SCALAR_COUNT];
        self.client_ip.clear();
        self.client_port = 0;
        self.server_ip.clear();
        self.server_port = 0;
        self.method.clear();
        self.uri.clear();
        self.http_version.clear();
        self.uri_path_decoded = std::sync::Arc::from(&b""[..]);
        self.request_body.clear();
        self.response_body.clear();
        self.response_status = 200;
        self.args_combined_size = 0;
        self.files_combined_size = 0;
        self.request_body_truncated = false;
        self.response_body_truncated = false;
        self.epoch = self.epoch.wrapping_add(1);
        self.xml = None;
        self.xpath_values.clear();
    }
}

impl Default for Data {
    fn default() -> Self {
        Self::new()
    }
}

/// How a phase's interruption stands (ModSecurity's `m_it`).
#[derive(Clone, Debug)]
pub struct Intervention {
    /// The status (200 until a rule sets one).
    pub status: u16,
    /// A disruptive action ran.
    pub disruptive: bool,
    /// The redirect URL.
    pub url: Option<String>,
    /// The log line of the disruptive rule.
    pub log: Option<String>,
    /// The disruptive rule.
    pub rule_id: i64,
    /// Which action.
    pub action: Option<crate::InterruptionAction>,
}

impl Default for Intervention {
    fn default() -> Self {
        Intervention {
            status: 200,
            disruptive: false,
            url: None,
            log: None,
            rule_id: 0,
            action: None,
        }
    }
}

/// The name of a matched value (`MATCHED_VAR_NAME`, a `MATCHED_VARS` key), kept as where its
/// parts are rather than as bytes: most matches' names are never read, so they are written
/// only when read ([`State::matched_name_into`]). Slots stay valid while the name is kept:
/// the request's value table only grows during a transaction, and `matched_values` is
/// cleared only together with every `MatchedName` that points into it (`clean_matched`,
/// [`State::reset`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedName {
    /// A scalar's name (`REQUEST_URI`).
    Plain(&'static str),
    /// `COLLECTION:key`, the key in the request's value table.
    Request(&'static str, Slot),
    /// `COLLECTION:key`, the key copied into `matched_values`.
    Matched(&'static str, Slot),
    /// The whole name copied into `matched_values` (a count, an XPath result).
    Whole(Slot),
}

/// A persistent collection opened by the transaction.
#[derive(Debug)]
pub struct OpenCollection {
    /// The record key.
    pub key: String,
    /// The working copy.
    pub vars: MutCollection,
}

/// Rule-evaluation state.
#[derive(Debug)]
pub struct State {
    /// The pending intervention.
    pub it: Intervention,
    /// `allow` in effect.
    pub allow: Option<AllowKind>,
    /// Rules still to skip (`skip:N`).
    pub skip_next: u32,
    /// The marker `skipAfter` looks for.
    pub marker: Option<u32>,
    /// `ctl:ruleEngine`.
    pub engine: Option<RuleEngine>,
    /// `ctl:requestBodyAccess`.
    pub body_access: Option<bool>,
    /// `ctl:auditEngine`.
    pub audit_engine: Option<AuditEngine>,
    /// `ctl:auditLogParts` changes, in order.
    pub audit_mods: Vec<(bool, String)>,
    /// Rule links removed by `ctl:ruleRemoveById` (a bitset over rule indices).
    pub removed_by_id: Vec<u64>,
    /// Rule links removed by `ctl:ruleRemoveByTag`.
    pub removed_by_tag: Vec<u64>,
    /// Targets removed by `ctl:ruleRemoveTargetById` and `…ByTag`: (rule index, target name).
    pub removed_targets: Vec<(u32, Box<str>)>,
    /// The rule indices named by `removed_targets[..removed_targets_seen]` (a bitset; see
    /// [`State::has_removed_targets`]).
    removed_target_rules: Vec<u64>,
    /// How many entries of `removed_targets` are in `removed_target_rules`.
    removed_targets_seen: usize,
    /// The body type from `Content-Type` (ModSecurity's `m_requestBodyType`).
    pub body_type: Option<BodyProcessorKind>,
    /// The processor chosen by `ctl:requestBodyProcessor=JSON|XML`.
    pub body_processor: Option<BodyProcessorKind>,
    /// `TX`.
    pub tx: MutCollection,
    /// `ENV` (from `setenv`).
    pub env: MutCollection,
    /// Persistent collections opened.
    pub persistent: [Option<OpenCollection>; 5],
    /// `MATCHED_VAR_NAME` and `MATCHED_VAR`: the newest match's name and its value's slot in
    /// `matched_values` (read through [`State::matched_name_into`] and `matched_values`).
    pub matched_var: Option<(MatchedName, Slot)>,
    /// Values of `MATCHED_VARS` (and the names [`MatchedName`] keeps here).
    pub matched_values: ValueTable,
    /// `MATCHED_VARS`, indexed: the entries up to the last [`State::index_matched`].
    pub matched_vars: RequestCollection,
    /// `MATCHED_VARS` entries (name, and value slot in `matched_values`) added since the last
    /// [`State::index_matched`]: most matches are never read through `MATCHED_VARS`, so the
    /// index (hashing, visiting order) is built only when a target or macro reads it, and a
    /// name's bytes are written only then.
    pub matched_pending: Vec<(MatchedName, Slot)>,
    /// The most severe severity seen (255: none).
    pub highest_severity: u8,
    /// A chain is being evaluated: its messages wait in `deferred` until it matched whole.
    pub deferring: bool,
    /// Messages of the chain being evaluated (multiMatch matches of its links).
    pub deferred: Vec<crate::message::RuleMessage>,
}

impl State {
    /// Fresh state for a ruleset with `keys` interned keys.
    pub fn new(keys: u32) -> Self {
        State {
            it: Intervention::default(),
            allow: None,
            skip_next: 0,
            marker: None,
            engine: None,
            body_access: None,
            audit_engine: None,
            audit_mods: Vec::new(),
            removed_by_id: Vec::new(),
            removed_by_tag: Vec::new(),
            removed_targets: Vec::new(),
            removed_target_rules: Vec::new(),
            removed_targets_seen: 0,
            body_type: None,
            body_processor: None,
            tx: MutCollection::new(keys),
            env: MutCollection::new(keys),
            persistent: Default::default(),
            matched_var: None,
            matched_values: ValueTable::default(),
            matched_vars: RequestCollection::default(),
            matched_pending: Vec::new(),
            highest_severity: 255,
            deferring: false,
            deferred: Vec::new(),
        }
    }

    /// Back to a fresh state, keeping allocations.
    pub fn reset(&mut self) {
        self.it = Intervention::default();
        self.allow = None;
        self.skip_next = 0;
        self.marker = None;
        self.engine = None;
        self.body_access = None;
        self.audit_engine = None;
        self.audit_mods.clear();
        self.removed_by_id.clear();
        self.removed_by_tag.clear();
        self.removed_targets.clear();
        self.removed_target_rules.clear();
        self.removed_targets_seen = 0;
        self.body_type = None;
        self.body_processor = None;
        self.tx.clear();
        self.env.clear();
        self.persistent = Default::default();
        self.matched_var = None;
        self.matched_values.clear();
        self.matched_vars.clear();
        self.matched_pending.clear();
        self.highest_severity = 255;
        self.deferring = false;
        self.deferred.clear();
    }

    /// Whether `removed_targets` has an entry for rule index `idx`: the same answer as
    /// scanning the entries, from a bitset of the rules they name, brought up to date with the
    /// entries added since the last call. Sound because the engine only ever appends to
    /// `removed_targets` (`ctl:ruleRemoveTarget…`) or clears it with [`State::reset`], which
    /// clears the bitset too (a list found shorter than seen rebuilds the bitset anyway).
    /// Asked by every rule link: scanning the ~20 removals CRS's exclusions add to a request
    /// was about a fifth of the rule loop's own cost.
    #[inline]
    pub fn has_removed_targets(&mut self, idx: u32) -> bool {
        if self.removed_targets.len() != self.removed_targets_seen {
            self.sync_removed_targets();
        }
        Self::bit(&self.removed_target_rules, idx)
    }

    /// Brings `removed_target_rules` up to date with `removed_targets` (see
    /// [`State::has_removed_targets`]).
    #[inline(never)]
    fn sync_removed_targets(&mut self) {
        let len = self.removed_targets.len();
        if len < self.removed_targets_seen {
            self.removed_target_rules.clear();
            self.removed_targets_seen = 0;
        }
        for (i, _) in self
            .removed_targets
            .get(self.removed_targets_seen..)
            .unwrap_or(&[])
        {
            Self::set_bit(&mut self.removed_target_rules, *i);
        }
        self.removed_targets_seen = len;
    }

    /// Sets bit `i` of a bitset.
    pub fn set_bit(bits: &mut Vec<u64>, i: u32) {
        let w = i as usize / 64;
        if bits.len() <= w {
            bits.resize(w + 1, 0);
        }
        bits[w] |= 1 << (i % 64);
    }

    /// Bit `i` of a bitset.
    pub fn bit(bits: &[u64], i: u32) -> bool {
        bits.get(i as usize / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Adds the pending `MATCHED_VARS` entries to the index, in the order they matched (the
    /// index is then what adding each entry at its match would have built). Each name is
    /// written into `matched_values` here; `values` is the request's value table (the one
    /// [`MatchedName::Request`] names).
    pub fn index_matched(&mut self, values: &ValueTable) {
        let mut pending = std::mem::take(&mut self.matched_pending);
        let mut name = Vec::new();
        for (n, v) in pending.drain(..) {
            name.clear();
            self.matched_name_into(values, n, &mut name);
            let k = self.matched_values.push(&name);
            self.matched_vars.add(
                &self.matched_values,
                k,
                v,
                crate::collection::keys::KeyId::NONE,
            );
        }
        self.matched_pending = pending;
    }

    /// Appends the bytes of the matched name `n` (`values`: the request's value table).
    pub fn matched_name_into(&self, values: &ValueTable, n: MatchedName, out: &mut Vec<u8>) {
        match n {
            MatchedName::Plain(p) => out.extend_from_slice(p.as_bytes()),
            MatchedName::Request(c, k) => {
                out.extend_from_slice(c.as_bytes());
                out.push(b':');
                out.extend_from_slice(values.get(k));
            }
            MatchedName::Matched(c, k) => {
                out.extend_from_slice(c.as_bytes());
                out.push(b':');
                out.extend_from_slice(self.matched_values.get(k));
            }
            MatchedName::Whole(k) => out.extend_from_slice(self.matched_values.get(k)),
        }
    }

    /// Whether the matched name `n` is `key`, ASCII case-insensitively (what
    /// [`State::matched_name_into`] writes, compared without writing it).
    pub fn matched_name_is(&self, values: &ValueTable, n: MatchedName, key: &[u8]) -> bool {
        let keyed = |c: &str, k: &[u8]| {
            key.len() == c.len() + 1 + k.len()
                && key
                    .get(..c.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(c.as_bytes()))
                && key.get(c.len()) == Some(&b':')
                && key
                    .get(c.len() + 1..)
                    .is_some_and(|r| r.eq_ignore_ascii_case(k))
        };
        match n {
            MatchedName::Plain(p) => p.as_bytes().eq_ignore_ascii_case(key),
            MatchedName::Request(c, k) => keyed(c, values.get(k)),
            MatchedName::Matched(c, k) => keyed(c, self.matched_values.get(k)),
            MatchedName::Whole(k) => self.matched_values.get(k).eq_ignore_ascii_case(key),
        }
    }

    /// The newest `MATCHED_VARS` entry whose name is `key` (ASCII case-insensitively), as
    /// the index's `keyed_bytes(key).next()` gives it, pending entries included: its name's
    /// bytes (with `names`) or its value's, appended to `out`. False when there is none.
    pub fn newest_matched_into(
        &self,
        values: &ValueTable,
        key: &[u8],
        names: bool,
        out: &mut Vec<u8>,
    ) -> bool {
        if let Some(&(n, v)) = self
            .matched_pending
            .iter()
            .rev()
            .find(|(n, _)| self.matched_name_is(values, *n, key))
        {
            if names {
                self.matched_name_into(values, n, out);
            } else {
                out.extend_from_slice(self.matched_values.get(v));
            }
            return true;
        }
        let mv = &self.matched_vars;
        match mv
            .keyed_bytes(&self.matched_values, key)
            .next()
            .and_then(|i| mv.entry(i))
        {
            Some(e) => {
                let slot = if names { e.key } else { e.value };
                out.extend_from_slice(self.matched_values.get(slot));
                true
            }
            None => false,
        }
    }

    /// The open persistent collection.
    pub fn persistent(&self, p: PersistentCollection) -> Option<&OpenCollection> {
        self.persistent[p.index()].as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_from_parts_and_decimals_read_as_formatted_strings() {
        let mut d = Data::new();
        for n in [0u64, 7, 443, 65_535, u64::MAX] {
            d.set_scalar_decimal(Scalar::ServerPort, n);
            assert_eq!(d.scalar(Scalar::ServerPort), Some(n.to_string().as_bytes()));
        }
        d.set_scalar_parts(
            Scalar::RequestLine,
            &[b"GET", b" ", b"/a?b", b" HTTP/", b"1.1"],
        );
        assert_eq!(
            d.scalar(Scalar::RequestLine),
            Some(&palisade_request::uri::request_line(b"GET", b"/a?b", b"1.1")[..])
        );
        d.set_scalar_parts(Scalar::RequestProtocol, &[b"HTTP/", b"2"]);
        assert_eq!(
            d.scalar(Scalar::RequestProtocol),
            Some(&palisade_request::uri::request_protocol(b"2")[..])
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// `MATCHED_VARS` indexed lazily, with names kept as [`MatchedName`]s, reads as the
        /// index built at each match from the names' bytes would: the newest entry of a name
        /// (pending entries included; its value and its name) and, once indexed, the same
        /// visiting order and the same entries.
        #[test]
        fn lazy_matched_vars_read_as_eager_ones(
            steps in proptest::collection::vec(
                (proptest::collection::vec(proptest::sample::select(b"aAbB:_".to_vec()), 0..4),
                 0u8..4,
                 proptest::bool::weighted(0.2)),
                0..60,
            ),
            probe in proptest::collection::vec(proptest::sample::select(b"aAbB:_".to_vec()), 0..4),
        ) {
            let mut st = State::new(0);
            let mut request = ValueTable::default();
            let mut eager_values = ValueTable::default();
            let mut eager = RequestCollection::default();
            for (i, (name, kind, index_now)) in steps.iter().enumerate() {
                let value = i.to_string();
                // The same bytes named four ways: whole, `a:key` with the key in the request's
                // table or in `matched_values`, or a plain name.
                let (n, bytes) = match kind {
                    0 => (MatchedName::Whole(st.matched_values.push(name)), name.clone()),
                    1 => (
                        MatchedName::Request("a", request.push(name)),
                        [&b"a:"[..], name].concat(),
                    ),
                    2 => (
                        MatchedName::Matched("B", st.matched_values.push(name)),
                        [&b"B:"[..], name].concat(),
                    ),
                    _ => (MatchedName::Plain("b:A"), b"b:A".to_vec()),
                };
                let mut written = Vec::new();
                st.matched_name_into(&request, n, &mut written);
                proptest::prop_assert_eq!(&written, &bytes);
                proptest::prop_assert_eq!(
                    st.matched_name_is(&request, n, &probe),
                    bytes.eq_ignore_ascii_case(&probe)
                );
                let v = st.matched_values.push(value.as_bytes());
                st.matched_pending.push((n, v));
                let ek = eager_values.push(&bytes);
                let ev = eager_values.push(value.as_bytes());
                eager.add(&eager_values, ek, ev, KeyId::NONE);
                if *index_now {
                    st.index_matched(&request);
                }
                let want = eager
                    .keyed_bytes(&eager_values, &probe)
                    .next()
                    .and_then(|i| eager.entry(i))
                    .map(|e| (eager_values.get(e.value).to_vec(), eager_values.get(e.key).to_vec()));
                let (mut got_v, mut got_n) = (Vec::new(), Vec::new());
                let found = st.newest_matched_into(&request, &probe, false, &mut got_v);
                let found_n = st.newest_matched_into(&request, &probe, true, &mut got_n);
                proptest::prop_assert_eq!(found, found_n);
                proptest::prop_assert_eq!(found.then_some((got_v, got_n)), want);
            }
            st.index_matched(&request);
            proptest::prop_assert!(st.matched_pending.is_empty());
            let order: Vec<u32> = st.matched_vars.visit_order().to_vec();
            proptest::prop_assert_eq!(order, eager.visit_order().to_vec());
            let bytes_of = |t: &ValueTable, c: &RequestCollection| -> Vec<(Vec<u8>, Vec<u8>)> {
                c.entries()
                    .iter()
                    .map(|e| (t.get(e.key).to_vec(), t.get(e.value).to_vec()))
                    .collect()
            };
            proptest::prop_assert_eq!(
                bytes_of(&st.matched_values, &st.matched_vars),
                bytes_of(&eager_values, &eager)
            );
        }

        /// `has_removed_targets` answers as a scan of `removed_targets` would, whatever the
        /// order of appends, queries and resets (the only ways the engine changes the list).
        #[test]
        fn removed_target_rules_equal_the_scan(
            steps in proptest::collection::vec((0u8..8, 0u32..200), 0..80),
        ) {
            let mut st = State::new(0);
            for (op, i) in steps {
                match op {
                    0..=3 => st.removed_targets.push((i, "ARGS".into())),
                    4 => st.reset(),
                    _ => {}
                }
                for q in [i, i / 2, i + 1, 0, 63, 64, 127] {
                    let want = st.removed_targets.iter().any(|(r, _)| *r == q);
                    proptest::prop_assert_eq!(st.has_removed_targets(q), want);
                }
            }
        }
    }
}
