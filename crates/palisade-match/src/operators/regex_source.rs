//! [`RegexSource`]: the compiled regex of `@rx`/`@rxGlobal`, either fixed at load time or,
//! when the argument holds macros, compiled at match time from the expanded text and kept in a
//! small cache shared by all transactions; and [`RegexOperand`], that source with what the
//! prefilter learns from the pattern at load, the part `@rx` and `@rxGlobal` share.
//!
//! The byte condition ([`regex_condition`]) is computed at load only for patterns whose
//! literals are weak ([`load_condition`]): the engine's prefilter asks for a condition only
//! when an operator has no literals or a short one (`add_lazy` in the engine's
//! `ruleset/prefilter.rs`), and for CRS v4 most patterns have long literals. Any other pattern
//! derives its condition on the first call of [`RegexOperand::byte_condition`], from the HIR
//! [`PcreRegex::hir`] derives again. That HIR is the one the load-time check produced (the
//! same parse and lowering of the same pattern text, a deterministic function of it), so the
//! condition is the same whether it was computed at load or later: skipping it at load
//! changes only when the work is done, never the result (`tests/lazy_condition.rs` checks
//! it over CRS and random patterns, with and without a [`CompileCache`]).

use std::sync::{Arc, Mutex, OnceLock};

use palisade_seclang::MacroString;

use crate::context::{CompileCache, EvalContext, EvalNote, literal_text};
use crate::pcre::{PcreError, PcreRegex, RegexLimits};
use crate::prefilter::bytes::{ByteCondition, regex_condition};
use crate::prefilter::{Literals, regex_literals};

/// Literals shorter than this, made only of letters, digits and `-./=,:_` or space, make the
/// engine's prefilter ask for the byte condition (the engine's `MIN_LITERAL` and `common`
/// test in `add_lazy`: such a literal is too common to scan for). Only a hint: a condition
/// not computed at load is derived when asked, with the same result.
const WEAK_LITERAL: usize = 3;

/// Whether the engine's prefilter treats `lit` as too common to scan for (see
/// [`WEAK_LITERAL`]).
fn weak_literal(lit: &[u8]) -> bool {
    lit.len() < WEAK_LITERAL
        && lit.iter().all(|&b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'.' | b'/' | b'=' | b',' | b':' | b'_' | b' ')
        })
}

/// The byte condition of `hir` when `literals` (of the same HIR) are weak enough for the
/// engine to ask for it (no literals, or one [`weak_literal`]); `None` (derived on demand)
/// otherwise.
pub(crate) fn load_condition(
    literals: &Literals,
    hir: &regex_syntax::hir::Hir,
) -> Option<ByteCondition> {
    let weak = match literals {
        Literals::Any => true,
        Literals::Never => false,
        Literals::OneOf(v) => v.iter().any(|l| weak_literal(l)),
    };
    weak.then(|| regex_condition(hir))
}

/// The prefilter literals of a regex, computed at load from the HIR the pattern check
/// produced and handed out by the first call (the engine asks once, when it builds its
/// prefilter); later calls derive them again (a parse and the analysis, same result), so
/// the ruleset does not keep ~0.5 MiB of literal strings for CRS v4 after loading.
#[derive(Debug)]
pub(crate) struct PendingLiterals(Mutex<Option<Literals>>);

impl PendingLiterals {
    pub(crate) fn new(literals: Literals) -> Self {
        PendingLiterals(Mutex::new(Some(literals)))
    }

    /// The literals computed at load if not handed out yet, else `derive()`.
    pub(crate) fn take_or(&self, derive: impl FnOnce() -> Literals) -> Literals {
        let taken = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        taken.unwrap_or_else(derive)
    }
}

/// How many expanded patterns a macro regex keeps compiled.
const CACHE_SIZE: usize = 16;

type Cached = (Vec<u8>, Result<Arc<PcreRegex>, PcreError>);

#[derive(Debug)]
pub(crate) enum RegexSource {
    /// Compiled once.
    Static(Arc<PcreRegex>),
    /// Compiled per expansion, most recently used first.
    Dynamic {
        template: MacroString,
        limits: RegexLimits,
        cache: Mutex<Vec<Cached>>,
    },
}

impl RegexSource {
    /// Checks a fixed argument now (its automata are built on first use, see
    /// [`PcreRegex`]) and returns it with its literals ([`regex_literals`]) and, when
    /// [`load_condition`] computes it, its byte condition ([`regex_condition`]), both from the
    /// HIR the check produced; keeps a macro argument for match time ([`Literals::Any`], no
    /// condition).
    pub(crate) fn new(
        arg: &MacroString,
        limits: &RegexLimits,
        cache: Option<&CompileCache>,
    ) -> Result<(Self, Literals, Option<ByteCondition>), PcreError> {
        if arg.has_macros() {
            Ok((
                RegexSource::Dynamic {
                    template: arg.clone(),
                    limits: *limits,
                    cache: Mutex::new(Vec::new()),
                },
                Literals::Any,
                Some(ByteCondition::none()),
            ))
        } else {
            let text = literal_text(arg);
            let (re, lits, cond) = match cache {
                Some(cache) => cache.regex(text.as_bytes(), limits)?,
                None => {
                    let (re, hir) = PcreRegex::new_with_hir(text.as_bytes(), false, limits)?;
                    let lits = regex_literals(&hir);
                    let cond = load_condition(&lits, &hir);
                    (Arc::new(re), lits, cond)
                }
            };
            Ok((RegexSource::Static(re), lits, cond))
        }
    }

    /// The regex for this evaluation; `None` (with a note) when the expanded pattern does not
    /// compile.
    pub(crate) fn get(&self, ctx: &mut EvalContext<'_>) -> Option<Arc<PcreRegex>> {
        match self {
            RegexSource::Static(re) => Some(Arc::clone(re)),
            RegexSource::Dynamic {
                template,
                limits,
                cache,
            } => {
                let pattern = ctx.expand(template);
                let mut cache = cache
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let result = match cache.iter().position(|(p, _)| *p == pattern) {
                    Some(i) => {
                        let entry = cache.remove(i);
                        let result = entry.1.clone();
                        cache.insert(0, entry);
                        result
                    }
                    None => {
                        let result = PcreRegex::new(&pattern, false, limits).map(Arc::new);
                        cache.insert(0, (pattern.clone(), result.clone()));
                        cache.truncate(CACHE_SIZE);
                        result
                    }
                };
                drop(cache);
                match result {
                    Ok(re) => Some(re),
                    Err(error) => {
                        ctx.note(EvalNote::RegexError { pattern, error });
                        None
                    }
                }
            }
        }
    }

    /// The literals of a fixed regex derived from its pattern; `Any` for a macro pattern.
    pub(crate) fn derive_literals(&self) -> Literals {
        match self {
            RegexSource::Static(re) => regex_literals(&re.hir()),
            RegexSource::Dynamic { .. } => Literals::Any,
        }
    }

    /// The byte condition of a fixed regex derived from its pattern; none for a macro pattern.
    pub(crate) fn derive_condition(&self) -> ByteCondition {
        match self {
            RegexSource::Static(re) => regex_condition(&re.hir()),
            RegexSource::Dynamic { .. } => ByteCondition::none(),
        }
    }

    /// Builds the automata of a fixed regex now (see [`PcreRegex::compile_now`]).
    pub(crate) fn compile_now(&self) -> bool {
        match self {
            RegexSource::Static(re) => re.compile_now(),
            RegexSource::Dynamic { .. } => true,
        }
    }
}

/// The regex argument of `@rx`/`@rxGlobal` with what the prefilter learns from it at load:
/// the part both operators share (they differ only in how they search and capture).
#[derive(Debug)]
pub(crate) struct RegexOperand {
    source: RegexSource,
    /// `m_param.empty() && !containsMacro`: matches everything.
    always: bool,
    /// The prefilter literals, computed from the HIR checked at load (no second parse).
    literals: PendingLiterals,
    /// The byte condition: from the same HIR when computed at load ([`load_condition`]),
    /// else derived on the first call of [`byte_condition`](Self::byte_condition).
    condition: OnceLock<ByteCondition>,
}

impl RegexOperand {
    pub(crate) fn new(
        arg: &MacroString,
        limits: &RegexLimits,
        cache: Option<&CompileCache>,
    ) -> Result<Self, PcreError> {
        let always = !arg.has_macros() && literal_text(arg).is_empty();
        let (source, literals, condition) = RegexSource::new(arg, limits, cache)?;
        Ok(RegexOperand {
            source,
            always,
            literals: PendingLiterals::new(if always { Literals::Any } else { literals }),
            condition: match (always, condition) {
                (true, _) => OnceLock::from(ByteCondition::none()),
                (false, Some(c)) => OnceLock::from(c),
                (false, None) => OnceLock::new(),
            },
        })
    }

    /// The argument is empty (and has no macros): the operator matches everything.
    pub(crate) fn always(&self) -> bool {
        self.always
    }

    /// The regex for this evaluation (see [`RegexSource::get`]).
    pub(crate) fn get(&self, ctx: &mut EvalContext<'_>) -> Option<Arc<PcreRegex>> {
        self.source.get(ctx)
    }

    /// The prefilter literals: those computed at load on the first call, derived again after.
    pub(crate) fn literals(&self) -> Literals {
        self.literals.take_or(|| {
            if self.always {
                Literals::Any
            } else {
                self.source.derive_literals()
            }
        })
    }

    /// Builds the regex's automata now.
    pub(crate) fn compile_now(&self) -> bool {
        self.source.compile_now()
    }

    /// The byte condition every match satisfies (derived now if load did not compute it).
    pub(crate) fn byte_condition(&self) -> ByteCondition {
        self.condition
            .get_or_init(|| self.source.derive_condition())
            .clone()
    }
}
