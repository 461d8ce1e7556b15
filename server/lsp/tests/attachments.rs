//! The rule across files over the protocol: two open specs that attach one resource under two names both get
//! AMLC061, the first one published again when the second arrives; a spec file in a workspace folder counts too,
//! and closing one spec clears the other.

mod support;

use serde_json::{json, Value};
use support::TestClient;

const AKS: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";

fn spec(name: &str, id: &str) -> String {
    format!("type: kubernetes\nname: {name}\nresource_id: \"{id}\"\n")
}

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics
        .as_array()
        .map_or(Vec::new(), |ds| ds.iter().filter_map(|d| d["code"].as_str().map(String::from)).collect())
}

#[tokio::test]
async fn one_resource_attached_by_two_open_specs_is_reported_on_both() {
    let mut client = TestClient::default().await;
    let a = "file:///work/project/a.yml";
    let b = "file:///work/project/b.yml";
    client.open(a, &spec("k8s-a", AKS)).await;
    assert!(codes(&client.diagnostics(a, 1).await).is_empty());
    // Another spelling of the same id (case, a trailing `/`) names the same resource.
    client.open(b, &spec("k8s-b", &format!("{}/", AKS.to_uppercase()))).await;
    let on_b = client.diagnostics(b, 1).await;
    assert_eq!(codes(&on_b), ["AMLC061"], "{on_b}");
    assert!(on_b[0]["message"]
        .as_str()
        .unwrap_or_default()
        .starts_with("a.yml attaches this resource too, as 'k8s-a'"));
    assert_eq!(on_b[0]["range"]["start"], json!({"line": 2, "character": 13}));
    let on_a = client.diagnostics(a, 1).await;
    assert_eq!(codes(&on_a), ["AMLC061"], "{on_a}");
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": b}})).await;
    assert!(codes(&client.diagnostics(a, 1).await).is_empty(), "closing b clears a");
}

#[tokio::test]
async fn a_spec_file_in_a_workspace_folder_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("on-disk.yml"), spec("k8s-disk", AKS)).expect("write");
    let folder = tower_lsp::lsp_types::Url::from_directory_path(dir.path()).expect("folder url");
    let mut client = TestClient::default().await;
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [{"uri": folder.as_str(), "name": "specs"}], "removed": []}}),
        )
        .await;
    let open = folder.join("open.yml").expect("uri").to_string();
    client.open(&open, &spec("k8s-open", AKS)).await;
    // The folder is read in the background: the open spec is published once, then again when the scan lands.
    let mut found = Vec::new();
    for _ in 0..2 {
        found = codes(&client.diagnostics(&open, 1).await);
        if !found.is_empty() {
            break;
        }
    }
    assert_eq!(found, ["AMLC061"]);
}
