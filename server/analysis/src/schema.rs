//! The JSON Schemas of the five compute types (repo `schemas/`, embedded at build time), the
//! validators built from them, and lookups of the property schema at a YAML path for
//! completion and hover.
//!
//! The schemas use only local `$ref`s and no remote resolution: validation never touches the
//! network (jsonschema is built without its HTTP resolver).

use crate::syntax::PathSegment;
use crate::ComputeType;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

const TEXTS: [(ComputeType, &str); 5] = [
    (ComputeType::ComputeInstance, include_str!("../../../schemas/computeinstance.schema.json")),
    (ComputeType::AmlCompute, include_str!("../../../schemas/amlcompute.schema.json")),
    (ComputeType::Kubernetes, include_str!("../../../schemas/kubernetes.schema.json")),
    (ComputeType::VirtualMachine, include_str!("../../../schemas/virtualmachine.schema.json")),
    (ComputeType::SynapseSpark, include_str!("../../../schemas/synapsespark.schema.json")),
];

pub(crate) fn index(t: ComputeType) -> usize {
    ComputeType::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

/// The schema file's text for a compute type (for publishing or serving to editors).
pub fn text(t: ComputeType) -> &'static str {
    TEXTS[index(t)].1
}

/// The file name under `schemas/` (`computeinstance.schema.json`).
pub fn file_name(t: ComputeType) -> String {
    format!("{}.schema.json", t.as_str())
}

/// The parsed schema of a compute type.
pub fn json(t: ComputeType) -> &'static Value {
    static PARSED: OnceLock<Vec<Value>> = OnceLock::new();
    let all =
        PARSED.get_or_init(|| TEXTS.iter().map(|(_, s)| serde_json::from_str(s).unwrap_or(Value::Null)).collect());
    &all[index(t)]
}

/// The compiled validator of a compute type (`None` only if an embedded schema were broken,
/// which a unit test rules out).
pub(crate) fn validator(t: ComputeType) -> Option<&'static jsonschema::Validator> {
    static VALIDATORS: OnceLock<Vec<Option<jsonschema::Validator>>> = OnceLock::new();
    let all = VALIDATORS.get_or_init(|| {
        ComputeType::ALL
            .iter()
            .map(|t| jsonschema::options().should_validate_formats(false).build(json(*t)).ok())
            .collect()
    });
    all[index(t)].as_ref()
}

/// Keywords with which a schema judges its children together or by their content: with one of
/// them on the way from the root, a value's errors depend on more than the value itself.
const ACROSS_CHILDREN: &[&str] = &[
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "prefixItems",
    "patternProperties",
    "propertyNames",
    "dependencies",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedItems",
    "unevaluatedProperties",
    "$dynamicRef",
];

/// How much of `path` can be validated on its own: the length of its longest prefix whose
/// ancestors' schemas only look at their children's keys and count (`properties`, `items`,
/// `required`, `additionalProperties`, ...), so the value there is judged by its own schema
/// alone. 0 when the root already judges across its children.
pub(crate) fn independent_prefix(t: ComputeType, path: &[PathSegment]) -> usize {
    let root = json(t);
    let mut node = resolve(root, root);
    for (depth, seg) in path.iter().enumerate() {
        if ACROSS_CHILDREN.iter().any(|k| node.get(*k).is_some()) {
            return depth;
        }
        match child(root, node, seg) {
            Some(next) => node = next,
            // No schema below: nothing deeper is validated, so the whole path stands alone.
            None => return path.len(),
        }
    }
    path.len()
}

/// The validator of the schema at `path` (a prefix [`independent_prefix`] allows), compiled once
/// per schema location: `Ok(None)` when no schema applies there, `Err` when it cannot be compiled
/// on its own (a `$ref` out of it), and the caller validates the whole document instead.
pub(crate) fn validator_at(t: ComputeType, path: &[PathSegment]) -> Result<Option<Arc<jsonschema::Validator>>, ()> {
    static CACHE: OnceLock<Mutex<HashMap<usize, Option<Arc<jsonschema::Validator>>>>> = OnceLock::new();
    let Some(sub) = schema_at(t, path) else { return Ok(None) };
    // The schemas are static, so a subschema's address names it.
    let id = sub as *const Value as usize;
    let cache = CACHE.get_or_init(Mutex::default);
    let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = cache.get(&id) {
        return found.clone().map(Some).ok_or(());
    }
    let built = if sub.to_string().contains("\"$ref\"") {
        None
    } else {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(false)
            .build(sub)
            .ok()
            .map(Arc::new)
    };
    cache.insert(id, built.clone());
    built.map(Some).ok_or(())
}

/// Everything an editor needs to know about one property.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyInfo {
    pub name: String,
    pub description: Option<String>,
    /// JSON types (`string`, `integer`, `boolean`, `object`, `array`); empty = anything.
    pub types: Vec<String>,
    /// Allowed values for enums (lower-case, as the CLI reports them).
    pub enum_values: Vec<String>,
    pub default: Option<Value>,
    pub required: bool,
    /// Reported by the service; the CLI drops it on create.
    pub read_only: bool,
    /// Cannot change after the compute is created.
    pub create_only: bool,
    /// Can change after creation (cluster scale settings).
    pub updatable: bool,
    pub deprecated: bool,
    /// Accepted but not used for this type (e.g. `location` outside amlcompute).
    pub ignored: bool,
    /// The value is a VM size (offer the size table).
    pub vm_size: bool,
    /// The REST property it becomes, e.g. `properties.properties.vmSize`.
    pub rest: Option<String>,
}

/// Follows a local `$ref` (`#/...`) in `root`.
pub(crate) fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..8 {
        match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(ptr) => match root.pointer(ptr) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

/// The schema that applies to the child `seg` of a value described by `parent`.
pub(crate) fn child<'a>(root: &'a Value, parent: &'a Value, seg: &PathSegment) -> Option<&'a Value> {
    let parent = resolve(root, parent);
    let found = match seg {
        PathSegment::Key(k) => parent
            .get("properties")
            .and_then(|p| p.get(k.as_str()))
            .or_else(|| parent.get("additionalProperties").filter(|a| a.is_object() || *a == &Value::Bool(true))),
        PathSegment::Index(_) => parent.get("items"),
    }?;
    Some(resolve(root, found))
}

/// The schema at a path from the document root.
pub fn schema_at(t: ComputeType, path: &[PathSegment]) -> Option<&'static Value> {
    let root = json(t);
    let mut node = root;
    for seg in path {
        node = child(root, node, seg)?;
    }
    Some(resolve(root, node))
}

fn info(name: &str, node: &Value, required: bool) -> PropertyInfo {
    let flag = |k: &str| node.get(k).and_then(Value::as_bool).unwrap_or(false);
    let types = match node.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    PropertyInfo {
        name: name.to_string(),
        description: node.get("description").and_then(Value::as_str).map(String::from),
        types,
        enum_values: node
            .get("enum")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default(),
        default: node.get("default").cloned(),
        required,
        read_only: flag("readOnly"),
        create_only: flag("x-amlc-createOnly"),
        updatable: flag("x-amlc-updatable"),
        deprecated: flag("deprecated"),
        ignored: flag("x-amlc-ignored"),
        vm_size: flag("x-amlc-vmSize"),
        rest: node.get("x-amlc-rest").and_then(Value::as_str).map(String::from),
    }
}

/// The property at a path whose last segment is a key (for hover).
pub fn property(t: ComputeType, path: &[PathSegment]) -> Option<PropertyInfo> {
    let (last, parent_path) = path.split_last()?;
    let PathSegment::Key(name) = last else { return None };
    let parent = schema_at(t, parent_path)?;
    let node = parent.get("properties")?.get(name.as_str())?;
    let node = resolve(json(t), node);
    let required =
        parent.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|v| v == name.as_str()));
    Some(info(name, node, required))
}

/// The properties an object at `path` may have (for completion), in schema order.
pub fn properties(t: ComputeType, path: &[PathSegment]) -> Vec<PropertyInfo> {
    let Some(node) = schema_at(t, path) else { return Vec::new() };
    let required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    node.get("properties")
        .and_then(Value::as_object)
        .map(|props| props.iter().map(|(k, v)| info(k, resolve(json(t), v), required.contains(&k.as_str()))).collect())
        .unwrap_or_default()
}

/// Names of the properties allowed at `path` (for "did you mean").
pub(crate) fn property_names(t: ComputeType, path: &[PathSegment]) -> Vec<String> {
    schema_at(t, path)
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_compiles_and_is_draft_2020_12() {
        for t in ComputeType::ALL {
            assert!(validator(t).is_some(), "{t}");
            assert_eq!(json(t)["$schema"], "https://json-schema.org/draft/2020-12/schema");
            assert_eq!(json(t)["properties"]["type"]["enum"][0], t.as_str());
        }
    }

    #[test]
    fn lookups_for_hover_and_completion() {
        let p = property(ComputeType::AmlCompute, &[PathSegment::Key("tier".into())]).expect("tier");
        assert_eq!(p.enum_values, vec!["dedicated", "low_priority"]);
        assert!(p.create_only);
        let p = property(ComputeType::AmlCompute, &[PathSegment::Key("max_instances".into())]).expect("max");
        assert_eq!(p.default, Some(serde_json::json!(4)));
        assert!(p.updatable);
        let path = [
            PathSegment::Key("schedules".into()),
            PathSegment::Key("compute_start_stop".into()),
            PathSegment::Index(0),
            PathSegment::Key("trigger".into()),
        ];
        let names: Vec<String> = properties(ComputeType::ComputeInstance, &path).into_iter().map(|p| p.name).collect();
        assert!(names.contains(&"expression".to_string()) && names.contains(&"time_zone".to_string()));
        let state = property(ComputeType::ComputeInstance, &[PathSegment::Key("state".into())]).expect("state");
        assert!(state.read_only);
        let loc = property(ComputeType::Kubernetes, &[PathSegment::Key("location".into())]).expect("location");
        assert!(loc.ignored);
    }
}
