//! Converts the YAML tree to the JSON value PyYAML would load: aliases expanded (with a cap),
//! `<<` merge keys applied, keys printed as Python prints them. This is what the schema
//! validates and what the azure crate turns into a REST body.

use crate::syntax::{key_string, Document, Node, NodeKind, MAX_ALIAS_EXPANSION};
use crate::yaml11::Resolved;
use serde_json::{Map, Number, Value};

/// Alias expansion produced more than [`MAX_ALIAS_EXPANSION`] nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpansionLimit;

/// The document as JSON, or `Err` when aliases expand past the limit.
pub fn to_json(doc: &Document) -> Result<Value, ExpansionLimit> {
    if let Some(value) = to_json_in_halves(doc) {
        return Ok(value);
    }
    // Without anchors no alias can expand, so only documents with anchors pay for counting.
    let mut budget =
        if doc.anchors.is_empty() { usize::MAX } else { MAX_ALIAS_EXPANSION.max(count_nodes(&doc.root) * 4) };
    convert(doc, &doc.root, &mut budget, 0)
}

/// A large top-level mapping converted as two halves of its entries on two threads; `None`
/// for anything else (small, or with anchors or merge keys, whose order matters across halves).
fn to_json_in_halves(doc: &Document) -> Option<Value> {
    let NodeKind::Mapping(entries) = &doc.root.kind else { return None };
    if !doc.anchors.is_empty() || !crate::parallel::is_large(doc.root.range) || entries.iter().any(is_merge) {
        return None;
    }
    let middle = doc.root.range.start + (doc.root.range.end - doc.root.range.start) / 2;
    let split = entries.iter().position(|e| e.value.range.end >= middle).unwrap_or(0).max(1).min(entries.len());
    let half = |entries: &[crate::syntax::Entry]| -> Result<Vec<(String, Value)>, ExpansionLimit> {
        let mut budget = usize::MAX;
        entries.iter().map(|e| Ok((entry_key(doc, e), convert(doc, &e.value, &mut budget, 1)?))).collect()
    };
    let (first, second) = crate::parallel::join(|| half(&entries[..split]), || half(&entries[split..]));
    let mut out = Map::with_capacity(entries.len());
    // Inserted in document order: a duplicate key keeps its first place and its last value.
    for (key, value) in first.ok()?.into_iter().chain(second.ok()?) {
        out.insert(key, value);
    }
    Some(Value::Object(out))
}

/// The JSON of one subtree of a document without anchors (the keystroke path, which patches the
/// previous value at the edited block instead of converting the whole document again).
pub(crate) fn subtree_to_json(doc: &Document, node: &Node) -> Option<Value> {
    if !doc.anchors.is_empty() {
        return None;
    }
    let mut budget = usize::MAX;
    convert(doc, node, &mut budget, 1).ok()
}

pub(crate) fn is_merge(e: &crate::syntax::Entry) -> bool {
    e.key.as_scalar().is_some_and(|s| s.text == "<<" && !s.style.is_quoted())
}

/// The key as PyYAML loads it (an aliased key is the anchored node's key).
fn entry_key(doc: &Document, e: &crate::syntax::Entry) -> String {
    match &e.key.kind {
        NodeKind::Alias(id) => doc.anchor(*id).map(key_string).unwrap_or_default(),
        _ => key_string(&e.key),
    }
}

fn count_nodes(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            1 + entries.iter().map(|e| count_nodes(&e.key) + count_nodes(&e.value)).sum::<usize>()
        }
        NodeKind::Sequence(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

/// A scalar's JSON value. Non-finite floats have no JSON form; they become the largest
/// finite number of the same sign, which every schema rule treats like the number it is.
pub fn scalar_json(text: &str, resolved: &Resolved) -> Value {
    match resolved {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(*b),
        Resolved::Int(i) => {
            if let Ok(v) = i64::try_from(*i) {
                Value::Number(v.into())
            } else if let Ok(v) = u64::try_from(*i) {
                Value::Number(v.into())
            } else {
                float_json(*i as f64)
            }
        }
        Resolved::Float(f) => float_json(*f),
        Resolved::Timestamp | Resolved::Str | Resolved::Invalid(_) => Value::String(text.to_string()),
    }
}

fn float_json(f: f64) -> Value {
    let f = if f.is_nan() {
        f64::MAX
    } else if f.is_infinite() {
        f.signum() * f64::MAX
    } else {
        f
    };
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn convert(doc: &Document, node: &Node, budget: &mut usize, depth: usize) -> Result<Value, ExpansionLimit> {
    if *budget == 0 || depth > 4 * crate::syntax::MAX_DEPTH {
        return Err(ExpansionLimit);
    }
    *budget -= 1;
    Ok(match &node.kind {
        NodeKind::Scalar(s) => scalar_json(&s.text, &s.resolved),
        NodeKind::Alias(id) => match doc.anchor(*id) {
            Some(target) => convert(doc, target, budget, depth + 1)?,
            None => Value::Null,
        },
        NodeKind::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(convert(doc, item, budget, depth + 1)?);
            }
            Value::Array(out)
        }
        NodeKind::Mapping(entries) => {
            let mut out = Map::with_capacity(entries.len());
            // Merge keys first, so explicit keys win, as in PyYAML.
            for e in entries {
                if is_merge(e) {
                    let merged = convert(doc, &e.value, budget, depth + 1)?;
                    let sources = match merged {
                        Value::Array(items) => items,
                        other => vec![other],
                    };
                    // Earlier sources win over later ones.
                    for source in sources.into_iter().rev() {
                        if let Value::Object(m) = source {
                            for (k, v) in m {
                                out.insert(k, v);
                            }
                        }
                    }
                }
            }
            for e in entries {
                if is_merge(e) {
                    continue;
                }
                let key = entry_key(doc, e);
                let value = convert(doc, &e.value, budget, depth + 1)?;
                // A duplicate key replaces the earlier value but keeps its place, like a dict.
                out.insert(key, value);
            }
            Value::Object(out)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn pyyaml_values() {
        let text = "a: yes\nb: 017\nc: '017'\nd: &x [1, 2]\ne: *x\nf: 1_000\ng:\nbase: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 3\n";
        let doc = parse(text).document.expect("doc");
        let v = to_json(&doc).expect("value");
        assert_eq!(
            v,
            serde_json::json!({"a": true, "b": 15, "c": "017", "d": [1, 2], "e": [1, 2], "f": 1000, "g": null,
                "base": {"p": 1, "q": 2}, "m": {"p": 1, "q": 3}})
        );
    }

    #[test]
    fn a_large_mapping_converted_in_halves_equals_one_pass() {
        let mut text = String::from("type: computeinstance\n");
        for i in 0..6000 {
            text.push_str(&format!("key{}: {{a: yes, b: [1, '2', 0o17]}}\n", i % 4000));
        }
        let doc = parse(&text).document.expect("doc");
        assert!(crate::parallel::is_large(doc.root.range));
        let halves = to_json_in_halves(&doc).expect("converted in halves");
        let mut budget = usize::MAX;
        assert_eq!(Ok(halves), convert(&doc, &doc.root, &mut budget, 0));
    }

    #[test]
    fn billion_laughs_is_capped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let doc = parse(&text).document.expect("doc");
        assert_eq!(to_json(&doc), Err(ExpansionLimit));
    }
}
