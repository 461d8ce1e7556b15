//! Choosing the workspace over the protocol, against an emulator serving several: `amlc/listSubscriptions`,
//! `amlc/listWorkspaces`, then `amlc/selectWorkspace`, after which the tree and the actions use the chosen one.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::TestClient;

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const OTHER: &str = "44444444-4444-4444-4444-444444444444";

async fn emulator() -> amlc_emulator::RunningEmulator {
    let mut config = amlc_emulator::EmulatorConfig {
        seed_computes: true,
        op_duration: Duration::from_millis(300),
        log_requests: false,
        ..amlc_emulator::EmulatorConfig::default()
    };
    config.workspaces.push(format!("{SUB}/rg-two/ws-two/westeurope").parse().expect("seed"));
    config.workspaces.push(format!("{OTHER}/rg/ws-other").parse().expect("seed"));
    amlc_emulator::start(config, "127.0.0.1:0".parse().expect("loopback address")).await.expect("emulator starts")
}

fn names(list: &Value, key: &str, field: &str) -> Vec<String> {
    list[key].as_array().into_iter().flatten().filter_map(|v| v[field].as_str().map(str::to_string)).collect()
}

const SPEC: &str =
    "name: picked-cluster\ntype: amlcompute\nsize: STANDARD_DS3_V2\nmin_instances: 0\nmax_instances: 1\n";

#[tokio::test]
async fn pick_a_subscription_then_a_workspace_and_the_tree_follows() {
    let emulator = emulator().await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let first = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(first["workspace"]["workspaceName"], "ws");
    assert!(!names(&first, "computes", "name").is_empty(), "the seeded workspace has computes");

    let subs = client.request("amlc/listSubscriptions", json!({})).await;
    assert_eq!(names(&subs, "subscriptions", "subscriptionId"), [SUB, OTHER]);
    assert_eq!(subs["subscriptions"][0]["state"], "Enabled");

    let wss = client.request("amlc/listWorkspaces", json!({"subscriptionId": SUB})).await;
    assert_eq!(names(&wss, "workspaces", "workspaceName"), ["ws", "ws-two"]);
    let two = &wss["workspaces"][1];
    assert_eq!((two["resourceGroup"].as_str(), two["location"].as_str()), (Some("rg-two"), Some("westeurope")));

    let select = json!({"subscriptionId": SUB, "resourceGroup": "rg-two", "workspaceName": "ws-two"});
    let chosen = client.request("amlc/selectWorkspace", select).await;
    assert_eq!(chosen["workspaceName"], "ws-two");
    assert_eq!(chosen["location"], "westeurope");
    assert_eq!(chosen["source"], "settings");
    assert_eq!(chosen["armEndpoint"], emulator.base_url());
    // The tree is told to reload.
    assert_eq!(client.wait_for("amlc/computesChanged").await["params"], json!({"names": []}));

    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(list["workspace"]["workspaceName"], "ws-two");
    assert_eq!(list["workspace"]["location"], "westeurope");
    assert_eq!(list["computes"], json!([]), "ws-two starts empty: {list}");

    // Actions go to the chosen workspace too.
    let uri = "file:///specs/picked.yml";
    client.open(uri, SPEC).await;
    let create = json!({"command": "amlc.compute.create", "arguments": [{"uri": uri}]});
    assert_eq!(client.request("workspace/executeCommand", create).await["name"], "picked-cluster");
    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(names(&list, "computes", "name"), ["picked-cluster"]);
    let id = list["computes"][0]["id"].as_str().unwrap_or_default();
    assert!(id.contains("/resourceGroups/rg-two/") && id.contains("/workspaces/ws-two/"), "{id}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_wrong_choice_is_refused_and_the_workspace_stays() {
    let emulator = emulator().await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let select = |rg: &str, ws: &str| json!({"subscriptionId": SUB, "resourceGroup": rg, "workspaceName": ws});
    let refused = client.request_raw("amlc/selectWorkspace", select("rg-two", "nope")).await;
    assert_eq!(refused["error"]["code"], -32000, "{refused}");
    assert!(refused["error"]["message"].as_str().is_some_and(|m| m.contains("nope")), "{refused}");
    let missing = client.request_raw("amlc/selectWorkspace", select("", "ws-two")).await;
    assert_eq!(missing["error"]["code"], -32602, "{missing}");
    let no_sub = client.request_raw("amlc/listWorkspaces", json!({})).await;
    assert_eq!(no_sub["error"]["code"], -32602, "{no_sub}");
    let unknown = client
        .request_raw("amlc/listWorkspaces", json!({"subscriptionId": "55555555-5555-5555-5555-555555555555"}))
        .await;
    assert_eq!(unknown["error"]["code"], -32000, "{unknown}");

    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(list["workspace"]["workspaceName"], "ws");
    assert_eq!(list["workspace"]["source"], "emulator");
    emulator.shutdown().await;
}

/// A folder holding the studio's `.azureml/config.json` for one workspace (or a broken one).
fn folder_with_config(root: &std::path::Path, name: &str, config: &str) -> String {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join(".azureml")).expect("mkdir");
    std::fs::write(dir.join(".azureml").join("config.json"), config).expect("write config");
    tower_lsp::lsp_types::Url::from_directory_path(&dir).expect("absolute path").to_string()
}

fn config(rg: &str, ws: &str) -> String {
    json!({"subscription_id": SUB, "resource_group": rg, "workspace_name": ws}).to_string()
}

/// Three more folders: one names another workspace, one a workspace that does not exist, one has a broken config.
/// Each gets its own entry in `others`; the failing ones carry their error and the rest of the list stays.
#[tokio::test]
async fn other_folders_workspaces_are_listed_each_with_its_own_error() {
    let emulator = emulator().await;
    let root = tempfile::tempdir().expect("temp dir");
    let two = folder_with_config(root.path(), "two", &config("rg-two", "ws-two"));
    let missing = folder_with_config(root.path(), "missing", &config("rg-two", "ws-missing"));
    let broken = folder_with_config(root.path(), "broken", "{\"subscription_id\": ");
    // The same workspace as the current one is not listed twice.
    let same = folder_with_config(root.path(), "same", &config("rg", "ws"));
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let added: Vec<Value> = [&two, &missing, &broken, &same].iter().map(|u| json!({"uri": u, "name": "f"})).collect();
    client.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": added, "removed": []}})).await;

    // Put a compute in ws-two, so its entry has something to show.
    let select = json!({"subscriptionId": SUB, "resourceGroup": "rg-two", "workspaceName": "ws-two"});
    client.request("amlc/selectWorkspace", select).await;
    client.open("file:///specs/picked.yml", SPEC).await;
    let create = json!({"command": "amlc.compute.create", "arguments": [{"uri": "file:///specs/picked.yml"}]});
    client.request("workspace/executeCommand", create).await;
    let back = json!({"subscriptionId": SUB, "resourceGroup": "rg", "workspaceName": "ws"});
    client.request("amlc/selectWorkspace", back).await;

    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(list["workspace"]["workspaceName"], "ws");
    assert_eq!(list["error"], Value::Null);
    assert!(!names(&list, "computes", "name").is_empty());
    let others = list["others"].as_array().cloned().unwrap_or_default();
    let folders: Vec<&str> = others.iter().filter_map(|o| o["folder"].as_str()).collect();
    assert_eq!(folders, [two.as_str(), missing.as_str(), broken.as_str()], "{list}");

    let ok = &others[0];
    assert_eq!(ok["workspace"]["workspaceName"], "ws-two");
    assert_eq!(ok["workspace"]["location"], "westeurope");
    assert_eq!(ok["error"], Value::Null);
    assert_eq!(names(ok, "computes", "name"), ["picked-cluster"]);
    // Actions go to the current workspace, so another workspace's computes offer none.
    assert_eq!(
        (ok["computes"][0]["readOnly"].as_bool(), ok["computes"][0]["actions"].clone()),
        (Some(true), json!([]))
    );

    let gone = &others[1];
    assert_eq!(gone["workspace"]["workspaceName"], "ws-missing");
    assert_eq!(gone["error"]["code"], "azure");
    assert!(gone["error"]["message"].as_str().is_some_and(|m| m.contains("ws-missing")), "{gone}");

    let bad = &others[2];
    assert_eq!(bad["workspace"], Value::Null);
    assert_eq!(bad["error"]["code"], "config");
    emulator.shutdown().await;
}
