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

/// Analyses one compute spec.
pub fn analyze(text: &str) -> Analysis {
    let _ = text;
    Analysis::default()
}

/// Whether a YAML text declares itself a compute spec: a compute `$schema` (also through the
/// `# yaml-language-server: $schema=` modeline) or a top-level `type:` naming a compute type.
/// Cheap on purpose: `amlc check` calls it on every YAML file of a tree it walks.
pub fn looks_like_compute_spec(text: &str) -> bool {
    const TYPES: [&str; 5] = ["computeinstance", "amlcompute", "kubernetes", "virtualmachine", "synapsespark"];
    text.lines().any(|line| {
        let lower = line.to_ascii_lowercase();
        if lower.contains("$schema") && lower.contains("compute") {
            return true;
        }
        lower.strip_prefix("type:").is_some_and(|rest| {
            let value = rest.split('#').next().unwrap_or("").trim().trim_matches(['"', '\'']);
            TYPES.contains(&value)
        })
    })
}
