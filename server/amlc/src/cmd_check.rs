//! `amlc check`: checks compute specs from files and directories and reports like a compiler,
//! as JSON lines for pipelines, or as SARIF for code-scanning tools.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::check::{inputs, render, FileReport};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col` with the source line and a marker, like a compiler.
    Human,
    /// One JSON object per file per line (stable: pipelines read it).
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files (always checked as compute specs) and directories (walked; YAML files that look like
    /// compute specs are checked, others skipped). `-` reads one spec from stdin. Default: `.`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour human output (`NO_COLOR` is honoured under `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// The name to report for a spec read from stdin.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_filename: String,
    /// Only report errors (warnings, information and hints are not shown; the exit code is unchanged).
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let collected = match inputs::collect(&paths, &args.stdin_filename) {
        Ok(collected) => collected,
        Err(message) => {
            eprintln!("amlc check: {message}");
            return ExitCode::from(2);
        }
    };

    let mut reports: Vec<FileReport> = collected.files.into_iter().map(FileReport::check).collect();
    crate::check::cross_file(&mut reports);
    if args.quiet {
        for report in &mut reports {
            report.diagnostics.retain(|d| d.severity == amlc_spec::Severity::Error);
        }
    }
    let any_error = reports.iter().any(FileReport::has_error);

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            render::human(&mut out, &reports, collected.skipped, color)
        }
        Format::Json => render::json_lines(&mut out, &reports),
        Format::Sarif => render::sarif(&mut out, &reports),
    };
    if let Err(error) = written.and_then(|()| out.flush()) {
        // A closed pipe (`amlc check | head`) is not a failure of the check itself.
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("amlc check: cannot write output: {error}");
            return ExitCode::from(2);
        }
    }
    if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
