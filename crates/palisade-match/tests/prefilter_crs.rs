//! The prefilter never drops a match, over CRS's real operators: every `@rx`, `@pm` and
//! `@pmFromFile` of CRS v4 (and the other operators with literals) in one prefilter, checked on
//! - inputs generated from each pattern itself (random walks of its regex) inside noise, and
//!   built from its own literals plus noise, lowercased and not;
//! - proptest's random byte strings;
//! - the values of ../shared/bench/requests.jsonl (query and form arguments, JSON strings,
//!   headers, cookies), lowercased and not. This last check also reports the share of (value,
//!   rule) pairs the prefilter lets through. By default every attack request and every 32nd
//!   benign one is used; set PALISADE_PREFILTER_FULL=1 for all 2,000.
//!
//! Operators without literals are filtered by their byte conditions (`prefilter::bytes`);
//! the same checks cover them, and the corpus check reports how many of their (value,
//! operator) pairs get through. Every operator with literals also gets a second slot with
//! the condition the engine falls back to when it demotes a short literal set (the
//! operator's byte condition joined to the literals'), checked the same way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support {
    pub mod crs;
}

use palisade_match::pcre::{PcreRegex, RegexLimits};
use palisade_match::prefilter::{
    ByteCondition, CandidateSet, Literals, Prefilter, PrefilterBuilder,
};
use palisade_match::{CompileContext, EvalContext, NoMacros, Operator};
use palisade_seclang::{FsSource, OperatorName};
use proptest::prelude::*;
use regex_syntax::hir::{Class, Hir, HirKind};

struct Rules {
    ops: Vec<(support::crs::CrsOp, Operator)>,
    /// For every operator with literals, a second slot with the byte condition the engine
    /// uses when it demotes the set (the operator's own joined to the literals'):
    /// (operator index, slot).
    demoted: Vec<(usize, usize)>,
    prefilter: Prefilter,
    /// The prefilter of the `demoted` slots (apart, so that the main one holds what the
    /// engine's holds).
    demoted_prefilter: Prefilter,
}

fn rules() -> &'static Rules {
    static RULES: std::sync::OnceLock<Rules> = std::sync::OnceLock::new();
    RULES.get_or_init(build_rules)
}

fn build_rules() -> Rules {
    let source = FsSource::new();
    let mut ops = Vec::new();
    let mut builder = PrefilterBuilder::new();
    for op in support::crs::crs_operators() {
        let ctx = CompileContext::new(&source).with_rule_file(&op.file);
        let compiled = Operator::compile(op.name, &op.argument(), &ctx).unwrap();
        let slot = builder.add_operator(&compiled);
        assert_eq!(slot, ops.len());
        ops.push((op, compiled));
    }
    let mut demoted = Vec::new();
    let mut twins = PrefilterBuilder::new();
    for (i, (_, compiled)) in ops.iter().enumerate() {
        let lits = compiled.literals();
        if matches!(lits, Literals::OneOf(_)) {
            let cond = compiled
                .byte_condition()
                .and(&ByteCondition::from_literals(&lits));
            demoted.push((i, twins.add_conditioned(Literals::Any, cond)));
        }
    }
    Rules {
        ops,
        demoted,
        prefilter: builder.build(),
        demoted_prefilter: twins.build(),
    }
}

/// Checks soundness on `value`: every operator outside the candidate set must not match (the
/// candidates need no check). Returns the number of candidates.
fn check(rules: &Rules, value: &[u8], set: &mut CandidateSet) -> usize {
    rules.prefilter.scan(value, set);
    let mut through = 0;
    for (slot, (op, compiled)) in rules.ops.iter().enumerate() {
        if set.contains(slot) {
            through += 1;
            continue;
        }
        let mut ctx = EvalContext::new(&NoMacros);
        assert!(
            !compiled.evaluate(value, &mut ctx),
            "prefilter dropped {}:{} (id {:?}) `{}` on {:?}",
            op.file.display(),
            op.line,
            op.id,
            op.arg,
            String::from_utf8_lossy(value)
        );
    }
    let mut twins = CandidateSet::new();
    rules.demoted_prefilter.scan(value, &mut twins);
    for &(i, slot) in &rules.demoted {
        let (op, compiled) = &rules.ops[i];
        if !twins.contains(slot) {
            let mut ctx = EvalContext::new(&NoMacros);
            assert!(
                !compiled.evaluate(value, &mut ctx),
                "the demoted byte condition dropped {}:{} (id {:?}) `{}` on {:?}",
                op.file.display(),
                op.line,
                op.id,
                op.arg,
                String::from_utf8_lossy(value)
            );
        }
    }
    through
}

fn matches(compiled: &Operator, value: &[u8]) -> bool {
    compiled.evaluate(value, &mut EvalContext::new(&NoMacros))
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A random string the regex may match (a random walk of its HIR; assertions are ignored).
fn sample(hir: &Hir, rng: &mut Rng, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.extend_from_slice(&l.0),
        HirKind::Class(Class::Bytes(c)) => {
            let ranges: Vec<_> = c.iter().collect();
            if ranges.is_empty() {
                return;
            }
            let r = ranges[rng.below(ranges.len())];
            let span = usize::from(r.end() - r.start()) + 1;
            out.push(r.start() + rng.below(span) as u8);
        }
        HirKind::Class(Class::Unicode(_)) => {}
        HirKind::Capture(c) => sample(&c.sub, rng, out),
        HirKind::Repetition(r) => {
            let extra = r.max.map_or(3, |m| (m - r.min).min(3)) as usize;
            let n = r.min.min(40) as usize + rng.below(extra + 1);
            for _ in 0..n {
                sample(&r.sub, rng, out);
            }
        }
        HirKind::Concat(items) => items.iter().for_each(|h| sample(h, rng, out)),
        HirKind::Alternation(alts) => sample(&alts[rng.below(alts.len())], rng, out),
    }
}

fn noise(rng: &mut Rng, out: &mut Vec<u8>) {
    const ALPHABET: &[u8] = b"abcXYZ019 \t\n'\"<>()=;/\\%&|-_.,:*\x00\xc3\xa9\xff";
    for _ in 0..rng.below(6) {
        out.push(ALPHABET[rng.below(ALPHABET.len())]);
    }
}

#[test]
fn never_drops_a_match_on_generated_inputs() {
    let rules = rules();
    let mut set = CandidateSet::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let limits = RegexLimits::default();
    let (mut inputs, mut matched) = (0usize, 0usize);
    for (op, compiled) in &rules.ops {
        let seeds: Vec<Vec<u8>> = match op.name {
            OperatorName::Rx => {
                let re = PcreRegex::new(op.arg.as_bytes(), false, &limits).unwrap();
                (0..6)
                    .map(|_| {
                        let mut v = Vec::new();
                        sample(&re.hir(), &mut rng, &mut v);
                        v
                    })
                    .collect()
            }
            _ => match compiled.literals() {
                Literals::OneOf(lits) => (0..4)
                    .map(|_| lits[rng.below(lits.len())].clone())
                    .collect(),
                _ => vec![op.arg.as_bytes().to_vec()],
            },
        };
        for seed in seeds {
            for variant in 0..3 {
                let mut v = Vec::new();
                noise(&mut rng, &mut v);
                match variant {
                    0 => v.extend_from_slice(&seed),
                    1 => v.extend(seed.to_ascii_lowercase()),
                    _ => v.extend(seed.to_ascii_uppercase()),
                }
                noise(&mut rng, &mut v);
                inputs += 1;
                check(rules, &v, &mut set);
                matched += usize::from(matches(compiled, &v));
            }
        }
    }
    println!(
        "generated inputs: {inputs}, of which {matched} match the operator they were made from"
    );
    assert!(
        matched > inputs / 2,
        "the generator should produce matching inputs"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn never_drops_a_match_on_random_bytes(value in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut set = CandidateSet::new();
        check(rules(), &value, &mut set);
    }

    #[test]
    fn never_drops_a_match_on_attack_shaped_text(value in "[ -~]{0,40}(select|union|<script|onerror|/etc/passwd|eval\\(|\\$\\{|cmd\\.exe)[ -~]{0,40}") {
        let mut set = CandidateSet::new();
        check(rules(), value.as_bytes(), &mut set);
    }
}

#[test]
fn bench_values_pass_through() {
    let rules = rules();
    let full = std::env::var_os("PALISADE_PREFILTER_FULL").is_some();
    let requests = palisade_testdata::bench_request_values();
    let mut set = CandidateSet::new();
    let kinds = |f: &dyn Fn(OperatorName) -> bool| -> Vec<usize> {
        (0..rules.ops.len())
            .filter(|&i| f(rules.ops[i].0.name))
            .collect()
    };
    let rx = kinds(&|n| n == OperatorName::Rx);
    let pm = kinds(&|n| matches!(n, OperatorName::Pm | OperatorName::PmFromFile));
    // The operators without literals that have a byte condition instead.
    let conditioned: Vec<usize> = (0..rules.ops.len())
        .filter(|&i| {
            matches!(rules.ops[i].1.literals(), Literals::Any)
                && !rules.ops[i].1.byte_condition().is_none()
        })
        .collect();
    let xss = kinds(&|n| n == OperatorName::DetectXss);
    let unfiltered: Vec<String> = rules
        .ops
        .iter()
        .filter(|(op, c)| {
            matches!(
                op.name,
                OperatorName::Rx | OperatorName::DetectXss | OperatorName::DetectSqli
            ) && matches!(c.literals(), Literals::Any)
                && c.byte_condition().is_none()
        })
        .map(|(op, _)| format!("{:?}@{:?}", op.id, op.name))
        .collect();
    if std::env::var_os("PALISADE_PREFILTER_SHOW").is_some() {
        for &i in &conditioned {
            let (op, c) = &rules.ops[i];
            let classes: Vec<String> = c
                .byte_condition()
                .classes()
                .iter()
                .map(|k| String::from_utf8_lossy(&k.bytes().collect::<Vec<u8>>()).into_owned())
                .collect();
            println!("  condition of {:?} @{:?}: {classes:?}", op.id, op.name);
        }
    }
    println!(
        "@rx/@detectXSS/@detectSQLi with neither literals nor a byte condition: {} {unfiltered:?}",
        unfiltered.len()
    );
    // The @rx operators the prefilter knows literals for (the others are always candidates).
    let rx_lit: Vec<usize> = rx
        .iter()
        .copied()
        .filter(|&i| matches!(rules.ops[i].1.literals(), Literals::OneOf(_)))
        .collect();
    for lowercase in [false, true] {
        let (mut values, mut through, mut rx_through, mut rx_matched, mut pm_through) =
            (0usize, 0usize, 0usize, 0usize, 0usize);
        let (mut rx_lit_through, mut rx_lit_matched) = (0usize, 0usize);
        let (mut cond_through, mut cond_matched, mut xss_through) = (0usize, 0usize, 0usize);
        for (i, (kind, vals)) in requests.iter().enumerate() {
            if !full && kind == "benign" && i % 32 != 0 {
                continue;
            }
            for v in vals {
                let v = if lowercase {
                    v.to_ascii_lowercase()
                } else {
                    v.clone()
                };
                through += check(rules, &v, &mut set);
                values += 1;
                for &slot in &rx {
                    if set.contains(slot) {
                        rx_through += 1;
                        rx_matched += usize::from(matches(&rules.ops[slot].1, &v));
                    }
                }
                pm_through += pm.iter().filter(|&&slot| set.contains(slot)).count();
                xss_through += xss.iter().filter(|&&slot| set.contains(slot)).count();
                for &slot in &conditioned {
                    if set.contains(slot) {
                        cond_through += 1;
                        cond_matched += usize::from(matches(&rules.ops[slot].1, &v));
                    }
                }
                for &slot in &rx_lit {
                    if set.contains(slot) {
                        rx_lit_through += 1;
                        rx_lit_matched += usize::from(matches(&rules.ops[slot].1, &v));
                    }
                }
            }
        }
        let pct = |a: usize, b: usize| 100.0 * a as f64 / (b.max(1)) as f64;
        println!(
            "bench values ({}{}): {values} values; (value, operator) pairs let through: {:.1}% of all {} operators, \
             {:.1}% of {} @rx ({:.2}% of @rx pairs match), {:.1}% of the {} @rx with literals \
             ({:.2}% of their pairs match), {:.1}% of {} @pm/@pmFromFile",
            if lowercase { "lowercased" } else { "as sent" },
            if full {
                ", all requests"
            } else {
                ", attacks + 1/32 of benign"
            },
            pct(through, values * rules.ops.len()),
            rules.ops.len(),
            pct(rx_through, values * rx.len()),
            rx.len(),
            pct(rx_matched, values * rx.len()),
            pct(rx_lit_through, values * rx_lit.len()),
            rx_lit.len(),
            pct(rx_lit_matched, values * rx_lit.len()),
            pct(pm_through, values * pm.len()),
            pm.len(),
        );
        println!(
            "  operators without literals but with a byte condition: {} ({} @detectXSS); pairs let \
             through: {:.1}% ({:.2}% of pairs match), @detectXSS {:.1}% (before byte conditions: 100%)",
            conditioned.len(),
            xss.len(),
            pct(cond_through, values * conditioned.len()),
            pct(cond_matched, values * conditioned.len()),
            pct(xss_through, values * xss.len()),
        );
    }
    let stats = rules.prefilter.stats();
    println!(
        "prefilter: {} slots, {} with literals, {} with a byte condition, {} always, {} never, {} literals",
        stats.slots,
        stats.with_literals,
        stats.conditioned,
        stats.always,
        stats.never,
        stats.literals
    );
    assert!(
        !conditioned.is_empty() && !xss.is_empty(),
        "CRS has literal-less operators with byte conditions"
    );
}
