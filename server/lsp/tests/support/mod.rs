//! An in-process client for protocol tests: drives the real `LspService` through `tower::Service`
//! and reads what the server sends back from its socket (tower-lsp's messages and the published
//! diagnostics, as the stdio transport reads them), waiting for a given message with a timeout (never
//! a blind sleep).

#![allow(dead_code)] // Each test file uses a different part of the client.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedReceiver;
use tower::{Service, ServiceExt};
use tower_lsp::jsonrpc::{Id, Request, Response};
use tower_lsp::LspService;

use amlc_lsp::{Backend, Outbound};

pub struct TestClient {
    service: LspService<Backend>,
    /// Everything the server sent; its requests (progress tokens) are answered with `null` at once,
    /// as a client would, by a background task.
    messages: UnboundedReceiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for another one, kept in order.
    backlog: Vec<Value>,
}

/// The token the test client hands out on `amlc/getToken`.
pub const EDITOR_TOKEN: &str = "editor-token-for-tests";

pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A request the server sends (it waits for an answer), with its id.
fn request_of(message: &Outbound) -> Option<(Id, &Request)> {
    match message {
        Outbound::Message(request) => Some((request.id()?.clone(), request)),
        Outbound::Published(_) => None,
    }
}

impl TestClient {
    /// A server initialised with the given client capabilities and initialization options.
    pub async fn start(capabilities: Value, options: Value) -> TestClient {
        let (service, socket) = amlc_lsp::service();
        let (mut outgoing, mut responses) = socket.split();
        let (sender, messages) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(message) = outgoing.next().await {
                if let Some((id, request)) = request_of(&message) {
                    // `amlc/getToken` gets a test token, as the VS Code extension answers with its sign-in.
                    let result = if request.method() == "amlc/getToken" {
                        json!({"token": EDITOR_TOKEN, "expiresOnUnixSeconds": 4_102_444_800i64})
                    } else {
                        Value::Null
                    };
                    let _ = responses.send(Response::from_ok(id, result)).await;
                }
                // The bytes the transport would write, read back as JSON.
                let Ok(message) = serde_json::from_slice::<Value>(&message.into_body()) else { continue };
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let mut client = TestClient { service, messages, next_id: 1, backlog: Vec::new() };
        let mut params = json!({
            "processId": null,
            "rootUri": "file:///work/project",
            "capabilities": capabilities,
            "workspaceFolders": [{"uri": "file:///work/project", "name": "project"}],
        });
        if !options.is_null() {
            params["initializationOptions"] = options;
        }
        client.request("initialize", params).await;
        client.notify("initialized", json!({})).await;
        client
    }

    pub async fn default() -> TestClient {
        TestClient::start(json!({}), Value::Null).await
    }

    /// Sends a request and returns the whole response object (`result` or `error`).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method.to_string()).id(id).params(params).finish();
        let service = self.service.ready().await.expect("service ready");
        let response = tokio::time::timeout(TIMEOUT, service.call(request))
            .await
            .expect("response in time")
            .expect("service call");
        serde_json::to_value(response.expect("a request gets a response")).expect("response JSON")
    }

    /// Sends a request and returns its `result`, failing the test on an error response.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params).await;
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        let notification = Request::build(method.to_string()).params(params).finish();
        let service = self.service.ready().await.expect("service ready");
        let response = service.call(notification).await.expect("service call");
        assert!(response.is_none(), "a notification gets no response");
    }

    /// Waits for the next server→client message with this method, keeping the others for later.
    pub async fn wait_for(&mut self, method: &str) -> Value {
        if let Some(i) = self.backlog.iter().position(|m| m["method"] == method) {
            return self.backlog.remove(i);
        }
        loop {
            let message = tokio::time::timeout(TIMEOUT, self.messages.recv())
                .await
                .unwrap_or_else(|_| panic!("no {method} within {TIMEOUT:?}"))
                .expect("server socket open");
            if message["method"] == method {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// Waits for diagnostics of this document at exactly this version (skipping older ones).
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Value {
        loop {
            let message = self.wait_for("textDocument/publishDiagnostics").await;
            let params = &message["params"];
            if params["uri"] == uri && params["version"] == version {
                return params["diagnostics"].clone();
            }
            assert!(
                params["uri"] != uri || params["version"].as_i64().unwrap_or(0) < version,
                "diagnostics for a newer version than expected: {params}"
            );
        }
    }

    /// Whether any message arrived that was not read yet, within a short grace period.
    pub async fn pending_message(&mut self, wait: Duration) -> Option<Value> {
        if let Some(first) = self.backlog.first() {
            return Some(first.clone());
        }
        tokio::time::timeout(wait, self.messages.recv()).await.ok()?
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        )
        .await;
    }

    pub async fn document_state(&mut self, uri: &str) -> Value {
        self.request("amlc/documentState", json!({"textDocument": {"uri": uri}})).await
    }
}
