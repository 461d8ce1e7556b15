//! The CLI's own load step, replayed before JSON Schema validation: marshmallow turns numeric
//! strings and integral floats into integers, boolean words into booleans, compares enums
//! case-insensitively, and drops read-only keys. A plain JSON Schema validator gets all of
//! these wrong, so the value is first brought into the shape the CLI would validate.

use crate::schema::{child, resolve};
use crate::syntax::{Document, PathSegment};
use crate::yaml11::Resolved;
use serde_json::{Number, Value};

/// Something the load step noticed that is worth a diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Issue {
    /// A read-only key the CLI drops.
    ReadOnly(Vec<PathSegment>),
    /// A fraction the CLI cuts off (`1.5` → `1`).
    Truncated(Vec<PathSegment>, f64),
    /// An unquoted date where a string is expected.
    DateNotString(Vec<PathSegment>),
}

/// Returns the normalized value and the issues found on the way.
pub(crate) fn normalize(root: &Value, doc: &Document, value: &Value) -> (Value, Vec<Issue>) {
    let mut out = value.clone();
    let mut issues = Vec::new();
    let mut path = Vec::new();
    walk(root, root, doc, &mut out, &mut path, &mut issues);
    (out, issues)
}

const TRUTHY: &[&str] = &["t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1"];
const FALSY: &[&str] = &["f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0"];

/// Python's `int(str)`: optional surrounding whitespace and sign, digits with single
/// underscores between them.
fn python_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    if !body.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
        return None;
    }
    let v: i64 = body.replace('_', "").parse().ok()?;
    Some(if neg { -v } else { v })
}

fn schema_type(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

fn walk(
    root: &Value,
    schema: &Value,
    doc: &Document,
    value: &mut Value,
    path: &mut Vec<PathSegment>,
    issues: &mut Vec<Issue>,
) {
    let schema = resolve(root, schema);
    match schema_type(schema) {
        Some("integer") => match value {
            Value::String(s) => {
                if let Some(v) = python_int(s) {
                    *value = Value::Number(v.into());
                }
            }
            Value::Number(n) if !n.is_i64() && !n.is_u64() => {
                if let Some(f) = n.as_f64() {
                    if f.is_finite() && f.abs() < 9.0e15 {
                        if f.fract() != 0.0 {
                            issues.push(Issue::Truncated(path.clone(), f));
                        }
                        *value = Value::Number(Number::from(f.trunc() as i64));
                    }
                }
            }
            _ => {}
        },
        Some("boolean") => match value {
            Value::String(s) if TRUTHY.contains(&s.as_str()) => *value = Value::Bool(true),
            Value::String(s) if FALSY.contains(&s.as_str()) => *value = Value::Bool(false),
            Value::Number(n) if n.as_f64() == Some(1.0) => *value = Value::Bool(true),
            Value::Number(n) if n.as_f64() == Some(0.0) => *value = Value::Bool(false),
            _ => {}
        },
        Some("string") => {
            if let Value::String(s) = value {
                if let Some(options) = schema.get("enum").and_then(Value::as_array) {
                    if let Some(canon) = options.iter().filter_map(Value::as_str).find(|o| o.eq_ignore_ascii_case(s)) {
                        *s = canon.to_string();
                    }
                }
                let b = s.as_bytes();
                if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
                    if let Some(node) = doc.lookup(path) {
                        if doc.deref(node).as_scalar().is_some_and(|sc| sc.resolved == Resolved::Timestamp) {
                            issues.push(Issue::DateNotString(path.clone()));
                        }
                    }
                }
            }
        }
        _ => {}
    }
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                path.push(PathSegment::Key(k.clone()));
                if let Some(sub) = child(root, schema, &PathSegment::Key(k.clone())) {
                    if sub.get("readOnly").and_then(Value::as_bool) == Some(true) {
                        issues.push(Issue::ReadOnly(path.clone()));
                        map.shift_remove(&k);
                    } else if let Some(v) = map.get_mut(&k) {
                        walk(root, sub, doc, v, path, issues);
                    }
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(PathSegment::Index(i));
                if let Some(sub) = child(root, schema, &PathSegment::Index(i)) {
                    walk(root, sub, doc, item, path, issues);
                }
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_int_rules() {
        assert_eq!(python_int(" 12 "), Some(12));
        assert_eq!(python_int("-1_000"), Some(-1000));
        assert_eq!(python_int("1.0"), None);
        assert_eq!(python_int("two"), None);
        assert_eq!(python_int("_1"), None);
    }
}
