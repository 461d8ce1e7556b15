//! `amlc emulator`: not built yet.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct EmulatorArgs {}

pub fn run(_args: EmulatorArgs) -> ExitCode {
    eprintln!("amlc emulator: not available yet");
    ExitCode::from(2)
}
