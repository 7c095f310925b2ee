//! `@rxGlobal`: like `@rx`, but with `capture` it records every match, as ModSecurity v3's
//! `Regex::searchGlobal` does: each match's groups are numbered on from the number of values
//! captured so far, the search resumes at the end of a non-empty match, and after an empty
//! match it retries one byte further (repeating v3's quirk of searching again from the old
//! offset, which can record the same empty match more than once).
//!
//! Known divergence: after an empty match, PCRE first looks for a non-empty match at the same
//! offset (`PCRE2_NOTEMPTY_ATSTART`), which a lower-priority alternative may provide
//! (`(?:|a)`, `a*?`); Palisade moves one byte on instead. Whether the operator matches is not
//! affected, only the captured values.

use palisade_seclang::MacroString;

use super::regex_source::RegexOperand;
use crate::context::{CompileCache, EvalContext};
use crate::operator::Evaluate;
use crate::pcre::{PcreError, RegexLimits, Slots};
use crate::prefilter::Literals;
use crate::prefilter::bytes::ByteCondition;

#[derive(Debug)]
pub(crate) struct RxGlobal {
    operand: RegexOperand,
}

impl RxGlobal {
    pub(crate) fn new(
        arg: &MacroString,
        limits: &RegexLimits,
        cache: Option<&CompileCache>,
    ) -> Result<Self, PcreError> {
        Ok(RxGlobal {
            operand: RegexOperand::new(arg, limits, cache)?,
        })
    }
}

impl Evaluate for RxGlobal {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        if self.operand.always() {
            return true;
        }
        let Some(re) = self.operand.get(ctx) else {
            return false;
        };
        if !ctx.capturing() {
            return re.is_match(input);
        }
        let n = input.len();
        let mut start = 0usize;
        let mut prev_empty = false;
        let mut count = 0usize;
        let mut slots = Slots::new();
        // The last search: (searched from, slots). A search from any offset between that one
        // and the match start finds the same match.
        let mut memo: Option<(usize, Slots)> = None;
        while start <= n {
            if prev_empty {
                // See the module note: no non-empty match is looked for at `start`.
                start += 1;
                prev_empty = false;
                continue;
            }
            let hit = match &memo {
                Some((from, s))
                    if *from <= start
                        && s.first().and_then(|g| *g).is_some_and(|g| start <= g.0) =>
                {
                    slots.clone_from(s);
                    true
                }
                _ => {
                    let hit = re.captures_at(input, start, false, &mut slots);
                    if hit {
                        memo = Some((start, slots.clone()));
                    }
                    hit
                }
            };
            if !hit {
                break;
            }
            let first = count;
            for (i, slot) in slots.iter().enumerate() {
                let Some((s, e)) = *slot else { continue };
                ctx.capture(first + i, &input[s..e]);
                count += 1;
                if i == 0 {
                    if e > s {
                        start = e;
                    } else if start == n {
                        start += 1;
                    } else {
                        prev_empty = true;
                    }
                }
            }
        }
        count > 0
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
