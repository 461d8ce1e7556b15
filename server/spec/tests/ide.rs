//! The editor engines as the user meets them: a fixture with a cursor marker `$0`, and what
//! completion, hover, quick fixes and the cost lens give there, as inline snapshots.
//! `UPDATE_EXPECT=1 cargo test -p amlc-spec --test ide` rewrites them after an intended change.

mod common;

use amlc_spec::ide::{code_actions, complete_with, cost_hint, hover_with};
use amlc_spec::{analyze_without_values, LineIndex, TextRange};
use expect_test::{expect, Expect};

/// The text without its `$0` marker, and the marker's offset.
fn cursor(fixture: &str) -> (String, u32) {
    let at = fixture.find("$0").expect("a `$0` cursor marker");
    (fixture.replacen("$0", "", 1), at as u32)
}

fn check_completion(fixture: &str, expect: Expect) {
    let (text, at) = cursor(fixture);
    let analysis = analyze_without_values(&text);
    let index = LineIndex::new(&text);
    let mut out = String::new();
    for item in complete_with(&text, &analysis, at, Some(&common::eastus())).iter().take(12) {
        out.push_str(&format!(
            "{} {:?} [{}] {} -> {:?}{}{}\n",
            item.label,
            item.kind,
            item.detail.as_deref().unwrap_or(""),
            common::range(&index, &text, item.replace),
            item.insert_text,
            if item.snippet { " snippet" } else { "" },
            if item.deprecated { " deprecated" } else { "" },
        ));
    }
    expect.assert_eq(&out);
}

fn check_hover(fixture: &str, expect: Expect) {
    let (text, at) = cursor(fixture);
    let analysis = analyze_without_values(&text);
    let index = LineIndex::new(&text);
    let out = match hover_with(&text, &analysis, at, Some(&common::eastus())) {
        Some(h) => format!("{}\n{}\n", common::range(&index, &text, h.range), h.markdown),
        None => "(no hover)\n".to_string(),
    };
    expect.assert_eq(&out);
}

fn check_actions(fixture: &str, expect: Expect) {
    let (text, at) = cursor(fixture);
    let analysis = analyze_without_values(&text);
    let index = LineIndex::new(&text);
    let mut out = String::new();
    for action in code_actions(&text, &analysis, TextRange::empty(at)) {
        let code = analysis.diagnostics[action.diagnostic].code;
        out.push_str(&format!("{code} {}{}\n", action.title, if action.preferred { " (preferred)" } else { "" }));
        for edit in &action.edits {
            out.push_str(&format!("  {} -> {:?}\n", common::range(&index, &text, edit.range), edit.new_text));
        }
    }
    expect.assert_eq(&out);
}

fn check_lens(fixture: &str, expect: Expect) {
    let analysis = analyze_without_values(fixture);
    let index = LineIndex::new(fixture);
    let out = match cost_hint(&analysis, &common::eastus()) {
        Some(h) => format!("{} {} · {}\n", common::range(&index, fixture, h.range), h.title, h.source),
        None => "(no lens)\n".to_string(),
    };
    expect.assert_eq(&out);
}

#[test]
fn completion_of_a_half_typed_top_level_key() {
    check_completion(
        "name: cluster-01\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 0\nenable_no$0\n",
        expect![[""]],
    );
}

#[test]
fn completion_of_an_enum_value() {
    check_completion("type: amlcompute\nname: c\ntier: $0\n", expect![[""]]);
}

#[test]
fn completion_of_sizes_from_the_catalog() {
    check_completion("type: amlcompute\nname: c\nsize: Standard_D$0\n", expect![[""]]);
}

#[test]
fn completion_inside_a_nested_mapping() {
    check_completion("type: amlcompute\nname: c\nssh_settings:\n  admin_username: a\n  $0\n", expect![[""]]);
}

#[test]
fn hover_on_a_key_while_another_line_is_half_typed() {
    check_hover("name: cluster-01\ntype: amlcompute\nsi$0ze: Standard_DS3_v2\nenable_no\n", expect![[""]]);
}

#[test]
fn hover_on_a_size_value() {
    check_hover("type: amlcompute\nname: c\nsize: Standard_DS$03_v2\n", expect![[""]]);
}

#[test]
fn hover_on_a_duration() {
    check_hover("type: amlcompute\nname: c\nidle_time_before_scale_down: 18$000\n", expect![[""]]);
}

#[test]
fn quick_fixes_for_min_greater_than_max() {
    check_actions("type: amlcompute\nname: c\nmin_instances: 4$0\nmax_instances: 2\n", expect![[""]]);
}

#[test]
fn quick_fixes_for_a_misspelt_key() {
    check_actions("type: amlcompute\nname: c\nmax_instance$0: 2\n", expect![[""]]);
}

#[test]
fn quick_fixes_for_a_missing_type() {
    check_actions("# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nna$0me: c\n", expect![[""]]);
}

#[test]
fn cost_lens_of_a_cluster() {
    check_lens("type: amlcompute\nname: c\nsize: Standard_DS3_v2\nmin_instances: 1\nmax_instances: 4\n", expect![[""]]);
}

#[test]
fn cost_lens_of_a_low_priority_cluster_while_a_line_is_half_typed() {
    check_lens("type: amlcompute\nname: c\nsize: Standard_NC6s_v3\ntier: low_priority\nmax_instances: 2\nenable_no\n", expect![[""]]);
}

#[test]
fn cost_lens_of_an_instance() {
    check_lens("type: computeinstance\nname: ci\nsize: Standard_DS3_v2\n", expect![[""]]);
}
