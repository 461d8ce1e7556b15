//! Long-running operations and the compute state machine over real HTTP: create, update, scale, start, stop,
//! restart, delete and detach, with the states seen in flight, the errors of wrong states, conflicts,
//! name rules and quota enforcement.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn instance_create_goes_creating_then_running() {
    let h = start(fast_config()).await;
    let r = h.send("PUT", &h.compute_path("ci1"), Some(&instance_body("STANDARD_DS3_V2"))).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["properties"]["provisioningState"], "Creating");
    assert_eq!(r.header("Retry-After").as_deref(), Some("1"));
    let op = r.header("Azure-AsyncOperation").expect("Azure-AsyncOperation");
    assert!(op.contains("/computeOperationsStatus/"), "{op}");
    let in_flight = h.get(&h.compute_path("ci1")).await.body;
    assert_eq!(in_flight["properties"]["provisioningState"], "Creating");
    assert_eq!(in_flight["properties"]["properties"]["state"], "Creating");
    let first = h.send_url("GET", &op, None).await;
    assert_eq!(first.body["status"], "InProgress");
    assert!(first.body["startTime"].is_string() && first.body.get("endTime").is_none());
    let done = h.wait_async(&op).await;
    assert_eq!(done["status"], "Succeeded");
    assert!(done["endTime"].is_string());
    let ci = h.get(&h.compute_path("ci1")).await.body;
    assert_eq!(ci["properties"]["provisioningState"], "Succeeded");
    assert_eq!(ci["properties"]["properties"]["state"], "Running");
    assert_eq!(ci["properties"]["properties"]["lastOperation"]["operationName"], "Create");
    assert_eq!(ci["properties"]["properties"]["lastOperation"]["operationStatus"], "Succeeded");
    assert_eq!(ci["properties"]["properties"]["vmSize"], "STANDARD_DS3_V2");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn stop_start_restart_pass_through_their_transient_states() {
    let h = start(fast_config()).await;
    h.create("ci1", instance_body("Standard_DS3_v2")).await;
    let steps =
        [("stop", "Stopping", "Stopped"), ("start", "Starting", "Running"), ("restart", "Restarting", "Running")];
    for (action, transient, settled) in steps {
        let r = h.send("POST", &format!("{}/{action}", h.compute_path("ci1")), None).await;
        assert_eq!(r.status, 202, "{action}");
        assert!(r.header("Location").is_some() && r.header("Azure-AsyncOperation").is_some(), "{action}");
        assert_eq!(h.state_of("ci1").await, transient, "{action}");
        // The Location URL answers 202 while the operation runs.
        let loc = r.header("Location").unwrap_or_default();
        assert_eq!(h.send_url("GET", &loc, None).await.status, 202);
        let done = h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
        assert_eq!(done["status"], "Succeeded", "{action}");
        assert_eq!(h.state_of("ci1").await, settled, "{action}");
        assert_eq!(h.send_url("GET", &loc, None).await.status, 200);
        let last = h.get(&h.compute_path("ci1")).await.body["properties"]["properties"]["lastOperation"].clone();
        assert_eq!(last["operationStatus"], "Succeeded");
        assert_eq!(last["operationTrigger"], "User");
    }
    h.emu.shutdown().await;
}

#[tokio::test]
async fn wrong_state_actions_fail_through_the_operation() {
    let mut config = fast_config();
    config.seed_computes = true;
    let h = start(config).await;
    // (compute, action, expected error code)
    let cases = [
        ("ci-running", "start", "StartComputeInstanceOnlyAllowedInStoppedState"),
        ("ci-stopped", "stop", "StopComputeInstanceOnlyAllowedInRunningState"),
        ("ci-stopped", "restart", "RestartComputeInstanceOnlyAllowedInRunningState"),
    ];
    for (name, action, code) in cases {
        let r = h.send("POST", &format!("{}/{action}", h.compute_path(name)), None).await;
        assert_eq!(r.status, 202, "{name} {action}: the refusal comes back through the poll");
        let done = h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
        assert_eq!(done["status"], "Failed");
        assert_eq!(done["error"]["code"], code);
        let loc = h.send_url("GET", &r.header("Location").unwrap_or_default(), None).await;
        assert_eq!((loc.status, loc.code()), (400, code));
    }
    let msg = {
        let r = h.send("POST", &format!("{}/start", h.compute_path("ci-running")), None).await;
        h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await["error"]["message"].clone()
    };
    assert!(
        msg.as_str().is_some_and(|m| m.contains("only allowed when the instance ci-running is in 'stopped' state")),
        "{msg}"
    );
    // Starting an instance that is already starting fails the same way.
    let first = h.send("POST", &format!("{}/start", h.compute_path("ci-stopped")), None).await;
    assert_eq!(first.status, 202);
    let second = h.send("POST", &format!("{}/start", h.compute_path("ci-stopped")), None).await;
    let failed = h.wait_async(&second.header("Azure-AsyncOperation").unwrap_or_default()).await;
    assert_eq!(failed["error"]["code"], "StartComputeInstanceOnlyAllowedInStoppedState");
    let ok = h.wait_async(&first.header("Azure-AsyncOperation").unwrap_or_default()).await;
    assert_eq!(ok["status"], "Succeeded");
    // Power actions exist only for instances.
    let on_cluster = h.send("POST", &format!("{}/start", h.compute_path("cpu-cluster")), None).await;
    assert_eq!((on_cluster.status, on_cluster.code()), (400, "UserError"));
    let missing = h.send("POST", &format!("{}/stop", h.compute_path("nope")), None).await;
    assert_eq!(missing.status, 404);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn busy_computes_refuse_with_conflict() {
    let h = start(fast_config()).await;
    let r = h.send("PUT", &h.compute_path("ci1"), Some(&instance_body("Standard_DS3_v2"))).await;
    assert_eq!(r.status, 201);
    for (method, suffix) in [("PUT", ""), ("POST", "/start"), ("DELETE", "?underlyingResourceAction=Delete")] {
        let path = format!("{}{suffix}", h.compute_path("ci1"));
        let body = (method == "PUT").then(|| instance_body("Standard_DS3_v2"));
        let c = h.send(method, &path, body.as_ref()).await;
        assert_eq!((c.status, c.code()), (409, "Conflict"), "{method} {suffix}");
    }
    h.emu.shutdown().await;
}

#[tokio::test]
async fn put_on_an_existing_compute_updates_it_with_200() {
    let h = start(fast_config()).await;
    h.create("cl1", cluster_body("Standard_DS3_v2", 0, 2)).await;
    let mut body = cluster_body("Standard_DS3_v2", 0, 3);
    body["properties"]["description"] = json!("bigger");
    let r = h.send("PUT", &h.compute_path("cl1"), Some(&body)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["properties"]["provisioningState"], "Updating");
    h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
    let got = h.get(&h.compute_path("cl1")).await.body;
    assert_eq!(got["properties"]["description"], "bigger");
    assert_eq!(got["properties"]["properties"]["scaleSettings"]["maxNodeCount"], 3);
    let resize = h.send("PUT", &h.compute_path("cl1"), Some(&cluster_body("Standard_D4s_v3", 0, 3))).await;
    assert_eq!((resize.status, resize.code()), (400, "UserError"), "vmSize is create-only");
    let retype = h.send("PUT", &h.compute_path("cl1"), Some(&instance_body("Standard_DS3_v2"))).await;
    assert_eq!((retype.status, retype.code()), (400, "UserError"), "computeType cannot change");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn patch_scales_a_cluster() {
    let h = start(fast_config()).await;
    h.create("cl1", cluster_body("Standard_DS3_v2", 0, 2)).await;
    let patch = json!({"properties": {"properties": {"scaleSettings": {"minNodeCount": 2, "maxNodeCount": 4}}}});
    let r = h.send("PATCH", &h.compute_path("cl1"), Some(&patch)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["properties"]["provisioningState"], "Updating");
    assert!(r.header("Azure-AsyncOperation").is_some() && r.header("Location").is_some());
    h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
    let got = h.get(&h.compute_path("cl1")).await.body;
    assert_eq!(got["properties"]["provisioningState"], "Succeeded");
    assert_eq!(got["properties"]["properties"]["scaleSettings"]["maxNodeCount"], 4);
    assert_eq!(got["properties"]["properties"]["currentNodeCount"], 2);
    let nodes = h.send("POST", &format!("{}/listNodes", h.compute_path("cl1")), None).await;
    assert_eq!(nodes.body["nodes"].as_array().map(Vec::len), Some(2));
    let bad = json!({"properties": {"properties": {"scaleSettings": {"minNodeCount": 5, "maxNodeCount": 4}}}});
    let r = h.send("PATCH", &h.compute_path("cl1"), Some(&bad)).await;
    assert_eq!((r.status, r.code()), (400, "UserError"));
    h.create("ci1", instance_body("Standard_DS3_v2")).await;
    let r = h.send("PATCH", &h.compute_path("ci1"), Some(&patch)).await;
    assert_eq!((r.status, r.code()), (400, "UserError"), "PATCH is for AmlCompute only");
    let r = h.send("PATCH", &h.compute_path("nope"), Some(&patch)).await;
    assert_eq!(r.status, 404);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn delete_and_detach_follow_the_compute_kind() {
    let mut config = fast_config();
    config.seed_computes = true;
    let h = start(config).await;
    let del = |name: &str, action: &str| {
        let suffix = if action.is_empty() { String::new() } else { format!("?underlyingResourceAction={action}") };
        format!("{}{suffix}", h.compute_path(name))
    };
    // (compute, action, status, error code)
    let refusals = [
        ("ci-running", "", 400, "BadRequest"),
        ("ci-running", "Remove", 400, "BadRequest"),
        ("k8s-attached", "Delete", 400, "UserError"),
        ("vm-attached", "Delete", 400, "UserError"),
        ("ci-running", "Detach", 400, "UserError"),
        ("cpu-cluster", "Detach", 400, "UserError"),
    ];
    for (name, action, status, code) in refusals {
        let r = h.send("DELETE", &del(name, action), None).await;
        assert_eq!((r.status, r.code()), (status, code), "{name} {action}");
    }
    let gone = h.send("DELETE", &del("never-existed", "Delete"), None).await;
    assert_eq!(gone.status, 204);
    for (name, action) in
        [("ci-running", "Delete"), ("cpu-cluster", "Delete"), ("k8s-attached", "Detach"), ("vm-attached", "Detach")]
    {
        let r = h.send("DELETE", &del(name, action), None).await;
        assert_eq!(r.status, 202, "{name}");
        assert!(r.header("Location").is_some() && r.header("Azure-AsyncOperation").is_some());
        let during = h.get(&h.compute_path(name)).await;
        assert_eq!(during.body["properties"]["provisioningState"], "Deleting", "{name}");
        let again = h.send("DELETE", &del(name, action), None).await;
        assert_eq!(again.status, 202, "a repeated delete reports on the same deletion");
        let done = h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
        assert_eq!(done["status"], "Succeeded");
        assert_eq!(h.get(&h.compute_path(name)).await.status, 404, "{name}");
    }
    h.emu.shutdown().await;
}

#[tokio::test]
async fn create_validation_names_sizes_and_bodies() {
    let mut config = fast_config();
    config.workspaces.push("00000000-0000-0000-0000-000000000000/rg/ws2/eastus".parse().expect("seed"));
    let h = start(config).await;
    let cases = [
        ("1bad", instance_body("Standard_DS3_v2"), 400, "UserError"),
        ("ci-1", instance_body("Standard_DS3_v2"), 400, "UserError"),
        ("ok-ci", instance_body("Standard_Nonexistent"), 400, "UserError"),
        ("ok-ci", json!({"properties": {"computeType": "Quantum"}}), 400, "UserError"),
        ("ok-ci", json!({"location": "eastus"}), 400, "UserError"),
        (
            "k8s",
            json!({"properties": {"computeType": "Kubernetes", "properties": {"namespace": "default"}}}),
            400,
            "UserError",
        ),
        (
            "ok-ci",
            json!({"properties": {"computeType": "ComputeInstance", "properties": {"idleTimeBeforeShutdown": "PT1M"}}}),
            400,
            "UserError",
        ),
    ];
    for (name, body, status, code) in cases {
        let r = h.send("PUT", &h.compute_path(name), Some(&body)).await;
        assert_eq!((r.status, r.code()), (status, code), "{name} {body}");
    }
    let garbage = h
        .http
        .put(h.url(&h.compute_path("ok-ci")))
        .bearer_auth("t")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("reply");
    assert_eq!(garbage.status().as_u16(), 400);
    // Instance names are unique across the region, not just the workspace.
    h.create("shared-name", instance_body("Standard_DS3_v2")).await;
    let other_ws = format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws2/computes/shared-name");
    let r = h.send("PUT", &other_ws, Some(&instance_body("Standard_DS3_v2"))).await;
    assert_eq!((r.status, r.code()), (400, "UserError"));
    assert!(r.body["error"]["message"].as_str().is_some_and(|m| m.contains("AlreadyExists")));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn quota_is_enforced_on_max_nodes_times_vcpus() {
    let h = start(fast_config()).await;
    // No A100 quota on a fresh subscription.
    let r = h.send("PUT", &h.compute_path("a100"), Some(&cluster_body("Standard_ND96asr_v4", 0, 1))).await;
    assert_eq!((r.status, r.code()), (400, "QuotaExceeded"), "{:?}", r.body);
    // NCSv3 family limit 12: two NC6s_v3 nodes (12 vCPUs) fit, three do not.
    let r = h.send("PUT", &h.compute_path("gpu3"), Some(&cluster_body("Standard_NC6s_v3", 0, 3))).await;
    assert_eq!(r.code(), "QuotaExceeded");
    let msg = r.body["error"]["message"].as_str().unwrap_or("");
    assert!(msg.contains("Standard NCSv3 Family") && msg.contains("18 vCPUs"), "{msg}");
    h.create("gpu2", cluster_body("Standard_NC6s_v3", 0, 2)).await;
    let r = h.send("PUT", &h.compute_path("gpu-ci"), Some(&instance_body("Standard_NC6s_v3"))).await;
    assert_eq!(r.code(), "QuotaExceeded", "the cluster holds the whole family quota");
    // Scaling up through PATCH is checked too; replacing the cluster does not count it twice.
    let patch = json!({"properties": {"properties": {"scaleSettings": {"maxNodeCount": 3}}}});
    let r = h.send("PATCH", &h.compute_path("gpu2"), Some(&patch)).await;
    assert_eq!(r.code(), "QuotaExceeded");
    let same = h.send("PUT", &h.compute_path("gpu2"), Some(&cluster_body("Standard_NC6s_v3", 0, 2))).await;
    assert_eq!(same.status, 200, "{:?}", same.body);
    // Low priority draws on its own regional pool.
    let mut low = cluster_body("Standard_NC6s_v3", 0, 2);
    low["properties"]["properties"]["vmPriority"] = json!("LowPriority");
    let r = h.send("PUT", &h.compute_path("gpu-low"), Some(&low)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn fault_tags_make_provisioning_fail_and_stop_refuse() {
    let h = start(fast_config()).await;
    let mut body = instance_body("Standard_DS3_v2");
    body["tags"] = json!({ (amlc_emulator::FAULT_TAG): "create-fails" });
    let r = h.send("PUT", &h.compute_path("doomed"), Some(&body)).await;
    assert_eq!(r.status, 201);
    let done = h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
    assert_eq!(done["status"], "Failed");
    assert_eq!(done["error"]["code"], "ComputeProvisioningFailed");
    let got = h.get(&h.compute_path("doomed")).await.body;
    assert_eq!(got["properties"]["provisioningState"], "Failed");
    assert_eq!(got["properties"]["properties"]["state"], "CreateFailed");
    assert!(got["properties"]["provisioningErrors"][0]["error"]["code"].is_string());
    let mut full = instance_body("Standard_DS3_v2");
    full["tags"] = json!({ (amlc_emulator::FAULT_TAG): "disk-full" });
    h.create("full", full).await;
    let r = h.send("POST", &format!("{}/stop", h.compute_path("full")), None).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["message"], "StopCompute is not allowed when ComputeInstance disk is full.");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn attach_kubernetes_and_vm() {
    let h = start(fast_config()).await;
    let k8s = json!({"properties": {"computeType": "Kubernetes", "resourceId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/aks1", "properties": {"namespace": "ml"}}});
    let got = h.create("k8s", k8s).await;
    assert_eq!(got["properties"]["isAttachedCompute"], true);
    assert_eq!(got["properties"]["properties"]["namespace"], "ml");
    let vm = json!({"properties": {"computeType": "VirtualMachine", "resourceId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm1",
        "properties": {"sshPort": 22, "address": "10.0.0.9", "administratorAccount": {"username": "me", "password": "s3cret-value", "privateKeyData": "-----BEGIN KEY-----"}}}});
    let r = h.send("PUT", &h.compute_path("vm1"), Some(&vm)).await;
    assert_eq!(r.status, 201);
    assert!(!r.body.to_string().contains("s3cret-value"), "secrets never come back in a compute body");
    assert!(!r.body.to_string().contains("BEGIN KEY"));
    // ARM reads a linked id through the same parser as amlc: another spelling of an id is accepted, a bare name is not.
    let respelt = json!({"properties": {"computeType": "Kubernetes", "resourceId": " /SUBSCRIPTIONS/s/resourcegroups/r/providers/microsoft.containerservice/managedClusters/aks2/ "}});
    assert_eq!(h.send("PUT", &h.compute_path("k8s-two"), Some(&respelt)).await.status, 201);
    let bare = json!({"properties": {"computeType": "Kubernetes", "resourceId": "aks3"}});
    let r = h.send("PUT", &h.compute_path("k8s-three"), Some(&bare)).await;
    assert_eq!((r.status, r.body["error"]["code"].as_str()), (400, Some("LinkedInvalidPropertyId")), "{}", r.body);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn malformed_input_gets_client_errors_never_a_crash() {
    let mut config = fast_config();
    config.seed_computes = true;
    let h = start(config).await;
    let bodies = [
        "",
        "null",
        "[]",
        "42",
        "\"text\"",
        "{\"properties\": []}",
        "{\"properties\": {\"computeType\": 7}}",
        "{\"properties\": {\"computeType\": \"AmlCompute\", \"properties\": {\"scaleSettings\": {\"maxNodeCount\": -1}}}}",
        "{\"properties\": {\"computeType\": \"AmlCompute\", \"properties\": {\"scaleSettings\": {\"maxNodeCount\": 18446744073709551615}}}}",
        "{\"properties\": {\"computeType\": \"ComputeInstance\", \"properties\": {\"vmSize\": 5, \"customServices\": \"x\"}}}",
        "{\"properties\": {\"properties\": {\"scaleSettings\": \"big\"}}}",
        "{\"idleTimeBeforeShutdown\": 30}",
        "{\"enableSSO\": \"yes\"}",
        "\u{0}\u{1}garbage",
    ];
    let targets = [
        ("PUT", h.compute_path("junk-target")),
        ("PUT", h.compute_path("cpu-cluster")),
        ("PATCH", h.compute_path("cpu-cluster")),
        ("POST", format!("{}/updateIdleShutdownSetting", h.compute_path("ci-running"))),
        ("POST", format!("{}/customServices", h.compute_path("ci-running"))),
        ("POST", format!("{}/updateDataMounts", h.compute_path("ci-running"))),
        ("POST", format!("{}/enableSso", h.compute_path("ci-running"))),
    ];
    for (method, path) in &targets {
        for body in bodies {
            let resp = h
                .http
                .request(reqwest::Method::from_bytes(method.as_bytes()).expect("method"), h.url(path))
                .bearer_auth("t")
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await
                .expect("the emulator answers");
            let status = resp.status().as_u16();
            assert!((200..500).contains(&status), "{method} {path} {body:?} -> {status}");
        }
    }
    let odd_queries = ["$skip=-1", "$skip=18446744073709551615", "$skip=abc", "api-version=2025-12-01&api-version=x"];
    for q in odd_queries {
        let url = format!("{}{}/computes?api-version={API}&{q}", h.emu.base_url(), h.ws_path());
        let r = h.http.get(&url).bearer_auth("t").send().await.expect("answer");
        assert!(r.status().as_u16() < 500, "{q}");
    }
    // Still serving normally afterwards.
    assert_eq!(h.get(&h.compute_path("ci-running")).await.status, 200);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn resize_a_stopped_instance() {
    let mut config = fast_config();
    config.seed_computes = true;
    let h = start(config).await;
    let allowed = h.send("POST", &format!("{}/getAllowedVmSizesForResize", h.compute_path("ci-stopped")), None).await;
    assert_eq!(allowed.status, 200);
    let names: Vec<&str> =
        allowed.body["value"].as_array().into_iter().flatten().filter_map(|s| s["name"].as_str()).collect();
    assert!(names.contains(&"Standard_E4ds_v4") && !names.contains(&"Standard_DS3_v2"), "{names:?}");
    let target = json!({"targetVMSize": "Standard_E4ds_v4"});
    // A running instance must be stopped first: the refusal comes through the operation.
    let r = h.send("POST", &format!("{}/resize", h.compute_path("ci-running")), Some(&target)).await;
    assert_eq!(r.status, 202);
    let failed = h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
    assert_eq!(failed["error"]["code"], "ResizeComputeInstanceOnlyAllowedInStoppedState");
    let r = h.send("POST", &format!("{}/resize", h.compute_path("ci-stopped")), Some(&target)).await;
    assert_eq!(r.status, 202);
    assert_eq!(h.state_of("ci-stopped").await, "Resizing");
    let done = h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
    assert_eq!(done["status"], "Succeeded");
    let got = h.get(&h.compute_path("ci-stopped")).await.body;
    assert_eq!(got["properties"]["properties"]["state"], "Stopped");
    assert_eq!(got["properties"]["properties"]["vmSize"], "Standard_E4ds_v4");
    assert_eq!(got["properties"]["properties"]["lastOperation"]["operationName"], "Resize");
    let quota = h
        .send(
            "POST",
            &format!("{}/resize", h.compute_path("ci-stopped")),
            Some(&json!({"targetVMSize": "Standard_ND96asr_v4"})),
        )
        .await;
    assert_eq!((quota.status, quota.code()), (400, "QuotaExceeded"));
    let on_cluster = h.send("POST", &format!("{}/resize", h.compute_path("cpu-cluster")), Some(&target)).await;
    assert_eq!((on_cluster.status, on_cluster.code()), (400, "UserError"));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn workspace_quotas_can_be_lowered_and_are_enforced() {
    let h = start(fast_config()).await;
    let update =
        format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/eastus/updateQuotas");
    let ws_id = h.ws_path();
    let body = json!({"location": "eastus", "value": [
        {"id": format!("{ws_id}/quotas/standardDSv2Family"), "type": "Microsoft.MachineLearningServices/workspaces/quotas", "limit": 8, "unit": "Count"},
        {"id": format!("{ws_id}/quotas/standardDSv2Family"), "limit": 100000, "unit": "Count"},
        {"id": format!("{ws_id}/quotas/noSuchFamily"), "limit": 4, "unit": "Count"},
    ]});
    let r = h.send("POST", &update, Some(&body)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let statuses: Vec<&str> =
        r.body["value"].as_array().into_iter().flatten().filter_map(|v| v["status"].as_str()).collect();
    assert_eq!(statuses, ["Success", "InvalidQuotaExceedsSubscriptionLimit", "InvalidVMFamilyName"]);
    let quotas = h
        .get(&format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/eastus/quotas"))
        .await;
    let ds = quotas.body["value"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|q| q["name"]["value"] == "standardDSv2Family")
        .cloned();
    assert_eq!(ds.unwrap_or_default()["limit"], 8);
    h.create("two-nodes", cluster_body("Standard_DS3_v2", 0, 2)).await;
    let r = h.send("PUT", &h.compute_path("one-more"), Some(&instance_body("Standard_DS1_v2"))).await;
    assert_eq!(r.code(), "QuotaExceeded", "8 vCPUs of DSv2 are all used in this workspace");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn an_unusable_instance_recovers_by_restart() {
    let h = start(fast_config()).await;
    let mut body = instance_body("Standard_DS3_v2");
    body["tags"] = json!({ (amlc_emulator::FAULT_TAG): "unusable" });
    let got = h.create("sick", body).await;
    assert_eq!(got["properties"]["provisioningState"], "Succeeded");
    assert_eq!(got["properties"]["properties"]["state"], "Unusable");
    let start = h.act("sick", "start").await;
    assert_eq!(start["error"]["code"], "StartComputeInstanceOnlyAllowedInStoppedState");
    let restart = h.act("sick", "restart").await;
    assert_eq!(restart["status"], "Succeeded");
    assert_eq!(h.state_of("sick").await, "Running");
    h.emu.shutdown().await;
}
