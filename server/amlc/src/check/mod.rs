//! `amlc check`: checks compute specs from files and directories and reports like a compiler, as JSON lines for
//! pipelines, or as SARIF for code-scanning tools. Here: the arguments and the run, and checking one file;
//! `inputs` finds the files and `render` writes the results.

pub mod inputs;
pub mod render;

use amlc_analysis::attachments::{second_attachments, Attachment};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use amlc_analysis::{Diagnostic, LineIndex, Severity, TextRange};

/// The code `amlc check` raises itself when a file cannot be read at all (registered with the others).
pub const CODE_UNREADABLE: &str = amlc_analysis::codes::UNREADABLE_FILE;

/// One input: a name to report and the bytes read (or why they could not be read).
pub struct Input {
    pub name: String,
    /// The name as a SARIF `artifactLocation.uri`: relative reference, percent-encoded.
    pub uri: String,
    pub bytes: Result<Vec<u8>, String>,
}

/// One checked file: its text (for source lines and positions) and what the core said about it.
pub struct FileReport {
    pub name: String,
    pub uri: String,
    pub text: String,
    pub index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// Byte ranges of secret values, masked wherever the text is shown.
    pub secrets: Vec<TextRange>,
    /// The resource the spec attaches, for the rule across the files of one run.
    pub attachment: Option<Attachment>,
}

impl FileReport {
    pub fn check(input: Input) -> FileReport {
        let (text, diagnostics, secrets, attachment) = match input.bytes {
            Err(reason) => (
                String::new(),
                vec![file_error(CODE_UNREADABLE, format!("cannot read this file: {reason}"), 0)],
                Vec::new(),
                None,
            ),
            Ok(bytes) => {
                // Editors do not count a byte-order mark in positions; neither do we.
                let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
                let analysis = amlc_analysis::analyze_bytes(bytes);
                let secrets = analysis.secret_ranges();
                let text = String::from_utf8_lossy(bytes).into_owned();
                let attachment = Attachment::of(&text, &analysis);
                (text, analysis.diagnostics, secrets, attachment)
            }
        };
        let index = LineIndex::new(&text);
        FileReport { name: input.name, uri: input.uri, text, index, diagnostics, secrets, attachment }
    }

    pub fn has_error(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Adds the diagnostics of the rule across files: specs of one run that attach one resource under two names.
pub fn cross_file(reports: &mut [FileReport]) {
    let specs: Vec<(&str, Option<&Attachment>)> =
        reports.iter().map(|r| (r.name.as_str(), r.attachment.as_ref())).collect();
    let found = second_attachments(&specs);
    for (report, extra) in reports.iter_mut().zip(found) {
        if !extra.is_empty() {
            report.diagnostics.extend(extra);
            report.diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
        }
    }
}

fn file_error(code: &'static str, message: String, at: usize) -> Diagnostic {
    let at = u32::try_from(at).unwrap_or(u32::MAX);
    Diagnostic {
        code,
        severity: Severity::Error,
        message,
        range: TextRange::empty(at),
        tags: Vec::new(),
        fixes: Vec::new(),
    }
}

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
            report.diagnostics.retain(|d| d.severity == amlc_analysis::Severity::Error);
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

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    /// A file that cannot be read is an error of that file, at its start, in every output format.
    #[test]
    fn an_unreadable_file_is_reported_in_every_format() {
        let report = FileReport::check(Input {
            name: "specs/locked.yml".into(),
            uri: "specs/locked.yml".into(),
            bytes: Err("Permission denied (os error 13)".into()),
        });
        assert!(report.has_error());
        let reports = std::slice::from_ref(&report);
        let mut human = Vec::new();
        render::human_diagnostics(&mut human, &report, false).expect("render");
        expect![[r#"
            error[AMLC099]: cannot read this file: Permission denied (os error 13)
             --> specs/locked.yml:1:1

        "#]]
        .assert_eq(&String::from_utf8_lossy(&human));
        let mut json = Vec::new();
        render::json_lines(&mut json, reports).expect("render");
        expect![[r#"
            {"path":"specs/locked.yml","diagnostics":[{"severity":"error","code":"AMLC099","message":"cannot read this file: Permission denied (os error 13)","range":{"start":{"line":0,"column":0},"end":{"line":0,"column":0}}}]}
        "#]].assert_eq(&String::from_utf8_lossy(&json));
        let mut sarif = Vec::new();
        render::sarif(&mut sarif, reports).expect("render");
        let sarif: serde_json::Value = serde_json::from_slice(&sarif).expect("SARIF is JSON");
        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], CODE_UNREADABLE);
        assert_eq!(result["level"], "error");
    }
}
