//! The `amlc` binary: wires the analysis core, the language server, the Azure client and the emulator
//! behind one command line. Each subcommand lives in its own module and owns its arguments.

mod check;
mod completions;
mod compute;
mod emulator;
mod logging;
mod lsp;

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
    Check(check::CheckArgs),
    /// Run the language server on stdio.
    Lsp(lsp::LspArgs),
    /// Create, start, stop and inspect compute in an Azure ML workspace.
    Compute(compute::args::ComputeArgs),
    /// Serve a local emulator of the Azure ML compute REST API.
    Emulator(emulator::EmulatorArgs),
    /// Print the shell completion script for bash, zsh, fish or PowerShell.
    Completions(completions::CompletionsArgs),
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
        Command::Check(args) => check::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Compute(args) => compute::run(args),
        Command::Emulator(args) => emulator::run(args),
        Command::Completions(args) => completions::run::<Cli>(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every visible flag and argument says what it does, and every `amlc compute` subcommand shows examples.
    #[test]
    fn every_flag_has_help_and_every_compute_subcommand_has_examples() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
                let id = arg.get_id().as_str();
                if arg.get_help().is_none() && arg.get_long_help().is_none() && id != "help" && id != "version" {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let cli = Cli::command();
        let mut missing = Vec::new();
        walk(&cli, "amlc", &mut missing);
        assert!(missing.is_empty(), "flags without help: {missing:?}");
        let compute = cli.find_subcommand("compute").expect("compute");
        let without: Vec<&str> = compute
            .get_subcommands()
            .filter(|c| !c.get_after_help().is_some_and(|h| h.to_string().contains("Examples:")))
            .map(|c| c.get_name())
            .collect();
        assert!(without.is_empty(), "compute subcommands without examples: {without:?}");
    }
}
