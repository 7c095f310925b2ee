//! libinjection's SQL-injection detector (`libinjection_sqli`).
//!
//! The input is tokenized and folded into a fingerprint of at most five token types
//! ([`tokenizer`], [`fold`]); a fingerprint is SQLi when the table lists it
//! ([`keywords`]) and the false-positive rules of `libinjection_sqli_not_whitelist`
//! ([`whitelist`]) do not clear it. The input is tried as it is, then as if it followed
//! a `'` and a `"` (when it holds one), each in ANSI and, where comments suggest it,
//! MySQL flavour — the same sequence of passes as C libinjection.

mod dotted;
mod fold;
mod keywords;
mod keywords_data;
mod plain;
mod token;
mod tokenizer;
mod whitelist;

use crate::Fingerprint;
use token::kind;
use tokenizer::{
    FLAG_QUOTE_DOUBLE, FLAG_QUOTE_NONE, FLAG_QUOTE_SINGLE, FLAG_SQL_ANSI, FLAG_SQL_MYSQL, State,
};

/// One fingerprinting pass: the folded tokens and the fingerprint they spell.
pub(crate) struct Pass<'a> {
    state: State<'a>,
    fingerprint: Fingerprint,
}

impl<'a> Pass<'a> {
    /// Tokenizes and folds `s` with `flags`, then builds the fingerprint.
    fn run(s: &'a [u8], flags: u8) -> Self {
        let mut state = State::new(s, flags);
        let tlen = state.fold();

        // PHP's magic backquote comment: an unclosed, empty `` ` `` bareword at the end.
        if tlen > 2 {
            let last = &mut state.tokens[tlen - 1];
            if last.kind == kind::BAREWORD
                && last.str_open == b'`'
                && last.len == 0
                && last.str_close == 0
            {
                last.kind = kind::COMMENT;
            }
        }

        let mut fingerprint = Fingerprint::default();
        for token in &state.tokens[..tlen] {
            fingerprint.push(token.kind);
        }
        if fingerprint.as_bytes().contains(&kind::EVIL) {
            // Unparsable (nested comments, `/*!`, `{ ``): the fingerprint is "X".
            // (The tokens no longer matter: the whitelist has no rule for one token.)
            fingerprint = Fingerprint::default();
            fingerprint.push(kind::EVIL);
        }
        Self { state, fingerprint }
    }

    /// Whether this pass's fingerprint is SQLi (`libinjection_sqli_check_fingerprint`).
    fn is_sqli(&self) -> bool {
        blacklisted(&self.fingerprint) && whitelist::not_whitelisted(self)
    }

    /// Whether a MySQL re-parse is worth trying (`#` or `--x` comments were seen).
    fn reparse_as_mysql(&self) -> bool {
        self.state.stats_comment_ddx > 0 || self.state.stats_comment_hash > 0
    }
}

/// The fingerprint is in the table (`libinjection_sqli_blacklist`).
fn blacklisted(fp: &Fingerprint) -> bool {
    let fp = fp.as_bytes();
    if fp.is_empty() {
        return false;
    }
    let mut key = [0u8; 9];
    key[0] = b'0';
    key[1..=fp.len()].copy_from_slice(fp);
    keywords::lookup(&key[..=fp.len()]) == b'F'
}

/// Whether `s` holds a `'` and whether it holds a `"`: one pass (a loop the compiler
/// vectorises) on short inputs, most values, where two searches with memchr's set-up cost more.
fn quotes(s: &[u8]) -> (bool, bool) {
    if s.len() < 64 {
        let (mut single, mut double) = (false, false);
        for &b in s {
            single |= b == b'\'';
            double |= b == b'"';
        }
        (single, double)
    } else {
        (
            memchr::memchr(b'\'', s).is_some(),
            memchr::memchr(b'"', s).is_some(),
        )
    }
}

/// Detects SQL injection; the fingerprint of the pass that found it (`libinjection_sqli`).
pub fn detect(s: &[u8]) -> Option<Fingerprint> {
    match plain::first_other(s) {
        // `[A-Za-z0-9_]*` is never SQLi (argument in `plain`); the empty input included.
        None => None,
        // Names such as `json.items.array_0.sku` and decimals such as `313.17` are one
        // token, never SQLi (argument in `dotted`).
        Some(at) if dotted::is_one_token(s, at) => None,
        Some(_) => detect_full(s),
    }
}

/// [`detect`] without the fast paths: every pass libinjection runs.
pub(crate) fn detect_full(s: &[u8]) -> Option<Fingerprint> {
    if s.is_empty() {
        return None;
    }
    let attempt = |flags: u8| {
        let pass = Pass::run(s, flags);
        let hit = pass.is_sqli();
        (pass, hit)
    };

    let (pass, hit) = attempt(FLAG_QUOTE_NONE | FLAG_SQL_ANSI);
    if hit {
        return Some(pass.fingerprint);
    }
    if pass.reparse_as_mysql() {
        let (pass, hit) = attempt(FLAG_QUOTE_NONE | FLAG_SQL_MYSQL);
        if hit {
            return Some(pass.fingerprint);
        }
    }

    let (single, double) = quotes(s);
    if single {
        let (pass, hit) = attempt(FLAG_QUOTE_SINGLE | FLAG_SQL_ANSI);
        if hit {
            return Some(pass.fingerprint);
        }
        if pass.reparse_as_mysql() {
            let (pass, hit) = attempt(FLAG_QUOTE_SINGLE | FLAG_SQL_MYSQL);
            if hit {
                return Some(pass.fingerprint);
            }
        }
    }

    if double {
        let (pass, hit) = attempt(FLAG_QUOTE_DOUBLE | FLAG_SQL_MYSQL);
        if hit {
            return Some(pass.fingerprint);
        }
    }
    None
}
