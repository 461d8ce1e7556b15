//! The one boundary between the core's byte offsets and LSP's lines and columns, and between the
//! core's plain diagnostics and LSP's. Nothing else in the server converts positions.

use std::borrow::Cow;

use amlc_analysis::{LineCol, LineIndex, PositionEncoding, Severity, TextRange};
use serde::{Serialize, Serializer};
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

    /// A diagnostic as LSP's type, for the messages that carry one inside another (a quick fix's `diagnostics`).
    /// It is the owned copy of `diagnostic_json`, so both say the same.
    pub fn diagnostic(&self, diagnostic: &amlc_analysis::Diagnostic) -> lsp::Diagnostic {
        let DiagnosticJson { range, severity, code, code_description, source, message, tags } =
            self.diagnostic_json(diagnostic);
        let tags: Vec<lsp::DiagnosticTag> = tags.0.iter().copied().map(tag).collect();
        lsp::Diagnostic {
            range,
            severity: Some(severity),
            code: Some(NumberOrString::String(code.to_string())),
            code_description: code_description.map(Cow::into_owned),
            source: Some(source.to_string()),
            message: message.to_string(),
            related_information: None,
            tags: (!tags.is_empty()).then_some(tags),
            data: None,
        }
    }

    /// A diagnostic to publish: it serializes to the JSON of `diagnostic`'s `lsp::Diagnostic`, byte for byte, but
    /// borrows its strings from the core's diagnostic. A large spec publishes thousands of diagnostics per
    /// keystroke; the four strings that each `lsp::Diagnostic` owns, made and then freed, cost as much as
    /// serializing them.
    pub fn diagnostic_json<'a>(&self, diagnostic: &'a amlc_analysis::Diagnostic) -> DiagnosticJson<'a> {
        DiagnosticJson {
            range: self.range(diagnostic.range),
            severity: severity(diagnostic.severity),
            code: diagnostic.code,
            code_description: code_link(diagnostic.code),
            source: SOURCE,
            message: &diagnostic.message,
            tags: Tags(&diagnostic.tags),
        }
    }
}

/// `lsp::Diagnostic` as serde writes it, with borrowed strings: the same fields in the same order, under the same
/// names, each left out on the same condition. The fields `lsp::Diagnostic` has and this lacks
/// (`relatedInformation`, `data`) are always `None` there, and so never written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticJson<'a> {
    range: Range,
    severity: DiagnosticSeverity,
    /// `NumberOrString` is untagged: a string code is written as the plain string.
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_description: Option<Cow<'static, CodeDescription>>,
    source: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Tags::is_empty")]
    tags: Tags<'a>,
}

/// The core's tags, written as LSP's.
struct Tags<'a>(&'a [amlc_analysis::DiagnosticTag]);

impl Tags<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().copied().map(tag))
    }
}

fn tag(tag: amlc_analysis::DiagnosticTag) -> lsp::DiagnosticTag {
    match tag {
        amlc_analysis::DiagnosticTag::Unnecessary => lsp::DiagnosticTag::UNNECESSARY,
        amlc_analysis::DiagnosticTag::Deprecated => lsp::DiagnosticTag::DEPRECATED,
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
/// The links of the known codes are parsed once and lent out: a large spec can publish thousands of diagnostics
/// per keystroke, and parsing a URL for each one showed up in profiles.
fn code_link(code: &str) -> Option<Cow<'static, CodeDescription>> {
    static LINKS: std::sync::OnceLock<std::collections::HashMap<&'static str, CodeDescription>> =
        std::sync::OnceLock::new();
    let links = LINKS.get_or_init(|| {
        amlc_analysis::codes::ALL
            .iter()
            .filter_map(|info| Some((info.code, CodeDescription { href: link(info.code)? })))
            .collect()
    });
    match links.get(code) {
        Some(known) => Some(Cow::Borrowed(known)),
        None => Some(Cow::Owned(CodeDescription { href: link(code)? })),
    }
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

    /// What is published is what `lsp::Diagnostic` writes, for every code (and one the table lacks), each
    /// severity, every tag combination, in both encodings, with text that needs escaping and UTF-16 columns.
    #[test]
    fn published_json_is_the_lsp_diagnostic_json() {
        use amlc_analysis::DiagnosticTag::{Deprecated, Unnecessary};
        let text = "name: \"é😀\"\r\ndescription: 计算 x\n\ttab: \\ \u{1}\n";
        let index = LineIndex::new(text);
        let codes = amlc_analysis::codes::ALL.iter().map(|info| info.code).chain(["AMLC999"]);
        let severities = [Severity::Error, Severity::Warning, Severity::Information, Severity::Hint];
        let tags = [vec![], vec![Unnecessary], vec![Deprecated], vec![Deprecated, Unnecessary]];
        let mut checked = 0;
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let converter = Converter { text, index: &index, encoding };
            for (i, code) in codes.clone().enumerate() {
                let start = (i * 7 % text.len()) as u32;
                let mut diagnostic = amlc_analysis::Diagnostic::new(
                    code,
                    format!("`{code}` says \"é😀\"\n\tand \\ {}", text.len()),
                    TextRange::new(start, text.len() as u32),
                );
                diagnostic.severity = severities[i % severities.len()];
                diagnostic.tags = tags[i % tags.len()].clone();
                let owned = serde_json::to_string(&converter.diagnostic(&diagnostic)).expect("json");
                let borrowed = serde_json::to_string(&converter.diagnostic_json(&diagnostic)).expect("json");
                assert_eq!(borrowed, owned);
                checked += 1;
            }
        }
        assert!(checked > 2 * 8, "{checked}");
    }

    #[test]
    fn code_links_point_at_the_lower_case_anchor() {
        let link = code_link("AMLC012").map(|d| d.href.to_string());
        assert_eq!(link.as_deref(), Some("https://github.com/amlc/amlc/blob/main/docs/diagnostics.md#amlc012"));
    }
}
