//! The request handlers for completion, hover, code actions, symbols, folding and selection:
//! each takes a snapshot and the analysis of its version, calls the matching `amlc_analysis::ide`
//! engine, and converts byte ranges at the edge. They run on the blocking pool (see `guard.rs`).

use amlc_analysis::ide;
use amlc_analysis::{Analysis, PositionEncoding};
use tower_lsp::lsp_types::*;

use crate::convert::Converter;
use crate::documents::Snapshot;

fn converter<'a>(snapshot: &'a Snapshot, encoding: PositionEncoding) -> Converter<'a> {
    Converter { text: &snapshot.text, index: &snapshot.line_index, encoding }
}

pub fn completion(
    snapshot: &Snapshot,
    analysis: &Analysis,
    position: Position,
    encoding: PositionEncoding,
    catalog: Option<&ide::SizeCatalog>,
) -> CompletionResponse {
    let convert = converter(snapshot, encoding);
    let offset = convert.offset(position);
    let items = ide::complete_with(&snapshot.text, analysis, offset, catalog)
        .into_iter()
        .map(|item| CompletionItem {
            label: item.label,
            kind: Some(match item.kind {
                ide::CompletionKind::Property => CompletionItemKind::PROPERTY,
                ide::CompletionKind::EnumValue => CompletionItemKind::ENUM_MEMBER,
                ide::CompletionKind::Value => CompletionItemKind::VALUE,
            }),
            detail: item.detail,
            documentation: item
                .documentation
                .map(|value| Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value })),
            sort_text: Some(item.sort_text),
            filter_text: None,
            insert_text_format: Some(if item.snippet {
                InsertTextFormat::SNIPPET
            } else {
                InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: convert.range(item.replace),
                new_text: item.insert_text,
            })),
            tags: item.deprecated.then(|| vec![CompletionItemTag::DEPRECATED]),
            ..CompletionItem::default()
        })
        .collect();
    CompletionResponse::List(CompletionList { is_incomplete: false, items })
}

pub fn hover(
    snapshot: &Snapshot,
    analysis: &Analysis,
    position: Position,
    encoding: PositionEncoding,
    catalog: Option<&ide::SizeCatalog>,
) -> Option<Hover> {
    let convert = converter(snapshot, encoding);
    let found = ide::hover_with(&snapshot.text, analysis, convert.offset(position), catalog)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: found.markdown }),
        range: Some(convert.range(found.range)),
    })
}

pub fn code_actions(
    snapshot: &Snapshot,
    analysis: &Analysis,
    range: Range,
    encoding: PositionEncoding,
) -> Vec<CodeActionOrCommand> {
    let convert = converter(snapshot, encoding);
    ide::code_actions(&snapshot.text, analysis, convert.text_range(range))
        .into_iter()
        .map(|action| {
            let diagnostic = analysis.diagnostics.get(action.diagnostic).map(|d| convert.diagnostic(d));
            let edits = action.edits.iter().map(|edit| convert.text_edit(edit)).collect();
            CodeActionOrCommand::CodeAction(CodeAction {
                title: action.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: diagnostic.map(|d| vec![d]),
                edit: Some(WorkspaceEdit {
                    changes: Some([(snapshot.uri.clone(), edits)].into_iter().collect()),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: action.preferred.then_some(true),
                ..CodeAction::default()
            })
        })
        .collect()
}

pub fn document_symbols(
    snapshot: &Snapshot,
    analysis: &Analysis,
    encoding: PositionEncoding,
) -> DocumentSymbolResponse {
    let convert = converter(snapshot, encoding);
    DocumentSymbolResponse::Nested(ide::symbols(analysis).into_iter().map(|s| symbol(&convert, s)).collect())
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written out.
fn symbol(convert: &Converter<'_>, symbol: ide::Symbol) -> DocumentSymbol {
    let children: Vec<DocumentSymbol> = symbol.children.into_iter().map(|child| self::symbol(convert, child)).collect();
    DocumentSymbol {
        name: if symbol.name.is_empty() { "\"\"".to_string() } else { symbol.name },
        detail: symbol.detail,
        kind: match symbol.kind {
            ide::SymbolKind::Object => SymbolKind::OBJECT,
            ide::SymbolKind::Array => SymbolKind::ARRAY,
            ide::SymbolKind::Field => SymbolKind::FIELD,
        },
        tags: None,
        deprecated: None,
        range: convert.range(symbol.range),
        selection_range: convert.range(symbol.selection),
        children: (!children.is_empty()).then_some(children),
    }
}

pub fn folding_ranges(snapshot: &Snapshot, analysis: &Analysis, encoding: PositionEncoding) -> Vec<FoldingRange> {
    let convert = converter(snapshot, encoding);
    ide::folding_ranges(&snapshot.text, analysis)
        .into_iter()
        .filter_map(|fold| {
            let start = snapshot.line_col(fold.start, encoding).line;
            let end = convert.range(amlc_analysis::TextRange::new(fold.start, fold.end)).end.line;
            (end > start).then_some(FoldingRange {
                start_line: start,
                end_line: end,
                kind: Some(FoldingRangeKind::Region),
                ..FoldingRange::default()
            })
        })
        .collect()
}

pub fn selection_ranges(
    snapshot: &Snapshot,
    analysis: &Analysis,
    positions: &[Position],
    encoding: PositionEncoding,
) -> Vec<SelectionRange> {
    let convert = converter(snapshot, encoding);
    let offsets: Vec<u32> = positions.iter().map(|p| convert.offset(*p)).collect();
    ide::selection_ranges(analysis, &offsets)
        .into_iter()
        .zip(positions)
        .map(|(chain, position)| {
            // Outermost first, so each range's parent is already built.
            let mut selection: Option<SelectionRange> = None;
            for range in chain.into_iter().rev() {
                selection = Some(SelectionRange { range: convert.range(range), parent: selection.map(Box::new) });
            }
            selection.unwrap_or(SelectionRange { range: Range { start: *position, end: *position }, parent: None })
        })
        .collect()
}

/// Code lenses on a spec's first line, each wired to a command the server implements: "Create" for an
/// instance or cluster and "Attach" for kubernetes/virtualmachine/synapsespark (the spec's URI is the
/// argument), then Start and Stop for an instance, "Apply scale" for a cluster. With a live size catalog, the
/// cost of the spec (a cluster at max_instances and idle at min_instances, an instance while running) is an
/// informational lens (empty command) on the `size` line, its source in the title.
pub fn code_lenses(
    snapshot: &Snapshot,
    analysis: &Analysis,
    encoding: PositionEncoding,
    catalog: Option<&ide::SizeCatalog>,
) -> Vec<CodeLens> {
    let Some(document) = &analysis.document else { return Vec::new() };
    let Some(name) = document.root.get("name").and_then(|n| n.as_str()).filter(|n| !n.is_empty()) else {
        return Vec::new();
    };
    let convert = converter(snapshot, encoding);
    let range = convert.range(amlc_analysis::TextRange::empty(document.root.range.start));
    let lens = |title: String, command: &str, argument: serde_json::Value| CodeLens {
        range,
        command: Some(Command { title, command: command.to_string(), arguments: Some(vec![argument]) }),
        data: None,
    };
    let uri = serde_json::json!({"uri": snapshot.uri.to_string()});
    let mut lenses = match analysis.compute_type {
        Some(kind) if kind.is_attached() => vec![lens("Attach".into(), "amlc.compute.attach", uri)],
        Some(_) => vec![lens("Create".into(), "amlc.compute.create", uri)],
        None => Vec::new(),
    };
    lenses.extend(match analysis.compute_type {
        Some(amlc_analysis::ComputeType::ComputeInstance) => vec![
            lens("▶ Start".into(), "amlc.compute.start", serde_json::json!({"name": name})),
            lens("■ Stop".into(), "amlc.compute.stop", serde_json::json!({"name": name})),
        ],
        Some(amlc_analysis::ComputeType::AmlCompute) if !analysis.has_errors() => {
            let number =
                |key: &str| document.root.get(key).and_then(|n| n.as_scalar()).and_then(|s| s.text.parse::<i64>().ok());
            let min = number("min_instances").unwrap_or(0);
            let max = number("max_instances").unwrap_or(4);
            let mut argument = serde_json::json!({"name": name, "minInstances": min, "maxInstances": max});
            if let Some(idle) = number("idle_time_before_scale_down") {
                argument["idleSecondsBeforeScaleDown"] = idle.into();
            }
            vec![lens(format!("Apply scale ({min}–{max} nodes)"), "amlc.compute.updateScale", argument)]
        }
        _ => Vec::new(),
    });
    if let Some(hint) = catalog.and_then(|catalog| ide::cost_hint(analysis, catalog)) {
        lenses.push(CodeLens {
            range: convert.range(hint.range),
            command: Some(Command {
                title: format!("{} · {}", hint.title, hint.source),
                command: String::new(),
                arguments: None,
            }),
            data: None,
        });
    }
    lenses
}
