//! No secret reaches a log: every operation runs with tracing at TRACE level (our crate and the HTTP stack) into a
//! buffer, with a distinctive token and a body password, including failures; the buffer and the errors' Debug and
//! Display texts must not contain either.

mod fake;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use amlc_azure::client::{ArmClient, ClientOptions, RetryPolicy, WaitOptions};
use amlc_azure::credential::StaticToken;
use amlc_azure::{UnderlyingResourceAction, WorkspaceRef};
use fake::{json, with_headers, Reply, Request};
use serde_json::json as j;

const TOKEN: &str = "TOKEN-d41d8cd98f00b204e9800998ecf8427e";
const PASSWORD: &str = "PASSWORD-8f14e45fceea167a5a36dedd4bea2543";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(data);
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_token_or_password_in_logs_or_errors() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = fake::start(Arc::new(|r: &Request| {
        let host = r.header("host").unwrap_or("").to_string();
        match (r.method.as_str(), r.path()) {
            ("PUT", _) => with_headers(
                201,
                &[("Azure-AsyncOperation", &format!("http://{host}/ops/x"))],
                j!({"name": "c1", "properties": {"computeType": "AmlCompute", "provisioningState": "Creating"}}),
            ),
            ("GET", "/ops/x") => json(200, j!({"status": "Failed", "error": {"code": "BadRequest", "message": "bad"}})),
            ("POST", p) if p.ends_with("/listKeys") => json(
                200,
                j!({"computeType": "VirtualMachine", "administratorAccount": {"username": "u", "password": PASSWORD}}),
            ),
            ("POST", p) if p.ends_with("/start") => {
                json(403, j!({"error": {"code": "AuthorizationFailed", "message": "no"}}))
            }
            ("GET", _) => Reply::Drop,
            _ => json(404, j!({"error": {"code": "NotFound", "message": "no"}})),
        }
    }))
    .await;
    let mut options = ClientOptions::with_endpoint(&fake.base).expect("endpoint");
    options.retry =
        RetryPolicy { max_retries: 2, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(5) };
    let client = ArmClient::new(options, Arc::new(StaticToken::new(TOKEN))).expect("client");
    let ws = WorkspaceRef::new("sub", "rg", "ws");
    let body = j!({"properties": {"computeType": "AmlCompute", "properties": {"userAccountCredentials": {"adminUserName": "u", "adminUserPassword": PASSWORD}}}});

    let mut texts = Vec::new();
    let op = client.begin_create_or_update(&ws, "c1", &body).await;
    texts.push(format!("{op:?}"));
    if let Ok(op) = op {
        let waited =
            client.wait(&op, &WaitOptions { poll_interval: Duration::from_millis(1), ..WaitOptions::default() }).await;
        texts.push(format!("{waited:?}"));
    }
    let keys = client.list_keys(&ws, "c1").await;
    texts.push(format!("{keys:?}"));
    let started = client.begin_start(&ws, "c1").await;
    texts.push(format!("{started:?} {}", started.as_ref().err().map(|e| e.to_string()).unwrap_or_default()));
    let got = client.get_compute(&ws, "c1").await;
    texts.push(format!("{got:?} {}", got.as_ref().err().map(|e| e.to_string()).unwrap_or_default()));
    let deleted = client.begin_delete(&ws, "c1", UnderlyingResourceAction::Delete).await;
    texts.push(format!("{deleted:?}"));
    texts.push(format!("{client:?}", client = client.credential_name()));

    // The secrets did travel where they should: the header and the body reached the server.
    let requests = fake.requests();
    assert!(requests.iter().any(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    assert!(requests.iter().any(|r| r.body.contains(PASSWORD)));
    assert!(
        keys.map(|k| k.expose().to_string().contains(PASSWORD)).unwrap_or(false),
        "listKeys returns the secret on request"
    );

    let log = String::from_utf8_lossy(&buffer.0.lock().map(|b| b.clone()).unwrap_or_default()).to_string();
    assert!(log.contains("ARM response"), "the log captured the client's own events");
    for secret in [TOKEN, PASSWORD] {
        assert!(!log.contains(secret), "secret found in the log");
        for text in &texts {
            assert!(!text.contains(secret), "secret found in an error or Debug text: {text}");
        }
    }
}
