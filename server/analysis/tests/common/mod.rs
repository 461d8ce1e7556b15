//! What the spec tests share: the fixture files, and diagnostics rendered as a user sees them
//! (0-based lines and UTF-16 columns, as an editor receives them; severity, code, message, tags
//! and every quick fix with its edits), so snapshots show the whole diagnostic.

#![allow(dead_code)] // Each test file uses a different part.

use std::fmt::Write as _;
use std::path::PathBuf;

use amlc_analysis::{Diagnostic, LineIndex, PositionEncoding, TextRange};

/// One fixture: its path, its bytes, and its text (lossy where the bytes are not UTF-8).
pub struct Fixture {
    pub path: PathBuf,
    pub name: String,
    pub bytes: Vec<u8>,
    pub text: String,
}

/// Every `tests/fixtures/*.yaml`, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("fixture");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            Fixture { path, name, bytes, text }
        })
        .collect()
}

/// `line:column` of a byte offset, in the units an LSP client gets by default.
pub fn position(index: &LineIndex, text: &str, offset: u32) -> String {
    let at = index.line_col(text, offset, PositionEncoding::Utf16);
    format!("{}:{}", at.line, at.col)
}

pub fn range(index: &LineIndex, text: &str, range: TextRange) -> String {
    format!("{}-{}", position(index, text, range.start), position(index, text, range.end))
}

/// Every diagnostic in full, one block each.
pub fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{} {} {} {}", range(&index, text, d.range), d.severity.as_str(), d.code, d.message);
        for tag in &d.tags {
            let _ = writeln!(out, "  tag {tag:?}");
        }
        for fix in &d.fixes {
            let preferred = if fix.preferred { " (preferred)" } else { "" };
            let _ = writeln!(out, "  fix{preferred}: {}", fix.title);
            for edit in &fix.edits {
                let _ = writeln!(out, "    {} -> {:?}", range(&index, text, edit.range), edit.new_text);
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

/// A one-region catalog with prices, as the server builds from ARM's `vmSizes`, for the cost lens.
pub fn eastus() -> amlc_analysis::ide::SizeCatalog {
    let size = |name: &str, dedicated: f64, low: f64| amlc_analysis::ide::CatalogSize {
        name: name.into(),
        vcpus: 4,
        memory_gib: 14.0,
        gpus: 0,
        supported_types: Vec::new(),
        low_priority_capable: true,
        dedicated_per_hour: Some(dedicated),
        low_priority_per_hour: Some(low),
    };
    amlc_analysis::ide::SizeCatalog {
        region: "eastus".into(),
        currency: "USD".into(),
        sizes: vec![size("Standard_DS3_v2", 0.293, 0.0586), size("Standard_NC6s_v3", 3.06, 0.612)],
    }
}
