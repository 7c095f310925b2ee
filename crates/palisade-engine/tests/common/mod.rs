//! Helpers for the engine's integration tests: compile rule text, run requests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use palisade_engine::host::Host;
use palisade_engine::ruleset::Ruleset;
use palisade_engine::ruleset::compile::{CompileError, CompileInput, compile};
use palisade_engine::transaction::{EvalOptions, Transaction};

pub fn ruleset(text: &str) -> Arc<Ruleset> {
    Arc::new(try_ruleset(text).unwrap_or_else(|e| panic!("compile errors: {e:?}")))
}

/// Parses `text` (which must parse) and compiles it, returning the compile errors if any.
pub fn try_ruleset(text: &str) -> Result<Ruleset, Vec<CompileError>> {
    let src = palisade_seclang::MemorySource::new();
    let loaded = palisade_seclang::load_str(&src, Path::new("/rules/test.conf"), text);
    assert!(loaded.is_ok(), "parse errors: {:?}", loaded.diagnostics);
    let log = palisade_engine::host::NoHostLog;
    let input = CompileInput {
        directives: &loaded.directives,
        files: &loaded.files,
        log: &log,
        source: &src,
    };
    compile(&input)
}

pub struct Req<'a> {
    pub method: &'a str,
    pub uri: &'a str,
    pub headers: Vec<(&'a str, &'a str)>,
    pub body: &'a [u8],
}

impl<'a> Req<'a> {
    pub fn get(uri: &'a str) -> Self {
        Req {
            method: "GET",
            uri,
            headers: vec![("Host", "example.com")],
            body: b"",
        }
    }
}

pub fn run(rs: &Arc<Ruleset>, req: &Req) -> Transaction {
    run_with(rs, req, Host::default(), EvalOptions::default())
}

pub fn run_with(rs: &Arc<Ruleset>, req: &Req, host: Host, opts: EvalOptions) -> Transaction {
    let mut t = Transaction::with_id(rs.clone(), host, opts, "test-1");
    t.process_connection("10.0.0.1", 40000, "10.0.0.2", 80);
    t.process_uri(req.uri.as_bytes(), req.method.as_bytes(), "1.1");
    for (k, v) in &req.headers {
        t.add_request_header(k.as_bytes(), v.as_bytes());
    }
    t.process_request_headers();
    if !req.body.is_empty() {
        t.append_request_body(req.body);
    }
    t.process_request_body();
    t
}

/// The same request with the prefilter (and with it every shortcut that skips work) turned off:
/// the reference a skipping optimisation must decide as.
pub fn run_without_prefilter(rs: &Arc<Ruleset>, req: &Req) -> Transaction {
    let opts = EvalOptions {
        prefilter: false,
        ..EvalOptions::default()
    };
    run_with(rs, req, Host::default(), opts)
}

/// `%XX` for every byte, so that an argument sent as `encode(s)` holds exactly `s`.
pub fn encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

pub fn ids(t: &Transaction) -> Vec<i64> {
    t.messages().iter().map(|m| m.message.rule_id).collect()
}

pub fn tx(t: &Transaction, key: &str) -> Option<String> {
    t.tx_value(key)
        .map(|v| String::from_utf8_lossy(&v).into_owned())
}

/// `name=value` pairs joined by `sep`, both sides sent with [`encode`].
pub fn pairs_joined(args: &[(String, String)], sep: &str) -> String {
    args.iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join(sep)
}

/// What the optimisation proptests compare: each message's rule id and logdata, then the
/// named TX variables.
pub fn messages_and_tx<K: AsRef<str>>(
    t: &Transaction,
    keys: impl IntoIterator<Item = K>,
) -> Vec<String> {
    let mut out: Vec<String> = t
        .messages()
        .iter()
        .map(|m| format!("{} {:?}", m.message.rule_id, m.message.data))
        .collect();
    for k in keys {
        let k = k.as_ref();
        out.push(format!("{k}={:?}", tx(t, k)));
    }
    out
}

/// `n1`, `n2`, …: the counter variables the optimisation proptests' rules set.
pub fn counters(ks: impl IntoIterator<Item = u32>) -> impl Iterator<Item = String> {
    ks.into_iter().map(|k| format!("n{k}"))
}

/// A string of up to `max_parts - 1` fragments.
pub fn fragments(
    parts: &'static [&'static str],
    max_parts: usize,
) -> impl proptest::strategy::Strategy<Value = String> + Clone {
    use proptest::strategy::Strategy;
    proptest::collection::vec(proptest::sample::select(parts), 0..max_parts)
        .prop_map(|v| v.concat())
}

/// An argument name: one of `plain` four times in five, else `n` followed by `value`.
pub fn arg_name(
    plain: &'static [&'static str],
    value: impl proptest::strategy::Strategy<Value = String> + Clone + 'static,
) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    proptest::prop_oneof![
        4 => proptest::sample::select(plain).prop_map(str::to_owned),
        1 => value.prop_map(|v| format!("n{v}")),
    ]
}
