//! Where a spec holds secrets. Every front end that shows a spec's own text (the caret view of `amlc check` and
//! `amlc compute create`, which CI logs keep) masks these ranges, so a password in a spec never reaches a log.

use crate::syntax::{Document, Node, NodeKind};
use crate::TextRange;

/// Keys whose values are secrets in a compute spec (`ssh_settings.admin_password` of clusters and attached VMs).
pub const SECRET_KEYS: [&str; 1] = ["admin_password"];

/// The byte ranges of every secret value in the document, in document order.
pub fn secret_ranges(doc: &Document) -> Vec<TextRange> {
    let mut out = Vec::new();
    collect(&doc.root, &mut out, 0);
    out
}

fn collect(node: &Node, out: &mut Vec<TextRange>, depth: usize) {
    // The tree is already depth-limited by the parser; this bound only keeps the walk obviously finite.
    if depth > 256 {
        return;
    }
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                if entry.key.as_str().is_some_and(|k| SECRET_KEYS.contains(&k)) {
                    out.push(entry.value.range);
                } else {
                    collect(&entry.value, out, depth + 1);
                }
            }
        }
        NodeKind::Sequence(items) => items.iter().for_each(|item| collect(item, out, depth + 1)),
        NodeKind::Scalar(_) | NodeKind::Alias(_) => {}
    }
}

/// `line` (which starts at byte `line_start` of the text) with every character inside a secret range replaced by
/// `*`, one for one, so columns and carets stay where they were.
pub fn mask_line(line: &str, line_start: u32, secrets: &[TextRange]) -> String {
    line.char_indices()
        .map(|(i, c)| {
            let at = line_start.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
            if secrets.iter().any(|r| r.start <= at && at < r.end) {
                '*'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_found_in_block_and_flow_style_and_masked_in_place() {
        for text in [
            "type: amlcompute\nname: c\nssh_settings:\n  admin_username: u\n  admin_password: \"hunter2!x\"\n",
            "{\"type\": \"amlcompute\", \"name\": \"c\", \"ssh_settings\": {\"admin_password\": \"hunter2!x\"}}\n",
        ] {
            let analysis = crate::analyze(text);
            let ranges = analysis.secret_ranges();
            assert_eq!(ranges.len(), 1, "{text}");
            let masked = mask_line(text, 0, &ranges);
            assert!(!masked.contains("hunter2") && masked.contains("admin_password"), "{masked}");
            assert_eq!(masked.chars().count(), text.chars().count());
        }
        assert!(crate::analyze("type: computeinstance\nname: ci\n").secret_ranges().is_empty());
    }
}
