//! Completion: the keys valid at the cursor (required ones first, with a snippet that fills the
//! value), and values: enums, booleans, `type` and its `$schema` URLs, VM sizes with their cores
//! and memory, Windows time zones. Everything comes from the embedded schemas and tables.

use serde_json::Value;

use super::catalog::SizeCatalog;
use super::context::{position_at, Position};
use crate::schema::{self, PropertyInfo};
use crate::syntax::PathSegment;
use crate::{sizes, timezones, Analysis, ComputeType, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Property,
    EnumValue,
    Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One short line shown beside the label (`integer, required`, `4 vCPUs, 14 GiB`).
    pub detail: Option<String>,
    /// Markdown shown in the item's side panel.
    pub documentation: Option<String>,
    /// The text that replaces `replace`; a snippet (`$1`, `${1|a,b|}`) when `snippet` is true.
    pub insert_text: String,
    pub snippet: bool,
    pub replace: TextRange,
    /// Orders the list: required keys first.
    pub sort_text: String,
    pub deprecated: bool,
}

/// The official `$schema` URL of a compute type.
pub fn schema_url(t: ComputeType) -> String {
    format!("https://azuremlschemas.azureedge.net/latest/{}.schema.json", t.schema_stem())
}

/// Completion items at a byte offset, with sizes from the built-in table.
pub fn complete(text: &str, analysis: &Analysis, offset: u32) -> Vec<CompletionItem> {
    complete_with(text, analysis, offset, None)
}

/// Completion items at a byte offset; `catalog`, when given, replaces the built-in size table with the sizes
/// offered in the workspace region for the spec's type.
pub fn complete_with(
    text: &str,
    analysis: &Analysis,
    offset: u32,
    catalog: Option<&SizeCatalog>,
) -> Vec<CompletionItem> {
    let schema_type = schema_type(text, analysis);
    // Before `type` is written, the `$schema` URL (or the modeline) already says which keys belong.
    let compute_type = analysis.compute_type.or_else(|| type_from_text(text)).or(schema_type);
    match position_at(text, offset as usize) {
        Position::Key { path, word, indent } => complete_key(text, analysis, compute_type, &path, word, indent),
        Position::Value { path, value } => complete_value(compute_type, schema_type, &path, value, catalog),
    }
}

/// The compute type the spec's `$schema` URL, or its `# yaml-language-server: $schema=` modeline, names.
fn schema_type(text: &str, analysis: &Analysis) -> Option<ComputeType> {
    let from_key = analysis.document.as_ref().and_then(|d| d.root.get("$schema")).and_then(|n| n.as_scalar());
    from_key
        .and_then(|s| ComputeType::from_schema_url(&s.text))
        .or_else(|| crate::compute_type::modeline_type(text))
        .or_else(|| {
            // Mid-edit the tree may be missing: read the line itself.
            text.lines().find_map(|l| ComputeType::from_schema_url(l.strip_prefix("$schema:")?))
        })
}

/// The `type` read from the text when the tree is unavailable (mid-edit syntax errors).
fn type_from_text(text: &str) -> Option<ComputeType> {
    text.lines().find_map(|line| ComputeType::parse(line.strip_prefix("type:")?.split(" #").next()?))
}

fn complete_key(
    text: &str,
    analysis: &Analysis,
    compute_type: Option<ComputeType>,
    path: &[PathSegment],
    word: TextRange,
    indent: usize,
) -> Vec<CompletionItem> {
    let Some(t) = compute_type else {
        // No type yet: the first thing a spec needs is its `type` (and, optionally, `$schema`).
        if !path.is_empty() {
            return Vec::new();
        }
        let types: Vec<&str> = ComputeType::ALL.iter().map(|t| t.as_str()).collect();
        return vec![CompletionItem {
            label: "type".into(),
            kind: CompletionKind::Property,
            detail: Some("compute type, required".into()),
            documentation: Some("The kind of compute this spec creates or attaches.".into()),
            insert_text: format!("type: ${{1|{}|}}", types.join(",")),
            snippet: true,
            replace: word,
            sort_text: "0type".into(),
            deprecated: false,
        }];
    };
    let present = present_keys(text, analysis, path, word);
    let mut items: Vec<CompletionItem> = schema::properties(t, path)
        .into_iter()
        .filter(|p| !present.contains(&p.name) && !p.read_only)
        .map(|p| key_item(t, path, &p, word, indent))
        .collect();
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    items
}

/// Keys already written in the mapping being typed in (not offered again), except the one being
/// typed. Read from the text, so it works while the line under the cursor breaks the YAML.
fn present_keys(text: &str, _analysis: &Analysis, _path: &[PathSegment], word: TextRange) -> Vec<String> {
    let cursor = word.start as usize;
    let (line_start, line_end) = super::context::line_at(text, cursor);
    let indent = cursor - line_start - text[line_start..cursor].trim_start_matches([' ', '-']).len();
    let indent = if text[line_start..cursor].trim_start().starts_with('-') {
        indent
    } else {
        line_indent(&text[line_start..line_end])
    };
    let mut keys = Vec::new();
    // Upwards, then downwards, while the lines belong to the same mapping.
    let above = text[..line_start].lines().rev();
    let below = text.get(line_end..).unwrap_or("").lines().skip(1);
    for (lines, upwards) in [(Box::new(above) as Box<dyn Iterator<Item = &str>>, true), (Box::new(below), false)] {
        for line in lines {
            let body = line.trim_start_matches(' ');
            if body.trim().is_empty() || body.starts_with('#') {
                continue;
            }
            let own = line_indent(line);
            let (key_indent, item_start) = match body.strip_prefix("- ") {
                Some(rest) => (own + 2 + line_indent(rest), true),
                None => (own, false),
            };
            if own < indent && !(item_start && key_indent == indent) {
                break;
            }
            if key_indent == indent {
                if item_start && !upwards {
                    break; // The next list item is another mapping.
                }
                let body = line[key_indent..].trim_start();
                if let Some(key) = body.split_once(':').map(|(k, _)| k.trim().trim_matches(['"', '\''])) {
                    keys.push(key.to_string());
                }
                if item_start {
                    break;
                }
            }
        }
    }
    keys
}

fn line_indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn key_item(t: ComputeType, path: &[PathSegment], p: &PropertyInfo, word: TextRange, indent: usize) -> CompletionItem {
    let mut child = path.to_vec();
    child.push(PathSegment::Key(p.name.clone()));
    let nested = " ".repeat(indent + 2);
    let insert_text = if p.types.iter().any(|ty| ty == "object") {
        format!("{}:\n{nested}$0", p.name)
    } else if p.types.iter().any(|ty| ty == "array") {
        format!("{}:\n{nested}- $0", p.name)
    } else if path.is_empty() && p.name == "type" {
        format!("type: {}", t.as_str())
    } else if path.is_empty() && p.name == "$schema" {
        format!("$schema: {}", schema_url(t))
    } else {
        let choices = value_choices(t, &child, p, None);
        if !choices.is_empty() && choices.len() <= 12 {
            let labels: Vec<String> = choices.iter().map(|c| c.label.replace([',', '|'], "")).collect();
            format!("{}: ${{1|{}|}}", p.name, labels.join(","))
        } else if let Some(default) = p.default.as_ref().and_then(scalar_text) {
            format!("{}: ${{1:{default}}}", p.name)
        } else {
            format!("{}: $0", p.name)
        }
    };
    let rank = if p.required {
        '0'
    } else if p.deprecated || p.ignored {
        '2'
    } else {
        '1'
    };
    CompletionItem {
        label: p.name.clone(),
        kind: CompletionKind::Property,
        detail: Some(describe_type(p)),
        documentation: p.description.clone(),
        insert_text,
        snippet: true,
        replace: word,
        sort_text: format!("{rank}{}", p.name),
        deprecated: p.deprecated,
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.replace(['$', '}'], "")),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn describe_type(p: &PropertyInfo) -> String {
    let mut parts = vec![if p.types.is_empty() { "any".to_string() } else { p.types.join(" | ") }];
    if p.required {
        parts.push("required".into());
    }
    if p.create_only {
        parts.push("set at creation".into());
    }
    if p.deprecated {
        parts.push("deprecated".into());
    }
    parts.join(", ")
}

fn complete_value(
    compute_type: Option<ComputeType>,
    schema_type: Option<ComputeType>,
    path: &[PathSegment],
    value: TextRange,
    catalog: Option<&SizeCatalog>,
) -> Vec<CompletionItem> {
    if path.len() == 1 && path[0] == PathSegment::Key("type".into()) {
        // The type `$schema` names comes first; the others stay available.
        return ComputeType::ALL
            .iter()
            .map(|t| {
                let mut item =
                    value_item(t.as_str(), Some(t.rest_name().to_string()), value, CompletionKind::EnumValue);
                if Some(*t) == schema_type {
                    item.sort_text = format!("0{}", item.sort_text);
                    item.detail = Some(format!("{} (from $schema)", t.rest_name()));
                }
                item
            })
            .collect();
    }
    if path.len() == 1 && path[0] == PathSegment::Key("$schema".into()) {
        let types: Vec<ComputeType> = compute_type.map_or_else(|| ComputeType::ALL.to_vec(), |t| vec![t]);
        return types
            .into_iter()
            .map(|t| value_item(&schema_url(t), Some(t.as_str().to_string()), value, CompletionKind::Value))
            .collect();
    }
    let Some(t) = compute_type else { return Vec::new() };
    let Some(p) = schema::property(t, path) else { return Vec::new() };
    value_choices(t, path, &p, catalog)
        .into_iter()
        .map(|mut item| {
            item.replace = value;
            item
        })
        .collect()
}

fn value_item(label: &str, detail: Option<String>, replace: TextRange, kind: CompletionKind) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind,
        detail,
        documentation: None,
        insert_text: label.to_string(),
        snippet: false,
        replace,
        sort_text: label.to_string(),
        deprecated: false,
    }
}

/// The sizes offered in the catalog's region for the type, with cores, memory, GPUs and (when known) the
/// dedicated hourly price in the detail.
fn live_sizes(t: ComputeType, catalog: &SizeCatalog) -> Vec<CompletionItem> {
    catalog
        .for_type(Some(t))
        .enumerate()
        .map(|(i, size)| {
            let mut detail = format!("{} vCPUs, {} GiB", size.vcpus, size.memory_gib);
            if size.gpus > 0 {
                detail.push_str(&format!(", {} GPU{}", size.gpus, if size.gpus == 1 { "" } else { "s" }));
            }
            if let Some(price) = size.dedicated_per_hour {
                detail.push_str(&format!(", {}", catalog.money(price)));
            }
            let mut item = value_item(&size.name, Some(detail), TextRange::default(), CompletionKind::Value);
            item.documentation =
                Some(format!("Offered in {} for {}. Prices: {}.", catalog.region, t.rest_name(), catalog.source()));
            item.sort_text = format!("{i:04}");
            item
        })
        .collect()
}

/// The values a property can take, when they form a known list.
fn value_choices(
    t: ComputeType,
    path: &[PathSegment],
    p: &PropertyInfo,
    catalog: Option<&SizeCatalog>,
) -> Vec<CompletionItem> {
    let none = TextRange::default();
    if let (true, Some(catalog)) = (p.vm_size, catalog) {
        return live_sizes(t, catalog);
    }
    if p.vm_size {
        return sizes::SIZES
            .iter()
            .enumerate()
            .map(|(i, size)| {
                let mut detail = format!("{} vCPUs, {} GiB", size.vcpus, size.memory_gib);
                if size.gpus > 0 {
                    detail.push_str(&format!(", {} × {}", size.gpus, size.gpu_model));
                }
                let mut item = value_item(size.name, Some(detail), none, CompletionKind::Value);
                item.sort_text = format!("{i:04}");
                item
            })
            .collect();
    }
    if !p.enum_values.is_empty() {
        return p.enum_values.iter().map(|v| value_item(v, None, none, CompletionKind::EnumValue)).collect();
    }
    if p.types.iter().any(|ty| ty == "boolean") {
        return ["true", "false"].iter().map(|v| value_item(v, None, none, CompletionKind::Value)).collect();
    }
    if p.name == "time_zone" || p.name.ends_with("time_zone") {
        return timezones::WINDOWS_TIME_ZONES
            .iter()
            .map(|z| value_item(z, Some("Windows time zone".into()), none, CompletionKind::Value))
            .collect();
    }
    // Enums declared on array items (week days) complete inside the list.
    if let Some(items) = schema::schema_at(t, path).and_then(|s| s.get("items")) {
        let items = schema::resolve(schema::json(t), items);
        if let Some(values) = items.get("enum").and_then(Value::as_array) {
            return values
                .iter()
                .filter_map(Value::as_str)
                .map(|v| value_item(v, None, none, CompletionKind::EnumValue))
                .collect();
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(fixture: &str) -> Vec<String> {
        let offset = fixture.find('|').expect("cursor") as u32;
        let text = fixture.replacen('|', "", 1);
        let analysis = crate::analyze(&text);
        complete(&text, &analysis, offset).into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn keys_values_and_order() {
        let top = labels("type: amlcompute\nname: cpu\n|");
        assert!(top.contains(&"max_instances".to_string()), "{top:?}");
        assert!(
            !top.contains(&"name".to_string()) && !top.contains(&"type".to_string()),
            "present keys are not offered"
        );
        assert_eq!(labels("type: amlcompute\ntier: |"), vec!["dedicated", "low_priority"]);
        assert_eq!(labels("type: |").len(), 5);
        assert!(labels("type: amlcompute\nsize: |").contains(&"Standard_DS3_v2".to_string()));
        assert!(labels("type: computeinstance\nenable_node_public_ip: |") == vec!["true", "false"]);
        assert_eq!(labels("name: x\n|"), vec!["type"]);
        let identity = labels("type: amlcompute\nidentity:\n  |");
        assert!(identity.contains(&"type".to_string()), "{identity:?}");
    }

    #[test]
    fn the_schema_url_names_the_type_before_type_is_written() {
        let url = "https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json";
        let text = format!("$schema: {url}\ntype: \n");
        let analysis = crate::analyze(&text);
        let mut items = complete(&text, &analysis, text.len() as u32 - 1);
        items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
        assert_eq!(items.first().map(|i| i.label.as_str()), Some("amlcompute"));
        let keys = labels(&format!("$schema: {url}\n|"));
        assert!(keys.contains(&"type".to_string()) && keys.contains(&"max_instances".to_string()), "{keys:?}");
    }

    #[test]
    fn required_keys_come_first_with_snippets() {
        let text = "type: computeinstance\n";
        let analysis = crate::analyze(text);
        let items = complete(text, &analysis, text.len() as u32);
        let name = items.iter().find(|i| i.label == "name").expect("name offered");
        assert!(name.sort_text.starts_with('0'));
        assert_eq!(items.first().map(|i| i.label.as_str()), Some("name"));
        let schedules = items.iter().find(|i| i.label == "schedules").expect("schedules offered");
        assert_eq!(schedules.insert_text, "schedules:\n  $0");
    }
}
