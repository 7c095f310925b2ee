//! `@detectSQLi` and `@detectXSS`: the libinjection detectors of `palisade-libinjection`
//! (C libinjection 3.9.2 as ModSecurity v3 embeds it). With `capture`, `@detectSQLi` stores
//! the fingerprint in `TX:0` and `@detectXSS` stores the whole input in `TX:0`, as v3 does.

use crate::context::EvalContext;
use crate::operator::Evaluate;

#[derive(Debug)]
pub(crate) struct DetectSqli;

impl Evaluate for DetectSqli {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        match palisade_libinjection::sqli(input) {
            Some(fp) => {
                ctx.capture(0, fp.as_bytes());
                true
            }
            None => false,
        }
    }
}

#[derive(Debug)]
pub(crate) struct DetectXss;

impl Evaluate for DetectXss {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        if palisade_libinjection::xss(input) {
            ctx.capture(0, input);
            true
        } else {
            false
        }
    }
}
