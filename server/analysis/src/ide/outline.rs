//! The document's shape for the editor: symbols (outline), folding ranges and selection ranges,
//! all read from the YAML tree.

use crate::syntax::{Document, Entry, Node, NodeKind};
use crate::{Analysis, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A mapping value.
    Object,
    /// A list value.
    Array,
    /// A scalar value.
    Field,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    /// The scalar value, or `n items` for a list.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole entry (key and value).
    pub range: TextRange,
    /// The key.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// A folding range as byte offsets; the caller turns them into lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoldingRange {
    pub start: u32,
    pub end: u32,
}

/// Nested symbols of the document, one per mapping entry; list items are named by their `name`
/// key when they have one, else by their index.
pub fn symbols(analysis: &Analysis) -> Vec<Symbol> {
    let Some(document) = &analysis.document else { return Vec::new() };
    children_of(document, &document.root, 0)
}

/// Deep enough for any real spec, shallow enough that a pathological one cannot blow the stack.
const MAX_DEPTH: usize = 64;

fn children_of(document: &Document, node: &Node, depth: usize) -> Vec<Symbol> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    match &node.kind {
        NodeKind::Mapping(entries) => entries.iter().map(|entry| entry_symbol(document, entry, depth)).collect(),
        NodeKind::Sequence(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let name =
                    item.get("name").and_then(|n| n.as_scalar()).map_or_else(|| format!("[{i}]"), |s| s.text.clone());
                Symbol {
                    name,
                    detail: item.as_scalar().map(|s| s.text.clone()),
                    kind: kind_of(item),
                    range: item.range,
                    selection: item.range,
                    children: children_of(document, item, depth + 1),
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn entry_symbol(document: &Document, entry: &Entry, depth: usize) -> Symbol {
    let value = &entry.value;
    let detail = match &value.kind {
        NodeKind::Scalar(s) => Some(s.text.clone()),
        NodeKind::Sequence(items) => Some(format!("{} item{}", items.len(), if items.len() == 1 { "" } else { "s" })),
        _ => None,
    };
    let name = entry.key_text().map_or_else(|| crate::syntax::key_string(&entry.key), str::to_owned);
    Symbol {
        name,
        detail,
        kind: kind_of(value),
        range: entry.range(),
        selection: entry.key.range,
        children: children_of(document, value, depth + 1),
    }
}

fn kind_of(node: &Node) -> SymbolKind {
    match node.kind {
        NodeKind::Mapping(_) => SymbolKind::Object,
        NodeKind::Sequence(_) => SymbolKind::Array,
        _ => SymbolKind::Field,
    }
}

/// Every mapping entry and list item whose value spans more than one line folds.
pub fn folding_ranges(text: &str, analysis: &Analysis) -> Vec<FoldingRange> {
    let Some(document) = &analysis.document else { return Vec::new() };
    let mut out = Vec::new();
    fold(text, &document.root, 0, &mut out);
    out
}

fn fold(text: &str, node: &Node, depth: usize, out: &mut Vec<FoldingRange>) {
    if depth > MAX_DEPTH {
        return;
    }
    let push = |out: &mut Vec<FoldingRange>, range: TextRange| {
        let inner = text.get(range.start as usize..range.end as usize).unwrap_or("");
        if inner.trim_end().contains('\n') {
            out.push(FoldingRange { start: range.start, end: range.end });
        }
    };
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                if !matches!(entry.value.kind, NodeKind::Scalar(_))
                    || entry.value.as_scalar().is_some_and(|s| s.text.contains('\n'))
                {
                    push(out, entry.range());
                }
                fold(text, &entry.value, depth + 1, out);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                if !matches!(item.kind, NodeKind::Scalar(_)) {
                    push(out, item.range);
                }
                fold(text, item, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// For each offset, the ranges around it from the innermost outwards: the scalar, its entry,
/// the enclosing mapping or list, its entry, and so on up to the whole document.
pub fn selection_ranges(analysis: &Analysis, offsets: &[u32]) -> Vec<Vec<TextRange>> {
    offsets
        .iter()
        .map(|&offset| {
            let Some(document) = &analysis.document else { return Vec::new() };
            let mut chain = Vec::new();
            let mut node = &document.root;
            for _ in 0..MAX_DEPTH {
                if !node.range.contains_inclusive(offset) {
                    break;
                }
                chain.push(node.range);
                let next = match &node.kind {
                    NodeKind::Mapping(entries) => {
                        entries.iter().find(|e| e.range().contains_inclusive(offset)).map(|e| {
                            chain.push(e.range());
                            if e.key.range.contains_inclusive(offset) && !e.value.range.contains_inclusive(offset) {
                                &e.key
                            } else {
                                &e.value
                            }
                        })
                    }
                    NodeKind::Sequence(items) => items.iter().find(|n| n.range.contains_inclusive(offset)),
                    _ => None,
                };
                match next {
                    Some(child) => node = child,
                    None => break,
                }
            }
            chain.dedup();
            chain.reverse();
            chain
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "type: computeinstance\nname: ci\nschedules:\n  compute_start_stop:\n    - action: start\n      trigger:\n        type: cron\n        expression: 0 8 * * 1\n";

    #[test]
    fn outline() {
        let analysis = crate::analyze(SPEC);
        let symbols = symbols(&analysis);
        let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["type", "name", "schedules"]);
        assert_eq!(symbols[0].detail.as_deref(), Some("computeinstance"));
        let start_stop = &symbols[2].children[0];
        assert_eq!((start_stop.name.as_str(), start_stop.detail.as_deref()), ("compute_start_stop", Some("1 item")));
        assert_eq!(start_stop.children[0].name, "[0]");
        assert_eq!(start_stop.children[0].children[1].children[1].detail.as_deref(), Some("0 8 * * 1"));
    }

    #[test]
    fn folds_and_selections() {
        let analysis = crate::analyze(SPEC);
        let folds: Vec<&str> = folding_ranges(SPEC, &analysis)
            .iter()
            .map(|f| SPEC[f.start as usize..f.end as usize].lines().next().unwrap_or(""))
            .collect();
        assert_eq!(folds, ["schedules:", "compute_start_stop:", "action: start", "trigger:"]);
        let at = SPEC.find("cron").expect("cron") as u32 + 1;
        let chains = selection_ranges(&analysis, &[at]);
        let texts: Vec<&str> = chains[0].iter().map(|r| &SPEC[r.start as usize..r.end as usize]).collect();
        assert_eq!(texts[0], "cron");
        assert_eq!(texts[1], "type: cron");
        assert!(texts.last().is_some_and(|t| t.starts_with("type: computeinstance")));
        assert!(texts.windows(2).all(|w| w[1].len() >= w[0].len()));
    }
}
