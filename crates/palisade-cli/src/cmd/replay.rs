//! `palisade replay`: replays a request corpus (the JSON-lines format of `shared/bench`)
//! through full transactions, as ModSecurity's benchmark harness does, and writes one TSV row
//! per request in the layout of ModSecurity's verdict files:
//! `id kind class location status disruptive median_us rule_ids`.

use std::path::PathBuf;
use std::process::ExitCode;

use palisade::{Waf, replay};

use super::corpus::{read_corpus, write_verdicts};

/// Arguments of `palisade replay`.
#[derive(clap::Args)]
pub struct Args {
    /// Rule files, loaded in order (wildcards allowed).
    #[arg(long, required = true, num_args = 1..)]
    pub rules: Vec<PathBuf>,
    /// The corpus (`requests.jsonl`).
    #[arg(long)]
    pub corpus: PathBuf,
    /// Where to write the verdicts TSV (`-` for standard output).
    #[arg(long)]
    pub verdicts: PathBuf,
    /// `labels.tsv` for the class and location columns (default: beside the corpus, if present).
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// Timed passes; the µs column is each request's median over them.
    #[arg(long, default_value_t = 1)]
    pub passes: usize,
    /// Reproduce libmodsecurity 3.0.9's defects (tests/crs/MODSEC_DEFECTS.md), as the
    /// reference verdicts in shared/bench were produced with 3.0.9.
    #[arg(long = "modsec-3.0.9-defects")]
    pub modsec_3_0_9_defects: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let mut builder = Waf::builder().modsecurity_3_0_9_defects(args.modsec_3_0_9_defects);
    for r in &args.rules {
        builder = builder.rules_file(r);
    }
    let waf = match builder.build().map_err(|e| e.to_string()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("palisade replay: {e}");
            return ExitCode::from(2);
        }
    };
    let corpus = match read_corpus(&args.corpus, args.labels.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("palisade replay: {e}");
            return ExitCode::from(2);
        }
    };
    let passes = args.passes.max(1);
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(passes); corpus.len()];
    let mut verdicts = Vec::with_capacity(corpus.len());
    for p in 0..passes {
        for (i, e) in corpus.iter().enumerate() {
            let v = replay::run(&waf, &e.request);
            times[i].push(v.micros);
            if p == 0 {
                verdicts.push(v);
            }
        }
    }
    if let Err(e) = write_verdicts(&args.verdicts, &corpus, &verdicts, &mut times) {
        eprintln!("palisade replay: {e}");
        return ExitCode::from(2);
    }
    let mut blocked = [0usize; 2];
    for (e, v) in corpus.iter().zip(&verdicts) {
        if v.disruptive {
            blocked[usize::from(e.is_attack())] += 1;
        }
    }
    eprintln!(
        "replayed {} requests: {} attacks and {} benign requests blocked",
        corpus.len(),
        blocked[1],
        blocked[0]
    );
    ExitCode::SUCCESS
}
