//! `palisade bench` (not yet implemented).

use std::process::ExitCode;

/// Arguments of `palisade bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Arguments.
    pub rest: Vec<String>,
}

/// Runs the subcommand.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("palisade bench: not implemented yet");
    ExitCode::from(2)
}
