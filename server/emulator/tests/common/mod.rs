//! Test helpers: start an emulator on a free loopback port, call it over real HTTP with a bearer token,
//! and wait for long-running operations the way a client does (poll with a deadline, never a fixed sleep).

#![allow(dead_code)]

use std::time::{Duration, Instant};

use amlc_emulator::{EmulatorConfig, RunningEmulator};
use serde_json::Value;

pub const API: &str = "2025-12-01";
pub const SUB: &str = "00000000-0000-0000-0000-000000000000";

pub struct Harness {
    pub emu: RunningEmulator,
    pub http: reqwest::Client,
}

/// Fast operations (300 ms) so flows finish quickly but are still observable in flight.
pub fn fast_config() -> EmulatorConfig {
    EmulatorConfig { op_duration: Duration::from_millis(300), log_requests: false, ..EmulatorConfig::default() }
}

pub async fn start(config: EmulatorConfig) -> Harness {
    let addr = "127.0.0.1:0".parse().expect("literal address");
    let emu = amlc_emulator::start(config, addr).await.expect("emulator starts on loopback");
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("http client");
    Harness { emu, http }
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Harness {
    pub fn ws_path(&self) -> String {
        format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws")
    }

    pub fn compute_path(&self, name: &str) -> String {
        format!("{}/computes/{name}", self.ws_path())
    }

    pub fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}api-version={API}", self.emu.base_url())
    }

    /// Sends a request to an absolute URL with a bearer token.
    pub async fn send_url(&self, method: &str, url: &str, body: Option<&Value>) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, url).bearer_auth("test-token");
        req = match body {
            Some(b) => req.json(b),
            None => req.header("Content-Length", "0"),
        };
        let resp = req.send().await.expect("request reaches the emulator");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON body") };
        Reply { status, headers, body }
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let url = self.url(path);
        self.send_url(method, &url, body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None).await
    }

    /// Polls an `Azure-AsyncOperation` URL until a terminal status; returns the final status document.
    pub async fn wait_async(&self, url: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let r = self.send_url("GET", url, None).await;
            assert_eq!(r.status, 200, "status URL answers 200: {:?}", r.body);
            let status = r.body["status"].as_str().unwrap_or("").to_string();
            if ["Succeeded", "Failed", "Canceled"].contains(&status.as_str()) {
                return r.body;
            }
            assert!(Instant::now() < deadline, "operation did not finish: {:?}", r.body);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// PUTs a compute and waits for its operation; returns the final GET.
    pub async fn create(&self, name: &str, body: Value) -> Value {
        let r = self.send("PUT", &self.compute_path(name), Some(&body)).await;
        assert!(r.status == 201 || r.status == 200, "PUT {name}: {} {:?}", r.status, r.body);
        let url = r.header("Azure-AsyncOperation").expect("Azure-AsyncOperation header");
        let done = self.wait_async(&url).await;
        assert_eq!(done["status"], "Succeeded", "{done:?}");
        self.get(&self.compute_path(name)).await.body
    }

    /// Runs a POST action and waits for its operation; returns the final status document.
    pub async fn act(&self, name: &str, action: &str) -> Value {
        let r = self.send("POST", &format!("{}/{action}", self.compute_path(name)), None).await;
        assert_eq!(r.status, 202, "{action} {name}: {:?}", r.body);
        let url = r.header("Azure-AsyncOperation").expect("Azure-AsyncOperation header");
        self.wait_async(&url).await
    }

    pub async fn state_of(&self, name: &str) -> String {
        let r = self.get(&self.compute_path(name)).await;
        r.body["properties"]["properties"]["state"].as_str().unwrap_or("").to_string()
    }
}

pub fn instance_body(size: &str) -> Value {
    serde_json::json!({
        "location": "eastus",
        "properties": {"computeType": "ComputeInstance", "properties": {"vmSize": size, "sshSettings": {"sshPublicAccess": "Enabled"}}}
    })
}

pub fn cluster_body(size: &str, min: u64, max: u64) -> Value {
    serde_json::json!({
        "location": "eastus",
        "properties": {"computeType": "AmlCompute", "properties": {
            "vmSize": size, "vmPriority": "Dedicated",
            "scaleSettings": {"minNodeCount": min, "maxNodeCount": max, "nodeIdleTimeBeforeScaleDown": "PT2M"}
        }}
    })
}
