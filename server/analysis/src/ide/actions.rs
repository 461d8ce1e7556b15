//! Quick fixes for the diagnostics under a range: the fixes the checks attach (did-you-mean, swap
//! min/max, unit conversions, removing read-only keys, adding `type`) plus, for every diagnostic,
//! "suppress on this line" with an `amlc-disable-next-line` comment.

use crate::formats::duration;
use crate::line_index::{line_end, line_start, next_line_start};
use crate::syntax::{NodeKind, PathSegment};
use crate::{codes, schema, Analysis, Diagnostic, TextEdit, TextRange};

#[derive(Clone, Debug, PartialEq)]
pub struct CodeAction {
    pub title: String,
    pub edits: Vec<TextEdit>,
    pub preferred: bool,
    /// Index into `analysis.diagnostics` of the diagnostic this action fixes.
    pub diagnostic: usize,
}

/// Actions for the diagnostics on the lines `range` touches (the light bulb is per line, so a
/// cursor anywhere on a line offers that line's fixes).
pub fn code_actions(text: &str, analysis: &Analysis, range: TextRange) -> Vec<CodeAction> {
    let start = floor_boundary(text, range.start as usize);
    let end = floor_boundary(text, (range.end as usize).max(start));
    let range = TextRange::new(line_start(text, start as u32), line_end(text, end as u32));
    let mut actions = Vec::new();
    for (index, diagnostic) in analysis.diagnostics.iter().enumerate() {
        if diagnostic.range.end < range.start || diagnostic.range.start > range.end {
            continue;
        }
        for fix in &diagnostic.fixes {
            actions.push(CodeAction {
                title: fix.title.clone(),
                edits: fix.edits.clone(),
                preferred: fix.preferred,
                diagnostic: index,
            });
        }
        actions.extend(editor_fix(text, analysis, diagnostic, index));
        actions.push(suppress(text, diagnostic, index));
    }
    actions
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The start of the line after the one holding `offset` (where a new top-level key can go).
fn after_line(text: &str, offset: u32) -> (u32, &'static str) {
    match next_line_start(text, offset) {
        Some(at) => (at, ""),
        None => (text.len() as u32, if text.contains("\r\n") { "\r\n" } else { "\n" }),
    }
}

/// Fixes that need the schema or the editor's view rather than the check that found the problem:
/// add missing required keys, add an idle shutdown, convert a duration to the unit the key takes.
fn editor_fix(text: &str, analysis: &Analysis, diagnostic: &Diagnostic, index: usize) -> Option<CodeAction> {
    let document = analysis.document.as_ref()?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let type_entry = document.root.entry("type");
    let after_type = type_entry.map_or((text.len() as u32, newline), |e| after_line(text, e.value.range.end));
    match diagnostic.code {
        codes::MISSING_REQUIRED => {
            let t = analysis.compute_type?;
            let missing: Vec<String> = schema::properties(t, &[])
                .into_iter()
                .filter(|p| p.required && document.root.entry(&p.name).is_none())
                .map(|p| p.name)
                .collect();
            if missing.is_empty() || type_entry.is_none_or(|e| e.key.range != diagnostic.range) {
                return None;
            }
            let (at, lead) = after_type;
            let lines: String = missing.iter().map(|k| format!("{k}: {newline}")).collect();
            Some(CodeAction {
                title: format!("Add missing required keys: {}", missing.join(", ")),
                edits: vec![TextEdit { range: TextRange::empty(at), new_text: format!("{lead}{lines}") }],
                preferred: true,
                diagnostic: index,
            })
        }
        codes::NO_IDLE_SHUTDOWN => {
            let (at, lead) = after_type;
            Some(CodeAction {
                title: "Add idle shutdown after 60 minutes".into(),
                edits: vec![TextEdit {
                    range: TextRange::empty(at),
                    new_text: format!("{lead}idle_time_before_shutdown_minutes: 60{newline}"),
                }],
                preferred: true,
                diagnostic: index,
            })
        }
        codes::WRONG_TYPE | codes::IDLE_TIME => {
            let location = document.path_at(diagnostic.range.start)?;
            let Some(PathSegment::Key(key)) = location.path.last() else { return None };
            let NodeKind::Scalar(scalar) = &location.node.kind else { return None };
            let (unit, name) = match key.as_str() {
                "idle_time_before_scale_down" => (1.0, "seconds"),
                "idle_time_before_shutdown_minutes" => (60.0, "minutes"),
                _ => return None,
            };
            let seconds = duration_seconds(&scalar.text)?;
            let converted = seconds / unit;
            if converted.fract() != 0.0 || converted < 0.0 {
                return None;
            }
            let value = converted as u64;
            Some(CodeAction {
                title: format!("Convert `{}` to {value} {name}", scalar.text),
                edits: vec![TextEdit { range: location.node.range, new_text: value.to_string() }],
                preferred: true,
                diagnostic: index,
            })
        }
        _ => None,
    }
}

/// Seconds in `PT30M`, `30m`, `2h`, `90s` or `1d`.
fn duration_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Some(seconds) = duration::seconds(text) {
        return Some(seconds);
    }
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.')?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86400.0,
        _ => return None,
    };
    Some(number * factor)
}

/// Inserts `# amlc-disable-next-line CODE` above the diagnostic's line, at its indentation.
fn suppress(text: &str, diagnostic: &Diagnostic, index: usize) -> CodeAction {
    let start = line_start(text, diagnostic.range.start);
    let line = &text[start as usize..];
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    CodeAction {
        title: format!("Suppress {} on this line", diagnostic.code),
        edits: vec![TextEdit {
            range: TextRange::empty(start),
            new_text: format!("{indent}# amlc-disable-next-line {}{newline}", diagnostic.code),
        }],
        preferred: false,
        diagnostic: index,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let mut out = text.to_string();
        let mut edits = edits.to_vec();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        for e in edits {
            out.replace_range(e.range.start as usize..e.range.end as usize, &e.new_text);
        }
        out
    }

    #[test]
    fn fixes_and_suppression_silence_the_diagnostic() {
        let text = "type: amlcompute\nname: cpu\nmin_instances: 4\nmax_instances: 1\n";
        let analysis = crate::analyze(text);
        let at = text.find("min_instances").expect("min") as u32;
        let actions = code_actions(text, &analysis, TextRange::empty(at));
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        assert!(titles.contains(&"Suppress AMLC042 on this line"), "{titles:?}");
        assert!(titles.contains(&"Swap min_instances and max_instances"), "{titles:?}");
        for action in &actions {
            let fixed = apply(text, &action.edits);
            let after = crate::analyze(&fixed);
            let code = analysis.diagnostics[action.diagnostic].code;
            assert!(after.diagnostics.iter().all(|d| d.code != code), "{} left {code} in {fixed:?}", action.title);
        }
    }

    fn fixed_by(text: &str, title_start: &str) -> String {
        let analysis = crate::analyze(text);
        let actions = code_actions(text, &analysis, TextRange::new(0, text.len() as u32));
        let action = actions.iter().find(|a| a.title.starts_with(title_start));
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        apply(text, &action.unwrap_or_else(|| panic!("no {title_start:?} in {titles:?}")).edits)
    }

    #[test]
    fn editor_fixes() {
        let added = fixed_by("type: computeinstance\nname: ci\nsize: Standard_DS3_v2\n", "Add idle shutdown");
        assert_eq!(
            added,
            "type: computeinstance\nidle_time_before_shutdown_minutes: 60\nname: ci\nsize: Standard_DS3_v2\n"
        );
        let converted = fixed_by("type: amlcompute\nname: c\nidle_time_before_scale_down: PT2M\n", "Convert");
        assert_eq!(converted, "type: amlcompute\nname: c\nidle_time_before_scale_down: 120\n");
        let converted = fixed_by("type: amlcompute\nname: c\nidle_time_before_scale_down: \"30m\"\n", "Convert");
        assert_eq!(converted, "type: amlcompute\nname: c\nidle_time_before_scale_down: 1800\n");
        assert_eq!(duration_seconds("2h"), Some(7200.0));
        assert_eq!(duration_seconds("soon"), None);
    }

    #[test]
    fn missing_required_keys_are_added_after_type() {
        let fixed = fixed_by("type: computeinstance", "Add missing required keys: name");
        assert_eq!(fixed, "type: computeinstance\nname: \n");
    }

    #[test]
    fn schema_urls_are_pointed_at_the_spec_type() {
        let modeline = "# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\ntype: computeinstance\nname: ci-one\n";
        let fixed = fixed_by(modeline, "Use the computeinstance schema");
        assert_eq!(fixed, "# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json\ntype: computeinstance\nname: ci-one\n");
        let key = "$schema: 'https://azuremlschemas.azureedge.net/1.2.0/vmCompute.schema.json'\ntype: amlcompute\nname: cpu\n";
        let fixed = fixed_by(key, "Use the amlcompute schema");
        assert_eq!(fixed, "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\ntype: amlcompute\nname: cpu\n");
        assert!(crate::analyze(&fixed).diagnostics.iter().all(|d| d.code != crate::codes::SCHEMA_URL_MISMATCH));
    }
}
