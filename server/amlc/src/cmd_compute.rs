//! `amlc compute`: not built yet.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ComputeArgs {}

pub fn run(_args: ComputeArgs) -> ExitCode {
    eprintln!("amlc compute: not available yet");
    ExitCode::from(2)
}
