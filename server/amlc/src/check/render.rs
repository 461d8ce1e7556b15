//! The three outputs of `amlc check`: human (compiler-like, optionally coloured), JSON lines
//! (a stable contract for pipelines: 0-based lines, UTF-16 columns) and SARIF 2.1.0.

use std::collections::BTreeSet;
use std::io::{self, Write};

use amlc_analysis::{Diagnostic, LineCol, PositionEncoding, Severity};
use anstyle::{AnsiColor, Style};
use serde_json::{json, Value};

use super::FileReport;

/// Where each code is explained; the language server links to the same anchors.
pub const DOCS_URL: &str = "https://github.com/amlc/amlc/blob/main/docs/diagnostics.md";

pub fn code_url(code: &str) -> String {
    format!("{DOCS_URL}#{}", code.to_ascii_lowercase())
}

pub fn human(out: &mut impl Write, reports: &[FileReport], skipped: usize, color: bool) -> io::Result<()> {
    let mut counts = [0usize; 4];
    for report in reports {
        for diagnostic in &report.diagnostics {
            counts[diagnostic.severity as usize] += 1;
        }
        human_diagnostics(out, report, color)?;
    }
    let paint = painter(color);
    let bold = Style::new().bold();

    let [errors, warnings, infos, hints] = counts;
    let mut summary = format!("checked {} file{}", reports.len(), plural(reports.len()));
    if skipped > 0 {
        summary.push_str(&format!(" ({skipped} YAML file{} skipped: not compute specs)", plural(skipped)));
    }
    let mut parts =
        vec![format!("{errors} error{}", plural(errors)), format!("{warnings} warning{}", plural(warnings))];
    if infos > 0 {
        parts.push(format!("{infos} note{}", plural(infos)));
    }
    if hints > 0 {
        parts.push(format!("{hints} hint{}", plural(hints)));
    }
    let style = if errors > 0 { severity_style(Severity::Error) } else { bold };
    writeln!(out, "{}", paint(style, &format!("{summary}: {}", parts.join(", "))))
}

pub fn json_lines(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    for report in reports {
        let diagnostics: Vec<Value> = report
            .diagnostics
            .iter()
            .map(|d| {
                let (start, end) = report.index.range_to_line_cols(&report.text, d.range, PositionEncoding::Utf16);
                json!({
                    "severity": d.severity.as_str(),
                    "code": d.code,
                    "message": d.message,
                    "range": { "start": position(start), "end": position(end) },
                })
            })
            .collect();
        let line = json!({ "path": report.name, "diagnostics": diagnostics });
        writeln!(out, "{line}")?;
    }
    Ok(())
}

pub fn sarif(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let codes: BTreeSet<&str> = reports.iter().flat_map(|r| r.diagnostics.iter().map(|d| d.code)).collect();
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            let mut rule = json!({ "id": code, "helpUri": code_url(code) });
            if let Some(info) = amlc_analysis::codes::lookup(code) {
                rule["shortDescription"] = json!({ "text": info.title });
                rule["fullDescription"] = json!({ "text": info.explanation });
            }
            rule
        })
        .collect();
    let results: Vec<Value> =
        reports.iter().flat_map(|report| report.diagnostics.iter().map(move |d| sarif_result(report, d))).collect();
    let log = json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": {
                "name": "amlc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": DOCS_URL,
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn sarif_result(report: &FileReport, d: &Diagnostic) -> Value {
    let (start, end) = report.index.range_to_line_cols(&report.text, d.range, PositionEncoding::Utf16);
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    };
    json!({
        "ruleId": d.code,
        "level": level,
        "message": { "text": d.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": report.uri },
            // SARIF lines and columns are 1-based.
            "region": {
                "startLine": start.line + 1, "startColumn": start.col + 1,
                "endLine": end.line + 1, "endColumn": end.col + 1,
            },
        }}],
    })
}

fn position(at: LineCol) -> Value {
    json!({ "line": at.line, "column": at.col })
}

/// One file's diagnostics, compiler-style with the source line and a caret; `amlc compute create` shows a spec's
/// problems with the same function, so both commands read alike.
pub fn human_diagnostics(out: &mut impl Write, report: &FileReport, color: bool) -> io::Result<()> {
    let paint = painter(color);
    let bold = Style::new().bold();
    let gutter = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    for diagnostic in &report.diagnostics {
        let style = severity_style(diagnostic.severity);
        let (start, end) = report.index.range_to_line_cols(&report.text, diagnostic.range, PositionEncoding::Utf8);
        let line_text = line_text(report, start.line);
        let start_col = char_col(line_text, start.col);
        let end_col = if end.line == start.line { char_col(line_text, end.col) } else { line_text.chars().count() };
        let number = (start.line + 1).to_string();
        let pad = " ".repeat(number.len());

        writeln!(
            out,
            "{}{} {}",
            paint(style, &format!("{}[{}]", diagnostic.severity.as_str(), diagnostic.code)),
            paint(bold, ":"),
            paint(bold, &diagnostic.message)
        )?;
        writeln!(out, "{pad}{} {}:{}:{}", paint(gutter, "-->"), report.name, start.line + 1, start_col + 1)?;
        if !report.text.is_empty() {
            let line_start = report.index.line_range(start.line).map_or(0, |r| r.start);
            let shown = amlc_analysis::secrets::mask_line(line_text, line_start, &report.secrets).replace('\t', " ");
            let marker = "^".repeat(end_col.saturating_sub(start_col).max(1));
            writeln!(out, "{pad} {}", paint(gutter, "|"))?;
            writeln!(out, "{} {} {shown}", paint(gutter, &number), paint(gutter, "|"))?;
            writeln!(out, "{pad} {} {}{}", paint(gutter, "|"), " ".repeat(start_col), paint(style, &marker))?;
        }
        for fix in diagnostic.fixes.iter().take(1) {
            writeln!(out, "{pad} {} {}: {}", paint(gutter, "="), paint(bold, "help"), fix.title)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn painter(color: bool) -> impl Fn(Style, &str) -> String {
    move |style: Style, text: &str| {
        if color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Information => AnsiColor::Blue,
        Severity::Hint => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// The text of a line without its line break.
fn line_text(report: &FileReport, line: u32) -> &str {
    report
        .index
        .line_range(line)
        .and_then(|r| report.text.get(r.start as usize..r.end as usize))
        .unwrap_or("")
        .trim_end_matches(['\n', '\r'])
}

/// A byte column turned into a character column, which is what a terminal shows.
fn char_col(line: &str, byte_col: u32) -> usize {
    let byte_col = (byte_col as usize).min(line.len());
    line.char_indices().take_while(|(i, _)| *i < byte_col).count()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
