//! docs/diagnostics.md is generated from the code registry; this test fails when it is out of
//! date (run with `UPDATE_DOCS=1` to rewrite it) and checks every registered code has an entry.

use amlc_analysis::codes;
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
    }
    out
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
