//! A keystroke's analysis must equal a fresh one. `analyze_edited` re-parses and re-judges only the
//! edited block and keeps the rest; these tests run random edit scripts over every fixture and a
//! generated spec of many blocks, and after every edit compare the diagnostics (ranges, codes,
//! messages, fixes) and the compute type with a fresh analysis of the same text.

mod common;

use amlc_analysis::{analyze_edited, analyze_without_values, Analysis};
use proptest::prelude::*;

/// One edit of a script: where (a fraction of the lines) and what.
#[derive(Clone, Debug)]
enum Edit {
    /// Type a character at the end of a line.
    Append(f64, char),
    /// Delete the last character of a line.
    Backspace(f64),
    /// Type a character in the middle of a line.
    Insert(f64, f64, char),
    /// A new line after this one, with this text.
    NewLine(f64, &'static str),
    /// Remove a whole line.
    DeleteLine(f64),
}

const TYPED: &[char] = &['x', '1', ' ', ':', '-', '<', '"', '\'', '#', '.', 'é', '0', 'T'];
const LINES: &[&str] = &[
    "  protocl: http",
    "    - name: extra",
    "  target: 80",
    "name: other",
    "      time_zone: Mars Standard Time",
    "  published: 9001",
    "min_instances: 7",
    "    reference: <IMAGE>",
    "  tag-new: value",
    "      expression: \"99 * * * *\"",
];

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0.0..1.0f64;
    prop_oneof![
        3 => (at.clone(), prop::sample::select(TYPED)).prop_map(|(a, c)| Edit::Append(a, c)),
        2 => at.clone().prop_map(Edit::Backspace),
        2 => (at.clone(), 0.0..1.0f64, prop::sample::select(TYPED)).prop_map(|(a, b, c)| Edit::Insert(a, b, c)),
        1 => (at.clone(), prop::sample::select(LINES)).prop_map(|(a, l)| Edit::NewLine(a, l)),
        1 => at.prop_map(Edit::DeleteLine),
    ]
}

/// The text after the edit; `None` when it does not apply (an empty line to shorten, say).
fn apply(text: &str, edit: &Edit) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.is_empty() {
        return None;
    }
    let pick = |at: f64| ((at * lines.len() as f64) as usize).min(lines.len() - 1);
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let body_len = |l: &str| l.trim_end_matches(['\n', '\r']).len();
    match edit {
        Edit::Append(at, c) => {
            let line = &mut out[pick(*at)];
            let end = body_len(line);
            line.insert(end, *c);
        }
        Edit::Backspace(at) => {
            let line = &mut out[pick(*at)];
            let end = body_len(line);
            let last = line[..end].chars().next_back()?;
            line.replace_range(end - last.len_utf8()..end, "");
        }
        Edit::Insert(at, within, c) => {
            let line = &mut out[pick(*at)];
            let body = &line[..body_len(line)];
            let boundaries: Vec<usize> = body.char_indices().map(|(i, _)| i).collect();
            let i = *boundaries.get((within * boundaries.len() as f64) as usize)?;
            line.insert(i, *c);
        }
        Edit::NewLine(at, new) => {
            let i = pick(*at);
            if !out[i].ends_with('\n') {
                out[i].push('\n');
            }
            out.insert(i + 1, format!("{new}\n"));
        }
        Edit::DeleteLine(at) => {
            out.remove(pick(*at));
        }
    }
    Some(out.concat())
}

fn same_as_fresh(text: &str, edited: &Analysis) -> Result<(), TestCaseError> {
    let fresh = analyze_without_values(text);
    prop_assert_eq!(edited.compute_type, fresh.compute_type, "compute type of\n{}", text);
    prop_assert_eq!(&edited.diagnostics, &fresh.diagnostics, "diagnostics of\n{}", text);
    Ok(())
}

/// Runs a script from `start`; returns how many of its edits were judged one block at a time.
fn run_script(start: &str, script: &[Edit]) -> Result<usize, TestCaseError> {
    let mut text = start.to_string();
    let mut analysis = analyze_without_values(&text);
    let mut by_block = 0;
    for edit in script {
        let Some(next) = apply(&text, edit) else { continue };
        analysis = analyze_edited(&text, analysis, &next);
        text = next;
        by_block += usize::from(analysis.judged_one_block());
        same_as_fresh(&text, &analysis)?;
    }
    Ok(by_block)
}

/// A compute instance with many list items and tags, and errors in some of them, like the
/// benchmark's large documents.
fn generated() -> String {
    let mut s = String::from(
        "type: computeinstance\nname: ci-gen\nsize: Standard_DS3_v2\nidle_time_before_shutdown_minutes: 60\n\
         identity:\n  type: user_assigned\n  user_assigned_identities:\n",
    );
    for i in 0..6 {
        s.push_str(&format!("    - resource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-{i}\n"));
    }
    s.push_str("schedules:\n  compute_start_stop:\n");
    for i in 0..8 {
        let action = if i == 3 { "pause" } else { "stop" };
        s.push_str(&format!(
            "    - action: {action}\n      trigger:\n        type: cron\n        expression: \"{} 18 * * *\"\n        time_zone: UTC\n",
            i * 7 % 60
        ));
    }
    s.push_str("custom_applications:\n");
    for i in 0..8 {
        let protocol = if i == 5 { "protocl" } else { "protocol" };
        s.push_str(&format!(
            "  - name: app-{i}\n    type: docker\n    image:\n      type: docker\n      reference: ghcr.io/contoso/app:{i}\n    endpoints:\n      - name: web\n        target: {}\n        published: {}\n        {protocol}: http\n",
            8000 + i,
            9000 + i % 5
        ));
    }
    s.push_str("tags:\n");
    for i in 0..10 {
        s.push_str(&format!("  tag-{i}: value-{i}\n"));
    }
    s.push_str("enable_gpu_boost: true\n");
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Random scripts over the generated spec of many blocks.
    #[test]
    fn keystrokes_in_a_large_spec_equal_fresh_analyses(script in prop::collection::vec(edit(), 1..24)) {
        run_script(&generated(), &script)?;
    }

    /// Random scripts over every fixture.
    #[test]
    fn keystrokes_in_every_fixture_equal_fresh_analyses(script in prop::collection::vec(edit(), 1..8)) {
        for fixture in common::fixtures() {
            run_script(&fixture.text, &script)?;
        }
    }
}

/// Typing in a value of each kind of block takes the block path (else the property tests above
/// would prove little), and stays equal to a fresh analysis.
#[test]
fn typing_in_blocks_judges_one_block() {
    let text = generated();
    let lines: Vec<usize> = text
        .split_inclusive('\n')
        .enumerate()
        .filter(|(_, l)| l.contains(": ") && l.starts_with(' '))
        .map(|(i, _)| i)
        .collect();
    let script: Vec<Edit> = lines
        .iter()
        .flat_map(|&i| {
            let at = (i as f64 + 0.5) / text.lines().count() as f64;
            [Edit::Append(at, 'x'), Edit::Backspace(at)]
        })
        .collect();
    let by_block = run_script(&text, &script).expect("equal to fresh analyses");
    assert!(
        by_block * 10 >= script.len() * 9,
        "only {by_block} of {} keystrokes in values were judged one block at a time",
        script.len()
    );
}
