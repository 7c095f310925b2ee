//! `palisade check FILE…`: parses rule files (following `Include`), prints every error and
//! warning like rustc does, and ends with one line of counts. Exit status 1 when there is an
//! error.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use palisade_seclang::ast::{DirectiveKind, chains};
use palisade_seclang::{FsSource, Level, load};

/// Arguments of `palisade check`.
#[derive(clap::Args)]
pub struct Args {
    /// Rule files (wildcards allowed); `Include` directives in them are followed.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Also print how many directives of each kind were read, and the number of chains.
    #[arg(long)]
    pub summary: bool,
    /// Do not print warnings.
    #[arg(long)]
    pub no_warnings: bool,
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let loaded = load(&FsSource::new(), &args.files);
    for d in &loaded.diagnostics {
        if d.level == Level::Warning && args.no_warnings {
            continue;
        }
        eprint!("{}", d.render_in(&loaded.files));
    }
    let mut sec_rule = 0usize;
    let mut sec_action = 0usize;
    let mut sec_marker = 0usize;
    let mut other = 0usize;
    let mut by_name: BTreeMap<&'static str, usize> = BTreeMap::new();
    for d in &loaded.directives {
        *by_name.entry(d.name().name()).or_default() += 1;
        match d.kind {
            DirectiveKind::SecRule(_) => sec_rule += 1,
            DirectiveKind::SecAction(_) => sec_action += 1,
            DirectiveKind::SecMarker(_) => sec_marker += 1,
            _ => other += 1,
        }
    }
    if args.summary {
        for (name, n) in &by_name {
            println!("{n:>6} {name}");
        }
        let chained = loaded
            .directives
            .iter()
            .filter(|d| matches!(&d.kind, DirectiveKind::SecRule(r) if r.is_chained()))
            .count();
        let multi = chains(&loaded.directives)
            .iter()
            .filter(|c| c.directives.len() > 1)
            .count();
        println!("{chained:>6} SecRule carrying `chain` ({multi} chains)");
    }
    let errors = loaded.error_count();
    println!(
        "checked {} files: {} rules ({} SecRule, {} SecAction, {} SecMarker), {} other directives, {} errors",
        loaded.files.len(),
        sec_rule + sec_action + sec_marker,
        sec_rule,
        sec_action,
        sec_marker,
        other,
        errors
    );
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
