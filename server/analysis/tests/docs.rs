//! docs/diagnostics.md is generated from the code registry; this test fails when it is out of
//! date (run with `UPDATE_DOCS=1` to rewrite it) and checks every registered code has an entry.
//! A code a rule emits also names the rule and the compute types it applies to, read from the
//! rules' table.

use amlc_analysis::codes;
use amlc_analysis::rules::{Rule, RULES};
use amlc_analysis::ComputeType;
use std::path::PathBuf;

fn render() -> String {
    let mut out = String::from(
        "# amlc diagnostics\n\n\
         Every diagnostic amlc reports has a stable code. This file is generated from\n\
         `server/analysis/src/codes.rs` by `UPDATE_DOCS=1 cargo test -p amlc-analysis --test docs`; do not edit it by hand.\n\n\
         Silence a code on the next line with `# amlc-disable-next-line AMLC041` (several codes: comma-separated),\n\
         or in the whole file with `# amlc-disable-file AMLC073`. Without a code, the comment silences every code.\n\n\
         | code | severity | title |\n|---|---|---|\n",
    );
    for c in codes::ALL {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            c.code,
            c.code.to_ascii_lowercase(),
            c.severity.as_str(),
            c.title
        ));
    }
    for c in codes::ALL {
        out.push_str(&format!("\n## {}\n\n**{}** — {}\n\n{}\n", c.code, c.severity.as_str(), c.title, c.explanation));
        let rules: Vec<String> = RULES
            .iter()
            .filter(|r| r.codes.contains(&c.code))
            .map(|r| format!("the `{}` rule for {}", r.name, types(r)))
            .collect();
        if !rules.is_empty() {
            out.push_str(&format!("\nReported by {}.\n", rules.join("; ")));
        }
    }
    out
}

/// The compute types a rule applies to, as the docs name them.
fn types(rule: &Rule) -> String {
    if ComputeType::ALL.iter().all(|t| rule.applies_to(*t)) {
        return "every compute type".to_string();
    }
    rule.types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
}

#[test]
fn diagnostics_doc_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
    let want = render();
    if std::env::var("UPDATE_DOCS").is_ok() {
        std::fs::write(&path, &want).expect("write docs/diagnostics.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    for c in codes::ALL {
        assert!(have.contains(&format!("## {}", c.code)), "docs/diagnostics.md lacks {}", c.code);
    }
    assert!(
        have == want,
        "docs/diagnostics.md is out of date; run UPDATE_DOCS=1 cargo test -p amlc-analysis --test docs"
    );
}
