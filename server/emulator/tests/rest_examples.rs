//! Replays every compute example of the published REST definition (../shared/reference/rest/<version>) against
//! the emulator: the request of each example must be accepted with one of the example's status codes, carry the
//! example's LRO headers, and come back with a body of the same shape (every non-null key of the example's
//! response present, with the same JSON type).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::{json, Value};

/// Members the service leaves null in some states: `runId` on a node running no job, `publicIpAddress`
/// on a node without a public IP.
const NULLABLE: &[&str] = &[".runId", ".publicIpAddress"];

/// Keys of `example` missing from `ours`, or of another JSON type, as JSON paths.
fn shape_diff(example: &Value, ours: &Value, path: &str, out: &mut Vec<String>) {
    match (example, ours) {
        (_, _) if example.is_null() => {}
        (Value::Object(e), Value::Object(o)) => {
            for (k, v) in e {
                match o.get(k) {
                    Some(ov) => shape_diff(v, ov, &format!("{path}.{k}"), out),
                    None if v.is_null() => {}
                    None => out.push(format!("{path}.{k} missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(o)) => {
            if let (Some(e0), Some(o0)) = (e.first(), o.first()) {
                shape_diff(e0, o0, &format!("{path}[0]"), out);
            } else if !e.is_empty() {
                out.push(format!("{path} is empty"));
            }
        }
        (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_)) => {}
        // Null where the example shows a value only for members that are null in some states.
        (_, Value::Null) if NULLABLE.iter().any(|k| path.ends_with(k)) => {}
        (_, Value::Null) => out.push(format!("{path} is null")),
        _ => out.push(format!("{path} has another type")),
    }
}

/// Removes read-only members so a response body can serve as a create request.
fn as_request(response: &Value) -> Value {
    let mut body = response.clone();
    if let Some(o) = body.as_object_mut() {
        for k in ["id", "name", "type", "systemData", "location"] {
            o.remove(k);
        }
    }
    if let Some(p) = body.get_mut("properties").and_then(Value::as_object_mut) {
        for k in ["provisioningState", "createdOn", "modifiedOn", "isAttachedCompute", "provisioningErrors"] {
            p.remove(k);
        }
    }
    body
}

struct Example {
    file: PathBuf,
    operation_id: String,
    method: String,
    path_template: String,
    parameters: Vec<Value>,
}

fn collect_examples(spec: &Value, dir: &Path) -> Vec<Example> {
    let mut out = Vec::new();
    for (path, ops) in spec["paths"].as_object().into_iter().flatten() {
        for (method, op) in ops.as_object().into_iter().flatten() {
            for (_, ex) in op["x-ms-examples"].as_object().into_iter().flatten() {
                let Some(rel) = ex["$ref"].as_str() else { continue };
                if !rel.contains("/Compute/") {
                    continue;
                }
                let file = dir.join(rel.trim_start_matches("./"));
                if !file.is_file() {
                    continue; // the swagger names examples that were not published with it
                }
                out.push(Example {
                    file,
                    operation_id: op["operationId"].as_str().unwrap_or("").to_string(),
                    method: method.to_ascii_uppercase(),
                    path_template: path.clone(),
                    parameters: op["parameters"].as_array().cloned().unwrap_or_default(),
                });
            }
        }
    }
    // The pinned swagger revision lacks these operations (updateIdleShutdownSetting, customServices, updateDataMounts),
    // though newer examples exist for them; those examples carry their own operationId.
    let actions = [
        ("Compute_UpdateCustomServices", "customServices"),
        ("Compute_UpdateDataMounts", "updateDataMounts"),
        ("Compute_UpdateIdleShutdownSetting", "updateIdleShutdownSetting"),
    ];
    let compute_path = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}/computes/{computeName}";
    for entry in std::fs::read_dir(dir.join("examples/Compute")).into_iter().flatten().flatten() {
        let file = entry.path();
        if out.iter().any(|e| e.file == file) || !file.is_file() {
            continue;
        }
        let example: Value =
            std::fs::read(&file).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let id = example["operationId"].as_str().unwrap_or("");
        if let Some((_, action)) = actions.iter().find(|(op, _)| *op == id) {
            let names = ["subscriptionId", "resourceGroupName", "workspaceName", "computeName"];
            out.push(Example {
                file,
                operation_id: id.to_string(),
                method: "POST".to_string(),
                path_template: format!("{compute_path}/{action}"),
                parameters: names.iter().map(|n| json!({"name": n, "in": "path"})).collect(),
            });
        }
    }
    out
}

/// Every example file under `examples/Compute`.
fn example_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join("examples/Compute")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out
}

/// The compute an example needs to exist before its request (`None` for a create).
fn precondition(ex: &Example, example: &Value) -> Vec<(String, Value)> {
    let cluster = json!({"properties": {"computeType": "AmlCompute", "description": "some compute", "properties": {"vmSize": "Standard_DS3_v2", "scaleSettings": {"minNodeCount": 2, "maxNodeCount": 4}}}});
    let instance = json!({"properties": {"computeType": "ComputeInstance", "description": "some compute", "properties": {"vmSize": "Standard_DS3_v2"}}});
    let aks = json!({"properties": {"computeType": "AKS", "resourceId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/aks"}});
    let one = |body: Value| vec![("compute123".to_string(), body)];
    match ex.operation_id.as_str() {
        "Compute_CreateOrUpdate" => Vec::new(),
        "Compute_Get" => one(as_request(&example["responses"]["200"]["body"])),
        "Compute_List" => example["responses"]["200"]["body"]["value"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| (c["name"].as_str().unwrap_or("c").to_string(), as_request(c)))
            .collect(),
        "Compute_Update" | "Compute_ListNodes" => one(cluster),
        "Compute_ListKeys" => one(aks),
        _ => one(instance),
    }
}

#[tokio::test]
async fn published_compute_examples_replay_against_the_emulator() {
    let Some(shared) = amlc_testkit::shared_dir("rest_examples") else { return };
    let rest = shared.join("reference/rest");
    let mut versions: Vec<PathBuf> =
        std::fs::read_dir(&rest).expect("rest dir").filter_map(|e| e.ok().map(|e| e.path())).collect();
    versions.sort();
    let mut replayed = 0;
    let mut problems = Vec::new();
    for version_dir in versions {
        let spec: Value =
            serde_json::from_slice(&std::fs::read(version_dir.join("machineLearningServices.json")).expect("spec"))
                .expect("spec JSON");
        let examples = collect_examples(&spec, &version_dir);
        for file in example_files(&version_dir) {
            if !examples.iter().any(|e| e.file == file) {
                problems.push(format!("{}: no operation to replay it with", file.display()));
            }
        }
        for ex in examples {
            let example: Value =
                serde_json::from_slice(&std::fs::read(&ex.file).expect("example")).expect("example JSON");
            let params = &example["parameters"];
            let name = ex.file.strip_prefix(&version_dir).unwrap_or(&ex.file).display().to_string();
            let ws = amlc_emulator::WorkspaceSeed::new(
                params["subscriptionId"].as_str().unwrap_or(""),
                params["resourceGroupName"].as_str().unwrap_or(""),
                params["workspaceName"].as_str().unwrap_or(""),
                "eastus",
            );
            let mut config = fast_config();
            config.workspaces = vec![ws.clone()];
            config.op_duration = std::time::Duration::ZERO;
            config.page_size = 1;
            let h = start(config).await;
            for (compute, body) in precondition(&ex, &example) {
                let url = format!("{}{}/computes/{compute}?api-version={API}", h.emu.base_url(), ws.arm_id());
                let r = h.send_url("PUT", &url, Some(&body)).await;
                assert!(r.status == 201, "{name}: setting up {compute}: {} {:?}", r.status, r.body);
            }
            // Build the request from the operation's parameters and the example's values.
            let mut path = ex.path_template.clone();
            let mut query = vec![format!("api-version={}", params["api-version"].as_str().unwrap_or(API))];
            let mut body = None;
            for p in &ex.parameters {
                let pname = p["name"].as_str().unwrap_or_else(|| {
                    // Shared parameters are references; their names are the usual ARM ones.
                    let r = p["$ref"].as_str().unwrap_or("");
                    if r.ends_with("SubscriptionIdParameter") {
                        "subscriptionId"
                    } else if r.ends_with("ResourceGroupNameParameter") {
                        "resourceGroupName"
                    } else if r.ends_with("WorkspaceNameParameter") {
                        "workspaceName"
                    } else if r.ends_with("ComputeNameParameter") {
                        "computeName"
                    } else if r.ends_with("UnderlyingResourceActionParameter") {
                        "underlyingResourceAction"
                    } else if r.ends_with("ComputeDefinitionParameter") {
                        "parameters"
                    } else {
                        ""
                    }
                });
                let value = &params[pname];
                if value.is_null() || pname == "api-version" {
                    continue;
                }
                let placeholder = format!("{{{pname}}}");
                if path.contains(&placeholder) {
                    path = path.replace(&placeholder, value.as_str().unwrap_or(""));
                } else if p["in"] == "body" || pname == "parameters" {
                    body = Some(value.clone());
                } else if let Some(v) = value.as_str() {
                    query.push(format!("{pname}={v}"));
                }
            }
            // Body parameters of the newer actions are named after their content (customServices, dataMounts).
            if body.is_none() && ex.method == "POST" {
                for key in ["customServices", "dataMounts", "parameters"] {
                    if !params[key].is_null() {
                        body = Some(params[key].clone());
                    }
                }
            }
            let url = format!("{}{path}?{}", h.emu.base_url(), query.join("&"));
            let r = h.send_url(&ex.method, &url, body.as_ref()).await;
            replayed += 1;
            let responses = example["responses"].as_object().cloned().unwrap_or_default();
            let key = r.status.to_string();
            let Some(expected) = responses.get(&key) else {
                problems.push(format!(
                    "{name}: status {} not among {:?}: {:?}",
                    r.status,
                    responses.keys().collect::<Vec<_>>(),
                    r.body
                ));
                h.emu.shutdown().await;
                continue;
            };
            for header in expected["headers"].as_object().into_iter().flatten().map(|(k, _)| k) {
                if r.header(header).is_none() {
                    problems.push(format!("{name}: header {header} missing"));
                }
            }
            if !expected["body"].is_null() {
                let mut diffs = Vec::new();
                shape_diff(&expected["body"], &r.body, "$", &mut diffs);
                problems.extend(diffs.into_iter().map(|d| format!("{name}: {d}")));
            }
            h.emu.shutdown().await;
        }
    }
    assert!(replayed >= 15, "only {replayed} examples found");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// The PUT bodies the official SDK builds for the sample specs (../shared/reference/samples/rest-bodies) are
/// accepted, provision, and come back without their secrets.
#[tokio::test]
async fn sdk_request_bodies_are_accepted() {
    let Some(shared) = amlc_testkit::shared_dir("rest_examples") else { return };
    let dir = shared.join("reference/samples/rest-bodies");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("rest-bodies").filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    assert!(files.len() >= 5, "{} samples", files.len());
    let mut config = fast_config();
    config.workspaces = vec![amlc_emulator::WorkspaceSeed::new(SUB, "my-rg", "ws", "eastus")];
    config.op_duration = std::time::Duration::ZERO;
    let h = start(config).await;
    let secret_keys = ["adminUserPassword", "password", "privateKeyData"];
    for file in files {
        let sample: Value = serde_json::from_slice(&std::fs::read(&file).expect("sample")).expect("sample JSON");
        let url = sample["request"]["url"].as_str().unwrap_or("").replace("<workspace>", "ws");
        let path_and_query = url.trim_start_matches("https://management.azure.com");
        let body = &sample["request"]["body"];
        let r = h.send_url("PUT", &format!("{}{path_and_query}", h.emu.base_url()), Some(body)).await;
        assert_eq!(r.status, 201, "{}: {:?}", file.display(), r.body);
        let name = path_and_query.split('?').next().and_then(|p| p.rsplit('/').next()).unwrap_or("");
        let got = h.get(&format!("/subscriptions/{SUB}/resourceGroups/my-rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/{name}")).await;
        assert_eq!(got.status, 200, "{}", file.display());
        assert_eq!(got.body["properties"]["provisioningState"], "Succeeded", "{}", file.display());
        assert_eq!(got.body["properties"]["computeType"], body["properties"]["computeType"], "{}", file.display());
        let text = got.body.to_string();
        for key in secret_keys {
            let sent = body.pointer("/properties/properties").map(|p| p.to_string()).unwrap_or_default();
            if sent.contains(&format!("\"{key}\"")) {
                assert!(!text.contains(&format!("\"{key}\"")), "{}: {key} came back in GET", file.display());
            }
        }
    }
    h.emu.shutdown().await;
}
