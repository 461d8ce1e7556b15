//! The `amlc/*` protocol is written three times: the Rust types (server/lsp/src/lsp_ext.rs and the workflow's
//! types it sends), the TypeScript mirror (extension/src/lsp_ext.ts) and docs/lsp-extensions.md. This test fails
//! when one of them changes without the others: method names, commands, the workflow's codes, and the fields of
//! every type that crosses the wire.

use std::collections::BTreeSet;

use amlc_azure::workflow::Code;

fn read(path: &str) -> String {
    let root = amlc_testkit::workspace_root();
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The quoted strings starting with `prefix` in a text.
fn quoted(text: &str, quote: char, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices(&format!("{quote}{prefix}")) {
        let rest = &text[at + 1..];
        let piece = &rest[..rest.find(quote).unwrap_or(0)];
        if piece.len() > prefix.len()
            && !piece.ends_with('.')
            && piece.chars().all(|c| c.is_ascii_alphanumeric() || "/._".contains(c))
        {
            out.insert(piece.to_string());
        }
    }
    out
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The wire names of a Rust struct's fields (camelCase; `#[serde(skip)]` fields left out).
fn rust_fields(source: &str, name: &str) -> BTreeSet<String> {
    let start = source.find(&format!("pub struct {name} {{")).unwrap_or_else(|| panic!("no struct {name}"));
    let body = &source[start..];
    let body = &body[..body.find("\n}").unwrap_or(body.len())];
    let mut out = BTreeSet::new();
    let mut skip = false;
    for line in body.lines().skip(1) {
        let line = line.trim();
        if line.starts_with("#[serde(skip)]") {
            skip = true;
            continue;
        }
        if let Some(rest) = line.strip_prefix("pub ") {
            if let Some((field, _)) = rest.split_once(':') {
                if !skip {
                    out.insert(camel(field.trim()));
                }
                skip = false;
            }
        }
    }
    out
}

/// The fields of a TypeScript interface (with those of the interface it extends).
fn ts_fields(source: &str, name: &str) -> BTreeSet<String> {
    let start = source.find(&format!("export interface {name} ")).unwrap_or_else(|| panic!("no interface {name}"));
    let body = &source[start..];
    let header = &body[..body.find('{').unwrap_or(0)];
    let body = &body[..body.find("\n}").unwrap_or(body.len())];
    let mut out = BTreeSet::new();
    if let Some(parent) = header.split("extends").nth(1) {
        out.extend(ts_fields(source, parent.trim()));
    }
    for line in body.lines().skip(1) {
        let line = line.trim();
        if let Some((field, _)) = line.split_once(':') {
            let field = field.trim_end_matches('?');
            if !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.insert(field.to_string());
            }
        }
    }
    out
}

/// The members of a TypeScript string-literal union type.
fn ts_union(source: &str, name: &str) -> BTreeSet<String> {
    let start = source.find(&format!("export type {name} =")).unwrap_or_else(|| panic!("no type {name}"));
    let body = &source[start..];
    let body = &body[..body.find(';').unwrap_or(body.len())];
    body.split('\'').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn methods_commands_and_codes_agree_in_rust_typescript_and_docs() {
    let rust = read("server/lsp/src/lsp_ext.rs");
    let ts = read("extension/src/lsp_ext.ts");
    let docs = read("docs/lsp-extensions.md");

    let rust_methods = quoted(&rust, '"', "amlc/");
    let ts_methods = quoted(&ts, '\'', "amlc/");
    assert_eq!(rust_methods, ts_methods, "amlc/ methods: Rust vs TypeScript");
    for method in &rust_methods {
        assert!(docs.contains(&format!("`{method}`")), "docs/lsp-extensions.md does not describe `{method}`");
    }

    let rust_commands = quoted(&rust, '"', "amlc.compute.");
    let ts_commands = quoted(&ts, '\'', "amlc.compute.");
    assert_eq!(rust_commands, ts_commands, "amlc.compute.* commands: Rust vs TypeScript");
    for command in &rust_commands {
        let short = command.trim_start_matches("amlc.compute");
        assert!(
            docs.contains(&format!("`{command}`")) || docs.contains(&format!("`{short}`")),
            "docs/lsp-extensions.md does not describe `{command}`"
        );
    }

    let codes: BTreeSet<String> = Code::ALL.iter().map(|c| c.as_str().to_string()).collect();
    assert_eq!(codes, ts_union(&ts, "RefusalCode"), "refusal codes: Rust vs TypeScript");
    let outcome_codes: BTreeSet<String> = ["done", "unchanged", "accepted"].iter().map(|s| s.to_string()).collect();
    assert_eq!(outcome_codes, ts_union(&ts, "OutcomeCode"), "outcome codes: Rust vs TypeScript");
    for code in codes.iter().chain(&outcome_codes) {
        assert!(docs.contains(&format!("`{code}`")), "docs/lsp-extensions.md does not describe the code `{code}`");
    }
    // Every outcome code serialises as the TypeScript spelling.
    for (code, text) in [
        (amlc_azure::workflow::OutcomeCode::Done, "done"),
        (amlc_azure::workflow::OutcomeCode::Unchanged, "unchanged"),
        (amlc_azure::workflow::OutcomeCode::Accepted, "accepted"),
    ] {
        assert_eq!(serde_json::to_value(code).ok(), Some(serde_json::json!(text)));
    }
    for code in Code::ALL {
        assert_eq!(serde_json::to_value(code).ok(), Some(serde_json::json!(code.as_str())));
    }
}

#[test]
fn wire_types_have_the_same_fields_everywhere() {
    let lsp_ext = read("server/lsp/src/lsp_ext.rs");
    let workflow = read("server/azure/src/workflow/mod.rs");
    let table = read("server/azure/src/workflow/table.rs");
    let ts = read("extension/src/lsp_ext.ts");
    let docs = read("docs/lsp-extensions.md");
    // (Rust source, Rust name, TypeScript name)
    let pairs: &[(&str, &str, &str)] = &[
        (&lsp_ext, "ComputesChangedParams", "ComputesChangedParams"),
        (&lsp_ext, "OutcomeReport", "OutcomeReport"),
        (&lsp_ext, "GetTokenParams", "GetTokenParams"),
        (&lsp_ext, "GetTokenResult", "GetTokenResult"),
        (&lsp_ext, "DocumentState", "DocumentStateResult"),
        (&workflow, "Refusal", "Refusal"),
        (&workflow, "Outcome", "Outcome"),
        (&table, "Limits", "Limits"),
        (&table, "Range", "Range"),
    ];
    for (source, rust_name, ts_name) in pairs {
        let rust = rust_fields(source, rust_name);
        assert!(!rust.is_empty(), "{rust_name} has fields");
        assert_eq!(rust, ts_fields(&ts, ts_name), "fields of {rust_name} (Rust) vs {ts_name} (TypeScript)");
        for field in &rust {
            assert!(
                docs.contains(&format!("\"{field}\"")) || docs.contains(&format!("`{field}`")),
                "docs/lsp-extensions.md does not name the field `{field}` of {rust_name}"
            );
        }
    }
}

#[test]
fn the_parsers_see_what_they_should() {
    let rust = "pub struct A {\n    pub one_two: u8,\n    #[serde(skip)]\n    pub hidden: u8,\n    pub three: u8,\n}\n";
    assert_eq!(rust_fields(rust, "A"), ["oneTwo", "three"].iter().map(|s| s.to_string()).collect());
    let ts = "export interface B {\n  x: number;\n}\nexport interface A extends B {\n  /** doc: words */\n  y?: string | null;\n}\nexport type U =\n  | 'a'\n  | 'b';\n";
    assert_eq!(ts_fields(ts, "A"), ["x", "y"].iter().map(|s| s.to_string()).collect());
    assert_eq!(ts_union(ts, "U"), ["a", "b"].iter().map(|s| s.to_string()).collect());
}
