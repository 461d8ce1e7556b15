//! In-process tests of the editor features over the protocol: diagnostics (codes, links, tags),
//! completion, hover, quick fixes, symbols, folding and selection, with expected JSON inline.

mod support;

use serde_json::{json, Value};
use support::TestClient;

const URI: &str = "file:///work/project/cluster.yml";

async fn opened(text: &str) -> TestClient {
    let mut client = TestClient::default().await;
    client.open(URI, text).await;
    client.diagnostics(URI, 1).await;
    client
}

fn at(line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
}

#[tokio::test]
async fn diagnostics_carry_code_link_severity_and_version() {
    let mut client = TestClient::default().await;
    client.open(URI, "type: amlcompute\nname: cpu\nmin_instances: 4\nmax_instances: 1\n").await;
    let diagnostics = client.diagnostics(URI, 1).await;
    assert_eq!(
        diagnostics,
        json!([{
            "range": {"start": {"line": 2, "character": 15}, "end": {"line": 2, "character": 16}},
            "severity": 1,
            "code": "AMLC042",
            "codeDescription": {"href": "https://github.com/amlc/amlc/blob/main/docs/diagnostics.md#amlc042"},
            "source": "amlc",
            "message": "`min_instances` (4) is greater than `max_instances` (1); the service refuses this, so swap or fix them"
        }])
    );
}

#[tokio::test]
async fn read_only_keys_are_tagged_unnecessary() {
    let mut client = TestClient::default().await;
    client.open(URI, "type: computeinstance\nname: ci\nsize: Standard_DS3_v2\nstate: Running\nidle_time_before_shutdown_minutes: 30\n").await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let read_only = diagnostics.as_array().and_then(|d| d.iter().find(|d| d["code"] == "AMLC027")).cloned();
    let read_only = read_only.unwrap_or_else(|| panic!("no AMLC027 in {diagnostics}"));
    assert_eq!(read_only["tags"], json!([1]));
    assert_eq!(read_only["severity"], 4);
}

#[tokio::test]
async fn completion_of_enum_values_replaces_the_value() {
    let mut client = opened("type: amlcompute\nname: cpu\ntier: \n").await;
    let result = client.request("textDocument/completion", at(2, 6)).await;
    assert_eq!(
        result,
        json!({"isIncomplete": false, "items": [
            {"label": "dedicated", "kind": 20, "sortText": "dedicated", "insertTextFormat": 1,
             "textEdit": {"range": {"start": {"line": 2, "character": 6}, "end": {"line": 2, "character": 6}}, "newText": "dedicated"}},
            {"label": "low_priority", "kind": 20, "sortText": "low_priority", "insertTextFormat": 1,
             "textEdit": {"range": {"start": {"line": 2, "character": 6}, "end": {"line": 2, "character": 6}}, "newText": "low_priority"}}
        ]})
    );
}

#[tokio::test]
async fn completion_of_keys_puts_required_first_and_uses_snippets() {
    let mut client = opened("type: computeinstance\nsize: Standard_DS3_v2\nna\n").await;
    let result = client.request("textDocument/completion", at(2, 2)).await;
    let items = result["items"].as_array().cloned().unwrap_or_default();
    let name = items.iter().find(|i| i["label"] == "name").cloned().expect("name offered");
    assert_eq!(
        name["textEdit"]["range"],
        json!({"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 2}})
    );
    assert_eq!(name["insertTextFormat"], 2);
    assert_eq!(name["kind"], 10);
    assert!(name["sortText"].as_str().is_some_and(|s| s.starts_with('0')));
    assert!(items.iter().all(|i| i["label"] != "size" && i["label"] != "type"), "present keys are not offered again");
    let sizes = client.request("textDocument/completion", at(1, 6)).await;
    let ds3 = sizes["items"].as_array().and_then(|i| i.iter().find(|i| i["label"] == "Standard_DS3_v2")).cloned();
    assert_eq!(ds3.map(|i| i["detail"].clone()), Some(json!("4 vCPUs, 14 GiB")));
}

#[tokio::test]
async fn hover_explains_keys_and_sizes() {
    let mut client =
        opened("type: amlcompute\nname: cpu\nsize: Standard_NC6s_v3\nidle_time_before_scale_down: 120\n").await;
    let hover = client.request("textDocument/hover", at(3, 30)).await;
    let text = hover["contents"]["value"].as_str().unwrap_or_default().to_string();
    assert!(text.contains("**idle_time_before_scale_down**") && text.ends_with("= 2 minutes"), "{text}");
    assert_eq!(hover["range"], json!({"start": {"line": 3, "character": 29}, "end": {"line": 3, "character": 32}}));
    let size = client.request("textDocument/hover", at(2, 8)).await;
    let text = size["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("6 vCPUs") && text.contains("GPU"), "{text}");
    assert_eq!(client.request("textDocument/hover", at(0, 0)).await["contents"]["kind"], "markdown");
}

#[tokio::test]
async fn quick_fixes_swap_and_suppress() {
    let mut client = opened("type: amlcompute\nname: cpu\nmin_instances: 4\nmax_instances: 1\n").await;
    let params = json!({
        "textDocument": {"uri": URI},
        "range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}},
        "context": {"diagnostics": []}
    });
    let actions = client.request("textDocument/codeAction", params).await;
    let titles: Vec<&str> =
        actions.as_array().map(|a| a.iter().filter_map(|a| a["title"].as_str()).collect()).unwrap_or_default();
    assert!(titles.contains(&"Swap min_instances and max_instances"), "{titles:?}");
    let suppress =
        actions.as_array().and_then(|a| a.iter().find(|a| a["title"] == "Suppress AMLC042 on this line")).cloned();
    assert_eq!(
        suppress.map(|s| s["edit"].clone()),
        Some(
            json!({"changes": {URI: [{"range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}}, "newText": "# amlc-disable-next-line AMLC042\n"}]}})
        )
    );
}

#[tokio::test]
async fn symbols_folding_and_selection() {
    let text = "type: computeinstance\nname: ci\nschedules:\n  compute_start_stop:\n    - action: start\n      trigger:\n        type: cron\n        expression: 0 8 * * 1\n";
    let mut client = opened(text).await;
    let document = json!({"textDocument": {"uri": URI}});
    let symbols = client.request("textDocument/documentSymbol", document.clone()).await;
    assert_eq!(
        symbols[0],
        json!({"name": "type", "detail": "computeinstance", "kind": 8,
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 21}},
        "selectionRange": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 4}}})
    );
    assert_eq!(symbols[2]["children"][0]["children"][0]["name"], "[0]");
    let folds = client.request("textDocument/foldingRange", document).await;
    let lines: Vec<(u64, u64)> = folds
        .as_array()
        .map(|f| f.iter().filter_map(|f| Some((f["startLine"].as_u64()?, f["endLine"].as_u64()?))).collect())
        .unwrap_or_default();
    assert_eq!(lines, [(2, 7), (3, 7), (4, 7), (5, 7)]);
    let selection = client
        .request(
            "textDocument/selectionRange",
            json!({"textDocument": {"uri": URI}, "positions": [{"line": 6, "character": 15}]}),
        )
        .await;
    assert_eq!(
        selection[0]["range"],
        json!({"start": {"line": 6, "character": 14}, "end": {"line": 6, "character": 18}})
    );
    assert_eq!(
        selection[0]["parent"]["range"],
        json!({"start": {"line": 6, "character": 8}, "end": {"line": 6, "character": 18}})
    );
}

#[tokio::test]
async fn other_yaml_gets_no_features() {
    let mut client = TestClient::default().await;
    let uri = "file:///work/project/workflow.yml";
    client.open(uri, "on: push\njobs: {}\n").await;
    let params = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}});
    assert_eq!(client.request("textDocument/hover", params.clone()).await, Value::Null);
    assert_eq!(client.request("textDocument/completion", params).await, Value::Null);
    assert_eq!(client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}})).await, Value::Null);
}

#[tokio::test]
async fn code_lenses_are_wired_to_real_commands() {
    let mut client =
        opened("type: computeinstance\nname: ci-1\nsize: Standard_DS3_v2\nidle_time_before_shutdown_minutes: 30\n")
            .await;
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": URI}})).await;
    let zero = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    assert_eq!(
        lenses,
        json!([
            {"range": zero, "command": {"title": "Create", "command": "amlc.compute.create", "arguments": [{"uri": URI}]}},
            {"range": zero, "command": {"title": "▶ Start", "command": "amlc.compute.start", "arguments": [{"name": "ci-1"}]}},
            {"range": zero, "command": {"title": "■ Stop", "command": "amlc.compute.stop", "arguments": [{"name": "ci-1"}]}}
        ])
    );
    let mut client = TestClient::default().await;
    client
        .open(
            URI,
            "type: amlcompute\nname: gpu\nmin_instances: 1\nmax_instances: 8\nidle_time_before_scale_down: 300\n",
        )
        .await;
    client.diagnostics(URI, 1).await;
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": URI}})).await;
    assert_eq!(lenses[0]["command"]["command"], "amlc.compute.create");
    assert_eq!(lenses[1]["command"]["command"], "amlc.compute.updateScale");
    assert_eq!(
        lenses[1]["command"]["arguments"][0],
        json!({"name": "gpu", "minInstances": 1, "maxInstances": 8, "idleSecondsBeforeScaleDown": 300})
    );
    let mut client = opened("type: kubernetes\nname: k8s\nresource_id: /subscriptions/s/resourceGroups/r/providers/Microsoft.Kubernetes/connectedClusters/c\n").await;
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": URI}})).await;
    assert_eq!(
        lenses,
        json!([{"range": zero, "command": {"title": "Attach", "command": "amlc.compute.attach", "arguments": [{"uri": URI}]}}])
    );
}

/// The Neovim scenario: a half-typed key on a new last line keeps the three real errors and
/// the hover on `size`; the half-typed line gets the syntax error, on that line.
#[tokio::test]
async fn a_half_typed_line_keeps_the_other_diagnostics_and_hover() {
    let text = "name: cluster-01\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 4\nmax_instances: 2\nidle_time_before_scale_down: 60\ntier: spot\n";
    let mut client = TestClient::default().await;
    client.open(URI, text).await;
    let codes = |diagnostics: &Value| -> Vec<String> {
        diagnostics.as_array().into_iter().flatten().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
    };
    assert_eq!(codes(&client.diagnostics(URI, 1).await), ["AMLC040", "AMLC042", "AMLC024"]);
    for (version, typed) in [(2, "e"), (3, "n"), (4, "able_no")] {
        let character = match version {
            2 => 0,
            3 => 1,
            _ => 2,
        };
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [
                    {"range": {"start": {"line": 7, "character": character}, "end": {"line": 7, "character": character}}, "text": typed}
                ]}),
            )
            .await;
        let diagnostics = client.diagnostics(URI, version).await;
        assert_eq!(codes(&diagnostics), ["AMLC040", "AMLC042", "AMLC024", "AMLC001"], "{diagnostics}");
        let syntax = &diagnostics[3];
        assert_eq!(syntax["range"]["start"], json!({"line": 7, "character": 0}));
        let hover = client.request("textDocument/hover", at(2, 1)).await;
        assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("size")), "hover on size: {hover}");
    }
}
