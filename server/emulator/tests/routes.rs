//! Every route of the emulator over real HTTP on loopback: ARM request checks (token, api-version), the
//! not-found ladder, workspaces, paging, sizes, usages, quotas, nodes, keys and the instance settings actions.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn requests_need_a_bearer_token_and_a_known_api_version() {
    let h = start(fast_config()).await;
    let url = h.url(&h.ws_path());
    let no_token = h.http.get(&url).send().await.expect("reply");
    assert_eq!(no_token.status().as_u16(), 401);
    assert!(no_token.headers().get("WWW-Authenticate").is_some());
    let body: Value = no_token.json().await.expect("json");
    assert_eq!(body["error"]["code"], "AuthenticationFailed");
    let basic = h.http.get(&url).header("Authorization", "Basic dXNlcjpwYXNz").send().await.expect("reply");
    assert_eq!(basic.status().as_u16(), 401);

    let base = format!("{}{}", h.emu.base_url(), h.ws_path());
    let cases = [
        (base.clone(), 400, "MissingApiVersionParameter"),
        (format!("{base}?api-version=1999-01-01"), 400, "NoRegisteredProviderFound"),
        (format!("{base}?api-version=2023-08-01-preview"), 200, ""),
        (format!("{base}?api-version=2025-12-01"), 200, ""),
        (format!("{base}?api-version=2021-07-01"), 200, ""),
    ];
    for (url, status, code) in cases {
        let r = h.send_url("GET", &url, None).await;
        assert_eq!(r.status, status, "{url}");
        assert_eq!(r.code(), code, "{url}");
    }
    h.emu.shutdown().await;
}

#[tokio::test]
async fn missing_things_get_the_arm_error_of_their_level() {
    let h = start(fast_config()).await;
    let other_sub = "11111111-1111-1111-1111-111111111111";
    let cases = [
        (format!("/subscriptions/{other_sub}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"), 404, "SubscriptionNotFound"),
        (format!("/subscriptions/{SUB}/resourceGroups/nope/providers/Microsoft.MachineLearningServices/workspaces/ws"), 404, "ResourceGroupNotFound"),
        (format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/nope"), 404, "ResourceNotFound"),
        (format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/nope"), 404, "NotFound"),
        (format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/datastores"), 404, "NotFound"),
        ("/nothing/here".to_string(), 404, "NotFound"),
        // ARM paths are case-insensitive.
        (format!("/SUBSCRIPTIONS/{SUB}/resourcegroups/RG/providers/microsoft.machinelearningservices/workspaces/WS"), 200, ""),
    ];
    for (path, status, code) in cases {
        let r = h.get(&path).await;
        assert_eq!((r.status, r.code()), (status, code), "{path}: {:?}", r.body);
    }
    let r = h.send("POST", &h.ws_path(), None).await;
    assert_eq!((r.status, r.code()), (405, "MethodNotAllowed"));
    let echoed = h
        .http
        .get(h.url(&h.ws_path()))
        .bearer_auth("t")
        .header("x-ms-client-request-id", "my-request-7")
        .send()
        .await
        .expect("reply");
    let header = |name: &str| echoed.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(header("x-ms-client-request-id").as_deref(), Some("my-request-7"));
    assert!(header("x-ms-request-id").is_some() && header("x-ms-correlation-request-id").is_some());
    h.emu.shutdown().await;
}

#[tokio::test]
async fn workspace_get_and_lists() {
    let mut config = fast_config();
    config.workspaces.push("00000000-0000-0000-0000-000000000000/rg2/ws-eu/westeurope".parse().expect("seed"));
    let h = start(config).await;
    let ws = h.get(&h.ws_path()).await;
    assert_eq!(ws.status, 200);
    assert_eq!(ws.body["location"], "eastus");
    assert_eq!(ws.body["name"], "ws");
    assert_eq!(ws.body["type"], "Microsoft.MachineLearningServices/workspaces");
    assert_eq!(ws.body["properties"]["provisioningState"], "Succeeded");
    let all = h.get(&format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/workspaces")).await;
    assert_eq!(all.body["value"].as_array().map(Vec::len), Some(2));
    let rg2 = h
        .get(&format!("/subscriptions/{SUB}/resourceGroups/rg2/providers/Microsoft.MachineLearningServices/workspaces"))
        .await;
    let names: Vec<&str> =
        rg2.body["value"].as_array().into_iter().flatten().filter_map(|w| w["name"].as_str()).collect();
    assert_eq!(names, ["ws-eu"]);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn subscriptions_and_workspace_lists_page_with_next_links() {
    let other = "11111111-1111-1111-1111-111111111111";
    let mut config = fast_config();
    config.page_size = 2;
    for seed in ["rg2/ws-eu/westeurope", "rg2/ws-b", "rg3/ws-c"] {
        config.workspaces.push(format!("{SUB}/{seed}").parse().expect("seed"));
    }
    config.workspaces.push(format!("{other}/rg/ws-other").parse().expect("seed"));
    let h = start(config).await;

    // Each subscription once, in the order first served, in Microsoft.Resources' shape.
    let subs = h.send_url("GET", &format!("{}/subscriptions?api-version=2022-12-01", h.emu.base_url()), None).await;
    assert_eq!(subs.status, 200, "{:?}", subs.body);
    let ids: Vec<&str> =
        subs.body["value"].as_array().into_iter().flatten().filter_map(|s| s["subscriptionId"].as_str()).collect();
    assert_eq!(ids, [SUB, other]);
    assert_eq!(subs.body["value"][0]["state"], "Enabled");
    assert_eq!(subs.body["value"][1]["id"], format!("/subscriptions/{other}"));
    assert!(subs.body["value"][0]["displayName"].as_str().is_some_and(|n| !n.is_empty()));
    // Microsoft.Resources versions, not Azure ML's.
    let bad = h.send_url("GET", &format!("{}/subscriptions?api-version=1999-01-01", h.emu.base_url()), None).await;
    assert_eq!((bad.status, bad.code()), (400, "InvalidApiVersionParameter"));
    let missing = h.send_url("GET", &format!("{}/subscriptions", h.emu.base_url()), None).await;
    assert_eq!((missing.status, missing.code()), (400, "MissingApiVersionParameter"));

    // Four workspaces in SUB, two per page: follow nextLink to the end.
    let mut url = h.url(&format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/workspaces"));
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let page = h.send_url("GET", &url, None).await;
        assert_eq!(page.status, 200);
        pages += 1;
        names.extend(
            page.body["value"].as_array().into_iter().flatten().filter_map(|w| w["name"].as_str().map(str::to_string)),
        );
        match page.body["nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 2);
    assert_eq!(names, ["ws", "ws-eu", "ws-b", "ws-c"]);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn compute_lists_are_paged_with_absolute_next_links() {
    let mut config = fast_config();
    config.seed_computes = true;
    config.page_size = 2;
    let h = start(config).await;
    let mut url = h.url(&format!("{}/computes", h.ws_path()));
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let r = h.send_url("GET", &url, None).await;
        assert_eq!(r.status, 200);
        pages += 1;
        let value = r.body["value"].as_array().cloned().unwrap_or_default();
        assert!(value.len() <= 2);
        names.extend(value.iter().filter_map(|c| c["name"].as_str().map(str::to_string)));
        match r.body["nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with("http://127.0.0.1:"), "{next}");
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["ci-running", "ci-stopped", "cpu-cluster", "k8s-attached", "vm-attached"]);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn seeded_computes_have_the_arm_shape_and_no_secrets() {
    let mut config = fast_config();
    config.seed_computes = true;
    let h = start(config).await;
    let ci = h.get(&h.compute_path("ci-running")).await.body;
    assert_eq!(ci["type"], "Microsoft.MachineLearningServices/workspaces/computes");
    assert_eq!(ci["id"], format!("{}/computes/ci-running", h.ws_path()));
    let p = &ci["properties"];
    assert_eq!(p["computeType"], "ComputeInstance");
    assert_eq!(p["provisioningState"], "Succeeded");
    assert_eq!(p["isAttachedCompute"], false);
    assert_eq!(p["properties"]["state"], "Running");
    assert_eq!(p["properties"]["sshSettings"]["adminUserName"], "azureuser");
    assert!(p["properties"]["connectivityEndpoints"]["publicIpAddress"].is_string());
    let apps: Vec<&str> = p["properties"]["applications"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["displayName"].as_str())
        .collect();
    for app in ["Jupyter", "Jupyter Lab", "RStudio", "VS Code (Web)"] {
        assert!(apps.contains(&app), "{apps:?}");
    }
    let stopped = h.get(&h.compute_path("ci-stopped")).await.body;
    assert_eq!(stopped["properties"]["properties"]["state"], "Stopped");
    let cluster = h.get(&h.compute_path("cpu-cluster")).await.body;
    assert_eq!(cluster["properties"]["properties"]["currentNodeCount"], 1);
    assert_eq!(cluster["properties"]["properties"]["allocationState"], "Steady");
    let k8s = h.get(&h.compute_path("k8s-attached")).await.body;
    assert_eq!(k8s["properties"]["isAttachedCompute"], true);
    assert!(k8s["properties"]["resourceId"].as_str().is_some_and(|id| id.contains("managedClusters")));
    let vm = h.get(&h.compute_path("vm-attached")).await;
    assert_eq!(vm.body["properties"]["computeType"], "VirtualMachine");
    let text = vm.body.to_string();
    assert!(!text.contains("demo-password-not-real"), "GET must not return the VM password: {text}");
    let keys = h.send("POST", &format!("{}/listKeys", h.compute_path("vm-attached")), None).await;
    assert_eq!(keys.status, 200);
    assert_eq!(keys.body["computeType"], "VirtualMachine");
    assert_eq!(keys.body["administratorAccount"]["password"], "demo-password-not-real");
    let ci_keys = h.send("POST", &format!("{}/listKeys", h.compute_path("ci-running")), None).await;
    assert_eq!((ci_keys.status, ci_keys.code()), (400, "UserError"));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn ssh_endpoint_override_reaches_instances_and_nodes() {
    let mut config = fast_config();
    config.seed_computes = true;
    config.ssh_endpoint = Some(("127.0.0.1".to_string(), 2222));
    config.ssh_user = Some("tester".to_string());
    let h = start(config).await;
    let ci = h.get(&h.compute_path("ci-running")).await.body;
    assert_eq!(ci["properties"]["properties"]["connectivityEndpoints"]["publicIpAddress"], "127.0.0.1");
    assert_eq!(ci["properties"]["properties"]["sshSettings"]["sshPort"], 2222);
    assert_eq!(ci["properties"]["properties"]["sshSettings"]["sshPublicAccess"], "Enabled");
    assert_eq!(ci["properties"]["properties"]["sshSettings"]["adminUserName"], "tester");
    let cluster = h.get(&h.compute_path("cpu-cluster")).await.body;
    assert_eq!(cluster["properties"]["properties"]["userAccountCredentials"]["adminUserName"], "tester");
    let nodes = h.send("POST", &format!("{}/listNodes", h.compute_path("cpu-cluster")), None).await;
    assert_eq!(nodes.status, 200);
    assert_eq!(nodes.body["nodes"][0]["publicIpAddress"], "127.0.0.1");
    assert_eq!(nodes.body["nodes"][0]["port"], 2222);
    assert_eq!(nodes.body["nodes"][0]["nodeState"], "idle");
    let on_ci = h.send("POST", &format!("{}/listNodes", h.compute_path("ci-running")), None).await;
    assert_eq!(on_ci.status, 400);
    assert_eq!(on_ci.body["error"]["message"], "ComputeListNodes with computeType ComputeInstance is not supported.");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn vm_sizes_by_region() {
    let h = start(fast_config()).await;
    let sizes =
        |loc: &str| format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/{loc}/vmSizes");
    let east = h.get(&sizes("eastus")).await;
    assert_eq!(east.status, 200);
    let list = east.body["value"].as_array().cloned().unwrap_or_default();
    let ds3 = list.iter().find(|s| s["name"] == "Standard_DS3_v2").cloned().unwrap_or_default();
    assert_eq!(ds3["vCPUs"], 4);
    assert_eq!(ds3["memoryGB"], 14.0);
    assert_eq!(ds3["gpus"], 0);
    assert_eq!(ds3["family"], "standardDSv2Family");
    assert_eq!(ds3["supportedComputeTypes"], json!(["AmlCompute", "ComputeInstance"]));
    assert_eq!(ds3["estimatedVMPrices"]["billingCurrency"], "USD");
    let tiers: Vec<&str> = ds3["estimatedVMPrices"]["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["vmTier"].as_str())
        .collect();
    assert_eq!(tiers, ["Standard", "LowPriority"]);
    assert!(list.iter().any(|s| s["gpus"].as_u64().unwrap_or(0) >= 1), "some GPU size");
    let has = |body: &Value, name: &str| body["value"].as_array().into_iter().flatten().any(|s| s["name"] == name);
    assert!(has(&east.body, "Standard_NC6"));
    let eu = h.get(&sizes("westeurope")).await;
    assert!(has(&eu.body, "Standard_DS3_v2") && !has(&eu.body, "Standard_NC6"));
    let nowhere = h.get(&sizes("atlantis")).await;
    assert_eq!((nowhere.status, nowhere.code()), (400, "LocationNotAvailableForResourceType"));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn usages_and_quotas_follow_the_computes() {
    let h = start(fast_config()).await;
    let usages = format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/eastus/usages");
    let family_row = |body: &Value| {
        body["value"].as_array().into_iter().flatten().find(|u| u["name"]["value"] == "standardDSv2Family").cloned()
    };
    let before = h.get(&usages).await;
    assert_eq!(before.status, 200);
    let row = family_row(&before.body).unwrap_or_default();
    assert_eq!(row["currentValue"], 0);
    assert_eq!(row["unit"], "Count");
    assert!(row["limit"].as_u64().unwrap_or(0) > 0);
    h.create("cluster-a", cluster_body("Standard_DS3_v2", 0, 3)).await;
    let after = h.get(&usages).await;
    assert_eq!(family_row(&after.body).unwrap_or_default()["currentValue"], 12);
    let total = after.body["value"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["name"]["value"] == "Total Cluster Dedicated Regional vCPUs")
        .cloned();
    assert_eq!(total.unwrap_or_default()["currentValue"], 12);
    let quotas = h
        .get(&format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/locations/eastus/quotas"))
        .await;
    assert_eq!(quotas.status, 200);
    let q = quotas.body["value"][0].clone();
    assert_eq!(q["type"], "Microsoft.MachineLearningServices/workspaces/quotas");
    assert!(q["id"].as_str().is_some_and(|id| id.starts_with(&h.ws_path())));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn instance_settings_actions() {
    let mut config = fast_config();
    config.seed_computes = true;
    let h = start(config).await;
    let ci = h.compute_path("ci-running");
    let cases: Vec<(&str, Value, u16)> = vec![
        ("updateIdleShutdownSetting", json!({"idleTimeBeforeShutdown": "PT30M"}), 200),
        ("updateIdleShutdownSetting", json!({"idleTimeBeforeShutdown": "PT5M"}), 400),
        ("updateIdleShutdownSetting", json!({"idleTimeBeforeShutdown": "P4D"}), 400),
        ("updateIdleShutdownSetting", json!({"idleTimeBeforeShutdown": "thirty"}), 400),
        (
            "customServices",
            json!([{"name": "rstudio", "image": {"type": "docker", "reference": "ghcr.io/x/rstudio:latest"}, "endpoints": [{"name": "connect", "target": 8787, "published": 8787, "protocol": "http"}]}]),
            200,
        ),
        (
            "customServices",
            json!([{"name": "low", "endpoints": [{"name": "c", "target": 80, "published": 1025}]}]),
            400,
        ),
        ("customServices", json!({"not": "a list"}), 400),
        (
            "updateDataMounts",
            json!([{"source": "azureml://datastores/x", "sourceType": "URI", "mountName": "m", "mountAction": "Mount", "mountPath": "/mnt/m"}]),
            200,
        ),
        ("enableSso", json!({"enableSSO": false}), 200),
    ];
    for (action, body, status) in cases {
        let r = h.send("POST", &format!("{ci}/{action}"), Some(&body)).await;
        assert_eq!(r.status, status, "{action} {body}: {:?}", r.body);
        if status == 400 {
            assert_eq!(r.code(), "UserError");
        }
    }
    let got = h.get(&ci).await.body;
    let p = &got["properties"]["properties"];
    assert_eq!(p["idleTimeBeforeShutdown"], "PT30M");
    assert_eq!(p["enableSSO"], false);
    assert_eq!(p["dataMounts"][0]["mountName"], "m");
    assert!(p["applications"].as_array().into_iter().flatten().any(|a| a["displayName"] == "rstudio"));
    let on_cluster = h
        .send(
            "POST",
            &format!("{}/updateIdleShutdownSetting", h.compute_path("cpu-cluster")),
            Some(&json!({"idleTimeBeforeShutdown": "PT30M"})),
        )
        .await;
    assert_eq!((on_cluster.status, on_cluster.code()), (400, "UserError"));
    let missing = h.send("POST", &format!("{}/customServices", h.compute_path("nope")), Some(&json!([]))).await;
    assert_eq!(missing.status, 404);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn a_thousand_computes_list_completely_through_next_links() {
    let mut config = fast_config();
    config.bulk_computes = 1000;
    config.page_size = 100;
    let h = start(config).await;
    let started = std::time::Instant::now();
    let mut url = h.url(&format!("{}/computes", h.ws_path()));
    let mut count = 0;
    loop {
        let r = h.send_url("GET", &url, None).await;
        assert_eq!(r.status, 200);
        count += r.body["value"].as_array().map(Vec::len).unwrap_or(0);
        match r.body["nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(count, 1000);
    eprintln!("listed 1000 computes in {:?} (debug build, 10 pages)", started.elapsed());
    h.emu.shutdown().await;
}
