//! The `palisade` command: a thin wiring of the library crates. Each subcommand lives in its own
//! module under `cmd/` and returns the process exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Palisade: a SecLang / OWASP CRS web application firewall engine.
#[derive(Parser)]
#[command(name = "palisade", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse rule files (following Include) and report every error.
    Check(cmd::check::Args),
    /// Apply a transformation chain to an input and write the result.
    Transform(cmd::transform::Args),
    /// Evaluate an operator against inputs, like grep.
    Match(cmd::match_op::Args),
    /// Run go-ftw YAML tests against rules, in-process or over HTTP.
    Ftw(cmd::ftw::Args),
    /// Replay a request corpus through full transactions and write per-request verdicts.
    Replay(cmd::replay::Args),
    /// The timed form of replay: throughput and latency figures.
    Bench(cmd::bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Transform(args) => cmd::transform::run(args),
        Command::Match(args) => cmd::match_op::run(args),
        Command::Ftw(args) => cmd::ftw::run(args),
        Command::Replay(args) => cmd::replay::run(args),
        Command::Bench(args) => cmd::bench::run(args),
    }
}
