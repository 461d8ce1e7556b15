//! `amlc lsp`: not built yet.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct LspArgs {}

pub fn run(_args: LspArgs) -> ExitCode {
    eprintln!("amlc lsp: not available yet");
    ExitCode::from(2)
}
