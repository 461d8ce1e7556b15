//! The pure core of amlc: compute-spec text in, diagnostics (and later completion and hover) out.
//!
//! Architecture invariants:
//! - No I/O, no async, no LSP types: callers hand in text and get plain structs with byte ranges.
//! - Never panics, whatever the input; broken input becomes diagnostics, not `Err`.
//! - Positions are byte offsets into the text as given; `LineIndex` converts them at the edges.

mod diagnostic;
mod line_index;

pub use diagnostic::{Diagnostic, DiagnosticTag, Fix, Severity, TextEdit};
pub use line_index::{LineCol, LineIndex, PositionEncoding};

/// A half-open byte range `[start, end)` into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: u32, end: u32) -> Self {
        debug_assert!(start <= end);
        TextRange { start, end }
    }

    pub fn empty(at: u32) -> Self {
        TextRange { start: at, end: at }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains_inclusive(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
}

/// Everything the core learned about one document.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Diagnostics sorted by range start.
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a YAML text is an Azure ML compute spec: a compute `$schema`, a `yaml-language-server`
/// modeline naming a compute schema, or a top-level `type:` that is a compute type.
/// Interim version until the spec core's own lands; the language server depends only on its signature.
pub fn looks_like_compute_spec(text: &str) -> bool {
    const TYPES: [&str; 6] = ["amlcompute", "computeinstance", "kubernetes", "virtualmachine", "synapsespark", "aks"];
    for line in text.lines() {
        let trimmed = line.trim_end();
        if let Some(rest) = trimmed.strip_prefix('#') {
            if rest.contains("$schema=") && is_compute_schema_url(rest) {
                return true;
            }
            continue;
        }
        if trimmed.starts_with(' ') || trimmed.starts_with('\t') {
            continue;
        }
        if let Some(value) = trimmed.strip_prefix("$schema:") {
            if is_compute_schema_url(value) {
                return true;
            }
        }
        if let Some(value) = trimmed.strip_prefix("type:") {
            let value = value.split('#').next().unwrap_or("").trim().trim_matches(|c| c == '"' || c == '\'');
            if TYPES.iter().any(|t| t.eq_ignore_ascii_case(value)) {
                return true;
            }
        }
    }
    false
}

fn is_compute_schema_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("compute") && lower.contains(".schema.json")
}

/// Analyses one compute spec.
pub fn analyze(text: &str) -> Analysis {
    let _ = text;
    Analysis::default()
}
