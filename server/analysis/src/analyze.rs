//! The pipeline text → diagnostics: parse, convert to the value PyYAML loads, dispatch on
//! `type`, validate against the type's schema, run the service and cost rules, then apply
//! suppression comments and sort.

use crate::syntax::{self, SyntaxErrorKind};
use crate::{codes, Analysis, Diagnostic, TextRange};

/// Analyses one compute spec given as bytes from disk: a UTF-8 BOM is fine, invalid UTF-8 is
/// one clear error for this file.
pub fn analyze_bytes(bytes: &[u8]) -> Analysis {
    if looks_like_utf16(bytes) {
        return Analysis {
            diagnostics: vec![Diagnostic::new(
                codes::INVALID_UTF8,
                "the file looks like UTF-16 without a byte-order mark (every other byte is zero); save it as UTF-8",
                TextRange::empty(0),
            )],
            ..Analysis::default()
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => analyze(text),
        Err(e) => {
            let at = e.valid_up_to() as u32;
            Analysis {
                diagnostics: vec![Diagnostic::new(
                    codes::INVALID_UTF8,
                    format!("byte {at} is not valid UTF-8; save the file as UTF-8"),
                    TextRange::empty(at),
                )],
                ..Analysis::default()
            }
        }
    }
}

/// Whether text is UTF-16 without a BOM: in its first bytes, zeros sit at most even or at most odd positions
/// (ASCII in UTF-16), which UTF-8 text never shows.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    if head.len() < 4 {
        return false;
    }
    let pairs = head.len() / 2;
    let zeros_at = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    (even.max(odd) * 2 > pairs) && even.min(odd) * 8 < pairs
}

/// Analyses one compute spec.
pub fn analyze(text: &str) -> Analysis {
    analyze_with(text, true)
}

/// The same diagnostics, compute type and tree as [`analyze`], without [`Analysis::value`] and
/// [`Analysis::normalized`]: the editor path, which needs no JSON value once the diagnostics
/// exist. Building the value once instead of twice (and not keeping it) makes a large file's
/// analysis cheaper and its memory smaller.
pub fn analyze_without_values(text: &str) -> Analysis {
    analyze_with(text, false)
}

/// [`analyze_without_values`] of `text`, given the analysis of an earlier text of the same
/// document: only the mapping entry or list item the edit touched is parsed again (see
/// `reparse.rs`), and only that block is converted, validated and checked again (see
/// `incremental.rs`), so the diagnostics are the ones a fresh analysis gives at the cost of the
/// block. Falls back to a whole analysis whenever either step is not certain.
///
/// The previous analysis is taken over: its tree becomes the new one, edited in place, so a large
/// file's tree is neither copied nor freed on every keystroke. A caller that keeps its own passes a clone.
pub fn analyze_edited(previous_text: &str, previous: Analysis, text: &str) -> Analysis {
    let Analysis { document, clean_parse_notes, memo, .. } = previous;
    let reparsed = match (document, clean_parse_notes) {
        (Some(document), Some(notes)) => crate::reparse::reparse(previous_text, document, &notes, text),
        _ => None,
    };
    let Some((parsed, edited)) = reparsed else { return analyze_without_values(text) };
    let Some(memo) = memo else { return analyze_parsed(text, parsed, false) };
    let Some(doc) = parsed.document.as_ref() else { return analyze_parsed(text, parsed, false) };
    let mut diags = syntax_diagnostics(&parsed);
    match crate::incremental::judge(text, doc, memo, &edited, &mut diags) {
        Some((ctype, memo)) => Analysis {
            diagnostics: finish(text, diags),
            compute_type: Some(ctype),
            clean_parse_notes: Some(parsed.notes),
            document: parsed.document,
            memo: Some(memo),
            judged_one_block: true,
            ..Analysis::default()
        },
        None => analyze_parsed(text, parsed, false),
    }
}

fn analyze_with(text: &str, keep_values: bool) -> Analysis {
    analyze_parsed(text, syntax::parse(text), keep_values)
}

fn analyze_parsed(text: &str, parsed: syntax::Parsed, keep_values: bool) -> Analysis {
    let mut analysis = Analysis::default();
    let mut diags = Vec::new();
    if parsed.errors.is_empty() && !parsed.partial && parsed.document.is_some() {
        analysis.clean_parse_notes = Some(parsed.notes.clone());
    }
    // A syntax error spoils only the block it is in: that block is set aside with its error, and
    // the rest is parsed and judged as if the block were not there.
    let parsed = match parsed.partial.then(|| crate::recover::recover(text, &parsed)).flatten() {
        Some(recovered) => {
            let mut rest = recovered.parsed;
            rest.errors.splice(0..0, recovered.errors);
            rest
        }
        None => parsed,
    };
    diags.extend(syntax_diagnostics(&parsed));
    if parsed.partial {
        // Keep the tree for editor features; judge nothing until the YAML is fixed.
        analysis.document = parsed.document;
    } else if let Some(doc) = parsed.document {
        let value = match crate::value::to_json(&doc) {
            Ok(value) => Some(value),
            Err(_) => {
                diags.push(Diagnostic::new(
                    codes::LIMIT_EXCEEDED,
                    "aliases expand to too many values (a \"billion laughs\" file); amlc stops here",
                    TextRange::empty(0),
                ));
                None
            }
        };
        if keep_values {
            analysis.value = value.clone();
        }
        if doc.root.as_mapping().is_some() {
            let mut normalized = None;
            let mut owned = Vec::new();
            analysis.compute_type = crate::check::check(text, &doc, value, &mut diags, &mut owned, &mut normalized);
            diags.extend(owned.iter().map(|o| o.diag.clone()));
            if keep_values {
                analysis.normalized = normalized;
            } else if let (Some(ctype), Some(norm), Some(_)) =
                (analysis.compute_type, normalized, &analysis.clean_parse_notes)
            {
                // The editor's next keystroke starts from here.
                analysis.memo = Some(crate::incremental::Memo { ctype, norm, owned });
            }
        }
        analysis.document = Some(doc);
    }
    analysis.diagnostics = finish(text, diags);
    analysis
}

/// The syntax errors and YAML 1.1/1.2 notes of a parse, as diagnostics.
fn syntax_diagnostics(parsed: &syntax::Parsed) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for err in &parsed.errors {
        let code = match err.kind {
            SyntaxErrorKind::Syntax => codes::YAML_SYNTAX,
            SyntaxErrorKind::Tab => codes::TAB_INDENT,
            SyntaxErrorKind::UnterminatedQuote => codes::UNTERMINATED_QUOTE,
            SyntaxErrorKind::BadIndentation => codes::BAD_INDENT,
            SyntaxErrorKind::DuplicateKey => codes::DUPLICATE_KEY,
            SyntaxErrorKind::MultipleDocuments => codes::MULTIPLE_DOCUMENTS,
            SyntaxErrorKind::Empty => codes::EMPTY_DOCUMENT,
            SyntaxErrorKind::NotAMapping => codes::NOT_A_MAPPING,
            SyntaxErrorKind::Limit => codes::LIMIT_EXCEEDED,
            SyntaxErrorKind::Unloadable => codes::UNLOADABLE_VALUE,
        };
        diags.push(Diagnostic::new(code, err.message.clone(), err.range));
    }
    for note in &parsed.notes {
        diags.push(Diagnostic::new(codes::YAML11_VS_12, note.message.clone(), note.range));
    }
    diags
}

/// Suppression comments, ranges kept inside the text, and one order: by range, code and message,
/// so a whole analysis and a keystroke's give the same list whatever order the checks ran in.
fn finish(text: &str, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::suppress::apply(text, &mut diags);
    clamp_ranges(text, &mut diags);
    diags.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code, &a.message).cmp(&(b.range.start, b.range.end, b.code, &b.message))
    });
    diags.dedup_by(|a, b| a.code == b.code && a.range == b.range && a.message == b.message);
    diags
}

/// Guarantees every range (and fix edit) lies inside the text and on char boundaries.
fn clamp_ranges(text: &str, diags: &mut [Diagnostic]) {
    let fix = |r: &mut TextRange| {
        let clamp = |mut o: usize| {
            o = o.min(text.len());
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            o as u32
        };
        let start = clamp(r.start as usize);
        let end = clamp(r.end as usize).max(start);
        *r = TextRange { start, end };
    };
    for d in diags {
        fix(&mut d.range);
        for f in &mut d.fixes {
            for e in &mut f.edits {
                fix(&mut e.range);
            }
        }
    }
}
