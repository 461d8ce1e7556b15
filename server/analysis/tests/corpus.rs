//! Runs amlc over the shared corpus of real and mutated compute specs and compares with the
//! labels: agreement with `expected_valid`, no file accepted that the CLI's own validator
//! rejects (sdk-bug rows aside), and errors on the field the CLI names.

use amlc_analysis::syntax::PathSegment;
use amlc_analysis::{analyze_bytes, Severity, TextRange};
use serde_json::Value;

/// `identity.user_assigned_identities.0` → path segments.
fn parse_path(p: &str) -> Vec<PathSegment> {
    p.split('.')
        .filter(|s| !s.is_empty())
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathSegment::Index(i),
            Err(_) => PathSegment::Key(s.to_string()),
        })
        .collect()
}

#[test]
fn corpus_agreement() {
    let Some(shared) = amlc_testkit::shared_dir("corpus") else { return };
    let corpus = shared.join("corpus");
    let labels = std::fs::read_to_string(corpus.join("labels.jsonl")).expect("labels.jsonl");
    let (mut total, mut agree, mut lax, mut field_checked, mut field_hit) = (0, 0, 0, 0, 0);
    let mut disagreements = Vec::new();
    let mut lax_files = Vec::new();
    let mut field_misses = Vec::new();
    for line in labels.lines().filter(|l| !l.trim().is_empty()) {
        let label: Value = serde_json::from_str(line).expect("label json");
        let file = label["file"].as_str().expect("file");
        let expected = label["expected_valid"].as_bool().expect("expected_valid");
        let oracle = label["oracle_valid"].as_bool().unwrap_or(true);
        let basis = label["expected_basis"].as_str().unwrap_or("");
        let bytes = std::fs::read(corpus.join(file)).expect("corpus file");
        let analysis = analyze_bytes(&bytes);
        let errors: Vec<_> = analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        let valid = errors.is_empty();
        total += 1;
        if valid == expected {
            agree += 1;
        } else {
            let first = errors.first().map(|d| format!("{} {}", d.code, d.message)).unwrap_or_default();
            disagreements.push(format!("{file}: expected_valid={expected} amlc_valid={valid} basis={basis} {first}"));
        }
        if valid && !oracle && basis != "sdk-bug" {
            lax += 1;
            lax_files.push(file.to_string());
        }
        // Where the CLI names a field, one of our errors must be on that field.
        if !valid && !oracle {
            let Some(doc) = analysis.document.as_ref() else { continue };
            for err in label["oracle_errors"].as_array().into_iter().flatten() {
                let Some(path) = err["path"].as_str().filter(|p| !p.is_empty()) else { continue };
                let segs = parse_path(path);
                let (node, depth) = doc.lookup_partial(&segs);
                if depth == 0 && !segs.is_empty() {
                    // The field is absent (e.g. a missing required key); nothing to point at.
                    continue;
                }
                let mut span: TextRange = node.range;
                if let Some(entry) = doc.entry_at(&segs[..depth]) {
                    span = TextRange::new(entry.key.range.start.min(span.start), span.end.max(entry.key.range.end));
                }
                field_checked += 1;
                if errors.iter().any(|d| d.range.start >= span.start && d.range.end <= span.end) {
                    field_hit += 1;
                } else {
                    field_misses.push(format!(
                        "{file}: oracle path {path}; amlc: {:?}",
                        errors.iter().map(|d| d.code).collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    let pct = 100.0 * agree as f64 / total as f64;
    eprintln!("corpus: {total} files, agreement with expected_valid {agree}/{total} = {pct:.2}%");
    eprintln!("corpus: accepted although the CLI rejects (sdk-bug aside): {lax}");
    eprintln!("corpus: errors on the CLI's field: {field_hit}/{field_checked}");
    for d in &disagreements {
        eprintln!("  disagree: {d}");
    }
    for f in &lax_files {
        eprintln!("  lax: {f}");
    }
    for m in &field_misses {
        eprintln!("  field miss: {m}");
    }
    assert!(pct >= 98.0, "agreement {pct:.2}% < 98%");
    assert_eq!(lax, 0, "files accepted that the CLI rejects: {lax_files:?}");
    assert_eq!(field_hit, field_checked, "errors not on the CLI's field: {field_misses:?}");
}
