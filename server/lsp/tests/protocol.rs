//! In-process protocol tests of the server's lifecycle, document sync, encodings and the choice of
//! documents, through the real `LspService` with expected JSON inline.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::TestClient;

const SPEC: &str =
    "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: cpu\ntype: amlcompute\n";

fn change(range: [u32; 4], text: &str) -> Value {
    json!({"range": {"start": {"line": range[0], "character": range[1]}, "end": {"line": range[2], "character": range[3]}}, "text": text})
}

async fn edit(client: &mut TestClient, uri: &str, version: i64, changes: Vec<Value>) {
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
}

#[tokio::test]
async fn utf16_is_the_default_encoding() {
    let mut client = TestClient::default().await;
    client.open("file:///work/project/a.yml", SPEC).await;
    assert_eq!(client.document_state("file:///work/project/a.yml").await["positionEncoding"], "utf-16");
}

#[tokio::test]
async fn initialize_result() {
    let (mut service, _socket) = amlc_lsp::service();
    use tower::{Service, ServiceExt};
    let request = tower_lsp::jsonrpc::Request::build("initialize")
        .id(1)
        .params(json!({"capabilities": {"general": {"positionEncodings": ["utf-16", "utf-8"]}}}))
        .finish();
    let response = service.ready().await.expect("ready").call(request).await.expect("call").expect("response");
    let response = serde_json::to_value(response).expect("JSON");
    let capabilities = &response["result"]["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-8");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2);
    assert_eq!(capabilities["textDocumentSync"]["openClose"], true);
    assert_eq!(capabilities["workspace"]["workspaceFolders"], json!({"supported": true, "changeNotifications": true}));
    assert_eq!(response["result"]["serverInfo"]["name"], "amlc");
}

#[tokio::test]
async fn incremental_changes_apply_in_order_including_several_in_one_notification() {
    let mut client = TestClient::default().await;
    let uri = "file:///work/project/cluster.yml";
    client.open(uri, SPEC).await;
    // Line 1 is `name: cpu`. Two changes in one notification: the second is relative to the first's result.
    edit(&mut client, uri, 2, vec![change([1, 6, 1, 9], "gpu-cluster"), change([1, 6, 1, 9], "big")]).await;
    // An insertion of a new line, then a deletion across a line break.
    edit(&mut client, uri, 3, vec![change([2, 16, 2, 16], "\nmin_instances: 0")]).await;
    edit(&mut client, uri, 4, vec![change([0, 77, 1, 0], "")]).await;
    let state = client.document_state(uri).await;
    assert_eq!(state["version"], 4);
    assert_eq!(
        state["text"],
        "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\
         name: big-cluster\ntype: amlcompute\nmin_instances: 0\n"
    );
    assert_eq!(state["isComputeSpec"], true);
}

#[tokio::test]
async fn utf16_columns_count_emoji_as_two_units_and_cjk_as_one() {
    let mut client = TestClient::default().await;
    let uri = "file:///work/project/ci.yml";
    client.open(uri, "type: computeinstance\ndescription: 😀 计算 x\n").await;
    // In UTF-16, `x` is at 13 + 2 (emoji) + 1 + 2 (two CJK) + 1 = 19.
    edit(&mut client, uri, 2, vec![change([1, 19, 1, 20], "y")]).await;
    let state = client.document_state(uri).await;
    assert_eq!(state["text"], "type: computeinstance\ndescription: 😀 计算 y\n");
}

#[tokio::test]
async fn utf8_columns_count_bytes_when_negotiated() {
    let mut client =
        TestClient::start(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}), Value::Null).await;
    let uri = "file:///work/project/ci.yml";
    client.open(uri, "type: computeinstance\ndescription: 😀 计算 x\n").await;
    // In UTF-8, `x` is at 13 + 4 + 1 + 6 + 1 = 25.
    edit(&mut client, uri, 2, vec![change([1, 25, 1, 26], "z")]).await;
    let state = client.document_state(uri).await;
    assert_eq!(state["positionEncoding"], "utf-8");
    assert_eq!(state["text"], "type: computeinstance\ndescription: 😀 计算 z\n");
}

#[tokio::test]
async fn crlf_lines_are_addressed_like_lf_lines() {
    let mut client = TestClient::default().await;
    let uri = "file:///work/project/crlf.yml";
    client.open(uri, "type: amlcompute\r\nname: a\r\nsize: x\r\n").await;
    edit(&mut client, uri, 2, vec![change([2, 6, 2, 7], "Standard_DS3_v2")]).await;
    edit(&mut client, uri, 3, vec![change([1, 7, 2, 0], "b\r\n")]).await;
    let state = client.document_state(uri).await;
    assert_eq!(state["text"], "type: amlcompute\r\nname: ab\r\nsize: Standard_DS3_v2\r\n");
}

#[tokio::test]
async fn specs_get_versioned_diagnostics_and_rapid_edits_end_on_the_latest_version() {
    let mut client = TestClient::default().await;
    let uri = "file:///work/project/cluster.yml";
    client.open(uri, SPEC).await;
    let first = client.diagnostics(uri, 1).await;
    assert!(first.is_array());
    for version in 2..=60 {
        edit(&mut client, uri, version, vec![change([1, 9, 1, 9], "x")]).await;
    }
    // Every publish seen on the way has a version no newer than 60; the last one is 60.
    client.diagnostics(uri, 60).await;
    let state = client.document_state(uri).await;
    assert_eq!(state["text"].as_str().map(|t| t.contains(&format!("name: cpu{}", "x".repeat(59)))), Some(true));
}

#[tokio::test]
async fn other_yaml_gets_nothing() {
    let mut client = TestClient::default().await;
    let workflow = "file:///work/project/.github/workflows/ci.yml";
    client.open(workflow, "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n").await;
    let k8s = "file:///work/project/deploy.yaml";
    client.open(k8s, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n").await;
    assert_eq!(client.document_state(workflow).await["isComputeSpec"], false);
    assert_eq!(client.document_state(k8s).await["isComputeSpec"], false);
    assert_eq!(client.pending_message(Duration::from_millis(300)).await, None);
}

#[tokio::test]
async fn spec_globs_from_initialization_options_and_settings_select_documents() {
    let options = json!({"specGlobs": ["infra/compute/*.yml"]});
    let mut client = TestClient::start(json!({}), options).await;
    let by_glob = "file:///work/project/infra/compute/pool.yml";
    client.open(by_glob, "name: pool\n").await;
    assert_eq!(client.document_state(by_glob).await["isComputeSpec"], true);
    client.diagnostics(by_glob, 1).await;

    let elsewhere = "file:///work/project/other/pool.yml";
    client.open(elsewhere, "name: pool\n").await;
    assert_eq!(client.document_state(elsewhere).await["isComputeSpec"], false);
    client
        .notify("workspace/didChangeConfiguration", json!({"settings": {"amlc": {"specGlobs": ["other/*.yml"]}}}))
        .await;
    assert_eq!(client.document_state(elsewhere).await["isComputeSpec"], true);
    assert_eq!(client.document_state(by_glob).await["isComputeSpec"], false);
}

#[tokio::test]
async fn a_second_workspace_folder_takes_part_in_glob_matching() {
    let options = json!({"specGlobs": ["compute/*.yml"]});
    let mut client = TestClient::start(json!({}), options).await;
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [{"uri": "file:///other/root", "name": "root"}], "removed": []}}),
        )
        .await;
    let uri = "file:///other/root/compute/a.yml";
    client.open(uri, "name: a\n").await;
    assert_eq!(client.document_state(uri).await["isComputeSpec"], true);
}

#[tokio::test]
async fn unsaved_buffers_are_served_by_content() {
    let mut client = TestClient::default().await;
    let uri = "untitled:Untitled-1";
    client.open(uri, "type: computeinstance\nname: ci\n").await;
    assert_eq!(client.document_state(uri).await["isComputeSpec"], true);
    client.diagnostics(uri, 1).await;
}

#[tokio::test]
async fn unknown_documents_and_methods_get_errors_and_the_server_keeps_serving() {
    let mut client = TestClient::default().await;
    let response = client.request_raw("amlc/documentState", json!({"textDocument": {"uri": "file:///nope.yml"}})).await;
    assert_eq!(response["error"]["code"], -32602);
    let response = client.request_raw("amlc/noSuchMethod", json!({})).await;
    assert_eq!(response["error"]["code"], -32601);
    // A change for a document that is not open is logged and ignored.
    edit(&mut client, "file:///nope.yml", 2, vec![change([0, 0, 0, 0], "x")]).await;
    client.open("file:///work/project/a.yml", SPEC).await;
    assert_eq!(client.document_state("file:///work/project/a.yml").await["version"], 1);
}

#[tokio::test]
async fn cancel_request_answers_request_cancelled() {
    use tower::{Service, ServiceExt};
    use tower_lsp::jsonrpc::Request;
    let (mut service, _socket) = amlc_lsp::service();
    let initialize = Request::build("initialize").id(1).params(json!({"capabilities": {}})).finish();
    service.ready().await.expect("ready").call(initialize).await.expect("initialize");
    let open = Request::build("textDocument/didOpen")
        .params(json!({"textDocument": {"uri": "file:///a.yml", "languageId": "yaml", "version": 1, "text": SPEC}}))
        .finish();
    service.ready().await.expect("ready").call(open).await.expect("open");
    // The request is registered when it is handed over, before it runs; the cancel arrives first.
    let hover = Request::build("textDocument/hover")
        .id(2)
        .params(json!({"textDocument": {"uri": "file:///a.yml"}, "position": {"line": 1, "character": 1}}))
        .finish();
    let pending = service.ready().await.expect("ready").call(hover);
    let cancel = Request::build("$/cancelRequest").params(json!({"id": 2})).finish();
    service.ready().await.expect("ready").call(cancel).await.expect("cancel");
    let response = serde_json::to_value(pending.await.expect("call").expect("response")).expect("JSON");
    assert_eq!(response["error"]["code"], -32800, "{response}");
    // The server goes on serving.
    let hover = Request::build("textDocument/hover")
        .id(3)
        .params(json!({"textDocument": {"uri": "file:///a.yml"}, "position": {"line": 1, "character": 1}}))
        .finish();
    let response = service.ready().await.expect("ready").call(hover).await.expect("call").expect("response");
    let response = serde_json::to_value(response).expect("JSON");
    assert!(response.get("error").is_none(), "{response}");
}

/// Each keystroke is analysed from the previous analysis (only the edited block is parsed again);
/// what is published must be what a fresh analysis of the same text finds, through a broken and
/// a repaired document too.
#[tokio::test]
async fn keystroke_analyses_publish_what_a_fresh_analysis_finds() {
    let mut text = String::from(
        "type: computeinstance\nname: ci-one\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger:\n        type: cron\n        expression: \"0 18 * * *\"\n        time_zone: UTC\ntags:\n  team: ml\n",
    );
    let mut client = TestClient::default().await;
    let uri = "file:///work/project/instance.yml";
    client.open(uri, &text).await;
    client.diagnostics(uri, 1).await;
    // (line, column, removed characters, inserted text): into a value, a new key, a broken
    // quote, its repair, an unknown value.
    let steps: [(u32, u32, u32, &str); 6] = [
        (8, 19, 0, "x"),
        (8, 19, 1, ""),
        (10, 10, 0, "\n  owner: me"),
        (7, 20, 0, "\""),
        (7, 20, 1, ""),
        (4, 14, 4, "pause"),
    ];
    for (version, (line, column, removed, inserted)) in (2..).zip(steps) {
        let start = line_offset(&text, line) + column as usize;
        text.replace_range(start..start + removed as usize, inserted);
        edit(&mut client, uri, version, vec![change([line, column, line, column + removed], inserted)]).await;
        let published = client.diagnostics(uri, version).await;
        assert_eq!(client.document_state(uri).await["text"], text.as_str());
        let got: Vec<(String, String)> = published
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_string(),
                    d["message"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> =
            amlc_analysis::analyze(&text).diagnostics.iter().map(|d| (d.code.to_string(), d.message.clone())).collect();
        assert_eq!(got, expected, "after version {version}:\n{text}");
    }
    assert!(text.contains("action: pause"));
}

fn line_offset(text: &str, line: u32) -> usize {
    text.split_inclusive('\n').take(line as usize).map(str::len).sum()
}
