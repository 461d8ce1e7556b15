//! Property tests: arbitrary bytes, YAML-ish noise and mutated real specs never make the core
//! panic, and every diagnostic and fix range lies inside the text on char boundaries; the editor's
//! requests (completion, hover, code actions, symbols, folding, selection, the cost lens) never panic
//! at any position, inside indentation and multi-byte characters included.

use amlc_analysis::ide::{self, SizeCatalog};
use amlc_analysis::{analyze, analyze_bytes, analyze_edited, analyze_without_values, Analysis, TextRange};
use proptest::prelude::*;
use std::path::PathBuf;

fn check_ranges(text: &str, analysis: &Analysis) -> Result<(), TestCaseError> {
    for d in &analysis.diagnostics {
        let ranges = std::iter::once(d.range).chain(d.fixes.iter().flat_map(|f| f.edits.iter().map(|e| e.range)));
        for r in ranges {
            prop_assert!(r.start <= r.end, "{:?} inverted in {:?}", r, d);
            prop_assert!(r.end as usize <= text.len(), "{:?} past end ({}) in {:?}", r, text.len(), d);
            prop_assert!(
                text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize),
                "{:?} splits a char",
                r
            );
        }
        prop_assert!(amlc_analysis::codes::lookup(d.code).is_some());
    }
    if let Some(doc) = &analysis.document {
        let mut stack = vec![&doc.root];
        while let Some(node) = stack.pop() {
            prop_assert!(node.range.start <= node.range.end && node.range.end as usize <= text.len());
            prop_assert!(
                text.is_char_boundary(node.range.start as usize) && text.is_char_boundary(node.range.end as usize)
            );
            match &node.kind {
                amlc_analysis::syntax::NodeKind::Mapping(entries) => {
                    for e in entries {
                        stack.push(&e.key);
                        stack.push(&e.value);
                    }
                }
                amlc_analysis::syntax::NodeKind::Sequence(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Every editor request at every byte offset of the text (char boundaries or not, the end included): none may
/// panic, and what they return stays inside the text.
fn editor_requests_everywhere(text: &str, analysis: &Analysis) -> Result<(), TestCaseError> {
    let catalog = SizeCatalog::default();
    let offsets: Vec<u32> = (0..=text.len() as u32 + 1).collect();
    for &offset in &offsets {
        for item in ide::complete_with(text, analysis, offset, Some(&catalog)) {
            prop_assert!(item.replace.start <= item.replace.end && item.replace.end as usize <= text.len());
        }
        let _ = ide::hover_with(text, analysis, offset, Some(&catalog));
        let end = (offset + 3).min(text.len() as u32);
        for action in ide::code_actions(text, analysis, TextRange::new(offset.min(end), end)) {
            for edit in action.edits {
                prop_assert!(edit.range.end as usize <= text.len(), "{:?} past the end", edit.range);
            }
        }
    }
    let _ = ide::symbols(analysis);
    let _ = ide::folding_ranges(text, analysis);
    let _ = ide::selection_ranges(analysis, &offsets);
    let _ = ide::cost_hint(analysis, &catalog);
    Ok(())
}

#[test]
fn indentation_and_multibyte_fixture() -> Result<(), TestCaseError> {
    // A cursor in the indentation under `tags:` once panicked completion by slicing backwards.
    let text = "type: amlcompute\nname: é😀\ntags:\n    team: a\n    計: b\n  \tx: 1\n";
    editor_requests_everywhere(text, &analyze(text))
}

fn seeds() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Characters that matter to YAML, plus multi-byte ones to catch char/byte mix-ups.
const ALPHABET: &[&str] = &[
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    ":",
    ": ",
    "- ",
    "-",
    "#",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!",
    "!!str ",
    "|",
    ">",
    "?",
    "%",
    "@",
    "`",
    "---",
    "...",
    "<<: ",
    "é",
    "😀",
    "計",
    "\u{feff}",
    "\u{0}",
    "\\",
    "type",
    "name",
    "yes",
    "0o17",
    "017",
    ".inf",
    "<X>",
    "amlcompute",
    "computeinstance",
];

fn yamlish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..80).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, &'static str),
    Delete(usize, usize),
}

fn apply(seed: &str, edits: &[Edit]) -> String {
    let mut s = seed.to_string();
    for e in edits {
        let fix = |mut i: usize, s: &str| {
            i = i.min(s.len());
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        match e {
            Edit::Insert(at, t) => {
                let at = fix(*at, &s);
                s.insert_str(at, t);
            }
            Edit::Delete(at, len) => {
                let a = fix(*at, &s);
                let b = fix(a + len, &s);
                s.replace_range(a..b, "");
            }
        }
    }
    s
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..2000, prop::sample::select(ALPHABET)).prop_map(|(a, t)| Edit::Insert(a, t)),
        (0usize..2000, 1usize..6).prop_map(|(a, l)| Edit::Delete(a, l)),
    ]
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=20000 for a longer hunt.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let analysis = analyze_bytes(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check_ranges(text, &analysis)?;
        } else {
            prop_assert!(analysis.has_errors());
        }
    }

    #[test]
    fn yaml_noise(text in yamlish()) {
        let analysis = analyze(&text);
        check_ranges(&text, &analysis)?;
    }

    #[test]
    fn mutated_specs(seed in 0usize..64, edits in prop::collection::vec(edit(), 1..6)) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let text = apply(&seeds[seed % seeds.len()], &edits);
        let analysis = analyze(&text);
        check_ranges(&text, &analysis)?;
    }

    /// Completion, hover, code actions, symbols and lenses at every offset of noise and of mutated specs.
    #[test]
    fn editor_requests_never_panic(text in yamlish(), seed in 0usize..64, edits in prop::collection::vec(edit(), 1..4)) {
        let analysis = analyze(&text);
        editor_requests_everywhere(&text, &analysis)?;
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let mutated = apply(&seeds[seed % seeds.len()], &edits);
        let analysis = analyze(&mutated);
        editor_requests_everywhere(&mutated, &analysis)?;
    }

    /// The editor's path (re-parse only the edited block) says exactly what a fresh analysis says.
    #[test]
    fn edited_specs_analyse_as_fresh(seed in 0usize..64, edits in prop::collection::vec(edit(), 1..4)) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let before = &seeds[seed % seeds.len()];
        let previous = analyze_without_values(before);
        let text = apply(before, &edits);
        let edited = analyze_edited(before, previous, &text);
        let fresh = analyze_without_values(&text);
        check_ranges(&text, &edited)?;
        prop_assert_eq!(&edited.diagnostics, &fresh.diagnostics);
        prop_assert!(edited.document == fresh.document, "trees differ after editing to:\n{}", text);
        prop_assert_eq!(edited.compute_type, fresh.compute_type);
    }
}
