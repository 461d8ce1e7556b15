//! Hover: a key's meaning, type, default, allowed values and whether it can change after creation;
//! for a VM size its cores, memory and GPUs; for durations the human reading (`120` → 2 minutes).

use serde_json::Value;

use super::catalog::SizeCatalog;
use crate::formats::duration;
use crate::schema::{self, PropertyInfo};
use crate::syntax::{NodeKind, PathSegment};
use crate::yaml11::Resolved;
use crate::{sizes, Analysis, ComputeType, TextRange};

#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    /// Markdown.
    pub markdown: String,
    pub range: TextRange,
}

/// Hover with the built-in size table (no prices).
pub fn hover(text: &str, analysis: &Analysis, offset: u32) -> Option<Hover> {
    hover_with(text, analysis, offset, None)
}

/// Hover; `catalog`, when given, adds what the workspace region offers for a size: its figures and the hourly
/// price dedicated vs low priority, saying where the price comes from.
pub fn hover_with(_text: &str, analysis: &Analysis, offset: u32, catalog: Option<&SizeCatalog>) -> Option<Hover> {
    let document = analysis.document.as_ref()?;
    let location = document.path_at(offset)?;
    let range = location.node.range;
    if location.path.is_empty() {
        return None;
    }
    let compute_type = analysis.compute_type;
    let property = compute_type.and_then(|t| schema::property(t, &location.path));
    let mut sections = Vec::new();
    if let Some(p) = &property {
        sections.push(describe(p));
    } else if let Some(PathSegment::Key(key)) = location.path.last() {
        if location.path.len() == 1 && key == "type" && compute_type.is_none() {
            sections.push("**type**: the compute type (`amlcompute`, `computeinstance`, `kubernetes`, `virtualmachine`, `synapsespark`)".to_string());
        } else {
            return None;
        }
    }
    if compute_type == Some(ComputeType::ComputeInstance) {
        if let Some(note) = instance_note(&location.path, analysis) {
            sections.push(note);
        }
    }
    if !location.on_key {
        if let NodeKind::Scalar(scalar) = &location.node.kind {
            if property.as_ref().is_some_and(|p| p.vm_size) {
                sections.push(match catalog {
                    Some(catalog) => live_size_reading(&scalar.text, compute_type, catalog),
                    None => size_reading(&scalar.text),
                });
            }
            if let Some(reading) = duration_reading(location.path.last(), &scalar.resolved, &scalar.text) {
                sections.push(reading);
            }
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(Hover { markdown: sections.join("\n\n---\n\n"), range })
}

fn describe(p: &PropertyInfo) -> String {
    let mut lines = Vec::new();
    let kind = if p.types.is_empty() { String::new() } else { format!(" `{}`", p.types.join(" | ")) };
    lines.push(format!("**{}**{kind}{}", p.name, if p.required { " (required)" } else { "" }));
    if let Some(description) = &p.description {
        lines.push(description.clone());
    }
    let mut facts = Vec::new();
    if let Some(default) = &p.default {
        facts.push(format!("Default: `{}`", plain(default)));
    }
    if !p.enum_values.is_empty() {
        let values: Vec<String> = p.enum_values.iter().map(|v| format!("`{v}`")).collect();
        facts.push(format!("Allowed: {}", values.join(", ")));
    }
    if p.read_only {
        facts.push("Read-only: reported by the service and dropped on create.".into());
    } else if p.create_only {
        facts.push("Set at creation: changing it later needs a new compute.".into());
    } else if p.updatable {
        facts.push("Can be changed after creation.".into());
    }
    if p.deprecated {
        facts.push("Deprecated.".into());
    }
    if p.ignored {
        facts.push("Ignored for this compute type.".into());
    }
    if !facts.is_empty() {
        lines.push(facts.join("  \n"));
    }
    lines.join("\n\n")
}

/// What an instance's stopping and schedule keys imply beyond their schema text: a stopped instance still
/// bills, and schedules cannot change after creation.
fn instance_note(path: &[PathSegment], analysis: &Analysis) -> Option<String> {
    let Some(PathSegment::Key(top)) = path.first() else { return None };
    match top.as_str() {
        "idle_time_before_shutdown_minutes" | "idle_time_before_shutdown" | "release_quota_on_stop" | "size" => {
            let release = analysis
                .normalized
                .as_ref()
                .and_then(|v| v.get("release_quota_on_stop"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let note = crate::advice::stopped_instance_note(release);
            Some(format!("Note: {note}."))
        }
        "schedules" => Some(format!("Note: {}.", crate::advice::SCHEDULES_FIXED)),
        _ => None,
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn size_reading(name: &str) -> String {
    match sizes::find(name) {
        Some(size) => {
            let mut text = format!("**{}**: {} vCPUs, {} GiB memory", size.name, size.vcpus, size.memory_gib);
            if size.gpus > 0 {
                text.push_str(&format!(", {} × {} GPU", size.gpus, size.gpu_model));
            }
            text
        }
        None => format!("`{name}` is not in amlc's built-in size table; availability depends on the region."),
    }
}

fn live_size_reading(name: &str, compute_type: Option<ComputeType>, catalog: &SizeCatalog) -> String {
    let region = &catalog.region;
    let Some(size) = catalog.find(name) else {
        return format!("`{name}` is not offered in {region} (the workspace region), per vmSizes.");
    };
    let mut text = format!("**{}**: {} vCPUs, {} GiB memory", size.name, size.vcpus, size.memory_gib);
    if size.gpus > 0 {
        text.push_str(&format!(", {} GPU{}", size.gpus, if size.gpus == 1 { "" } else { "s" }));
    }
    if let Some(t) = compute_type.filter(|t| !size.supports(*t)) {
        text.push_str(&format!("  \nNot usable for {} in {region}.", t.rest_name()));
    }
    let mut prices = Vec::new();
    if let Some(price) = size.dedicated_per_hour {
        prices.push(format!("{} dedicated", catalog.money(price)));
    }
    match size.low_priority_per_hour {
        Some(price) => prices.push(format!("{} low priority", catalog.money(price))),
        None if !size.low_priority_capable && !prices.is_empty() => prices.push("no low-priority VMs".into()),
        None => {}
    }
    if !prices.is_empty() {
        text.push_str(&format!("\n\nPer node in {region}: {} ({}).", prices.join(", "), catalog.source()));
    }
    text
}

/// The human reading of a duration value, by the key's unit.
fn duration_reading(key: Option<&PathSegment>, resolved: &Resolved, text: &str) -> Option<String> {
    let Some(PathSegment::Key(key)) = key else { return None };
    let seconds = match (key.as_str(), resolved) {
        ("idle_time_before_scale_down", Resolved::Int(n)) => *n as f64,
        ("idle_time_before_shutdown_minutes", Resolved::Int(n)) => *n as f64 * 60.0,
        ("idle_time_before_shutdown", _) => duration::seconds(text)?,
        _ => return None,
    };
    Some(format!("= {}", duration::human(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hover_at(fixture: &str) -> Option<String> {
        let offset = fixture.find('|').expect("cursor") as u32;
        let text = fixture.replacen('|', "", 1);
        hover(&text, &crate::analyze(&text), offset).map(|h| h.markdown)
    }

    #[test]
    fn keys_sizes_and_durations() {
        let tier = hover_at("type: amlcompute\nti|er: dedicated\n").expect("tier hover");
        assert!(
            tier.contains("**tier**")
                && tier.contains("`dedicated`, `low_priority`")
                && tier.contains("Set at creation"),
            "{tier}"
        );
        let size = hover_at("type: amlcompute\nsize: Standard_DS3|_v2\n").expect("size hover");
        assert!(size.contains("4 vCPUs, 14 GiB memory"), "{size}");
        let idle = hover_at("type: amlcompute\nidle_time_before_scale_down: 12|0\n").expect("idle hover");
        assert!(idle.contains("= 2 minutes"), "{idle}");
        let minutes =
            hover_at("type: computeinstance\nidle_time_before_shutdown_minutes: 9|0\n").expect("minutes hover");
        assert!(minutes.contains("= 1 hour 30 minutes"), "{minutes}");
        assert_eq!(hover_at("type: amlcompute\nnot_a_key|: 1\n"), None);
        let stop = hover_at("type: computeinstance\nidle_time_before_shutdown_minutes|: 60\n").expect("idle hover");
        assert!(stop.contains("disk, public IP and load balancer are still billed"), "{stop}");
        let released = hover_at("type: computeinstance\nrelease_quota_on_stop|: true\n").expect("quota hover");
        assert!(released.contains("released from quota"), "{released}");
        let schedules = hover_at("type: computeinstance\nsched|ules: {}\n").expect("schedules hover");
        assert!(schedules.contains("nor the SDK can change them afterwards"), "{schedules}");
    }
}
