//! The CLI's own load step, replayed before JSON Schema validation: marshmallow turns numeric
//! strings and integral floats into integers, boolean words into booleans, compares enums
//! case-insensitively, and drops read-only keys. A plain JSON Schema validator gets all of
//! these wrong, so the value is first brought into the shape the CLI would validate.

use crate::schema::{self, resolve};
use crate::syntax::{Document, PathSegment};
use crate::yaml11::Resolved;
use crate::ComputeType;
use serde_json::{Number, Value};
use std::sync::OnceLock;

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
pub(crate) fn normalize(schema: &Compiled, doc: &Document, value: Value) -> (Value, Vec<Issue>) {
    let mut out = value;
    let mut issues = Vec::new();
    walk(schema, 0, doc, &mut out, None, &mut issues);
    (out, issues)
}

/// The load step for the value at `scope` alone (the keystroke path): `value` is that value, and
/// the issues' paths start with `scope`. With `false`, the scope's own key is read-only: the load
/// step drops it, so it is no part of the normalized value. `None` when a key above it is
/// read-only, and a whole run must decide.
pub(crate) fn normalize_at(
    c: &Compiled,
    doc: &Document,
    scope: &[PathSegment],
    value: &mut Value,
) -> Option<(Vec<Issue>, bool)> {
    let mut id = Some(0);
    for (depth, seg) in scope.iter().enumerate() {
        let Some(at) = id else { break };
        id = match seg {
            PathSegment::Key(k) => c.child(at, k),
            PathSegment::Index(_) => c.nodes.get(at).and_then(|n| n.items),
        };
        if id.is_some_and(|i| c.nodes.get(i).is_some_and(|n| n.read_only)) {
            let own_key = depth + 1 == scope.len() && matches!(seg, PathSegment::Key(_));
            return own_key.then(|| (vec![Issue::ReadOnly(scope.to_vec())], false));
        }
    }
    let mut issues = Vec::new();
    if let Some(id) = id {
        walk_at(c, id, doc, value, scope, None, &mut issues);
    }
    Some((issues, true))
}

/// [`walk`] with the steps of `scope` chained in front, so issue paths and tree lookups are whole.
fn walk_at(
    c: &Compiled,
    id: usize,
    doc: &Document,
    value: &mut Value,
    scope: &[PathSegment],
    parent: Option<&Step<'_>>,
    issues: &mut Vec<Issue>,
) {
    match scope.split_first() {
        None => walk(c, id, doc, value, parent, issues),
        Some((seg, rest)) => {
            let segment = match seg {
                PathSegment::Key(k) => StepSegment::Key(k),
                PathSegment::Index(i) => StepSegment::Index(*i),
            };
            walk_at(c, id, doc, value, rest, Some(&Step { segment, parent }), issues);
        }
    }
}

/// The path to the value being walked, as a chain of borrowed steps: it is turned into a
/// `Vec<PathSegment>` only for the rare issue, so the walk copies no key.
struct Step<'a> {
    segment: StepSegment<'a>,
    parent: Option<&'a Step<'a>>,
}

enum StepSegment<'a> {
    Key(&'a str),
    Index(usize),
}

fn materialize(step: Option<&Step<'_>>) -> Vec<PathSegment> {
    let mut out = Vec::new();
    let mut at = step;
    while let Some(s) = at {
        out.push(match s.segment {
            StepSegment::Key(k) => PathSegment::Key(k.to_string()),
            StepSegment::Index(i) => PathSegment::Index(i),
        });
        at = s.parent;
    }
    out.reverse();
    out
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

/// The parts of a schema node the load step needs, compiled once per compute type so the
/// walk does no JSON lookups or `$ref` resolution per value.
#[derive(Debug, Default)]
pub(crate) struct CNode {
    ty: Ty,
    enum_values: Vec<String>,
    read_only: bool,
    props: Vec<(String, usize)>,
    additional: Option<usize>,
    items: Option<usize>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Integer,
    Boolean,
    String,
    #[default]
    Other,
}

/// The schema of a compute type compiled for the load step, built once.
pub(crate) fn compiled(t: ComputeType) -> &'static Compiled {
    static COMPILED: OnceLock<Vec<Compiled>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| ComputeType::ALL.iter().map(|t| Compiled::new(schema::json(*t))).collect());
    &all[schema::index(t)]
}

/// A schema compiled into an arena; node 0 is the root.
#[derive(Debug, Default)]
pub(crate) struct Compiled {
    nodes: Vec<CNode>,
}

impl Compiled {
    pub(crate) fn new(root: &Value) -> Compiled {
        let mut c = Compiled::default();
        c.add(root, root, 0);
        c
    }

    fn add(&mut self, root: &Value, node: &Value, depth: usize) -> usize {
        let node = resolve(root, node);
        let id = self.nodes.len();
        self.nodes.push(CNode::default());
        if depth > 32 {
            return id;
        }
        let ty = match node.get("type").and_then(Value::as_str) {
            Some("integer") => Ty::Integer,
            Some("boolean") => Ty::Boolean,
            Some("string") => Ty::String,
            _ => Ty::Other,
        };
        let enum_values = node
            .get("enum")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default();
        let read_only = node.get("readOnly").and_then(Value::as_bool) == Some(true);
        let mut props = Vec::new();
        if let Some(map) = node.get("properties").and_then(Value::as_object) {
            for (k, v) in map {
                let child = self.add(root, v, depth + 1);
                props.push((k.clone(), child));
            }
        }
        let additional = match node.get("additionalProperties") {
            Some(v @ Value::Object(_)) => Some(self.add(root, v, depth + 1)),
            Some(Value::Bool(true)) => Some(self.add(root, &Value::Bool(true), depth + 1)),
            _ => None,
        };
        let items = node.get("items").map(|v| self.add(root, v, depth + 1));
        self.nodes[id] = CNode { ty, enum_values, read_only, props, additional, items };
        id
    }

    fn child(&self, id: usize, key: &str) -> Option<usize> {
        let n = self.nodes.get(id)?;
        n.props.iter().find(|(k, _)| k == key).map(|(_, c)| *c).or(n.additional)
    }
}

fn walk(c: &Compiled, id: usize, doc: &Document, value: &mut Value, path: Option<&Step<'_>>, issues: &mut Vec<Issue>) {
    let Some(node) = c.nodes.get(id) else { return };
    match node.ty {
        Ty::Integer => match value {
            Value::String(s) => {
                if let Some(v) = python_int(s) {
                    *value = Value::Number(v.into());
                }
            }
            Value::Number(n) if !n.is_i64() && !n.is_u64() => {
                if let Some(f) = n.as_f64() {
                    if f.is_finite() && f.abs() < 9.0e15 {
                        if f.fract() != 0.0 {
                            issues.push(Issue::Truncated(materialize(path), f));
                        }
                        *value = Value::Number(Number::from(f.trunc() as i64));
                    }
                }
            }
            _ => {}
        },
        Ty::Boolean => match value {
            Value::String(s) if TRUTHY.contains(&s.as_str()) => *value = Value::Bool(true),
            Value::String(s) if FALSY.contains(&s.as_str()) => *value = Value::Bool(false),
            Value::Number(n) if n.as_f64() == Some(1.0) => *value = Value::Bool(true),
            Value::Number(n) if n.as_f64() == Some(0.0) => *value = Value::Bool(false),
            _ => {}
        },
        Ty::String => {
            if let Value::String(s) = value {
                if let Some(canon) = node.enum_values.iter().find(|o| o.eq_ignore_ascii_case(s)) {
                    if canon != s {
                        *s = canon.clone();
                    }
                }
                let b = s.as_bytes();
                if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
                    let path = materialize(path);
                    if let Some(n) = doc.lookup(&path) {
                        if doc.deref(n).as_scalar().is_some_and(|sc| sc.resolved == Resolved::Timestamp) {
                            issues.push(Issue::DateNotString(path));
                        }
                    }
                }
            }
        }
        Ty::Other => {}
    }
    match value {
        Value::Object(map) => {
            if node.props.is_empty() && node.additional.is_none() {
                return;
            }
            let mut drop = Vec::new();
            for (k, v) in map.iter_mut() {
                let Some(sub) = c.child(id, k) else { continue };
                let step = Step { segment: StepSegment::Key(k), parent: path };
                if c.nodes.get(sub).is_some_and(|n| n.read_only) {
                    issues.push(Issue::ReadOnly(materialize(Some(&step))));
                    drop.push(k.clone());
                } else {
                    walk(c, sub, doc, v, Some(&step), issues);
                }
            }
            for k in drop {
                map.shift_remove(&k);
            }
        }
        Value::Array(items) => {
            let Some(sub) = node.items else { return };
            for (i, item) in items.iter_mut().enumerate() {
                let step = Step { segment: StepSegment::Index(i), parent: path };
                walk(c, sub, doc, item, Some(&step), issues);
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
