//! The pure core of amlc: compute-spec text in; diagnostics, completion, hover, fixes and outlines out.
//!
//! Architecture invariants:
//! - No I/O, no async, no LSP types: callers hand in text and get plain structs with byte ranges.
//! - Never panics, whatever the input; broken input becomes diagnostics, not `Err`.
//! - Positions are byte offsets into the text as given; `LineIndex` converts them at the edges.

pub mod advice;
pub mod attachments;
pub mod codes;
mod compute_type;
mod diagnostic;
pub mod formats;
pub mod ide;
pub mod limits;
mod line_index;
pub mod secrets;
pub mod syntax;
pub mod value;
pub mod yaml11;

mod analyze;
mod check;
mod did_you_mean;
mod fixes;
mod incremental;
mod normalize;
mod numbers;
mod parallel;
mod ranges;
mod recover;
mod reparse;
pub mod rules;
pub mod schema;
pub mod sizes;
mod suppress;
pub mod timezones;

pub use analyze::{analyze, analyze_bytes, analyze_edited, analyze_without_values};
pub use compute_type::{looks_like_compute_spec, ComputeType};
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
    /// The compute type named by `type` (case-insensitive), when it is one of the five.
    pub compute_type: Option<ComputeType>,
    /// The document as PyYAML loads it (YAML 1.1), as JSON; `None` when it does not parse.
    pub value: Option<serde_json::Value>,
    /// The value after the CLI's own load step: enum values lower-cased, numeric strings and
    /// integral floats turned into integers, boolean words into booleans, read-only keys
    /// dropped, defaults the CLI inserts before validation (kubernetes `namespace`) added.
    /// What the azure crate should build a REST body from. `None` unless `type` is known.
    pub normalized: Option<serde_json::Value>,
    /// The YAML tree with byte ranges, for editor features; `None` when it does not parse.
    pub document: Option<syntax::Document>,
    /// The YAML 1.1/1.2 notes of a parse that found no error: with [`Analysis::document`], what
    /// [`analyze_edited`] needs to re-parse only the block an edit touches. `None` after an error.
    pub(crate) clean_parse_notes: Option<Vec<syntax::Yaml12Note>>,
    /// What the next keystroke's analysis starts from (editor path only, see `incremental.rs`).
    pub(crate) memo: Option<incremental::Memo>,
    /// This analysis judged only the edited block (tests and benchmarks check the path taken).
    pub(crate) judged_one_block: bool,
}

impl Analysis {
    /// The byte ranges of secret values (passwords), which front ends mask wherever they show the text.
    pub fn secret_ranges(&self) -> Vec<TextRange> {
        self.document.as_ref().map(secrets::secret_ranges).unwrap_or_default()
    }

    /// Whether [`analyze_edited`] judged only the edited block, rather than the whole document.
    #[doc(hidden)]
    pub fn judged_one_block(&self) -> bool {
        self.judged_one_block
    }

    /// Whether any diagnostic is an error (the spec would be refused).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}
