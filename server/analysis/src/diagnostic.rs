//! The diagnostic type the core emits: a stable code, a severity, a message and a byte range,
//! plus the quick fixes that repair it, so the CLI and the language server share one source.

use crate::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    /// The lower-case name used by `amlc check --format json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// Extra meaning an editor can render (LSP `DiagnosticTag`), without the core knowing LSP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagnosticTag {
    /// The text has no effect (a read-only key the CLI drops on create).
    Unnecessary,
    /// The text uses a deprecated form.
    Deprecated,
}

/// One replacement of a byte range by new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// A quick fix: a title for the menu and the edits that apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The fix an editor may apply on "fix all" without asking.
    pub preferred: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code such as `AMLC001`; documented in docs/diagnostics.md.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub range: TextRange,
    pub tags: Vec<DiagnosticTag>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the severity registered for `code` in [`crate::codes`].
    pub fn new(code: &'static str, message: impl Into<String>, range: TextRange) -> Diagnostic {
        Diagnostic {
            code,
            severity: crate::codes::severity(code),
            message: message.into(),
            range,
            tags: Vec::new(),
            fixes: Vec::new(),
        }
    }

    pub fn with_tag(mut self, tag: DiagnosticTag) -> Diagnostic {
        self.tags.push(tag);
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }
}

impl Fix {
    /// A fix made of one replacement.
    pub fn replace(title: impl Into<String>, range: TextRange, new_text: impl Into<String>, preferred: bool) -> Fix {
        Fix { title: title.into(), edits: vec![TextEdit { range, new_text: new_text.into() }], preferred }
    }
}
