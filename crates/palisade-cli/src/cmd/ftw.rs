//! `palisade ftw` (not yet implemented).

use std::process::ExitCode;

/// Arguments of `palisade ftw`.
#[derive(clap::Args)]
pub struct Args {
    /// Arguments.
    pub rest: Vec<String>,
}

/// Runs the subcommand.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("palisade ftw: not implemented yet");
    ExitCode::from(2)
}
