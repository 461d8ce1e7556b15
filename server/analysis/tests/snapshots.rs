//! Every fixture's diagnostics in full, as snapshots beside it (`tests/fixtures/NAME.diagnostics`):
//! range start and end (0-based line, UTF-16 column), severity, code, message, tags and quick
//! fixes with their edits. `UPDATE_EXPECT=1 cargo test -p amlc-analysis --test snapshots` rewrites them
//! after an intended change; the diff is the review.

mod common;

use std::collections::BTreeSet;

use amlc_analysis::rules::{Rule, RULES};
use amlc_analysis::{analyze_bytes, codes, ComputeType};

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
/// A code a rule emits counts only when a fixture of a type that rule applies to shows it, and the
/// failure names the rule and its types, so the missing fixture is plain to write.
#[test]
fn every_code_has_a_fixture() {
    let shown: BTreeSet<(&str, Option<ComputeType>)> = common::fixtures()
        .iter()
        .flat_map(|f| {
            let analysis = analyze_bytes(&f.bytes);
            let ctype = analysis.compute_type;
            analysis.diagnostics.into_iter().map(move |d| (d.code, ctype))
        })
        .collect();
    let elsewhere = [codes::UNREADABLE_FILE, codes::SCHEMA_CONSTRAINT, codes::ATTACHED_TWICE];
    let mut missing = Vec::new();
    for c in codes::ALL.iter().filter(|c| !elsewhere.contains(&c.code)) {
        let rules: Vec<&Rule> = RULES.iter().filter(|r| r.codes.contains(&c.code)).collect();
        let covered = shown.iter().any(|(code, ctype)| {
            *code == c.code && (rules.is_empty() || ctype.is_some_and(|t| rules.iter().any(|r| r.applies_to(t))))
        });
        if !covered {
            let from: Vec<String> = rules
                .iter()
                .map(|r| format!("rule {} for {:?}", r.name, r.types.iter().map(|t| t.as_str()).collect::<Vec<_>>()))
                .collect();
            missing.push(format!("{} {}", c.code, from.join(", ")));
        }
    }
    assert!(missing.is_empty(), "codes no fixture shows: {missing:?}");
}

/// Every code in the rules' table is a registered one.
#[test]
fn rule_codes_are_registered() {
    for rule in RULES {
        for code in rule.codes {
            assert!(codes::lookup(code).is_some(), "rule {} declares unregistered {code}", rule.name);
        }
    }
}
