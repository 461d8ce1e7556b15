//! The PUT body built for every sample spec equals the body the official SDK (azure-ai-ml 1.35.2) produced for it
//! (../shared/reference/samples/rest-bodies). Inputs are the sample YAML files (samples/yaml/generated-valid) as the
//! spec engine loads and normalizes them, which is the path `amlc compute create` takes.

use amlc_azure::body::{build, BodyContext};
use amlc_azure::WorkspaceRef;

#[test]
fn every_sample_body_equals_the_sdk_body() {
    let Some(shared) = amlc_testkit::shared_dir("bodies") else { return };
    let bodies = shared.join("reference/samples/rest-bodies");
    let specs = shared.join("reference/samples/yaml/generated-valid");
    // The SDK run assumed this workspace (see each file's _comment).
    let ws = WorkspaceRef::new("00000000-0000-0000-0000-000000000000", "my-rg", "ws");
    let read = |_: &str| -> Result<String, String> { Err("no file reads in this test".into()) };
    let ctx = BodyContext { workspace: &ws, workspace_location: "eastus", read_file: &read };
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&bodies).expect("rest-bodies readable").flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let file = entry.file_name().to_string_lossy().to_string();
        let Some(stem) = file.strip_suffix(".rest.json") else { continue };
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(entry.path()).expect("read")).expect("json");
        let spec_text = std::fs::read_to_string(specs.join(format!("{stem}.yml")))
            .unwrap_or_else(|_| panic!("sample {stem}.yml missing"));
        let analysis = amlc_analysis::analyze(&spec_text);
        let spec = analysis.normalized.or(analysis.value).unwrap_or_else(|| panic!("{stem}.yml does not load"));
        let built = build(&spec, &ctx).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert_eq!(built.body, expected["request"]["body"], "{stem}: body differs from the SDK's");
        let url = expected["request"]["url"].as_str().unwrap_or("");
        assert!(url.contains(&format!("/computes/{}?", built.name)), "{stem}: name {} not in {url}", built.name);
        let sdk_warnings = expected["warnings"].as_array().map(Vec::len).unwrap_or(0);
        assert_eq!(built.warnings.len(), sdk_warnings, "{stem}: warnings {:?}", built.warnings);
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} sample bodies found");
}
