//! Data-driven tests: every `tests/fixtures/*.yaml` carries its expected diagnostics inline.
//! `# expect: AMLC0xx[, AMLC0yy]` on a line means those codes start on that line;
//! `# expect-next: ...` on a line of its own means they start on the next line. A fixture
//! with no expectations must produce no diagnostic at all. Every diagnostic is also checked to
//! lie inside the text and to carry a registered code.

mod common;

use amlc_analysis::{analyze_bytes, codes, LineIndex, PositionEncoding};
use std::collections::BTreeSet;

fn expectations(text: &str) -> BTreeSet<(u32, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        for (marker, offset) in [("# expect: ", 0u32), ("# expect-next: ", 1u32)] {
            if let Some(at) = line.find(marker) {
                for code in line[at + marker.len()..].split(',') {
                    let code = code.trim();
                    if !code.is_empty() {
                        out.insert((i as u32 + offset, code.to_string()));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for fixture in common::fixtures() {
        let (path, text) = (&fixture.path, &fixture.text);
        let analysis = analyze_bytes(&fixture.bytes);
        let index = LineIndex::new(text);
        let mut got = BTreeSet::new();
        for d in &analysis.diagnostics {
            assert!(
                d.range.end as usize <= text.len() && d.range.start <= d.range.end,
                "{}: bad range",
                path.display()
            );
            assert!(codes::lookup(d.code).is_some(), "{}: unregistered code {}", path.display(), d.code);
            let line = index.line_col(text, d.range.start, PositionEncoding::Utf8).line;
            got.insert((line, d.code.to_string()));
        }
        let want = expectations(text);
        if got != want {
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            let detail: Vec<String> = analysis
                .diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "    line {} {} {}",
                        index.line_col(text, d.range.start, PositionEncoding::Utf8).line + 1,
                        d.code,
                        d.message
                    )
                })
                .collect();
            failures.push(format!(
                "{}: missing (0-based line, code) {missing:?}, unexpected {extra:?}\n{}",
                path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default(),
                detail.join("\n")
            ));
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixtures found");
    assert!(failures.is_empty(), "{} fixture(s) failed:\n{}", failures.len(), failures.join("\n"));
}
