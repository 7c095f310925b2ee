//! `@rx`: a PCRE regular expression, compiled as ModSecurity v3 compiles it (see
//! [`crate::pcre`]). An empty argument without macros matches everything (and captures
//! nothing); a macro argument is expanded and compiled at match time, and a pattern that does
//! not compile then simply does not match, as in v3.
//!
//! With `capture`, every group that took part in the first match is stored: `TX:0` the whole
//! match, `TX:n` group n (groups above 9 too); groups that did not take part are skipped.

use palisade_seclang::MacroString;

use super::regex_source::{PendingLiterals, RegexSource};
use crate::context::{CompileCache, EvalContext, literal_text};
use crate::operator::Evaluate;
use crate::pcre::{PcreError, RegexLimits, Slots};
use crate::prefilter::Literals;

#[derive(Debug)]
pub(crate) struct Rx {
    source: RegexSource,
    /// `m_param.empty() && !containsMacro`: matches everything.
    always: bool,
    /// The prefilter literals, computed from the HIR checked at load (no second parse).
    literals: PendingLiterals,
}

impl Rx {
    pub(crate) fn new(
        arg: &MacroString,
        limits: &RegexLimits,
        cache: Option<&CompileCache>,
    ) -> Result<Self, PcreError> {
        let always = !arg.has_macros() && literal_text(arg).is_empty();
        let (source, literals) = RegexSource::new(arg, limits, cache)?;
        Ok(Rx {
            source,
            always,
            literals: PendingLiterals::new(if always { Literals::Any } else { literals }),
        })
    }
}

impl Evaluate for Rx {
    fn evaluate(&self, input: &[u8], ctx: &mut EvalContext<'_>) -> bool {
        if self.always {
            return true;
        }
        let Some(re) = self.source.get(ctx) else {
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
        self.literals.take_or(|| {
            if self.always {
                Literals::Any
            } else {
                self.source.derive_literals()
            }
        })
    }

    fn compile_now(&self) -> bool {
        self.source.compile_now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::CompileCache;

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
