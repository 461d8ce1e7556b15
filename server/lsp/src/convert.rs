//! The one boundary between the core's byte offsets and LSP's lines and columns, and between the
//! core's plain diagnostics and LSP's. Nothing else in the server converts positions.

use amlc_analysis::{LineCol, LineIndex, PositionEncoding, Severity, TextRange};
use tower_lsp::lsp_types::{
    self as lsp, CodeDescription, DiagnosticSeverity, NumberOrString, Position, PositionEncodingKind, Range, Url,
};

/// Where each diagnostic code is documented: docs/diagnostics.md in the repository, one anchor per code.
pub const DIAGNOSTICS_DOC_URL: &str = "https://github.com/amlc/amlc/blob/main/docs/diagnostics.md";

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "amlc";

/// Picks the encoding: UTF-8 when the client offers it (no conversion at all), otherwise UTF-16,
/// the protocol's default that every client must support.
pub fn negotiate_encoding(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

pub fn line_col(position: Position) -> LineCol {
    LineCol { line: position.line, col: position.character }
}

pub fn position(line_col: LineCol) -> Position {
    Position { line: line_col.line, character: line_col.col }
}

/// Converts byte ranges of one text, keeping the index and the encoding together.
pub struct Converter<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: PositionEncoding,
}

impl Converter<'_> {
    pub fn range(&self, range: TextRange) -> Range {
        let (start, end) = self.index.range_to_line_cols(self.text, range, self.encoding);
        Range { start: position(start), end: position(end) }
    }

    pub fn offset(&self, position: Position) -> u32 {
        self.index.offset(self.text, line_col(position), self.encoding)
    }

    pub fn text_range(&self, range: Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        TextRange::new(start.min(end), start.max(end))
    }

    pub fn text_edit(&self, edit: &amlc_analysis::TextEdit) -> lsp::TextEdit {
        lsp::TextEdit { range: self.range(edit.range), new_text: edit.new_text.clone() }
    }

    pub fn diagnostic(&self, diagnostic: &amlc_analysis::Diagnostic) -> lsp::Diagnostic {
        let tags: Vec<lsp::DiagnosticTag> = diagnostic
            .tags
            .iter()
            .map(|tag| match tag {
                amlc_analysis::DiagnosticTag::Unnecessary => lsp::DiagnosticTag::UNNECESSARY,
                amlc_analysis::DiagnosticTag::Deprecated => lsp::DiagnosticTag::DEPRECATED,
            })
            .collect();
        lsp::Diagnostic {
            range: self.range(diagnostic.range),
            severity: Some(severity(diagnostic.severity)),
            code: Some(NumberOrString::String(diagnostic.code.to_string())),
            code_description: code_description(diagnostic.code),
            source: Some(SOURCE.to_string()),
            message: diagnostic.message.clone(),
            related_information: None,
            tags: (!tags.is_empty()).then_some(tags),
            data: None,
        }
    }
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The documentation link of a code: `…/docs/diagnostics.md#amlc001` (GitHub lower-cases heading anchors).
/// The links are parsed once: a large spec can publish thousands of diagnostics per keystroke,
/// and parsing a URL for each one showed up in profiles.
pub fn code_description(code: &str) -> Option<CodeDescription> {
    static LINKS: std::sync::OnceLock<std::collections::HashMap<&'static str, Url>> = std::sync::OnceLock::new();
    let links = LINKS.get_or_init(|| {
        amlc_analysis::codes::ALL.iter().filter_map(|info| Some((info.code, link(info.code)?))).collect()
    });
    let href = match links.get(code) {
        Some(href) => href.clone(),
        None => link(code)?,
    };
    Some(CodeDescription { href })
}

fn link(code: &str) -> Option<Url> {
    Url::parse(&format!("{DIAGNOSTICS_DOC_URL}#{}", code.to_ascii_lowercase())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(negotiate_encoding(Some(&both)), PositionEncoding::Utf8);
        assert_eq!(negotiate_encoding(Some(&[PositionEncodingKind::UTF16])), PositionEncoding::Utf16);
        assert_eq!(negotiate_encoding(Some(&[PositionEncodingKind::UTF32])), PositionEncoding::Utf16);
        assert_eq!(negotiate_encoding(None), PositionEncoding::Utf16);
    }

    #[test]
    fn code_links_point_at_the_lower_case_anchor() {
        let link = code_description("AMLC012").map(|d| d.href.to_string());
        assert_eq!(link.as_deref(), Some("https://github.com/amlc/amlc/blob/main/docs/diagnostics.md#amlc012"));
    }
}
