//! The ARM client against a scripted loopback server: long-running operations, retries under 429/503 storms and cut
//! connections (never a duplicate create), token refresh, safety refusals, paging, and no secret in the logs.

mod fake;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use amlc_azure::client::{ArmClient, ClientOptions, RetryPolicy, WaitOptions};
use amlc_azure::credential::{AccessToken, StaticToken, TokenSource};
use amlc_azure::{AzureError, UnderlyingResourceAction, WorkspaceRef};
use fake::{json, with_headers, Reply, Request};
use futures::future::BoxFuture;
use serde_json::json as j;

fn ws() -> WorkspaceRef {
    WorkspaceRef::new("sub", "rg", "ws")
}

fn options(base: &str) -> ClientOptions {
    let mut options = ClientOptions::with_endpoint(base).expect("endpoint");
    options.retry =
        RetryPolicy { max_retries: 8, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(20) };
    options.request_timeout = Duration::from_secs(5);
    options
}

fn client(base: &str) -> ArmClient {
    ArmClient::new(options(base), Arc::new(StaticToken::new("test-token"))).expect("client")
}

fn fast_wait() -> WaitOptions {
    WaitOptions { poll_interval: Duration::from_millis(5), timeout: Duration::from_secs(10), ..WaitOptions::default() }
}

fn compute(name: &str, kind: &str, state: &str) -> serde_json::Value {
    j!({"name": name, "properties": {"computeType": kind, "provisioningState": "Succeeded", "properties": {"state": state}}})
}

#[tokio::test]
async fn async_operation_reports_progress_then_succeeds() {
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let fake = fake::start(Arc::new(move |r: &Request| {
        if r.method == "POST" && r.path().ends_with("/start") {
            // The poll URL is absolute; the fake learns its own address from the Host header.
            let host = r.header("host").unwrap_or("").to_string();
            return with_headers(
                202,
                &[("Azure-AsyncOperation", &format!("http://{host}/ops/1")), ("Retry-After", "0")],
                j!(null),
            );
        }
        if r.path() == "/ops/1" {
            let n = p.fetch_add(1, Ordering::SeqCst);
            return json(200, j!({"status": if n < 2 { "InProgress" } else { "Succeeded" }}));
        }
        json(404, j!({"error": {"code": "NotFound", "message": "no"}}))
    }))
    .await;
    let client = client(&fake.base);
    let op = client.begin_start(&ws(), "ci1").await.expect("start accepted");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let mut wait = fast_wait();
    wait.progress = Some(Arc::new(move |p: &amlc_azure::Progress| {
        if let Ok(mut v) = s.lock() {
            v.push(p.status.clone());
        }
    }));
    client.wait(&op, &wait).await.expect("succeeds");
    assert_eq!(polls.load(Ordering::SeqCst), 3);
    assert_eq!(seen.lock().map(|v| v.clone()).unwrap_or_default(), vec!["InProgress", "InProgress"]);
}

#[tokio::test]
async fn failed_poll_carries_the_service_error() {
    let fake = fake::start(Arc::new(|r: &Request| {
        let host = r.header("host").unwrap_or("").to_string();
        if r.path().ends_with("/start") {
            return with_headers(202, &[("Azure-AsyncOperation", &format!("http://{host}/ops/2"))], j!(null));
        }
        json(
            200,
            j!({"status": "Failed", "error": {"code": "StartComputeInstanceOnlyAllowedInStoppedState",
            "message": "Start Azure ML Compute Instance is only allowed when the instance ci1 is in 'stopped' state"}}),
        )
    }))
    .await;
    let client = client(&fake.base);
    let op = client.begin_start(&ws(), "ci1").await.expect("accepted");
    let err = client.wait(&op, &fast_wait()).await.expect_err("fails");
    let arm = err.arm().cloned().unwrap_or_default();
    assert_eq!(arm.code, "StartComputeInstanceOnlyAllowedInStoppedState");
    assert!(err.hint().unwrap_or_default().contains("'stopped'"));
}

#[tokio::test]
async fn location_polling_and_timeout_and_cancel() {
    let fake = fake::start(Arc::new(|r: &Request| {
        let host = r.header("host").unwrap_or("").to_string();
        match r.path() {
            p if p.ends_with("/restart") => {
                with_headers(202, &[("Location", &format!("http://{host}/loc/done"))], j!(null))
            }
            p if p.ends_with("/stop") => {
                with_headers(202, &[("Location", &format!("http://{host}/loc/never"))], j!(null))
            }
            "/loc/done" => with_headers(200, &[], j!(null)),
            _ => with_headers(202, &[], j!(null)),
        }
    }))
    .await;
    let client = client(&fake.base);
    let op = client.begin_restart(&ws(), "ci1").await.expect("accepted");
    client.wait(&op, &fast_wait()).await.expect("done via Location 200");

    let op = client.begin_stop(&ws(), "ci1").await.expect("accepted");
    let mut wait = fast_wait();
    wait.timeout = Duration::from_millis(60);
    assert!(matches!(client.wait(&op, &wait).await, Err(AzureError::Timeout(_))));

    let wait = fast_wait();
    let cancel = wait.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        cancel.cancel();
    });
    assert!(matches!(client.wait(&op, &wait).await, Err(AzureError::Cancelled)));
}

#[tokio::test]
async fn reads_survive_429_and_503_storms_and_dropped_connections() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let fake = fake::start(Arc::new(move |_r: &Request| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        match n {
            0 | 1 => with_headers(
                429,
                &[("Retry-After", "0")],
                j!({"error": {"code": "TooManyRequests", "message": "slow"}}),
            ),
            2 => json(503, j!({"error": {"code": "ServiceUnavailable", "message": "busy"}})),
            3 => Reply::Drop,
            4 => json(500, j!({"error": {"code": "InternalServerError", "message": "oops"}})),
            _ => json(200, compute("ci1", "ComputeInstance", "Running")),
        }
    }))
    .await;
    let client = client(&fake.base);
    let got = client.get_compute(&ws(), "ci1").await.expect("eventually ok");
    assert_eq!(got.and_then(|c| c.state().map(str::to_string)).as_deref(), Some("Running"));
    assert_eq!(calls.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn storm_longer_than_the_budget_ends_with_a_clear_error() {
    let fake = fake::start(Arc::new(|_r: &Request| {
        with_headers(429, &[("Retry-After", "0")], j!({"error": {"code": "TooManyRequests", "message": "slow down"}}))
    }))
    .await;
    let client = client(&fake.base);
    let err = client.list_computes(&ws()).await.expect_err("gives up");
    // Busy, not refused: how often and how long amlc tried, and what to do.
    let words = err.to_string();
    assert!(words.starts_with("Azure is busy (HTTP 429); tried 9 times over "), "{words}");
    assert!(words.ends_with("; try again in a minute") && !words.contains("refused"), "{words}");
    assert!(err.hint().unwrap_or_default().contains("throttling"));
    assert_eq!(err.arm().map(|e| e.code.as_str()), Some("TooManyRequests"));
    assert_eq!(fake.requests().len(), 9, "first try plus 8 retries");
}

/// A fake ARM holding one compute table, where PUT faults are scripted per attempt.
fn create_server(put_faults: Vec<&'static str>) -> (fake::Handler, Arc<AtomicUsize>) {
    let created = Arc::new(AtomicUsize::new(0));
    let exists = Arc::new(Mutex::new(false));
    let attempt = Arc::new(AtomicUsize::new(0));
    let c = created.clone();
    let handler: fake::Handler = Arc::new(move |r: &Request| {
        let here = exists.lock().map(|e| *e).unwrap_or(false);
        match r.method.as_str() {
            "GET" if here => json(200, compute("c1", "AmlCompute", "Creating")),
            "GET" => json(404, j!({"error": {"code": "NotFound", "message": "no"}})),
            "PUT" => {
                let n = attempt.fetch_add(1, Ordering::SeqCst);
                let fault = put_faults.get(n).copied().unwrap_or("ok");
                let process = |exists: &Mutex<bool>| {
                    if let Ok(mut e) = exists.lock() {
                        if !*e {
                            c.fetch_add(1, Ordering::SeqCst);
                        }
                        *e = true;
                    }
                };
                match fault {
                    "429" => with_headers(
                        429,
                        &[("Retry-After", "0")],
                        j!({"error": {"code": "TooManyRequests", "message": "x"}}),
                    ),
                    "503" => json(503, j!({"error": {"code": "ServiceUnavailable", "message": "x"}})),
                    "drop-before" => Reply::Drop,
                    "drop-after" => {
                        process(&exists);
                        Reply::Drop
                    }
                    "500-after" => {
                        process(&exists);
                        json(500, j!({"error": {"code": "InternalServerError", "message": "x"}}))
                    }
                    _ => {
                        process(&exists);
                        json(201, compute("c1", "AmlCompute", "Creating"))
                    }
                }
            }
            _ => json(405, j!({})),
        }
    });
    (handler, created)
}

#[tokio::test]
async fn creates_land_exactly_once_whatever_the_faults() {
    let scripts: Vec<Vec<&'static str>> = vec![
        vec!["429", "429", "503", "ok"],
        vec!["drop-after"],
        vec!["500-after"],
        vec!["drop-before", "ok"],
        vec!["503", "drop-after"],
    ];
    for script in scripts {
        let (handler, created) = create_server(script.clone());
        let fake = fake::start(handler).await;
        let client = client(&fake.base);
        let op = client.begin_create_or_update(&ws(), "c1", &j!({"properties": {"computeType": "AmlCompute"}})).await;
        assert!(op.is_ok(), "{script:?}: {:?}", op.err());
        assert_eq!(created.load(Ordering::SeqCst), 1, "{script:?}: the compute is created exactly once");
        let puts_after_landing = fake.requests().iter().filter(|r| r.method == "PUT").count();
        assert!(puts_after_landing <= script.len().max(1), "{script:?}: no PUT after the create landed");
    }
}

struct Rotating {
    calls: AtomicUsize,
}

impl TokenSource for Rotating {
    fn name(&self) -> &str {
        "rotating"
    }
    fn get_token<'a>(&'a self, _scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            Ok(AccessToken::new(format!("token-{n}"), time::OffsetDateTime::now_utc() + Duration::from_secs(3600)))
        })
    }
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once() {
    let fake = fake::start(Arc::new(|r: &Request| {
        if r.header("authorization") == Some("Bearer token-0") {
            return json(401, j!({"error": {"code": "ExpiredAuthenticationToken", "message": "expired"}}));
        }
        json(200, j!({"value": []}))
    }))
    .await;
    let tokens = Arc::new(Rotating { calls: AtomicUsize::new(0) });
    let client = ArmClient::new(options(&fake.base), tokens.clone()).expect("client");
    let list = client.list_computes(&ws()).await.expect("ok after refresh");
    assert!(list.is_empty());
    assert_eq!(tokens.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn tokens_stay_on_https_or_loopback_and_on_the_endpoint() {
    let plain = ArmClient::new(
        ClientOptions::with_endpoint("http://example.com").expect("url"),
        Arc::new(StaticToken::new("t")),
    );
    assert!(matches!(plain.err(), Some(AzureError::Refused(_))));
    assert!(ArmClient::new(
        ClientOptions::with_endpoint("https://management.azure.com").expect("url"),
        Arc::new(StaticToken::new("t"))
    )
    .is_ok());

    // A nextLink pointing elsewhere is not followed with our token.
    let fake = fake::start(Arc::new(|_r: &Request| {
        json(200, j!({"value": [compute("a", "AmlCompute", "")], "nextLink": "https://evil.example.com/steal"}))
    }))
    .await;
    let err = client(&fake.base).list_computes(&ws()).await.expect_err("refused");
    assert!(matches!(err, AzureError::Refused(_)), "{err}");
}

#[tokio::test]
async fn paging_follows_next_link() {
    let fake = fake::start(Arc::new(|r: &Request| {
        let host = r.header("host").unwrap_or("").to_string();
        let page: usize = r.path_and_query.split("page=").nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        let items: Vec<_> = (0..3).map(|i| compute(&format!("c{page}-{i}"), "AmlCompute", "")).collect();
        let next =
            if page < 2 { j!(format!("http://{host}{}?api-version=x&page={}", r.path(), page + 1)) } else { j!(null) };
        json(200, j!({"value": items, "nextLink": next}))
    }))
    .await;
    let list = client(&fake.base).list_computes(&ws()).await.expect("pages");
    assert_eq!(list.len(), 9);
    assert_eq!(list[8].name, "c2-2");
}

#[tokio::test]
async fn attached_computes_are_detached_never_deleted() {
    let fake = fake::start(Arc::new(|r: &Request| match r.method.as_str() {
        "GET" => json(200, j!({"name": "k8s", "properties": {"computeType": "Kubernetes", "isAttachedCompute": true}})),
        "DELETE" => with_headers(200, &[], j!(null)),
        _ => json(405, j!({})),
    }))
    .await;
    let client = client(&fake.base);
    let err = client.begin_delete(&ws(), "k8s", UnderlyingResourceAction::Delete).await.expect_err("refused");
    assert!(err.to_string().contains("detach"), "{err}");
    assert_eq!(fake.count("DELETE", "/computes/k8s"), 0, "nothing was sent");
    client.begin_delete(&ws(), "k8s", UnderlyingResourceAction::Detach).await.expect("detach");
    let deletes: Vec<_> = fake.requests().into_iter().filter(|r| r.method == "DELETE").collect();
    assert_eq!(deletes.len(), 1);
    assert!(deletes[0].path_and_query.contains("underlyingResourceAction=Detach"));
}

#[tokio::test]
async fn wait_for_compute_waits_for_the_asked_state() {
    let gets = Arc::new(AtomicUsize::new(0));
    let g = gets.clone();
    let fake = fake::start(Arc::new(move |_r: &Request| {
        let n = g.fetch_add(1, Ordering::SeqCst);
        // Provisioning says Succeeded from the start; the instance is Running only at the third look.
        json(200, compute("ci1", "ComputeInstance", if n < 2 { "Starting" } else { "Running" }))
    }))
    .await;
    let client = client(&fake.base);
    let got = client
        .wait_for_compute(&ws(), "ci1", "start ci1", &fast_wait(), |c| match c.and_then(|c| c.state()) {
            Some("Running") => amlc_azure::Check::Done,
            _ => amlc_azure::Check::Continue,
        })
        .await
        .expect("running");
    assert_eq!(got.and_then(|c| c.state().map(str::to_string)).as_deref(), Some("Running"));
    assert_eq!(gets.load(Ordering::SeqCst), 3);
}

struct ShortLived {
    calls: AtomicUsize,
}

impl TokenSource for ShortLived {
    fn name(&self) -> &str {
        "short-lived"
    }
    fn get_token<'a>(&'a self, _scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            // Each token expires within the refresh margin, so the next request must not reuse it.
            Ok(AccessToken::new(format!("short-{n}"), time::OffsetDateTime::now_utc() + Duration::from_secs(2)))
        })
    }
}

#[tokio::test]
async fn a_token_expiring_mid_operation_is_replaced_before_it_lapses() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let fake = fake::start(Arc::new(move |r: &Request| {
        if let Ok(mut v) = s.lock() {
            v.push(r.header("authorization").unwrap_or("").to_string());
        }
        let host = r.header("host").unwrap_or("").to_string();
        if r.path().ends_with("/stop") {
            return with_headers(202, &[("Location", &format!("http://{host}/loc/1"))], j!(null));
        }
        let polls = s.lock().map(|v| v.len()).unwrap_or(0);
        with_headers(if polls < 4 { 202 } else { 200 }, &[], j!(null))
    }))
    .await;
    let client =
        ArmClient::new(options(&fake.base), Arc::new(ShortLived { calls: AtomicUsize::new(0) })).expect("client");
    let op = client.begin_stop(&ws(), "ci1").await.expect("accepted");
    client.wait(&op, &fast_wait()).await.expect("done");
    let seen = seen.lock().map(|v| v.clone()).unwrap_or_default();
    assert!(seen.len() >= 4);
    let distinct: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(distinct.len(), seen.len(), "every request carried a fresh token: {seen:?}");
}
