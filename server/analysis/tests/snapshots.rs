//! Every fixture's diagnostics in full, as snapshots beside it (`tests/fixtures/NAME.diagnostics`):
//! range start and end (0-based line, UTF-16 column), severity, code, message, tags and quick
//! fixes with their edits. `UPDATE_EXPECT=1 cargo test -p amlc-analysis --test snapshots` rewrites them
//! after an intended change; the diff is the review.

mod common;

use std::collections::BTreeSet;

use amlc_analysis::{analyze_bytes, codes};

#[test]
fn every_fixture_in_full() {
    for fixture in common::fixtures() {
        let analysis = analyze_bytes(&fixture.bytes);
        let snapshot = fixture.path.with_extension("diagnostics");
        expect_test::expect_file![snapshot].assert_eq(&common::render(&fixture.text, &analysis.diagnostics));
    }
}

/// Every documented code is shown by at least one fixture, so none ships without a test of what
/// the user sees. Three are tested where they arise instead: `amlc check` raises the unreadable-file
/// code itself, no shipped schema has a keyword that yields a constraint error (check.rs tests its
/// mapping with a schema that does), and a resource attached twice takes two files (`attachments.rs`
/// in the core, `amlc check DIR` and the server's protocol test).
#[test]
fn every_code_has_a_fixture() {
    let shown: BTreeSet<&str> =
        common::fixtures().iter().flat_map(|f| analyze_bytes(&f.bytes).diagnostics).map(|d| d.code).collect();
    let elsewhere = [codes::UNREADABLE_FILE, codes::SCHEMA_CONSTRAINT, codes::ATTACHED_TWICE];
    let missing: Vec<&str> =
        codes::ALL.iter().map(|c| c.code).filter(|c| !elsewhere.contains(c) && !shown.contains(c)).collect();
    assert!(missing.is_empty(), "codes no fixture shows: {missing:?}");
}
