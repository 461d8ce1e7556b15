//! The editor engines as the user meets them: a fixture with a cursor marker `$0`, and what
//! completion, hover, quick fixes and the cost lens give there, as inline snapshots.
//! `UPDATE_EXPECT=1 cargo test -p amlc-analysis --test ide` rewrites them after an intended change.

mod common;

use amlc_analysis::ide::{code_actions, complete_with, cost_hint, hover_with};
use amlc_analysis::{analyze_without_values, LineIndex, TextRange};
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
        expect![[r#"
            $schema Property [string] 4:0-4:9 -> "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json" snippet
            description Property [string] 4:0-4:9 -> "description: $0" snippet
            enable_node_public_ip Property [boolean, set at creation] 4:0-4:9 -> "enable_node_public_ip: ${1|true,false|}" snippet
            identity Property [object] 4:0-4:9 -> "identity:\n  $0" snippet
            idle_time_before_scale_down Property [integer] 4:0-4:9 -> "idle_time_before_scale_down: ${1:120}" snippet
            location Property [string, set at creation] 4:0-4:9 -> "location: $0" snippet
            max_instances Property [integer] 4:0-4:9 -> "max_instances: ${1:4}" snippet
            network_settings Property [object, set at creation] 4:0-4:9 -> "network_settings:\n  $0" snippet
            resource_id Property [string] 4:0-4:9 -> "resource_id: $0" snippet
            ssh_public_access_enabled Property [boolean, set at creation] 4:0-4:9 -> "ssh_public_access_enabled: ${1|true,false|}" snippet
            ssh_settings Property [object, set at creation] 4:0-4:9 -> "ssh_settings:\n  $0" snippet
            tags Property [object] 4:0-4:9 -> "tags:\n  $0" snippet
        "#]],
    );
}

#[test]
fn completion_of_an_enum_value() {
    check_completion(
        "type: amlcompute\nname: c\ntier: $0\n",
        expect![[r#"
        dedicated EnumValue [] 2:6-2:6 -> "dedicated"
        low_priority EnumValue [] 2:6-2:6 -> "low_priority"
    "#]],
    );
}

#[test]
fn completion_of_sizes_from_the_catalog() {
    check_completion(
        "type: amlcompute\nname: c\nsize: Standard_D$0\n",
        expect![[r#"
        Standard_DS3_v2 Value [4 vCPUs, 14 GiB, $0.293/h] 2:6-2:16 -> "Standard_DS3_v2"
        Standard_NC6s_v3 Value [4 vCPUs, 14 GiB, $3.06/h] 2:6-2:16 -> "Standard_NC6s_v3"
    "#]],
    );
}

#[test]
fn completion_inside_a_nested_mapping() {
    check_completion(
        "type: amlcompute\nname: c\nssh_settings:\n  admin_username: a\n  $0\n",
        expect![[r#"
        admin_password Property [string] 4:2-4:2 -> "admin_password: $0" snippet
        ssh_key_value Property [string] 4:2-4:2 -> "ssh_key_value: $0" snippet
    "#]],
    );
}

#[test]
fn hover_on_a_key_while_another_line_is_half_typed() {
    check_hover(
        "name: cluster-01\ntype: amlcompute\nsi$0ze: Standard_DS3_v2\nenable_no\n",
        expect![[r#"
        2:0-2:4
        **size** `string`

        VM size, e.g. `Standard_DS3_v2`. See `az ml compute list-sizes` for the sizes in your region.

        Default: `STANDARD_DS3_V2`  
        Set at creation: changing it later needs a new compute.
    "#]],
    );
}

#[test]
fn hover_on_a_size_value() {
    check_hover(
        "type: amlcompute\nname: c\nsize: Standard_DS$03_v2\n",
        expect![[r#"
        2:6-2:21
        **size** `string`

        VM size, e.g. `Standard_DS3_v2`. See `az ml compute list-sizes` for the sizes in your region.

        Default: `STANDARD_DS3_V2`  
        Set at creation: changing it later needs a new compute.

        ---

        **Standard_DS3_v2**: 4 vCPUs, 14 GiB memory

        Per node in eastus: $0.293/h dedicated, $0.0586/h low priority (Azure retail estimate from vmSizes, eastus, USD/hour).
    "#]],
    );
}

#[test]
fn hover_on_a_duration() {
    check_hover(
        "type: amlcompute\nname: c\nidle_time_before_scale_down: 18$000\n",
        expect![[r#"
        2:29-2:33
        **idle_time_before_scale_down** `integer`

        Seconds a node may stay idle before the cluster removes it (whole seconds, not `PT2M`).

        Default: `120`  
        Can be changed after creation.

        ---

        = 30 minutes
    "#]],
    );
}

#[test]
fn quick_fixes_for_min_greater_than_max() {
    check_actions(
        "type: amlcompute\nname: c\nmin_instances: 4$0\nmax_instances: 2\n",
        expect![[r##"
        AMLC042 Swap min_instances and max_instances (preferred)
          2:15-2:16 -> "2"
          3:15-3:16 -> "4"
        AMLC042 Suppress AMLC042 on this line
          2:0-2:0 -> "# amlc-disable-next-line AMLC042\n"
    "##]],
    );
}

#[test]
fn quick_fixes_for_a_misspelt_key() {
    check_actions(
        "type: amlcompute\nname: c\nmax_instance$0: 2\n",
        expect![[r##"
        AMLC022 Change to `max_instances` (preferred)
          2:0-2:12 -> "max_instances"
        AMLC022 Suppress AMLC022 on this line
          2:0-2:0 -> "# amlc-disable-next-line AMLC022\n"
    "##]],
    );
}

#[test]
fn quick_fixes_for_a_missing_type() {
    check_actions("# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nna$0me: c\n", expect![[r##"
        AMLC020 Add `type: amlcompute` (preferred)
          1:0-1:0 -> "type: amlcompute\n"
        AMLC020 Suppress AMLC020 on this line
          1:0-1:0 -> "# amlc-disable-next-line AMLC020\n"
    "##]]);
}

#[test]
fn cost_lens_of_a_cluster() {
    check_lens(
        "type: amlcompute\nname: c\nsize: Standard_DS3_v2\nmin_instances: 1\nmax_instances: 4\n",
        expect![[r#"
        2:6-2:21 ≈ $1.17/h at 4 nodes, $0.293/h while idle at 1 node (dedicated, eastus) · Azure retail estimate from vmSizes, eastus, USD/hour
    "#]],
    );
}

#[test]
fn cost_lens_of_a_low_priority_cluster_while_a_line_is_half_typed() {
    check_lens(
        "type: amlcompute\nname: c\nsize: Standard_NC6s_v3\ntier: low_priority\nmax_instances: 2\nenable_no\n",
        expect![[r#"
        2:6-2:22 ≈ $1.22/h at 2 nodes, $0/h while idle (low priority, eastus) · Azure retail estimate from vmSizes, eastus, USD/hour
    "#]],
    );
}

#[test]
fn cost_lens_of_an_instance() {
    check_lens(
        "type: computeinstance\nname: ci\nsize: Standard_DS3_v2\n",
        expect![[r#"
            2:6-2:21 ≈ $0.293/h while running; while stopped, disk, public IP and load balancer still bill (eastus) · Azure retail estimate from vmSizes, eastus, USD/hour
        "#]],
    );
}
