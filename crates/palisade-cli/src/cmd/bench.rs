//! `palisade bench`: the timed form of `palisade replay`. It loads the rules (timing the load
//! and measuring the ruleset's memory as the growth of the process's RSS around it, as
//! ModSecurity's harness `shared/bench/modsec/bench.c` does), runs warm-up passes and timed
//! passes over the corpus (each request a full transaction driven by [`palisade::replay`]),
//! and prints the harness's figures in its layout: per pass and as medians over the passes,
//! for benign and attack requests separately, the median and p99 µs per request, requests/s,
//! requests blocked, and the peak RSS, ending with `median of N passes: wall X s, R req/s`.
//!
//! `--verdicts` writes the same TSV as `palisade replay`; `--json` the harness's JSON summary;
//! `--profile` one more, untimed pass with the engine's cost accounting on, and its tables.

mod profile;
mod stats;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use palisade::replay::{self, Verdict};
use serde_json::json;

use super::corpus::{Entry, load_waf, read_corpus, write_verdicts};
use stats::{Group, Pass, median_pass, peak_rss_kib, rss_kib};

/// Arguments of `palisade bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Rule files, loaded in order (wildcards allowed).
    #[arg(long, required = true, num_args = 1..)]
    pub rules: Vec<PathBuf>,
    /// The corpus (`requests.jsonl`).
    #[arg(long)]
    pub corpus: PathBuf,
    /// Timed passes over the corpus.
    #[arg(long, default_value_t = 5)]
    pub passes: usize,
    /// Untimed warm-up passes first.
    #[arg(long, default_value_t = 1)]
    pub warmup: usize,
    /// Write the per-request verdicts TSV here (`-` for standard output), with each request's
    /// median µs over the timed passes.
    #[arg(long)]
    pub verdicts: Option<PathBuf>,
    /// `labels.tsv` for the class and location columns (default: beside the corpus, if present).
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// Write a machine-readable summary (the JSON of ModSecurity's harness).
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// A label for the run (default: the first rules file's name).
    #[arg(long)]
    pub name: Option<String>,
    /// After the timed passes, run one more pass with cost accounting and print the costliest
    /// rules, transformation steps and body processors.
    #[arg(long)]
    pub profile: bool,
    /// Passes of `--profile` (more passes average out a busy machine's preemptions).
    #[arg(long, default_value_t = 1)]
    pub profile_passes: usize,
    /// Rows per table of `--profile`.
    #[arg(long, default_value_t = 25)]
    pub top: usize,
    /// Build every regex automaton during the (timed) load instead of on first use
    /// (`Ruleset::compile_regexes`).
    #[arg(long)]
    pub eager_regexes: bool,
}

/// Verdicts as the harness compares them across passes.
fn same_decisions(a: &[Verdict], b: &[Verdict]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.status == y.status && x.disruptive == y.disruptive)
}

fn pass_figures(corpus: &[Entry], verdicts: &[Verdict], wall_s: f64) -> Pass {
    let mut benign = Vec::new();
    let mut attack = Vec::new();
    let mut all = Vec::with_capacity(corpus.len());
    let mut p = Pass {
        wall_s,
        rps: corpus.len() as f64 / wall_s,
        ..Pass::default()
    };
    for (e, v) in corpus.iter().zip(verdicts) {
        all.push(v.micros);
        if e.is_attack() {
            attack.push(v.micros);
        } else {
            benign.push(v.micros);
        }
        p.log_messages += v.log_messages;
        if v.disruptive {
            match (e.is_attack(), v.status == 403) {
                (true, true) => p.attack_403 += 1,
                (true, false) => p.attack_other += 1,
                (false, true) => p.benign_403 += 1,
                (false, false) => p.benign_other += 1,
            }
        }
    }
    p.benign = Group::of(&mut benign);
    p.attack = Group::of(&mut attack);
    p.all = Group::of(&mut all);
    p
}

fn class_line(corpus: &[Entry], verdicts: &[Verdict]) -> Option<String> {
    let mut classes: Vec<(&str, &str, usize, usize)> = Vec::new();
    for (e, v) in corpus.iter().zip(verdicts) {
        if e.class == "-" {
            continue;
        }
        let i = match classes.iter().position(|c| c.1 == e.class) {
            Some(i) => i,
            None => {
                classes.push((&e.kind, &e.class, 0, 0));
                classes.len() - 1
            }
        };
        classes[i].3 += 1;
        if v.disruptive {
            classes[i].2 += 1;
        }
    }
    if classes.is_empty() {
        return None;
    }
    let mut s = String::from("per class (kind/class: blocked/total):");
    for (kind, class, b, t) in classes {
        s.push_str(&format!(" {kind}/{class} {b}/{t};"));
    }
    Some(s)
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    match bench(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("palisade bench: {e}");
            ExitCode::from(2)
        }
    }
}

fn bench(args: &Args) -> Result<(), String> {
    if args.passes == 0 {
        return Err("--passes must be at least 1".into());
    }
    let name = args.name.clone().unwrap_or_else(|| {
        args.rules
            .first()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    println!("== {name}");
    println!("engine: Palisade v{}", env!("CARGO_PKG_VERSION"));

    let rss0 = rss_kib();
    let t0 = Instant::now();
    let waf = load_waf(&args.rules)?;
    if args.eager_regexes {
        waf.ruleset().compile_regexes();
    }
    let load_ms = t0.elapsed().as_secs_f64() * 1e3;
    let rss_rules = rss_kib().saturating_sub(rss0);
    let rules_shown: Vec<String> = args.rules.iter().map(|p| p.display().to_string()).collect();
    println!(
        "rules: {} -> {} rules, load {load_ms:.1} ms, ruleset RSS +{rss_rules} KiB",
        rules_shown.join(" "),
        waf.rule_count()
    );

    let rss1 = rss_kib();
    let corpus = read_corpus(&args.corpus, args.labels.as_deref())?;
    let n_attack = corpus.iter().filter(|e| e.is_attack()).count();
    let n_benign = corpus.len() - n_attack;
    println!(
        "corpus: {} -> {} requests ({n_benign} benign, {n_attack} attack), in-memory +{} KiB",
        args.corpus.display(),
        corpus.len(),
        rss_kib().saturating_sub(rss1)
    );
    if corpus.is_empty() {
        return Err("the corpus has no requests".into());
    }

    for _ in 0..args.warmup {
        for e in &corpus {
            std::hint::black_box(replay::run(&waf, &e.request));
        }
    }

    println!(
        "passes: {} timed (after {} warm-up)",
        args.passes, args.warmup
    );
    let mut passes: Vec<Pass> = Vec::with_capacity(args.passes);
    let mut first: Vec<Verdict> = Vec::new();
    let mut stable = true;
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(args.passes); corpus.len()];
    for p in 0..args.passes {
        let mut verdicts = Vec::with_capacity(corpus.len());
        let w0 = Instant::now();
        for e in &corpus {
            verdicts.push(replay::run(&waf, &e.request));
        }
        let wall = w0.elapsed().as_secs_f64();
        for (t, v) in times.iter_mut().zip(&verdicts) {
            t.push(v.micros);
        }
        let s = pass_figures(&corpus, &verdicts, wall);
        println!(
            "pass {}: wall {:.3} s, {:.0} req/s, attacks blocked(403) {}/{n_attack}, benign \
             blocked(403) {}/{n_benign}, other disruptive a/b {}/{}",
            p + 1,
            s.wall_s,
            s.rps,
            s.attack_403,
            s.benign_403,
            s.attack_other,
            s.benign_other
        );
        println!("{}", s.benign.line("benign"));
        println!("{}", s.attack.line("attack"));
        println!("{}", s.all.line("all"));
        passes.push(s);
        if p == 0 {
            first = verdicts;
        } else if !same_decisions(&first, &verdicts) {
            stable = false;
        }
    }

    let m = median_pass(&passes);
    let peak = peak_rss_kib();
    println!(
        "median of {} passes: wall {:.3} s, {:.0} req/s",
        args.passes, m.wall_s, m.rps
    );
    println!("{}", m.benign.line("benign"));
    println!("{}", m.attack.line("attack"));
    println!("{}", m.all.line("all"));
    println!(
        "blocked: attacks {}/{n_attack} (403), false positives {}/{n_benign} benign (403); other \
         disruptive attack/benign {}/{}; verdicts identical across passes: {}",
        m.attack_403,
        m.benign_403,
        m.attack_other,
        m.benign_other,
        if stable { "yes" } else { "NO" }
    );
    println!("log messages per pass: {}", m.log_messages);
    println!(
        "memory: ruleset RSS +{rss_rules} KiB, RSS now {} KiB, peak RSS {peak} KiB",
        rss_kib()
    );
    if let Some(line) = class_line(&corpus, &first) {
        println!("{line}");
    }

    if let Some(path) = &args.verdicts {
        write_verdicts(path, &corpus, &first, &mut times)?;
        if path.as_os_str() != "-" {
            println!("verdicts written to {}", path.display());
        }
    }

    if let Some(path) = &args.json {
        let j = json!({
            "name": name,
            "engine": format!("Palisade v{}", env!("CARGO_PKG_VERSION")),
            "conf": rules_shown.join(" "),
            "requests": args.corpus.display().to_string(),
            "rules": waf.rule_count(),
            "load_ms": load_ms,
            "ruleset_rss_kib": rss_rules,
            "n": corpus.len(),
            "n_benign": n_benign,
            "n_attack": n_attack,
            "passes": args.passes,
            "warmup": args.warmup,
            "per_pass": passes.iter().map(Pass::json).collect::<Vec<_>>(),
            "median": {
                "wall_s": m.wall_s,
                "rps": m.rps,
                "benign": m.benign.json(),
                "attack": m.attack.json(),
                "all": m.all.json(),
            },
            "attack_403": m.attack_403,
            "benign_403": m.benign_403,
            "attack_other": m.attack_other,
            "benign_other": m.benign_other,
            "verdicts_stable": stable,
            "peak_rss_kib": peak,
            "log_messages_per_pass": m.log_messages,
        });
        let text = serde_json::to_string_pretty(&j).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }

    if args.profile {
        let p = profile::collect(&waf, &corpus, args.profile_passes);
        print!(
            "{}",
            profile::render(&waf, &p, corpus.len(), args.profile_passes, args.top)
        );
    }
    Ok(())
}
