//! Whole-number keys holding numbers no whole-number key can take: `.nan`, `.inf`, `-.inf`, and integers beyond
//! 64 bits. Their JSON stand-ins (the largest finite number of the same sign) look whole to the schema, so
//! without this `min_instances: -.inf` would pass where `-1` is refused. The CLI cannot turn NaN or infinity
//! into an int at all, and the service stores 64-bit counts.

use crate::incremental::Owned;
use crate::syntax::{dotted, Document, Node, NodeKind, PathSegment, StepRef as Seg};
use crate::yaml11::Resolved;
use crate::{codes, schema, ComputeType, Diagnostic};

/// Reports every such value under a key whose schema type is `integer`, in the subtree at `scope`
/// (the whole document for an empty scope); each diagnostic is owned by the value's path.
pub(crate) fn check(text: &str, doc: &Document, ctype: ComputeType, scope: &[PathSegment], out: &mut Vec<Owned>) {
    let Some(node) = doc.lookup(scope) else { return };
    let mut path = Seg::of(scope);
    walk(text, node, ctype, &mut path, out, 0);
}

fn walk<'a>(
    text: &str,
    node: &'a Node,
    ctype: ComputeType,
    path: &mut Vec<Seg<'a>>,
    out: &mut Vec<Owned>,
    depth: usize,
) {
    // The parser already bounds the depth; this only keeps the walk obviously finite.
    if depth > crate::syntax::MAX_DEPTH {
        return;
    }
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                let Some(key) = entry.key_text() else { continue };
                path.push(Seg::Key(key));
                walk(text, &entry.value, ctype, path, out, depth + 1);
                path.pop();
            }
        }
        NodeKind::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(text, item, ctype, path, out, depth + 1);
                path.pop();
            }
        }
        NodeKind::Scalar(scalar) => {
            let problem = match scalar.resolved {
                Resolved::Float(f) if f.is_nan() => "is not a number (NaN); the CLI cannot make it a whole number",
                Resolved::Float(f) if f.is_infinite() => "is infinite; the CLI cannot make it a whole number",
                Resolved::Int(i) if i64::try_from(i).is_err() && i < 0 => {
                    "is below the smallest 64-bit integer; it cannot be negative"
                }
                Resolved::Int(i) if i64::try_from(i).is_err() => "is beyond the 64-bit integers the service stores",
                _ => return,
            };
            let path = Seg::owned(path);
            if !is_integer_key(ctype, &path) {
                return;
            }
            let shown = crate::ranges::slice(text, node.range);
            let shown = if shown.chars().count() > 24 {
                format!("{}…", shown.chars().take(24).collect::<String>())
            } else {
                shown.to_string()
            };
            let negative = matches!(scalar.resolved, Resolved::Int(i) if i < 0)
                || matches!(scalar.resolved, Resolved::Float(f) if f == f64::NEG_INFINITY);
            let code = if negative { codes::NEGATIVE_VALUE } else { codes::WRONG_TYPE };
            let diag = Diagnostic::new(code, format!("`{}` {problem}: `{shown}`", dotted(&path)), node.range);
            out.push(Owned { path, diag, whole: false });
        }
        NodeKind::Alias(_) => {}
    }
}

fn is_integer_key(ctype: ComputeType, path: &[PathSegment]) -> bool {
    match schema::schema_at(ctype, path).and_then(|s| s.get("type")) {
        Some(serde_json::Value::String(t)) => t == "integer",
        Some(serde_json::Value::Array(types)) => types.iter().any(|t| t == "integer"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze;

    fn errors(text: &str) -> Vec<String> {
        analyze(text)
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| format!("{} {}", d.code, d.message))
            .collect()
    }

    #[test]
    fn non_finite_and_huge_counts_are_refused_like_minus_one() {
        let huge = format!("-{}", "9".repeat(400));
        for value in [".nan", "-.inf", ".inf", "-9223372036854775809", huge.as_str(), "-1"] {
            for key in ["min_instances", "max_instances"] {
                let text = format!("type: amlcompute\nname: cc\nsize: Standard_DS3_v2\n{key}: {value}\n");
                let found = errors(&text);
                assert!(found.iter().any(|e| e.contains(key)), "{key}: {value} passed: {found:?}");
                let called_inf = |e: &String| e.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "inf");
                if !value.contains("inf") {
                    assert!(!found.iter().any(called_inf), "{key}: {value} called inf: {found:?}");
                }
            }
        }
    }
}
