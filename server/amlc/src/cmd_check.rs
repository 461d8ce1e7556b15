//! `amlc check`: not built yet.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct CheckArgs {}

pub fn run(_args: CheckArgs) -> ExitCode {
    eprintln!("amlc check: not available yet");
    ExitCode::from(2)
}
