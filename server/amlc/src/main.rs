//! The `amlc` binary: wires the spec core, the language server, the Azure client and the emulator
//! behind one command line. Each subcommand lives in its own module and owns its arguments.

mod check;
mod cmd_check;
mod cmd_compute;
mod cmd_emulator;
mod cmd_lsp;
mod compute;
mod logging;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// mimalloc instead of glibc's malloc: a large spec's analysis is mostly small allocations and
// frees (one per key and value), where glibc spent a third of the time (docs/benchmarks.md).
// Built without transparent huge pages, which made even an idle server hold 13 MiB more.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "amlc", version, about = "Azure ML compute: check specs, serve an editor, manage compute")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once at start-up, so the size of the largest variant (compute's shared options) does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Check compute spec YAML files and report problems like a compiler.
    Check(cmd_check::CheckArgs),
    /// Run the language server on stdio.
    Lsp(cmd_lsp::LspArgs),
    /// Create, start, stop and inspect compute in an Azure ML workspace.
    Compute(cmd_compute::ComputeArgs),
    /// Serve a local emulator of the Azure ML compute REST API.
    Emulator(cmd_emulator::EmulatorArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap exits 2 on usage errors, which is the contract of every subcommand.
            error.exit();
        }
    };
    match cli.command {
        Command::Check(args) => cmd_check::run(args),
        Command::Lsp(args) => cmd_lsp::run(args),
        Command::Compute(args) => cmd_compute::run(args),
        Command::Emulator(args) => cmd_emulator::run(args),
    }
}
