//! A syntax error spoils only the block it is in. While the user types, some line is nearly always
//! half-written; everything outside it must keep its diagnostics, hover, completion, symbols and
//! lenses, and the broken block must carry the syntax error.

mod common;

use amlc_analysis::ide::{complete, cost_hint, hover, symbols};
use amlc_analysis::{analyze, analyze_edited, analyze_without_values, codes, Diagnostic, TextRange};

/// A half-typed key, as on the way to `enable_node_public_ip: false`.
const HALF_TYPED: &str = "enable_no\n";

/// The offsets where a new top-level line may be typed: the start of each top-level entry's first
/// line, and the end of the text. A line straight after a suppression comment is left out (a new
/// line there rightly moves the suppression off its target).
fn top_level_positions(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut previous = "";
    for line in text.split_inclusive('\n') {
        let starts_entry = !line.starts_with([' ', '#', '-', '\n', '\r', '\t']) && !line.starts_with("---");
        if starts_entry && !previous.contains("amlc-disable-next-line") {
            out.push(offset);
        }
        previous = line;
        offset += line.len();
    }
    if text.ends_with('\n') && !previous.contains("amlc-disable-next-line") {
        out.push(text.len());
    }
    out
}

/// A diagnostic of the edited text moved back to the original text's offsets (and line numbers
/// in its message), or `None` when it lies in the inserted line.
fn moved_back(mut d: Diagnostic, at: u32, len: u32, inserted_line: usize) -> Option<Diagnostic> {
    let inside = |r: TextRange| r.start >= at && r.end <= at + len && !(r.is_empty() && r.start == at);
    if inside(d.range) {
        return None;
    }
    let back = |o: u32| if o >= at + len { o - len } else { o.min(at) };
    let shift = |r: &mut TextRange| *r = TextRange::new(back(r.start), back(r.end));
    shift(&mut d.range);
    for fix in &mut d.fixes {
        for edit in &mut fix.edits {
            shift(&mut edit.range);
        }
    }
    d.message = renumber(&d.message, inserted_line);
    Some(d)
}

/// `line N` (1-based) in a message written about the edited text, as the original text numbers it.
fn renumber(message: &str, inserted_line: usize) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        out.push_str(&rest[..at + 5]);
        rest = &rest[at + 5..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Ok(n) = rest[..digits].parse::<usize>() {
            out.push_str(&(if n > inserted_line + 1 { n - 1 } else { n }).to_string());
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// The start of every line that holds a nested mapping entry (`  key: value`), with its indentation,
/// for typing a half-written key beside it.
fn nested_positions(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut previous = "";
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line[indent..].trim_end();
        let entry = indent > 0 && !body.starts_with(['#', '-']) && body.contains(": ") && !body.ends_with(['|', '>']);
        if entry && !previous.contains("amlc-disable-next-line") && !previous.trim_end().ends_with(['|', '>']) {
            out.push((offset, indent));
        }
        previous = line;
        offset += line.len();
    }
    out
}

#[test]
fn a_half_typed_key_keeps_every_diagnostic_outside_its_line() {
    check_positions(|text| top_level_positions(text).into_iter().map(|at| (at, 0)).collect());
}

#[test]
fn a_half_typed_nested_key_keeps_every_diagnostic_outside_its_line() {
    check_positions(nested_positions);
}

fn check_positions(positions: impl Fn(&str) -> Vec<(usize, usize)>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    for fixture in common::fixtures() {
        let text = &fixture.text;
        let original = analyze(text);
        // Only a spec whose top level is a mapping has top-level entries to type between.
        let mapping = original.document.as_ref().is_some_and(|d| d.root.as_mapping().is_some());
        if !mapping || std::str::from_utf8(&fixture.bytes).is_err() || text.contains("\n---") {
            continue;
        }
        // A line typed into a block that is already broken meets that block's own error; the
        // property is about one half-typed line in an otherwise readable spec.
        let syntax = [codes::YAML_SYNTAX, codes::TAB_INDENT, codes::UNTERMINATED_QUOTE, codes::BAD_INDENT];
        let tops = top_level_positions(text);
        let in_broken_block = |at: usize| {
            let start = tops.iter().copied().filter(|&t| t <= at).max().unwrap_or(0);
            let end = tops.iter().copied().find(|&t| t > at).unwrap_or(text.len());
            original
                .diagnostics
                .iter()
                .any(|d| syntax.contains(&d.code) && (start..=end).contains(&(d.range.start as usize)) && at > start)
        };
        for (at, indent) in positions(text).into_iter().filter(|(at, _)| !in_broken_block(*at)) {
            let typed = format!("{}{HALF_TYPED}", " ".repeat(indent));
            let edited = format!("{}{typed}{}", &text[..at], &text[at..]);
            let analysis = analyze(&edited);
            let line = text[..at].matches('\n').count();
            let (at32, len) = (at as u32, typed.len() as u32);
            let in_line: Vec<&Diagnostic> = analysis
                .diagnostics
                .iter()
                .filter(|d| d.range.start >= at32 && d.range.end < at32 + len && !d.range.is_empty())
                .collect();
            let kept: Vec<Diagnostic> =
                analysis.diagnostics.iter().cloned().filter_map(|d| moved_back(d, at32, len, line)).collect();
            let (want, got) = (common::render(text, &original.diagnostics), common::render(text, &kept));
            if want != got || !in_line.iter().any(|d| d.code == codes::YAML_SYNTAX) {
                failures.push(format!(
                    "{} with `enable_no` typed on line {}:\nwant\n{want}got\n{got}in the line: {in_line:?}",
                    fixture.name,
                    line + 1
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} positions tried");
    assert!(failures.is_empty(), "{} position(s) failed:\n{}", failures.len(), failures.join("\n"));
}

const CLUSTER: &str = "name: cluster-01
type: amlcompute
size: Standard_DS3_v2
min_instances: 4
max_instances: 2
idle_time_before_scale_down: 60
tier: spot
";

fn codes_of(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code).collect()
}

/// The scenario, as a user typing in an editor meets it: the edited text is analysed from
/// the previous analysis, as the language server does.
#[test]
fn typing_a_key_keeps_the_errors_hover_completion_symbols_and_lens() {
    let before = analyze_without_values(CLUSTER);
    assert_eq!(codes_of(&before.diagnostics), ["AMLC040", "AMLC042", "AMLC024"]);
    let catalog = common::eastus();
    let lens_before = cost_hint(&before, &catalog).map(|h| h.title);
    assert!(lens_before.is_some(), "the cluster has a cost lens");
    let mut previous = (CLUSTER.to_string(), before.clone());
    for typed in ["e", "en", "enable", "enable_no"] {
        let text = format!("{CLUSTER}{typed}");
        let analysis = analyze_edited(&previous.0, previous.1, &text);
        assert_eq!(analysis.diagnostics, analyze(&text).diagnostics, "{typed}: incremental = fresh");
        assert_eq!(codes_of(&analysis.diagnostics), ["AMLC040", "AMLC042", "AMLC024", "AMLC001"], "{typed}");
        let syntax = &analysis.diagnostics[3];
        assert_eq!(&text[syntax.range.start as usize..syntax.range.end as usize], typed, "the error marks the line");
        let size = text.find("size").expect("size") as u32 + 1;
        let shown = hover(&text, &analysis, size).map(|h| h.markdown).unwrap_or_default();
        assert!(shown.contains("size"), "{typed}: hover on `size` answers: {shown:?}");
        let labels: Vec<String> = complete(&text, &analysis, text.len() as u32).into_iter().map(|i| i.label).collect();
        assert!(labels.iter().any(|l| l == "enable_node_public_ip"), "{typed}: {labels:?}");
        assert!(!labels.iter().any(|l| l == "size"), "{typed}: a present key is not offered again");
        let names: Vec<String> = symbols(&analysis).into_iter().map(|s| s.name).collect();
        assert!(names.iter().any(|n| n == "size") && names.iter().any(|n| n == "tier"), "{typed}: {names:?}");
        assert_eq!(cost_hint(&analysis, &catalog).map(|h| h.title), lens_before, "{typed}: the cost lens stays");
        previous = (text, analysis);
    }
}

/// Inside a nested mapping, only the broken entry is set aside: its siblings are still judged.
#[test]
fn a_broken_nested_entry_spoils_only_itself() {
    let text = "type: amlcompute\nname: c1\nssh_settings:\n  admin_username: azureuser\n  admin_password: hunter2\n  ssh_po\ntier: spot\n";
    let analysis = analyze(text);
    let found: Vec<(&str, &str)> =
        analysis.diagnostics.iter().map(|d| (d.code, &text[d.range.start as usize..d.range.end as usize])).collect();
    assert!(found.contains(&("AMLC001", "ssh_po")), "{found:?}");
    assert!(found.contains(&("AMLC070", "hunter2")), "the password in the same block is still seen: {found:?}");
    assert!(found.contains(&("AMLC024", "spot")), "{found:?}");
}
