//! `@rx`: a PCRE regular expression, compiled as ModSecurity v3 compiles it (see
//! [`crate::pcre`]). An empty argument without macros matches everything (and captures
//! nothing); a macro argument is expanded and compiled at match time, and a pattern that does
//! not compile then simply does not match, as in v3.
//!
//! With `capture`, every group that took part in the first match is stored: `TX:0` the whole
//! match, `TX:n` group n (groups above 9 too); groups that did not take part are skipped.
//!
//! Patterns that match every subject whole (`^.*$`, `^.*`, `.*$`, `.*`; CRS 920450 and
//! 920451 run `^.*$` with `capture` over every header name) are not run: their answer is
//! "match" and their only capture is `TX:0` = the whole subject. Why that is exact under
//! ModSecurity's options (`DOTALL|MULTILINE`, see [`crate::pcre`]): `.` matches every byte
//! (DOTALL), so the greedy `.*` starting at offset 0 takes the whole subject; `^` holds at
//! offset 0 and `$` at the end of the subject in every mode; the leftmost match therefore
//! starts at 0 and, being greedy and unable to fail, ends at the subject's end — for every
//! byte string, the empty one included (group 0 is then the empty span). There are no other
//! groups. The test `whole_subject_patterns_answer_as_the_regex_does` checks this against the
//! compiled regex on arbitrary bytes (newlines, CR, NUL, high bytes).

use palisade_seclang::MacroString;

use super::regex_source::RegexOperand;
use crate::context::{CompileCache, EvalContext, literal_text};
use crate::operator::Evaluate;
use crate::pcre::{PcreError, RegexLimits, Slots};
use crate::prefilter::Literals;
use crate::prefilter::bytes::ByteCondition;

#[derive(Debug)]
pub(crate) struct Rx {
    operand: RegexOperand,
    /// The pattern matches every subject whole (module comment): match, `TX:0` = subject.
    whole: bool,
}

/// Patterns that match every subject whole under `DOTALL|MULTILINE` (module comment).
const WHOLE_SUBJECT: [&str; 4] = ["^.*$", "^.*", ".*$", ".*"];

impl Rx {
    pub(crate) fn new(
        arg: &MacroString,
        limits: &RegexLimits,
        cache: Option<&CompileCache>,
    ) -> Result<Self, PcreError> {
        let text = (!arg.has_macros()).then(|| literal_text(arg));
        let whole = text.as_deref().is_some_and(|t| WHOLE_SUBJECT.contains(&t));
        Ok(Rx {
            operand: RegexOperand::new(arg, limits, cache)?,
            whole,
        })
    }
}

impl Evaluate for Rx {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        if self.operand.always() {
            return true;
        }
        if self.whole {
            ctx.capture(0, input);
            return true;
        }
        let Some(re) = self.operand.get(ctx) else {
            return false;
        };
        if !ctx.capturing() {
            return re.is_match(input);
        }
        let mut slots = Slots::new();
        if !re.captures_at(input, 0, false, &mut slots) {
            return false;
        }
        for (i, slot) in slots.iter().enumerate() {
            if let Some((s, e)) = *slot {
                ctx.capture(i, &input[s..e]);
            }
        }
        true
    }

    fn literals(&self) -> Literals {
        self.operand.literals()
    }

    fn compile_now(&self) -> bool {
        self.operand.compile_now()
    }

    fn byte_condition(&self) -> ByteCondition {
        self.operand.byte_condition()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::context::{Captures, CompileCache, NoMacros};
    use crate::pcre::PcreRegex;
    use proptest::prelude::*;

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                Just(b'\n'),
                Just(b'\r'),
                Just(0u8),
                Just(0xffu8),
                any::<u8>(),
                prop::sample::select(b"abcXYZ-_ ".to_vec())
            ],
            0..40,
        )
    }

    #[test]
    fn only_the_listed_patterns_take_the_shortcut() {
        let limits = RegexLimits::default();
        for p in WHOLE_SUBJECT {
            let rx = Rx::new(&MacroString::literal(p), &limits, None).unwrap();
            assert!(rx.whole, "{p}");
        }
        for p in ["^.+$", "^.*$x", "a.*", "^.*?$", "(.*)"] {
            let rx = Rx::new(&MacroString::literal(p), &limits, None).unwrap();
            assert!(!rx.whole, "{p}");
        }
    }

    proptest! {
        /// The shortcut answers as the compiled regex does: a match, with the same captures.
        #[test]
        fn whole_subject_patterns_answer_as_the_regex_does(input in bytes()) {
            let limits = RegexLimits::default();
            for p in WHOLE_SUBJECT {
                let rx = Rx::new(&MacroString::literal(p), &limits, None).unwrap();
                let re = PcreRegex::new(p.as_bytes(), false, &limits).unwrap();
                let expander = NoMacros;
                let mut cx = EvalContext::new(&expander);
                prop_assert_eq!(rx.evaluate(&input, &mut cx), re.is_match(&input));
                let mut got = Captures::new();
                let mut cx = EvalContext::new(&expander).with_captures(&mut got);
                let hit = rx.evaluate(&input, &mut cx);
                let mut slots = Slots::new();
                prop_assert_eq!(hit, re.captures_at(&input, 0, false, &mut slots));
                let want: Vec<(usize, Vec<u8>)> = slots
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| s.map(|(a, b)| (i, input[a..b].to_vec())))
                    .collect();
                let got: Vec<(usize, Vec<u8>)> = got.tx().map(|(i, v)| (i, v.to_vec())).collect();
                prop_assert_eq!(got, want, "pattern {}", p);
            }
        }
    }

    #[test]
    fn literals_handed_out_at_load_equal_those_derived_later() {
        let cache = CompileCache::new();
        for p in [
            r"(?i)union\s+(all\s+)?select",
            r"abcdef(?=x)",
            "",
            r"^\d+$",
            "%{tx.x}y",
        ] {
            let arg = if p.contains("%{") {
                MacroString::parse(p)
            } else {
                MacroString::literal(p)
            };
            for c in [None, Some(&cache)] {
                let rx = Rx::new(&arg, &RegexLimits::default(), c).unwrap();
                let first = rx.literals();
                assert_eq!(first, rx.literals(), "{p}");
                assert_eq!(first, rx.literals(), "{p}");
            }
        }
    }
}
