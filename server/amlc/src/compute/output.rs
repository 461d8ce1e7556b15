//! Printing results as aligned tables or JSON on stdout, through an explicit writer.

use std::io::Write;

use amlc_azure::shell::{visible, visible_lines};
use serde::Serialize;

use super::args::OutputFormat;
use super::Failure;

/// Writes `rows` under `headers`, columns padded to the widest cell. Cells hold ARM text (names, messages):
/// their control characters are shown escaped, so none can move the cursor or clear the terminal.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> Result<(), Failure> {
    let rows: Vec<Vec<String>> =
        rows.iter().map(|row| row.iter().map(|cell| visible(cell).into_owned()).collect()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let line = |cells: Vec<String>| -> String {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  "));
            }
        }
        text.trim_end().to_string()
    };
    writeln!(out, "{}", line(headers.iter().map(|h| h.to_string()).collect())).map_err(io)?;
    for row in &rows {
        writeln!(out, "{}", line(row.clone())).map_err(io)?;
    }
    Ok(())
}

pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::new(format!("cannot print JSON: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(io)
}

pub fn yaml<T: Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let value = serde_json::to_value(value).map_err(|e| Failure::new(format!("cannot print YAML: {e}")))?;
    let text = amlc_azure::spec_of::to_yaml(&value);
    line(text.trim_end())
}

/// An outcome that is not a resource: a sentence on a terminal; under `-o json` (and `-o yaml`) an object with the
/// compute's name, what happened (`unchanged`, `accepted`, `deleted`, …) and the same sentence.
pub fn outcome(format: OutputFormat, name: &str, what: &str, message: &str) -> Result<(), Failure> {
    let value = serde_json::json!({"name": name, "outcome": what, "message": message});
    match format {
        OutputFormat::Table => line(message),
        OutputFormat::Json => json(&value),
        OutputFormat::Yaml => yaml(&value),
    }
}

/// One line of text (names inside it shown with control characters escaped).
pub fn line(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", visible_lines(text)).map_err(io)
}

/// Prints either a table or the JSON value.
pub fn either<T: Serialize + ?Sized>(
    format: OutputFormat,
    value: &T,
    headers: &[&str],
    rows: Vec<Vec<String>>,
) -> Result<(), Failure> {
    match format {
        OutputFormat::Json => json(value),
        OutputFormat::Yaml => yaml(value),
        OutputFormat::Table => table(headers, &rows),
    }
}

fn io(e: std::io::Error) -> Failure {
    // A reader that stopped early (`amlc compute list | head`) is not a failure to report.
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Failure::quiet();
    }
    Failure::new(format!("cannot write output: {e}"))
}

pub fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// `an AmlCompute`, `a ComputeInstance` (the shared wording).
pub use amlc_analysis::advice::with_article;
