//! `palisade ftw`: runs go-ftw YAML tests (the CRS regression format) against rules in-process,
//! or against a live deployment with `--target http://HOST:PORT --log FILE`.
//!
//! Prints a report per failed test and ends with `ftw: P passed, F failed, S skipped`; exits 0
//! when nothing failed, 1 when a test failed, 2 on a usage or loading error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use palisade_ftw::backend::Albedo;
use palisade_ftw::engine::EngineWaf;
use palisade_ftw::load::load_paths;
use palisade_ftw::overrides::Overrides;
use palisade_ftw::progress::Progress;
use palisade_ftw::remote::Remote;
use palisade_ftw::report::{failure_report, json_pretty, to_json, to_junit};
use palisade_ftw::runner::{self, Filter, InProcess, RunConfig, StageExecutor};
use palisade_ftw::{Passthrough, Waf};

/// Arguments of `palisade ftw`.
#[derive(clap::Args)]
pub struct Args {
    /// Rule files to load, in order (in-process mode).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Test files or directories (searched recursively for *.yaml and *.yml).
    #[arg(long, num_args = 1.., value_name = "DIR|FILE", required = true)]
    pub tests: Vec<PathBuf>,
    /// Platform overrides / ignore lists (go-ftw `test_overrides` and `testoverride` sections).
    #[arg(long, value_name = "FILE")]
    pub overrides: Vec<PathBuf>,
    /// Which tests to run.
    #[command(flatten)]
    pub select: Box<Selection>,
    /// Worker threads for in-process runs (default: the number of cores).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub jobs: usize,
    /// Reports and remote target.
    #[command(flatten)]
    pub out: Box<Outputs>,
    /// Run in-process without a WAF (checks the harness itself: HTTP refusals, backend).
    #[arg(long, conflicts_with_all = ["rules", "target"])]
    pub passthrough: bool,
    /// Reproduce libmodsecurity 3.0.9's defects (tests/crs/MODSEC_DEFECTS.md) instead of
    /// deciding as CRS expects: CRS v4.28 then fails exactly where 3.0.9 fails.
    #[arg(long = "modsec-3.0.9-defects", conflicts_with_all = ["passthrough", "target"])]
    pub modsec_defects: bool,
    /// Do not print failure reports (the closing line is always printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Test selection options of `palisade ftw`.
#[derive(clap::Args)]
pub struct Selection {
    /// Run only the tests of this rule (repeatable).
    #[arg(long, value_name = "ID")]
    pub rule: Vec<String>,
    /// Run only this test, e.g. 942100-3 (repeatable).
    #[arg(long, value_name = "RULE-TEST")]
    pub test: Vec<String>,
    /// Run only tests whose `<rule>-<test>` name matches this regex (unanchored).
    #[arg(long, value_name = "REGEX")]
    pub include: Option<String>,
    /// Skip tests whose `<rule>-<test>` name matches this regex (unanchored).
    #[arg(long, value_name = "REGEX")]
    pub exclude: Option<String>,
}

/// Report and remote-target options of `palisade ftw`.
#[derive(clap::Args)]
pub struct Outputs {
    /// Write a JSON report here.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Send the tests over HTTP to a live deployment, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL", requires = "log")]
    pub target: Option<String>,
    /// The deployment's WAF error log (with --target), cut per stage with X-CRS-Test markers.
    #[arg(long, value_name = "FILE", requires = "target")]
    pub log: Option<PathBuf>,
}

/// The in-process WAF for `--rules`: the Palisade engine over the rule files, in order.
fn engine_waf(rules: &[PathBuf], modsec_defects: bool) -> Result<Box<dyn Waf>, String> {
    if rules.is_empty() {
        return Err("--rules FILE… is required for an in-process run (or use --target)".into());
    }
    match EngineWaf::from_rule_files_with(rules, |b| b.modsecurity_3_0_9_defects(modsec_defects)) {
        Ok(w) => Ok(Box::new(w)),
        Err(e) => Err(format!("cannot load the rules:\n{e}")),
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("palisade ftw: {msg}");
    ExitCode::from(2)
}

/// Runs the subcommand.
pub fn run(args: Args) -> ExitCode {
    let (files, errors) = load_paths(&args.tests);
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("palisade ftw: {e}");
        }
        return ExitCode::from(2);
    }
    let mut overrides = Overrides::default();
    for p in &args.overrides {
        match Overrides::load(p) {
            Ok(o) => overrides.merge(o),
            Err(e) => return fail(&e.to_string()),
        }
    }
    let filter = match Filter::from_args(
        &args.select.rule,
        &args.select.test,
        args.select.include.as_deref(),
        args.select.exclude.as_deref(),
    ) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let config = RunConfig {
        filter,
        overrides,
        jobs: args.jobs,
    };

    let backend = Albedo::default();
    let waf: Box<dyn Waf>;
    let remote;
    let in_process;
    let exec: &dyn StageExecutor = match (&args.out.target, &args.out.log) {
        (Some(url), Some(log)) => {
            let (host, port) = match Remote::parse_target(url) {
                Ok(t) => t,
                Err(e) => return fail(&e),
            };
            remote = Remote::new(&host, port, log.clone());
            &remote
        }
        _ => {
            waf = if args.passthrough {
                Box::new(Passthrough)
            } else {
                match engine_waf(&args.rules, args.modsec_defects) {
                    Ok(w) => w,
                    Err(e) => return fail(&e),
                }
            };
            in_process = InProcess {
                waf: waf.as_ref(),
                backend: &backend,
                config: Default::default(),
            };
            &in_process
        }
    };

    let progress = Progress::stderr();
    let report = runner::run(&files, &config, exec, &|r, done, total| {
        progress.tick(done, total, r.counts_failed(), &r.id.to_string());
    });
    progress.finish();

    if !args.quiet {
        for r in report.results.iter().filter(|r| r.counts_failed()) {
            print!("{}", failure_report(r));
        }
    }
    if let Some(p) = &args.out.json {
        let text = json_pretty(&to_json(&report));
        if let Err(e) = write_file(p, &text) {
            return fail(&e);
        }
    }
    if let Some(p) = &args.out.junit
        && let Err(e) = write_file(p, &to_junit(&report))
    {
        return fail(&e);
    }
    eprintln!(
        "ran {} tests ({} filtered out) in {:.2} s",
        report.results.len(),
        report.filtered_out,
        report.duration.as_secs_f64()
    );
    println!("{}", report.closing_line());
    if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
