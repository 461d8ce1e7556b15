//! Judging a parsed spec: dispatch on `type`, replay the CLI's load step, validate against the
//! type's JSON Schema and map each error to the exact key or value, then run the rules.

use crate::did_you_mean::did_you_mean;
use crate::fixes::remove_entry_fix;
use crate::incremental::Owned;
use crate::line_index::line_start;
use crate::normalize::{self, normalize, Issue};
use crate::ranges::{slice, value_range};
use crate::syntax::{dotted, Document, Node, NodeKind, PathSegment};
use crate::yaml11::Resolved;
use crate::{codes, rules, schema, ComputeType, Diagnostic, DiagnosticTag, Fix, TextRange};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use serde_json::Value;

/// Runs every check that needs the tree; returns the compute type when `type` names one.
/// Diagnostics about one value or list item go to `owned` with their path (an edit elsewhere keeps
/// them, see `incremental.rs`); the rest go to `diags`.
pub(crate) fn check(
    text: &str,
    doc: &Document,
    value: Option<Value>,
    diags: &mut Vec<Diagnostic>,
    owned: &mut Vec<Owned>,
    normalized: &mut Option<Value>,
) -> Option<ComputeType> {
    let (ctype, schema_hint) = compute_type(text, doc, diags)?;
    let Some(value) = value else { return Some(ctype) };
    let (mut norm, issues) = normalize(normalize::compiled(ctype), doc, value);
    issue_diagnostics(text, doc, issues, owned);
    // The CLI inserts the kubernetes namespace default before validating.
    if ctype == ComputeType::Kubernetes {
        if let Value::Object(map) = &mut norm {
            map.entry("namespace").or_insert_with(|| Value::String("default".into()));
        }
    }
    // Schema validation and the rules only read the tree and the value: a large spec runs them
    // side by side.
    let run_rules = || {
        let (mut found, mut found_owned) = (Vec::new(), Vec::new());
        rules::run(text, doc, ctype, &norm, &[], &mut found, &mut found_owned);
        (found, found_owned)
    };
    let validate_all = |owned: &mut Vec<Owned>| {
        if let Some(validator) = schema::validator(ctype) {
            validate(text, doc, ctype, validator, &norm, &[], owned);
        }
    };
    let (rule_diags, rule_owned) = if crate::parallel::is_large(doc.root.range) {
        let (found, ()) = crate::parallel::join(run_rules, || validate_all(owned));
        found
    } else {
        validate_all(owned);
        run_rules()
    };
    crate::numbers::check(text, doc, ctype, &[], owned);
    meta_rules(text, doc, ctype, schema_hint, diags);
    diags.extend(rule_diags);
    owned.extend(rule_owned);
    *normalized = Some(norm);
    Some(ctype)
}

/// The compute type `type` names, and the one `$schema` or a modeline hints at; `None` (after
/// its diagnostic) when `type` is missing or names no compute type.
pub(crate) fn compute_type(
    text: &str,
    doc: &Document,
    diags: &mut Vec<Diagnostic>,
) -> Option<(ComputeType, Option<ComputeType>)> {
    let allowed = ComputeType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
    let schema_hint =
        doc.root.get("$schema").and_then(|n| doc.deref(n).as_str()).and_then(ComputeType::from_schema_url);
    let hinted_type = schema_hint.or_else(|| crate::compute_type::modeline_type(text));
    let Some(type_entry) = doc.root.entry("type") else {
        let range = doc.root.as_mapping().and_then(|m| m.first()).map_or(doc.root.range, |e| e.key.range);
        let mut d = Diagnostic::new(
            codes::MISSING_TYPE,
            format!("`type` is missing; add `type:` with one of {allowed}"),
            range,
        );
        if let Some(t) = hinted_type {
            let at = line_start(text, range.start);
            d = d.with_fix(Fix::replace(
                format!("Add `type: {t}`"),
                TextRange::empty(at),
                format!("type: {t}\n"),
                true,
            ));
        }
        diags.push(d);
        return None;
    };
    let type_node = doc.deref(&type_entry.value);
    let Some(ctype) = type_node.as_str().and_then(ComputeType::parse) else {
        let shown = type_node.as_scalar().map_or_else(|| type_node.kind_name().to_string(), |s| s.text.clone());
        let mut d = Diagnostic::new(
            codes::UNKNOWN_TYPE,
            format!("unknown compute type `{shown}`; use one of {allowed} (any case)"),
            type_entry.value.range,
        );
        let names: Vec<String> = ComputeType::ALL.iter().map(|t| t.as_str().to_string()).collect();
        if let Some(s) = did_you_mean(&shown, &names) {
            d = d.with_fix(Fix::replace(format!("Change to `{s}`"), type_entry.value.range, s, true));
        }
        diags.push(d);
        return None;
    };
    Some((ctype, schema_hint))
}

/// The diagnostics of what the CLI's load step noticed, each owned by the value it is about.
pub(crate) fn issue_diagnostics(text: &str, doc: &Document, issues: Vec<Issue>, owned: &mut Vec<Owned>) {
    let mut diags = Vec::new();
    for issue in issues {
        let path = match &issue {
            Issue::ReadOnly(path) | Issue::Truncated(path, _) | Issue::DateNotString(path) => path.clone(),
        };
        match issue {
            Issue::ReadOnly(path) => {
                let Some(entry) = doc.entry_at(&path) else { continue };
                let mut d = Diagnostic::new(
                    codes::READ_ONLY_IGNORED,
                    format!(
                        "`{}` is read-only: the service reports it, the CLI drops it on create; remove it",
                        dotted(&path)
                    ),
                    entry.key.range,
                )
                .with_tag(DiagnosticTag::Unnecessary);
                if let Some(fix) = remove_entry_fix(text, entry, &format!("Remove read-only `{}`", dotted(&path))) {
                    d = d.with_fix(fix);
                }
                diags.push(d);
            }
            Issue::Truncated(path, f) => {
                let range = value_range(doc, &path);
                let whole = f.trunc() as i64;
                diags.push(
                    Diagnostic::new(
                        codes::TRUNCATED_NUMBER,
                        format!("`{}` takes a whole number; the CLI silently turns {f} into {whole}; write the number you mean", dotted(&path)),
                        range,
                    )
                    .with_fix(Fix::replace(format!("Change to {whole}"), range, whole.to_string(), false)),
                );
            }
            Issue::DateNotString(path) => {
                let range = value_range(doc, &path);
                let raw = slice(text, range).to_string();
                diags.push(
                    Diagnostic::new(
                        codes::DATE_NOT_STRING,
                        format!(
                            "PyYAML reads `{raw}` as a date, and the CLI wants text for `{}`; quote it",
                            dotted(&path)
                        ),
                        range,
                    )
                    .with_fix(Fix::replace("Quote the value", range, format!("\"{raw}\""), true)),
                );
            }
        }
        owned.extend(diags.drain(..).map(|diag| Owned { path: path.clone(), diag, whole: false }));
    }
}

/// JSON Schema validation of `value`, the normalized value at `scope` (the whole document for an
/// empty scope) checked by `validator`, the schema that applies there. Each error is mapped to its
/// key or value and owned by the path the validator reports it at.
pub(crate) fn validate(
    text: &str,
    doc: &Document,
    ctype: ComputeType,
    validator: &jsonschema::Validator,
    value: &Value,
    scope: &[PathSegment],
    owned: &mut Vec<Owned>,
) {
    let mut cache = KeyCache::default();
    let mut found = Vec::new();
    for err in validator.iter_errors(value) {
        let path: Vec<PathSegment> = scope
            .iter()
            .cloned()
            .chain(err.instance_path().iter().map(|s| match s {
                LocationSegment::Property(p) => PathSegment::Key(p.to_string()),
                LocationSegment::Index(i) => PathSegment::Index(i),
            }))
            .collect();
        schema_error(text, doc, ctype, &path, err.kind(), &err, &mut found, &mut cache);
        // Unknown and missing keys depend on a mapping's keys only; the other errors quote the value
        // itself, so an edit anywhere in it words them anew.
        let whole = !matches!(
            err.kind(),
            ValidationErrorKind::AdditionalProperties { .. } | ValidationErrorKind::Required { .. }
        );
        owned.extend(found.drain(..).map(|diag| Owned { path: path.clone(), diag, whole }));
    }
}

/// `$schema` and `location`, which concern how the file is read rather than the compute.
pub(crate) fn meta_rules(
    text: &str,
    doc: &Document,
    ctype: ComputeType,
    schema_hint: Option<ComputeType>,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(entry) = doc.root.entry("$schema") {
        if let Some(url) = doc.deref(&entry.value).as_str() {
            match schema_hint {
                Some(t) if t != ctype => diags.push(
                    Diagnostic::new(
                        codes::SCHEMA_URL_MISMATCH,
                        format!("`$schema` is the {t} schema but `type` is {ctype}; editors will offer the wrong keys, so point it at the {ctype} schema"),
                        entry.value.range,
                    )
                    .with_fix(schema_url_fix(ctype, entry.value.range)),
                ),
                None if url.ends_with(".json") => diags.push(Diagnostic::new(
                    codes::SCHEMA_URL_MISMATCH,
                    format!("`$schema` does not name a compute schema; the CLI ignores it, but editors will use it, so point it at the {ctype} schema (`.../latest/{}.schema.json`)", ctype.schema_stem()),
                    entry.value.range,
                )),
                _ => {}
            }
        }
    }
    // The modeline steers yaml-language-server and amlc's own completion the same way `$schema` does.
    if let Some((range, t)) = crate::compute_type::modeline(text) {
        if t != ctype {
            diags.push(
                Diagnostic::new(
                    codes::SCHEMA_URL_MISMATCH,
                    format!("the `# yaml-language-server: $schema=` modeline names the {t} schema but `type` is {ctype}; editors will offer the wrong keys, so point it at the {ctype} schema"),
                    range,
                )
                .with_fix(schema_url_fix(ctype, range)),
            );
        }
    }
    if ctype != ComputeType::AmlCompute {
        if let Some(entry) = doc.root.entry("location") {
            let mut d = Diagnostic::new(
                codes::LOCATION_IGNORED,
                format!("`location` is ignored for {ctype}: the CLI uses the workspace's region instead; remove it"),
                entry.key.range,
            )
            .with_tag(DiagnosticTag::Unnecessary);
            if let Some(fix) = remove_entry_fix(text, entry, "Remove `location`") {
                d = d.with_fix(fix);
            }
            diags.push(d);
        }
    }
}

/// Replaces a schema URL (in `$schema` or a modeline) with the published one for `ctype`.
fn schema_url_fix(ctype: ComputeType, range: TextRange) -> Fix {
    let url = format!("https://azuremlschemas.azureedge.net/latest/{}.schema.json", ctype.schema_stem());
    Fix::replace(format!("Use the {ctype} schema"), range, url, true)
}

fn json_type_name(t: &str) -> &str {
    match t {
        "integer" => "a whole number",
        "string" => "a string",
        "boolean" => "true or false",
        "object" => "a mapping",
        "array" => "a list",
        "number" => "a number",
        "null" => "null",
        other => other,
    }
}

fn where_of(path: &[PathSegment]) -> String {
    if path.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{}`", dotted(path))
    }
}

/// Known and visible (not read-only) keys per schema location, so a file with many unknown
/// keys in list items does not redo the same schema walk for every item.
#[derive(Default)]
struct KeyCache {
    entries: Vec<(String, AllowedKeys)>,
    /// "Did you mean" answers by (location shape, unknown key): list items repeat the same
    /// unknown key thousands of times in a large file, and the edit distances are the cost.
    suggestions: std::collections::HashMap<(String, String), Option<String>>,
}

/// The keys allowed at one location and the "; allowed: ..." message suffix.
type AllowedKeys = std::rc::Rc<(Vec<String>, String)>;

impl KeyCache {
    /// The keys allowed at `path` and the "; allowed: ..." suffix (empty when too many).
    fn get(&mut self, ctype: ComputeType, path: &[PathSegment]) -> AllowedKeys {
        let shape = shape_of(path);
        if let Some((_, v)) = self.entries.iter().find(|(k, _)| *k == shape) {
            return v.clone();
        }
        let known = schema::property_names(ctype, path);
        let visible: Vec<&String> = known.iter().filter(|k| !is_read_only(ctype, path, k)).collect();
        let suffix = if visible.len() <= 8 {
            format!("; allowed: {}", visible.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
        } else {
            String::new()
        };
        let v = std::rc::Rc::new((known, suffix));
        self.entries.push((shape, v.clone()));
        v
    }

    /// [`did_you_mean`] for an unknown key at `path`, computed once per location shape and key.
    fn suggest(&mut self, path: &[PathSegment], key: &str, known: &[String]) -> Option<String> {
        let id = (shape_of(path), key.to_string());
        if let Some(s) = self.suggestions.get(&id) {
            return s.clone();
        }
        let s = did_you_mean(key, known);
        self.suggestions.insert(id, s.clone());
        s
    }
}

/// A path with list indices erased (`custom_applications/[]/endpoints`): every item of a list
/// has the same schema.
fn shape_of(path: &[PathSegment]) -> String {
    path.iter()
        .map(|p| match p {
            PathSegment::Key(k) => k.as_str(),
            PathSegment::Index(_) => "[]",
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[allow(clippy::too_many_arguments)]
fn schema_error(
    text: &str,
    doc: &Document,
    ctype: ComputeType,
    path: &[PathSegment],
    kind: &ValidationErrorKind,
    err: &dyn std::fmt::Display,
    diags: &mut Vec<Diagnostic>,
    cache: &mut KeyCache,
) {
    let name = dotted(path);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let keys = cache.get(ctype, path);
            let (known, allowed) = (&keys.0, &keys.1);
            // One map of the mapping's keys for all its unknown keys: a lookup per key would scan the mapping
            // each time, quadratic in a file of many unknown keys.
            let key_ranges = key_ranges(doc, path);
            let fallback = value_range(doc, path);
            // The other types' top-level keys, read once for all the unknown keys of this mapping.
            let mut other_types: Option<Vec<(ComputeType, Vec<String>)>> = None;
            for key in unexpected {
                let range = key_ranges.get(key.as_str()).copied().unwrap_or(fallback);
                let mut message = format!("unknown key `{key}` {}", where_of(path));
                let suggestion = cache.suggest(path, key, known);
                if let Some(s) = &suggestion {
                    message.push_str(&format!("; did you mean `{s}`?"));
                } else if path.is_empty() {
                    let others = other_types.get_or_insert_with(|| {
                        ComputeType::ALL
                            .iter()
                            .filter(|t| **t != ctype)
                            .map(|t| (*t, schema::property_names(*t, &[])))
                            .collect()
                    });
                    let owners: Vec<&str> =
                        others.iter().filter(|(_, names)| names.contains(key)).map(|(t, _)| t.as_str()).collect();
                    if !owners.is_empty() {
                        message.push_str(&format!("; it belongs to {} specs, not {ctype}", owners.join(" and ")));
                    } else {
                        message.push_str("; remove it or check the spelling");
                    }
                } else {
                    message.push_str(allowed);
                }
                let mut d = Diagnostic::new(codes::UNKNOWN_KEY, message, range);
                if let Some(s) = suggestion {
                    d = d.with_fix(Fix::replace(format!("Change to `{s}`"), range, s, true));
                }
                diags.push(d);
            }
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => json_type_name(&t.to_string()).to_string(),
                TypeKind::Multiple(set) => {
                    set.iter().map(|t| json_type_name(&t.to_string()).to_string()).collect::<Vec<_>>().join(" or ")
                }
            };
            let range = value_range(doc, path);
            let node = doc.lookup(path).map(|n| doc.deref(n));
            let got = node.map_or("something else", Node::kind_name);
            let shown = slice(text, range);
            let mut message = if path.is_empty() {
                format!("the spec must be {expected}")
            } else {
                format!("`{name}` must be {expected}, but `{}` is {}", short(shown), article(got))
            };
            if expected == "a string" && matches!(got, "integer" | "number" | "boolean" | "null") && !path.is_empty() {
                message.push_str("; quote it if you mean the text");
            }
            if expected == "a whole number" {
                if name.ends_with("idle_time_before_scale_down") {
                    message.push_str("; it takes whole seconds, e.g. 120 for two minutes (not PT2M)");
                } else if name.ends_with("_minutes") {
                    message.push_str("; it takes whole minutes, e.g. 30");
                }
            }
            if expected == "true or false" {
                message.push_str(" (the CLI also accepts yes/no, on/off, 1/0)");
            }
            diags.push(Diagnostic::new(codes::WRONG_TYPE, message, range));
        }
        ValidationErrorKind::Enum { options } => {
            let range = value_range(doc, path);
            let opts: Vec<String> = options
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                .unwrap_or_default();
            let got =
                doc.lookup(path).and_then(|n| doc.deref(n).as_scalar().map(|s| s.text.clone())).unwrap_or_default();
            let mut message = format!("`{name}` must be one of {} (any case), not `{}`", opts.join(", "), short(&got));
            let mut d = None;
            if let Some(s) = did_you_mean(&got, &opts) {
                message.push_str(&format!("; did you mean `{s}`?"));
                d = Some(Fix::replace(format!("Change to `{s}`"), range, s, true));
            }
            let mut diag = Diagnostic::new(codes::NOT_IN_ENUM, message, range);
            if let Some(fix) = d {
                diag = diag.with_fix(fix);
            }
            diags.push(diag);
        }
        ValidationErrorKind::Required { property } => {
            let prop = property.as_str().unwrap_or("?");
            let range = if path.is_empty() {
                doc.root.entry("type").map_or(doc.root.range, |e| e.key.range)
            } else {
                doc.entry_at(path).map_or_else(|| value_range(doc, path), |e| e.key.range)
            };
            let message = if path.is_empty() {
                format!("required key `{prop}` is missing; add `{prop}:` at the top level")
            } else {
                format!("`{name}` needs the key `{prop}`; add it")
            };
            diags.push(Diagnostic::new(codes::MISSING_REQUIRED, message, range));
        }
        ValidationErrorKind::FalseSchema => {
            let range = doc.entry_at(path).map_or_else(|| value_range(doc, path), |e| e.key.range);
            let key = path.last().map(|p| p.to_string()).unwrap_or_default();
            let parent = &path[..path.len().saturating_sub(1)];
            let trigger_type = doc
                .lookup(parent)
                .and_then(|n| doc.deref(n).get("type"))
                .and_then(|n| n.as_scalar())
                .map(|s| s.text.to_ascii_lowercase())
                .unwrap_or_default();
            diags.push(Diagnostic::new(
                codes::UNKNOWN_KEY,
                format!(
                    "`{key}` does not belong in a `{trigger_type}` trigger; remove it or change the trigger's `type`"
                ),
                range,
            ));
        }
        _ => {
            let range = value_range(doc, path);
            diags.push(Diagnostic::new(codes::SCHEMA_CONSTRAINT, format!("`{name}`: {err}"), range));
        }
    }
}

fn is_read_only(ctype: ComputeType, path: &[PathSegment], key: &str) -> bool {
    let mut p = path.to_vec();
    p.push(PathSegment::Key(key.to_string()));
    schema::property(ctype, &p).is_some_and(|i| i.read_only)
}

fn article(kind: &str) -> String {
    match kind {
        "integer" | "alias" => format!("an {kind}"),
        "null" => "null".to_string(),
        other => format!("a {other}"),
    }
}

fn short(s: &str) -> String {
    let first = s.lines().next().unwrap_or("");
    if first.chars().count() > 40 || s.contains('\n') {
        format!("{}…", first.chars().take(40).collect::<String>())
    } else {
        first.to_string()
    }
}

/// The key range of each entry of the mapping at `path`, by the name `Document::entry_at` matches (the last
/// entry wins, as there).
fn key_ranges(doc: &Document, path: &[PathSegment]) -> std::collections::HashMap<String, TextRange> {
    let entries = doc.lookup(path).map(|n| doc.deref(n)).and_then(|n| n.as_mapping()).unwrap_or(&[]);
    entries
        .iter()
        .filter_map(|e| match &e.key.kind {
            NodeKind::Scalar(s) if matches!(s.resolved, Resolved::Str) => Some((s.text.clone(), e.key.range)),
            NodeKind::Scalar(_) => Some((crate::syntax::key_string(&e.key), e.key.range)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped schemas carry no range, length or pattern keyword, so no spec reaches AMLC026
    /// today; a schema that does (as a newer CLI's may) gets its errors mapped to the value.
    #[test]
    fn a_constraint_error_is_placed_on_the_value() {
        let text = "type: amlcompute\nname: c\nmax_instances: -1\n";
        let doc = crate::syntax::parse(text).document.expect("tree");
        let value = crate::value::to_json(&doc).expect("value");
        let schema = serde_json::json!({"properties": {"max_instances": {"type": "integer", "minimum": 0}}});
        let validator = jsonschema::options().build(&schema).expect("schema");
        let mut diags = Vec::new();
        let mut cache = KeyCache::default();
        for err in validator.iter_errors(&value) {
            let path = vec![PathSegment::Key("max_instances".into())];
            schema_error(text, &doc, ComputeType::AmlCompute, &path, err.kind(), &err, &mut diags, &mut cache);
        }
        let found: Vec<_> = diags.iter().map(|d| (d.code, slice(text, d.range), d.message.as_str())).collect();
        assert_eq!(found, [(codes::SCHEMA_CONSTRAINT, "-1", "`max_instances`: -1 is less than the minimum of 0")]);
    }
}
