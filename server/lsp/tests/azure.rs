//! The Azure side over the protocol, against the emulator on loopback: `amlc/listComputes`, a compute
//! action through `workspace/executeCommand` with `$/progress`, and `amlc/computesChanged` at its end.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::TestClient;

async fn emulator() -> amlc_emulator::RunningEmulator {
    let config = amlc_emulator::EmulatorConfig {
        seed_computes: true,
        op_duration: Duration::from_millis(300),
        log_requests: false,
        ..amlc_emulator::EmulatorConfig::default()
    };
    amlc_emulator::start(config, "127.0.0.1:0".parse().expect("loopback address")).await.expect("emulator starts")
}

fn compute<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["computes"].as_array().and_then(|c| c.iter().find(|c| c["name"] == name)).unwrap_or(&Value::Null)
}

#[tokio::test]
async fn list_computes_then_stop_an_instance_with_progress_and_a_change_notice() {
    let emulator = emulator().await;
    let options = json!({"armEndpoint": emulator.base_url()});
    let mut client = TestClient::start(json!({"window": {"workDoneProgress": true}}), options).await;
    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(list["error"], Value::Null);
    assert_eq!(list["workspace"]["source"], "emulator");
    assert_eq!(list["workspace"]["workspaceName"], "ws");
    let running = compute(&list, "ci-running");
    assert_eq!(running["group"], "instances");
    assert_eq!(running["state"], "Running");
    assert_eq!(running["actions"], json!(["stop", "restart", "delete", "ssh", "setIdleShutdown", "enableSso"]));
    assert_eq!(compute(&list, "ci-stopped")["actions"], json!(["start", "delete", "setIdleShutdown", "enableSso"]));

    let result = client
        .request(
            "workspace/executeCommand",
            json!({"command": "amlc.compute.stop", "arguments": [{"name": "ci-running"}]}),
        )
        .await;
    assert_eq!(
        result,
        json!({"name": "ci-running", "outcome": {"code": "accepted", "message": "stop of 'ci-running' accepted"}})
    );
    // The end comes once the instance is Stopped (not when the operation ends), with the command line's words.
    let changed = client.wait_for("amlc/computesChanged").await;
    let outcome = &changed["params"]["outcome"];
    assert_eq!(changed["params"]["names"], json!(["ci-running"]));
    assert_eq!((&outcome["action"], &outcome["ok"], &outcome["code"]), (&json!("stop"), &json!(true), &json!("done")));
    let words = outcome["message"].as_str().unwrap_or_default();
    assert!(words.starts_with("'ci-running' is Stopped; note: a stopped instance is not free"), "{words}");
    // The progress began with a title and ended; the client created the token first.
    let begin = client.wait_for("$/progress").await;
    assert_eq!(begin["params"]["value"]["kind"], "begin");
    assert_eq!(begin["params"]["value"]["title"], "Stopping ci-running");
    let mut end = client.wait_for("$/progress").await;
    while end["params"]["value"]["kind"] != "end" {
        end = client.wait_for("$/progress").await;
    }
    // A stop's last words say what a stopped instance still costs.
    let message = end["params"]["value"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("'ci-running' is Stopped; note: a stopped instance is not free"), "{message}");
    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(compute(&list, "ci-running")["state"], "Stopped");
    // The emulator's token names no user, so whether a compute is the user's own cannot be told.
    assert!(compute(&list, "ci-running").get("mine").is_some_and(|m| m.is_null()), "{list}");

    let idle = json!({"command": "amlc.compute.setIdleShutdown", "arguments": [{"name": "ci-stopped", "minutes": 30}]});
    assert_eq!(client.request("workspace/executeCommand", idle).await["name"], "ci-stopped");
    let changed = client.wait_for("amlc/computesChanged").await;
    assert_eq!(changed["params"]["outcome"]["message"], "'ci-stopped' now shuts down after 30 idle minutes");
    let bad = json!({"command": "amlc.compute.setIdleShutdown", "arguments": [{"name": "ci-stopped", "minutes": 5}]});
    assert_eq!(client.request_raw("workspace/executeCommand", bad).await["error"]["code"], -32602);
    emulator.shutdown().await;
}

#[tokio::test]
async fn errors_are_plain_words() {
    let emulator = emulator().await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let response = client
        .request_raw(
            "workspace/executeCommand",
            json!({"command": "amlc.compute.start", "arguments": [{"name": "no-such-compute"}]}),
        )
        .await;
    let message = response["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.contains("no-such-compute"), "{response}");
    let response =
        client.request_raw("workspace/executeCommand", json!({"command": "amlc.compute.stop", "arguments": []})).await;
    assert_eq!(response["error"]["code"], -32602);
    emulator.shutdown().await;

    // No workspace and no emulator: the list says what to do instead of failing.
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": "https://management.azure.com"})).await;
    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(list["error"]["code"], "noWorkspace");
    assert_eq!(list["computes"], json!([]));
}

const CLUSTER_SPEC: &str = "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: lsp-cluster\ntype: amlcompute\nsize: STANDARD_DS3_V2\nmin_instances: 0\nmax_instances: 2\n";

#[tokio::test]
async fn create_from_an_open_spec_puts_the_compute_and_reports_the_change() {
    let emulator = emulator().await;
    let mut client =
        TestClient::start(json!({"window": {"workDoneProgress": true}}), json!({"armEndpoint": emulator.base_url()}))
            .await;
    let before = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(compute(&before, "lsp-cluster"), &Value::Null);
    let uri = "file:///specs/cluster.yml";
    client.open(uri, CLUSTER_SPEC).await;
    let create = json!({"command": "amlc.compute.create", "arguments": [{"uri": uri}]});
    assert_eq!(
        client.request("workspace/executeCommand", create).await,
        json!({"name": "lsp-cluster", "operation": "create", "outcome": {"code": "accepted", "message": "create of 'lsp-cluster' accepted"}})
    );
    let begin = client.wait_for("$/progress").await;
    assert_eq!(begin["params"]["value"]["title"], "Creating lsp-cluster");
    let changed = client.wait_for("amlc/computesChanged").await;
    assert_eq!(changed["params"]["names"], json!(["lsp-cluster"]));
    assert_eq!(changed["params"]["outcome"]["code"], "done", "{changed}");
    let list = client.request("amlc/listComputes", json!({})).await;
    let created = compute(&list, "lsp-cluster");
    assert_eq!(created["group"], "clusters", "{list}");
    assert_eq!(created["nodes"]["max"], 2);
    // Attach refuses a spec that is created, not attached; nothing else is sent.
    let attach = json!({"command": "amlc.compute.attach", "arguments": [{"uri": uri}]});
    let refused = client.request_raw("workspace/executeCommand", attach).await;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("created, not attached"), "{refused}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_spec_with_errors_is_refused_and_nothing_is_created() {
    let emulator = emulator().await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let before = client.request("amlc/listComputes", json!({})).await["computes"].as_array().map(Vec::len);
    // Read from disk: the spec is not open. max_instances below min_instances is an error.
    let path = std::env::temp_dir().join(format!("amlc-lsp-bad-{}.yml", std::process::id()));
    let text =
        CLUSTER_SPEC.replace("name: lsp-cluster", "name: lsp-bad").replace("max_instances: 2", "max_instances: -3");
    std::fs::write(&path, text).expect("write the spec");
    let uri = tower_lsp::lsp_types::Url::from_file_path(&path).expect("file URL").to_string();
    let create = json!({"command": "amlc.compute.create", "arguments": [{"uri": uri}]});
    let refused = client.request_raw("workspace/executeCommand", create).await;
    let _ = std::fs::remove_file(&path);
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("error(s) in the spec") && message.contains("nothing was sent"), "{refused}");
    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(compute(&list, "lsp-bad"), &Value::Null);
    assert_eq!(list["computes"].as_array().map(Vec::len), before);
    emulator.shutdown().await;
}

#[tokio::test]
async fn show_copy_command_and_ssh_command_describe_a_live_compute() {
    let emulator = emulator().await;
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let run = |command: &str, argument: Value| json!({"command": command, "arguments": [argument]});
    let shown =
        client.request("workspace/executeCommand", run("amlc.compute.show", json!({"name": "ci-running"}))).await;
    let yaml = shown["yaml"].as_str().unwrap_or_default();
    assert!(yaml.starts_with("# ci-running (ComputeInstance)"), "{yaml}");
    // JSON is YAML: the body after the comment parses, and is the compute itself.
    let body: Value =
        serde_json::from_str(yaml.split_once('\n').map(|(_, b)| b).unwrap_or_default()).expect("JSON body");
    assert_eq!(body["name"], "ci-running");
    assert_eq!(body["properties"]["computeType"], "ComputeInstance");

    let copy = |action: &str, flavor: &str| {
        run("amlc.compute.copyCommand", json!({"name": "ci-running", "action": action, "flavor": flavor}))
    };
    assert_eq!(
        client.request("workspace/executeCommand", copy("stop", "amlc")).await,
        json!({"command": "amlc compute stop ci-running"})
    );
    assert_eq!(
        client.request("workspace/executeCommand", copy("show", "az")).await,
        json!({"command": "az ml compute show --name ci-running --resource-group rg --workspace-name ws --subscription 00000000-0000-0000-0000-000000000000"})
    );
    // A name is one shell word in the copied line, whatever it holds.
    let hostile = run("amlc.compute.copyCommand", json!({"name": "x; rm -rf ~", "action": "stop", "flavor": "amlc"}));
    assert_eq!(
        client.request("workspace/executeCommand", hostile).await,
        json!({"command": "amlc compute stop 'x; rm -rf ~'"})
    );
    let bad = client.request_raw("workspace/executeCommand", copy("stop", "powershell")).await;
    assert_eq!(bad["error"]["code"], -32602, "{bad}");

    let ssh = client
        .request_raw("workspace/executeCommand", run("amlc.compute.sshCommand", json!({"name": "ci-running"})))
        .await;
    let stopped = client
        .request_raw("workspace/executeCommand", run("amlc.compute.sshCommand", json!({"name": "ci-stopped"})))
        .await;
    // The ssh line is the one the compute's own settings give (shown above).
    let inner = &body["properties"]["properties"];
    let host = inner["connectivityEndpoints"]["publicIpAddress"].as_str().unwrap_or_default();
    let port = inner["sshSettings"]["sshPort"].as_i64().unwrap_or(22).to_string();
    let user = inner["sshSettings"]["adminUserName"].as_str().unwrap_or("azureuser");
    assert!(!host.is_empty(), "{body}");
    assert_eq!(ssh["result"], json!({"command": ["ssh", "-p", port, "--", format!("{user}@{host}")]}), "{ssh}");
    let message = stopped["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("'ci-stopped' is Stopped") && message.contains("amlc compute start ci-stopped"),
        "{stopped}"
    );
    emulator.shutdown().await;
}

/// With `auth: vscode` the server asks the editor for a token (`amlc/getToken`) and uses it; without the client's
/// `experimental.amlcGetToken` it says so instead of trying other credentials.
#[tokio::test]
async fn editor_sign_in_is_asked_for_a_token_when_auth_is_vscode() {
    let emulator = emulator().await;
    let options = json!({"armEndpoint": emulator.base_url(), "auth": "vscode"});
    let mut client = TestClient::start(json!({"experimental": {"amlcGetToken": true}}), options.clone()).await;
    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(list["error"], Value::Null, "{list}");
    assert_eq!(compute(&list, "ci-running")["state"], "Running");
    let asked = client.wait_for("amlc/getToken").await;
    assert_eq!(asked["params"]["scopes"][0], "https://management.azure.com/.default");

    let mut client = TestClient::start(json!({}), options).await;
    let list = client.request("amlc/listComputes", json!({})).await;
    assert_eq!(list["computes"], json!([]));
    let message = list["error"]["message"].as_str().unwrap_or("");
    assert_eq!(list["error"]["code"], "credential");
    assert!(message.contains("editor's sign-in was asked for") && message.contains("amlc.auth"), "{list}");
}

/// An `adminUserName` that is an ssh option never becomes the editor's ssh command: the server refuses it.
#[tokio::test]
async fn ssh_command_refuses_a_hostile_login_user() {
    let config = amlc_emulator::EmulatorConfig {
        seed_computes: true,
        log_requests: false,
        ssh_user: Some("-oProxyCommand=touch PWNED".into()),
        ..amlc_emulator::EmulatorConfig::default()
    };
    let emulator =
        amlc_emulator::start(config, "127.0.0.1:0".parse().expect("loopback address")).await.expect("emulator");
    let mut client = TestClient::start(json!({}), json!({"armEndpoint": emulator.base_url()})).await;
    let ssh = json!({"command": "amlc.compute.sshCommand", "arguments": [{"name": "ci-running"}]});
    let refused = client.request_raw("workspace/executeCommand", ssh).await;
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("not a user name Azure creates"), "{refused}");
    assert_eq!(refused["result"], Value::Null, "{refused}");
    emulator.shutdown().await;
}
