//! `palisade bench --profile`: one extra, untimed pass over the corpus with the engine's cost
//! accounting on ([`palisade::engine::profile`]), then the tables rule authors read: where the
//! time goes by phase, by body processor, for the prefilter, and the costliest rules and
//! transformation steps.

use std::sync::Arc;

use palisade::Waf;
use palisade::engine::profile::{BODY_PROCESSORS, Cost, Profile};
use palisade::host::InstantStopwatch;
use palisade::replay;

use super::super::corpus::Entry;

/// Runs the corpus `passes` times with the profiler on and returns the merged profile (more
/// passes average out the preemptions of a busy machine, which land on whatever rule runs).
pub fn collect(waf: &Waf, corpus: &[Entry], passes: usize) -> Profile {
    let watch = Arc::new(InstantStopwatch::default());
    let mut total = Profile::default();
    for _ in 0..passes.max(1) {
        for e in corpus {
            let (_, p) = replay::run_profiled(waf, &e.request, watch.clone());
            total.merge(&p);
        }
    }
    total
}

fn ms(nanos: u64) -> f64 {
    nanos as f64 / 1e6
}

fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Renders the profile of `passes` passes over `requests` requests, `top` rows per table.
pub fn render(waf: &Waf, p: &Profile, requests: usize, passes: usize, top: usize) -> String {
    let passes = passes.max(1);
    let rs = waf.ruleset();
    let mut out = String::new();
    let phase_total: u64 = p.phases.iter().map(|c| c.nanos).sum();
    let body_total: u64 = p.body_processors.iter().map(|c| c.nanos).sum();
    let engine_total = phase_total + body_total;
    out.push_str(&format!(
        "profile: {passes} untimed pass(es) of {requests} requests with cost accounting on; \
         rule loops + body processors {:.1} ms ({:.1} us/request)\n",
        ms(engine_total),
        engine_total as f64 / 1e3 / (requests * passes).max(1) as f64
    ));
    out.push_str("  phases (rule loop):");
    for (i, c) in p.phases.iter().enumerate() {
        if c.count > 0 {
            out.push_str(&format!(
                " {i}: {:.1} ms ({:.1}%);",
                ms(c.nanos),
                pct(c.nanos, engine_total)
            ));
        }
    }
    out.push('\n');
    out.push_str("  body processors:");
    for (name, c) in BODY_PROCESSORS.iter().zip(&p.body_processors) {
        if c.count > 0 {
            out.push_str(&format!(
                " {name} n={} {:.1} ms ({:.1} us each, {:.1}%);",
                c.count,
                ms(c.nanos),
                c.nanos as f64 / 1e3 / c.count as f64,
                pct(c.nanos, engine_total)
            ));
        }
    }
    out.push('\n');
    let scans = p.prefilter_scans;
    let tf_total: u64 = p.transforms.iter().map(|c| c.nanos).sum();
    let tf_count: u64 = p.transforms.iter().map(|c| c.count).sum();
    out.push_str(&format!(
        "  prefilter scans: n={} {:.1} ms ({:.2} us each, {:.1}%); transformation steps: n={} \
         {:.1} ms ({:.1}%) (both are inside the rules' times)\n",
        scans.count,
        ms(scans.nanos),
        if scans.count > 0 {
            scans.nanos as f64 / 1e3 / scans.count as f64
        } else {
            0.0
        },
        pct(scans.nanos, engine_total),
        tf_count,
        ms(tf_total),
        pct(tf_total, engine_total)
    ));

    let e = &p.eval;
    let per = |x: u64| x as f64 / (requests * passes).max(1) as f64;
    out.push_str(&format!(
        "  per request: {:.0} rule links evaluated, {:.0} values tested, {:.0} decided by the \
         prefilter, {:.0} operators run, {:.1} matches; {:.0} transformation steps computed, \
         {:.0} memo hits, {:.0} prefilter scans\n",
        per(e.rules),
        per(e.tests),
        per(e.prefiltered),
        per(e.operators),
        per(e.matches),
        per(tf_count),
        per(p.memo_hits),
        per(scans.count)
    ));

    // Rules.
    let rule_total: u64 = p.rules.iter().map(|c| c.nanos).sum();
    let mut rules: Vec<(usize, Cost)> = p
        .rules
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| c.count > 0)
        .collect();
    rules.sort_by_key(|c| std::cmp::Reverse(c.1.nanos));
    out.push_str(&format!(
        "  top {} of {} rules evaluated, by time (a rule's time includes its chain, the \
         transformations it computed first and its actions):\n",
        top.min(rules.len()),
        rules.len()
    ));
    out.push_str(
        "    (ops/eval: values per evaluation whose operator ran; pf: the prefilter knows the \
         operator's literals (lit), has none for it (any) or does not apply (-))\n",
    );
    out.push_str(&format!(
        "    {:>7} {:>2} {:>8} {:>9} {:>8} {:>6} {:>8} {:>3}  {:<32} {}\n",
        "id",
        "ph",
        "evals",
        "total ms",
        "us/eval",
        "%",
        "ops/eval",
        "pf",
        "file:line",
        "operator, transformations"
    ));
    for (i, c) in rules.iter().take(top) {
        let Some(r) = rs.rules.get(*i) else { continue };
        let file = rs.file_name(r);
        let base = file.rsplit('/').next().unwrap_or(&file).to_owned();
        let op = r.operator.as_ref().map_or_else(
            || "(SecAction)".to_owned(),
            |o| format!("{}@{}", if o.negated { "!" } else { "" }, o.display),
        );
        let chain_links = {
            let mut n = 0;
            let mut at = r.next;
            while let Some(x) = at {
                n += 1;
                at = rs.rules.get(x as usize).and_then(|l| l.next);
            }
            n
        };
        let runs = p.operator_runs.get(*i).copied().unwrap_or(0);
        let pf = if r.operator.is_none() || r.prefilter_slot == u32::MAX {
            "-"
        } else if rs.prefilter.is_always(r.prefilter_slot) {
            "any"
        } else {
            "lit"
        };
        out.push_str(&format!(
            "    {:>7} {:>2} {:>8} {:>9.2} {:>8.2} {:>5.1}% {:>8.1} {:>3}  {:<32} {}{}{}\n",
            r.id,
            r.phase,
            c.count,
            ms(c.nanos),
            c.nanos as f64 / 1e3 / c.count as f64,
            pct(c.nanos, rule_total),
            runs as f64 / c.count as f64,
            pf,
            format!("{base}:{}", r.line),
            op,
            if r.chain_text.is_empty() {
                String::new()
            } else {
                format!(" t:{}", r.chain_text.replace(',', ",t:"))
            },
            if chain_links > 0 {
                format!(" (+{chain_links} chained)")
            } else {
                String::new()
            }
        ));
    }

    // Transformation steps.
    let mut steps: Vec<(usize, Cost)> = p
        .transforms
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| c.count > 0)
        .collect();
    steps.sort_by_key(|c| std::cmp::Reverse(c.1.nanos));
    out.push_str(&format!(
        "  top {} of {} transformation steps computed, by time (the last step of each chain, \
         from its prefix's memoised value):\n",
        top.min(steps.len()),
        steps.len()
    ));
    out.push_str(&format!(
        "    {:>8} {:>9} {:>8} {:>6}  {}\n",
        "computed", "total ms", "ns/each", "%", "chain"
    ));
    for (node, c) in steps.iter().take(top) {
        let node = palisade::engine::ruleset::chain::NodeId(u32::try_from(*node).unwrap_or(0));
        let chain: Vec<&str> = rs.chains.path(node).iter().map(|t| t.name()).collect();
        out.push_str(&format!(
            "    {:>8} {:>9.2} {:>8.0} {:>5.1}%  t:{}\n",
            c.count,
            ms(c.nanos),
            c.nanos as f64 / c.count as f64,
            pct(c.nanos, tf_total),
            chain.join(",t:")
        ));
    }
    out
}
