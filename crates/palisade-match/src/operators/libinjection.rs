//! `@detectSQLi` and `@detectXSS`: the libinjection detectors of `palisade-libinjection`
//! (C libinjection 3.9.2 as ModSecurity v3 embeds it). With `capture`, `@detectSQLi` stores
//! the fingerprint in `TX:0` and `@detectXSS` stores the whole input in `TX:0`, as v3 does.

use crate::context::EvalContext;
use crate::operator::Evaluate;
use crate::prefilter::{ByteClass, ByteCondition};

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

/// The bytes of which every input `@detectXSS` matches holds one.
///
/// Argument (libinjection 3.9.2 `libinjection_xss.c`/`libinjection_html5.c`, and
/// `palisade-libinjection`'s `xss` module, which follows them state for state). The
/// input is XSS when one of the five passes (initial state data, before attribute name,
/// in a `'`, `"` or `` ` ``-quoted value) meets:
/// - a `DOCTYPE`, a `TAG_NAME_OPEN` or a `TAG_COMMENT` token. These come only from the states
///   reached from `tag_open` (`markup_declaration_open`, `doctype`, `end_tag_open`,
///   `tag_name`, `bogus_comment`, `bogus_comment2`, `comment`), and `tag_open` is entered only
///   from `data` when it finds a `<` byte (no pass starts there). So the input holds `<`.
/// - an `ATTR_VALUE` token while `attr` is not `TYPE_NONE`. `attr` is reset by every token
///   that is not an `ATTR_VALUE` and set only by `ATTR_NAME`, so that value token comes right
///   after an `ATTR_NAME` token. After emitting `ATTR_NAME` (`attribute_name`) the tokenizer
///   is in `after_attribute_name`, `self_closing_start_tag`, `tag_name_close`, eof, or —
///   having consumed a `=` — `before_attribute_value`. The value states
///   (`attribute_value_*`) are entered only from `before_attribute_value` (or as a pass's
///   first state, when no `ATTR_NAME` came before). `before_attribute_value` is entered
///   only from `attribute_name` and `after_attribute_name`, on a `=` byte. Every other path
///   out of those states emits a token that is not an `ATTR_VALUE` (resetting `attr`)
///   before any value state. So the input holds `=`.
///
/// The `detect_xss_needs_lt_or_eq` property test checks it on inputs over every other byte.
pub(crate) const XSS_BYTES: &[u8] = b"<=";

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

    /// Every input libinjection flags as XSS holds `<` or `=` (see [`XSS_BYTES`]).
    fn byte_condition(&self) -> ByteCondition {
        ByteCondition::new(vec![ByteClass::of(XSS_BYTES)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces that drive the HTML5 tokenizer into every state but those needing `<` or `=`.
    const PIECES: &[&[u8]] = &[
        b"script",
        b"onerror",
        b"onload",
        b"href",
        b"style",
        b"src",
        b"xmlns",
        b"javascript:",
        b"data:",
        b"attributename",
        b"DOCTYPE",
        b"!--",
        b"-->",
        b"[if",
        b"xml",
        b"IMPORT",
        b"svg",
        b"\"",
        b"'",
        b"`",
        b" ",
        b"\t",
        b"\x00",
        b"/",
        b">",
        b"!",
        b"?",
        b"%",
        b"%>",
        b"-",
        b"--!>",
        b"]]>",
        b"[CDATA[",
        b"&#x3c;",
        b"\\x3c",
        b"%3C",
        b"\xff",
        b"a",
    ];

    fn without_lt_eq() -> impl Strategy<Value = Vec<u8>> {
        let byte = any::<u8>().prop_filter("not < or =", |b| !XSS_BYTES.contains(b));
        let piece = prop_oneof![
            byte.prop_map(|b| vec![b]),
            proptest::sample::select(PIECES).prop_map(<[u8]>::to_vec),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    #[test]
    fn xss_examples_hold_the_condition() {
        let cond = DetectXss.byte_condition();
        for x in [
            &b"<script>alert(1)</script>"[..],
            b"x onerror=alert(1)",
            b"\" style=x",
        ] {
            assert!(palisade_libinjection::xss(x), "{x:?}");
            assert!(cond.holds(x) && cond.holds(&x.to_ascii_uppercase()));
        }
        assert!(!cond.holds(b"x onerror alert(1)"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The argument of [`XSS_BYTES`]: no input without `<` and `=` is XSS.
        #[test]
        fn detect_xss_needs_lt_or_eq(value in without_lt_eq()) {
            prop_assert!(!palisade_libinjection::xss(&value), "{:?}", String::from_utf8_lossy(&value));
        }

        /// The same inputs with one `=` or `<` put in are XSS often enough that the test
        /// above would see a wrong argument (counted in `xss_with_one_byte_is_reachable`).
        #[test]
        fn detect_xss_condition_is_necessary_on_mixed_inputs(value in proptest::collection::vec(proptest::sample::select(PIECES), 0..12), at in any::<prop::sample::Index>(), b in proptest::sample::select(XSS_BYTES)) {
            let mut v: Vec<u8> = value.concat();
            let i = at.index(v.len() + 1);
            v.insert(i, b);
            let flagged = palisade_libinjection::xss(&v);
            prop_assert!(!flagged || DetectXss.byte_condition().holds(&v));
        }
    }

    #[test]
    fn xss_with_one_byte_is_reachable() {
        // A few inputs of the generator's shape, with one `=` or `<`, that are XSS: the
        // complement test's alphabet is one byte away from XSS.
        for x in [&b"a onerror=x"[..], b"' style=x", b"<svg", b"<!DOCTYPE"] {
            assert!(palisade_libinjection::xss(x), "{x:?}");
            let without: Vec<u8> = x
                .iter()
                .copied()
                .filter(|b| !XSS_BYTES.contains(b))
                .collect();
            assert!(!palisade_libinjection::xss(&without), "{without:?}");
        }
    }
}
