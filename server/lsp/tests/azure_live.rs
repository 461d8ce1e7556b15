//! Live Azure data in the editor, against the emulator on loopback: the region's VM sizes feed completion, hover
//! and the cost lens (prices from `vmSizes`), and `amlc.compute.create|attach` run the CLI's pre-flight.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::TestClient;

async fn emulator(op_duration: Duration) -> amlc_emulator::RunningEmulator {
    let config = amlc_emulator::EmulatorConfig {
        seed_computes: true,
        op_duration,
        log_requests: false,
        ..amlc_emulator::EmulatorConfig::default()
    };
    amlc_emulator::start(config, "127.0.0.1:0".parse().expect("loopback address")).await.expect("emulator starts")
}

/// A client that accepts `workspace/codeLens/refresh`, which the server sends once the live sizes arrived.
async fn client_with_live_sizes(emulator: &amlc_emulator::RunningEmulator) -> TestClient {
    let capabilities =
        json!({"workspace": {"codeLens": {"refreshSupport": true}}, "window": {"workDoneProgress": true}});
    let mut client = TestClient::start(capabilities, json!({"armEndpoint": emulator.base_url()})).await;
    client.wait_for("workspace/codeLens/refresh").await;
    client
}

fn position_after(text: &str, needle: &str) -> Value {
    let offset = text.find(needle).map(|i| i + needle.len()).unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    json!({"line": line, "character": character})
}

#[tokio::test]
async fn live_sizes_feed_completion_hover_and_the_cost_lens() {
    let emulator = emulator(Duration::from_millis(300)).await;
    // The figures the emulator serves for eastus, read with the same client the server uses.
    let options = amlc_azure::ClientOptions::with_endpoint(&emulator.base_url()).expect("endpoint");
    let arm =
        amlc_azure::ArmClient::new(options, std::sync::Arc::new(amlc_azure::StaticToken::new("t"))).expect("client");
    let sizes = arm.list_vm_sizes("00000000-0000-0000-0000-000000000000", "eastus").await.expect("vmSizes");
    let size = |name: &str| sizes.iter().find(|s| s.name == name).cloned().unwrap_or_default();
    let price = |size: &amlc_azure::VmSize, tier: &str| size.retail_price(tier).unwrap_or(f64::NAN);
    let ds3 = size("Standard_DS3_v2");
    let nc6 = size("Standard_NC6");
    assert!(price(&ds3, "Standard") > 0.0 && price(&nc6, "LowPriority") > 0.0, "{sizes:?}");

    let mut client = client_with_live_sizes(&emulator).await;
    let uri = "file:///specs/gpu.yml";
    let text =
        "name: gpu\ntype: amlcompute\nsize: Standard_NC6\nmin_instances: 0\nmax_instances: 2\ntier: low_priority\n";
    client.open(uri, text).await;

    let completion = complete_after(&mut client, uri, text, "size: ").await;
    let items = completion["items"].as_array().cloned().unwrap_or_default();
    let nc6_item = items.iter().find(|i| i["label"] == "Standard_NC6").cloned().unwrap_or(Value::Null);
    let detail = nc6_item["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("6 vCPUs, 56 GiB, 1 GPU, $"), "{nc6_item}");
    let offered = sizes.iter().filter(|s| s.supports("AmlCompute")).count();
    assert_eq!(items.len(), offered, "exactly the region's sizes for AmlCompute");

    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position_after(text, "size: Standard_N")}),
        )
        .await;
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    let dedicated = format!("${}/h dedicated", price(&nc6, "Standard"));
    let low = format!("${}/h low priority", price(&nc6, "LowPriority"));
    assert!(markdown.contains(&dedicated) && markdown.contains(&low), "{markdown}");
    assert!(markdown.contains("Azure retail estimate from vmSizes, eastus, USD/hour"), "{markdown}");

    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).await;
    let titles: Vec<String> = lenses
        .as_array()
        .map(|l| l.iter().filter_map(|l| l["command"]["title"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let at_max = (price(&nc6, "LowPriority") * 2.0 * 10000.0).round() / 10000.0;
    let cost = titles.iter().find(|t| t.starts_with('≈')).cloned().unwrap_or_default();
    assert!(
        cost.starts_with(&format!("≈ ${}", format_price(at_max)))
            && cost.contains("at 2 nodes, $0/h while idle (low priority, eastus)"),
        "{titles:?}"
    );
    assert!(cost.ends_with("Azure retail estimate from vmSizes, eastus, USD/hour"), "{cost}");
    emulator.shutdown().await;
}

/// The money format of the cost lens: four decimals below 1, two above.
fn format_price(amount: f64) -> String {
    if amount < 1.0 {
        format!("{amount:.4}").trim_end_matches('0').to_string()
    } else {
        format!("{amount:.2}")
    }
}

#[tokio::test]
async fn offline_there_are_no_prices_and_the_built_in_sizes_stay() {
    // No workspace and no emulator: nothing is fetched, nothing priced.
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": "https://management.azure.com"})).await;
    let uri = "file:///specs/offline.yml";
    let text = "name: c\ntype: amlcompute\nsize: Standard_DS3_v2\n";
    client.open(uri, text).await;
    let completion = complete_after(&mut client, uri, text, "size: ").await;
    let items = completion["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().any(|i| i["label"] == "Standard_DS3_v2"), "{completion}");
    assert!(items.iter().all(|i| !i["detail"].as_str().unwrap_or_default().contains('$')), "{completion}");
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).await;
    assert!(!lenses.to_string().contains('$'), "{lenses}");
}

const CLUSTER: &str =
    "name: pre-cluster\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: 2\n";

async fn create(client: &mut TestClient, uri: &str, text: &str) -> Value {
    client.open(uri, text).await;
    client
        .request_raw("workspace/executeCommand", json!({"command": "amlc.compute.create", "arguments": [{"uri": uri}]}))
        .await
}

#[tokio::test]
async fn create_runs_the_pre_flight_and_names_the_problem() {
    let emulator = emulator(Duration::from_millis(200)).await;
    let mut client =
        TestClient::start(json!({"window": {"workDoneProgress": true}}), json!({"armEndpoint": emulator.base_url()}))
            .await;
    // Quota: 500 × 4 vCPUs is more than the family allows; nothing is sent.
    let greedy = CLUSTER.replace("pre-cluster", "pre-greedy").replace("max_instances: 2", "max_instances: 500");
    let refused = create(&mut client, "file:///specs/greedy.yml", &greedy).await;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("quota: needs 2000 vCPUs (500 × 4 Standard_DS3_v2)"), "{refused}");
    assert!(client.wait_for("window/showMessage").await["params"]["message"].as_str() == Some(message));
    // A size the region does not offer.
    let nowhere = CLUSTER.replace("pre-cluster", "pre-nowhere").replace("Standard_DS3_v2", "Standard_Nowhere_v9");
    let refused = create(&mut client, "file:///specs/nowhere.yml", &nowhere).await;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("size: Standard_Nowhere_v9 is not offered in eastus"), "{refused}");
    let list = client.request("amlc/listComputes", json!({})).await;
    let names: Vec<&str> =
        list["computes"].as_array().map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect()).unwrap_or_default();
    assert!(!names.contains(&"pre-greedy") && !names.contains(&"pre-nowhere"), "{names:?}");

    // Create, then: the same spec changes nothing; a new size is create-only and refused; a new max is an update.
    let created = create(&mut client, "file:///specs/cluster.yml", CLUSTER).await;
    assert_eq!(created["result"]["operation"], "create", "{created}");
    assert_eq!(created["result"]["outcome"]["code"], "accepted", "{created}");
    client.wait_for("amlc/computesChanged").await;
    let same = create(&mut client, "file:///specs/same.yml", CLUSTER).await;
    assert_eq!(same["result"]["operation"], "none", "{same}");
    assert_eq!(same["result"]["outcome"]["code"], "unchanged", "{same}");
    let resized = create(&mut client, "file:///specs/resized.yml", &CLUSTER.replace("DS3_v2", "DS4_v2")).await;
    let message = resized["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("can only be set at creation: size"), "{resized}");
    let scaled =
        create(&mut client, "file:///specs/scaled.yml", &CLUSTER.replace("max_instances: 2", "max_instances: 3")).await;
    assert_eq!(scaled["result"]["operation"], "update", "{scaled}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn attach_refuses_a_resource_attached_under_another_name() {
    let emulator = emulator(Duration::from_millis(200)).await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let list = client.request("amlc/listComputes", json!({})).await;
    let show = |name: &str| json!({"command": "amlc.compute.show", "arguments": [{"name": name}]});
    let kubernetes = list["computes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["computeType"] == "Kubernetes"))
        .cloned()
        .unwrap_or(Value::Null);
    let holder = kubernetes["name"].as_str().unwrap_or_default().to_string();
    let shown = client.request("workspace/executeCommand", show(&holder)).await;
    let yaml = shown["yaml"].as_str().unwrap_or_default();
    let body: Value =
        serde_json::from_str(yaml.split_once('\n').map(|(_, b)| b).unwrap_or_default()).unwrap_or_default();
    let resource_id = body["properties"]["resourceId"].as_str().unwrap_or_default().to_string();
    assert!(!resource_id.is_empty(), "{body}");
    let spec = format!("name: second-name\ntype: kubernetes\nresource_id: {resource_id}\nnamespace: default\n");
    client.open("file:///specs/k8s.yml", &spec).await;
    let refused = client
        .request_raw(
            "workspace/executeCommand",
            json!({"command": "amlc.compute.attach", "arguments": [{"uri": "file:///specs/k8s.yml"}]}),
        )
        .await;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("already attached as '{holder}'")), "{refused}");
    emulator.shutdown().await;
}

/// A long stop is announced `cancellable`; `window/workDoneProgress/cancel` ends the server's wait at once, and the
/// end message says what Azure reports now (still Stopping: ARM cannot undo it), as the tree then shows.
#[tokio::test]
async fn cancelling_the_progress_stops_following_the_operation_and_tells_the_truth() {
    let emulator = emulator(Duration::from_secs(30)).await;
    let mut client =
        TestClient::start(json!({"window": {"workDoneProgress": true}}), json!({"armEndpoint": emulator.base_url()}))
            .await;
    let started = std::time::Instant::now();
    let stop = json!({"command": "amlc.compute.stop", "arguments": [{"name": "ci-running"}]});
    assert_eq!(client.request("workspace/executeCommand", stop).await["outcome"]["code"], "accepted");
    let begin = client.wait_for("$/progress").await;
    assert_eq!(begin["params"]["value"]["kind"], "begin");
    assert_eq!(begin["params"]["value"]["cancellable"], true);
    let token = begin["params"]["token"].clone();
    client.notify("window/workDoneProgress/cancel", json!({"token": token})).await;
    let mut end = client.wait_for("$/progress").await;
    while end["params"]["value"]["kind"] != "end" {
        end = client.wait_for("$/progress").await;
    }
    assert_eq!(end["params"]["token"], token);
    let message = end["params"]["value"]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.starts_with("Stopping ci-running: cancelled"), "{message}");
    assert!(message.contains("Azure reports it Stopping"), "{message}");
    assert!(message.contains("`amlc compute show ci-running` tells"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(15), "the cancel ended the wait, not the 30 s operation");
    let warning = client.wait_for("window/showMessage").await;
    assert_eq!(warning["params"]["message"].as_str(), Some(message.as_str()));
    let changed = client.wait_for("amlc/computesChanged").await;
    assert_eq!(changed["params"]["outcome"]["code"], "cancelled", "{changed}");
    let list = client.request("amlc/listComputes", json!({})).await;
    let state = list["computes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "ci-running"))
        .map(|c| c["state"].clone())
        .unwrap_or(Value::Null);
    assert_eq!(state, "Stopping", "the tree shows the state the message named");
    // A cancel for a token that is no longer running is ignored.
    client.notify("window/workDoneProgress/cancel", json!({"token": token})).await;
    emulator.shutdown().await;
}

/// The tree's summary carries a cluster's node counts by state and a running instance's web applications;
/// `amlc.compute.sshCommand` resolves a cluster node from listNodes (the first reachable one, or the one named).
#[tokio::test]
async fn node_counts_applications_and_ssh_to_a_cluster_node() {
    let emulator = emulator(Duration::from_millis(200)).await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let list = client.request("amlc/listComputes", json!({})).await;
    let summary = |name: &str| {
        list["computes"].as_array().and_then(|c| c.iter().find(|c| c["name"] == name)).cloned().unwrap_or(Value::Null)
    };
    let shown = client
        .request(
            "workspace/executeCommand",
            json!({"command": "amlc.compute.show", "arguments": [{"name": "cpu-cluster"}]}),
        )
        .await;
    let yaml = shown["yaml"].as_str().unwrap_or_default();
    let arm: Value =
        serde_json::from_str(yaml.split_once('\n').map(|(_, b)| b).unwrap_or_default()).unwrap_or_default();
    let inner = &arm["properties"]["properties"];
    let counts = &inner["nodeStateCounts"];
    let nodes = &summary("cpu-cluster")["nodes"];
    for (field, key) in [
        ("idle", "idleNodeCount"),
        ("running", "runningNodeCount"),
        ("preparing", "preparingNodeCount"),
        ("unusable", "unusableNodeCount"),
        ("leaving", "leavingNodeCount"),
        ("preempted", "preemptedNodeCount"),
    ] {
        assert_eq!(nodes[field], counts[key], "{field}: {nodes} vs {counts}");
    }
    assert_eq!(nodes["current"], inner["currentNodeCount"]);
    assert_eq!(nodes["target"], inner["targetNodeCount"]);
    assert!(nodes["idle"].as_i64().unwrap_or(0) >= 1, "the demo cluster keeps a node: {nodes}");

    let apps = summary("ci-running")["applications"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = apps.iter().filter_map(|a| a["displayName"].as_str()).collect();
    assert!(names.contains(&"Jupyter Lab") && names.contains(&"VS Code (Web)"), "{apps:?}");
    assert!(apps.iter().all(|a| a["endpointUri"].as_str().is_some_and(|u| u.starts_with("https://"))));
    assert_eq!(summary("ci-stopped")["applications"], json!([]), "a stopped instance serves nothing");

    let ssh = |argument: Value| json!({"command": "amlc.compute.sshCommand", "arguments": [argument]});
    let first = client.request("workspace/executeCommand", ssh(json!({"name": "cpu-cluster"}))).await;
    let listed = first["nodes"].as_array().cloned().unwrap_or_default();
    let node = listed.first().cloned().unwrap_or(Value::Null);
    assert_eq!(first["node"], node["nodeId"], "{first}");
    let host = node["publicIpAddress"].as_str().unwrap_or_default();
    assert_eq!(first["command"][3], "--", "{first}");
    assert_eq!(first["command"][4], format!("azureuser@{host}"), "{first}");
    assert_eq!(first["command"][0], "ssh");
    let private = client
        .request(
            "workspace/executeCommand",
            ssh(json!({"name": "cpu-cluster", "node": node["nodeId"], "private": true})),
        )
        .await;
    assert_eq!(
        private["command"],
        json!([
            "ssh",
            "-p",
            "22",
            "--",
            format!("azureuser@{}", node["privateIpAddress"].as_str().unwrap_or_default())
        ])
    );
    let missing =
        client.request_raw("workspace/executeCommand", ssh(json!({"name": "cpu-cluster", "node": "nope"}))).await;
    assert!(missing["error"]["message"].as_str().unwrap_or_default().contains("no node 'nope'"), "{missing}");
    let k8s = client.request_raw("workspace/executeCommand", ssh(json!({"name": "k8s-attached"}))).await;
    assert!(
        k8s["error"]["message"].as_str().unwrap_or_default().contains("compute instances and cluster nodes"),
        "{k8s}"
    );
    emulator.shutdown().await;
}

/// The completion answer at the end of the first `needle` in `text`.
async fn complete_after(client: &mut TestClient, uri: &str, text: &str, needle: &str) -> Value {
    client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position_after(text, needle)}),
        )
        .await
}

#[tokio::test]
async fn open_as_spec_and_enable_sso_over_the_protocol() {
    let emulator = emulator(Duration::from_millis(100)).await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let spec = client
        .request(
            "workspace/executeCommand",
            json!({"command": "amlc.compute.specOf", "arguments": [{"name": "ci-running"}]}),
        )
        .await;
    let yaml = spec["yaml"].as_str().unwrap_or_default();
    assert!(yaml.contains("name: ci-running") && yaml.contains("type: computeinstance"), "{yaml}");
    // The spec the server gives is one the core accepts without errors.
    assert!(!amlc_analysis::analyze(yaml).has_errors(), "{yaml}");
    let off = client
        .request(
            "workspace/executeCommand",
            json!({"command": "amlc.compute.enableSso", "arguments": [{"name": "ci-running", "enable": false}]}),
        )
        .await;
    assert_eq!(off["name"], "ci-running", "{off}");
    assert_eq!(off["outcome"]["code"], "accepted", "{off}");
    let changed = client.wait_for("amlc/computesChanged").await;
    let words = changed["params"]["outcome"]["message"].as_str().unwrap_or_default();
    assert!(words.contains("single sign-on of 'ci-running' is disabled"), "{changed}");
    let refused = client
        .request_raw(
            "workspace/executeCommand",
            json!({"command": "amlc.compute.enableSso", "arguments": [{"name": "cpu-cluster"}]}),
        )
        .await;
    assert!(refused["error"]["message"].as_str().is_some_and(|m| m.contains("is an AmlCompute")), "{refused}");
    drop(emulator);
}

#[tokio::test]
async fn the_editor_says_plainly_that_schedules_cannot_change_after_creation() {
    let emulator = emulator(Duration::from_millis(100)).await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let spec = "type: computeinstance\nname: ci-running\nsize: Standard_DS3_v2\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger:\n        type: cron\n        expression: 0 18 * * *\n";
    let refused = create(&mut client, "file:///specs/ci-schedules.yml", spec).await;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("schedules.compute_start_stop"), "{refused}");
    assert!(
        message.contains("schedules are set when it is created") && message.contains("idle shutdown instead"),
        "{refused}"
    );
}
