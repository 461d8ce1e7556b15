//! Fault injection and persistence over real HTTP: periodic 429 with Retry-After, 500/503 storms, slow
//! responses, dropped connections (served, then cut), and the state file surviving a restart.

mod common;

use std::time::{Duration, Instant};

use amlc_emulator::FaultConfig;
use common::*;

#[tokio::test]
async fn every_nth_request_is_throttled_with_retry_after() {
    let mut config = fast_config();
    config.faults = FaultConfig { throttle_every: Some(3), retry_after_secs: 2, ..FaultConfig::default() };
    let h = start(config).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = h.get(&h.ws_path()).await;
        if r.status == 429 {
            assert_eq!(r.header("Retry-After").as_deref(), Some("2"));
            assert_eq!(r.code(), "TooManyRequests");
        }
        statuses.push(r.status);
    }
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);
    h.emu.shutdown().await;
}

#[tokio::test]
async fn server_error_storms() {
    let mut config = fast_config();
    config.faults = FaultConfig { server_error_rate: 1.0, ..FaultConfig::default() };
    let h = start(config).await;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..30 {
        let r = h.get(&h.ws_path()).await;
        assert!(r.status == 500 || r.status == 503, "{}", r.status);
        if r.status == 503 {
            assert!(r.header("Retry-After").is_some());
        }
        seen.insert(r.status);
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), [500, 503]);
    h.emu.shutdown().await;

    let mut config = fast_config();
    config.faults = FaultConfig { server_error_rate: 0.3, ..FaultConfig::default() };
    let h = start(config).await;
    let mut failures = 0;
    for _ in 0..100 {
        if h.get(&h.ws_path()).await.status >= 500 {
            failures += 1;
        }
    }
    assert!((15..=45).contains(&failures), "{failures} of 100 at rate 0.3");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn slow_responses() {
    let mut config = fast_config();
    config.faults = FaultConfig { delay: Duration::from_millis(250), ..FaultConfig::default() };
    let h = start(config).await;
    let t = Instant::now();
    assert_eq!(h.get(&h.ws_path()).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(250), "{:?}", t.elapsed());
    h.emu.shutdown().await;
}

#[tokio::test]
async fn dropped_connections_happen_after_the_request_took_effect() {
    let mut config = fast_config();
    config.faults = FaultConfig { drop_every: Some(2), ..FaultConfig::default() };
    let h = start(config).await;
    assert_eq!(h.get(&h.ws_path()).await.status, 200); // request 1
                                                       // Request 2, a create, is served and its connection then dropped: the client sees an error...
    let put =
        h.http.put(h.url(&h.compute_path("ci1"))).bearer_auth("t").json(&instance_body("Standard_DS3_v2")).send().await;
    let outcome = match put {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(outcome, "the second request must fail at the client");
    // ...but the compute exists (request 3), which is why clients must GET before repeating a create.
    let got = h.get(&h.compute_path("ci1")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["properties"]["computeType"], "ComputeInstance");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("emulator-state.json");
    let mut config = fast_config();
    config.state_file = Some(path.clone());
    config.seed_computes = true;
    let h = start(config.clone()).await;
    h.create("kept", instance_body("Standard_DS3_v2")).await;
    let r = h.send("DELETE", &format!("{}?underlyingResourceAction=Delete", h.compute_path("ci-stopped")), None).await;
    h.wait_async(&r.header("Azure-AsyncOperation").unwrap_or_default()).await;
    // A POST after the deletion ended writes the settled state.
    h.send("POST", &format!("{}/listNodes", h.compute_path("cpu-cluster")), None).await;
    h.emu.shutdown().await;
    assert!(path.is_file());

    let h = start(config).await;
    let list = h.get(&format!("{}/computes", h.ws_path())).await;
    let names: Vec<&str> =
        list.body["value"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["ci-running", "cpu-cluster", "k8s-attached", "kept", "vm-attached"], "seed is not re-added");
    assert_eq!(h.state_of("kept").await, "Running");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn a_corrupt_state_file_is_reported_not_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{ not json").expect("write");
    let mut config = fast_config();
    config.state_file = Some(path);
    let err = amlc_emulator::start(config, "127.0.0.1:0".parse().expect("addr")).await.err();
    assert_eq!(err.map(|e| e.kind()), Some(std::io::ErrorKind::InvalidData));
}
