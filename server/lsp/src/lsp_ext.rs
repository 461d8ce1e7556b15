//! Every amlc extension to LSP, in one file: method names, parameter and result types, and their
//! handlers. Documented in docs/lsp-extensions.md; the VS Code extension mirrors it in
//! extension/src/lsp_ext.ts. Change all three together.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tower_lsp::jsonrpc::{self, Result};
use tower_lsp::lsp_types::notification::{Notification, Progress};
use tower_lsp::lsp_types::request::WorkDoneProgressCreate;
use tower_lsp::lsp_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, TextDocumentIdentifier, Url, WorkDoneProgress,
    WorkDoneProgressBegin, WorkDoneProgressCreateParams, WorkDoneProgressEnd, WorkDoneProgressReport,
};
use tower_lsp::{LspService, LspServiceBuilder};

use amlc_azure::preflight::Intent;

use amlc_azure::workflow;

use crate::backend::Backend;
use crate::compute_session;

/// `amlc/listComputes`: the workspace's computes for the extension's tree.
pub const LIST_COMPUTES: &str = "amlc/listComputes";

/// `amlc/computesChanged` (server → client): an action ended; re-fetch with `amlc/listComputes`.
pub enum ComputesChanged {}

#[derive(Debug, Deserialize, Serialize)]
pub struct ComputesChangedParams {
    pub names: Vec<String>,
    /// How the action ended, when the change comes from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<OutcomeReport>,
}

impl Notification for ComputesChanged {
    type Params = ComputesChangedParams;
    const METHOD: &'static str = "amlc/computesChanged";
}

/// `amlc/getToken` (server → client): the editor's own Microsoft sign-in, asked for when `auth` is `vscode`, or
/// `auto` and the client advertised `experimental.amlcGetToken`.
pub enum GetToken {}

#[derive(Debug, Deserialize, Serialize)]
pub struct GetTokenParams {
    pub scopes: Vec<String>,
}

/// The token is a secret: no `Debug`, so it cannot reach a log by accident.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetTokenResult {
    pub token: String,
    pub expires_on_unix_seconds: i64,
}

impl tower_lsp::lsp_types::request::Request for GetToken {
    type Params = GetTokenParams;
    type Result = GetTokenResult;
    const METHOD: &'static str = "amlc/getToken";
}

/// `window/workDoneProgress/cancel` (standard LSP, client → server): stops following the operation of a token.
pub const WORK_DONE_PROGRESS_CANCEL: &str = "window/workDoneProgress/cancel";
/// `amlc/listSubscriptions` and `amlc/listWorkspaces`: what the workspace picker offers; `amlc/selectWorkspace`:
/// the choice (handlers/workspace.rs). A request, not a command: vscode-languageclient registers every server
/// command as an editor command, and the extension's own "amlc.workspace.select" would collide.
pub const LIST_SUBSCRIPTIONS: &str = "amlc/listSubscriptions";
pub const LIST_WORKSPACES: &str = "amlc/listWorkspaces";
pub const SELECT_WORKSPACE: &str = "amlc/selectWorkspace";

/// The `workspace/executeCommand` commands the server implements.
pub const COMMANDS: [&str; 14] = [
    "amlc.compute.show",
    "amlc.compute.specOf",
    "amlc.compute.enableSso",
    "amlc.compute.copyCommand",
    "amlc.compute.sshCommand",
    "amlc.compute.create",
    "amlc.compute.attach",
    "amlc.compute.start",
    "amlc.compute.stop",
    "amlc.compute.restart",
    "amlc.compute.delete",
    "amlc.compute.detach",
    "amlc.compute.setIdleShutdown",
    "amlc.compute.updateScale",
];

/// `amlc/documentState`: the server's view of an open document (its text, version and whether amlc
/// serves it). For support and for tests that check incremental sync end to end.
pub const DOCUMENT_STATE: &str = "amlc/documentState";

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentStateParams {
    pub text_document: TextDocumentIdentifier,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DocumentState {
    pub uri: Url,
    pub version: i32,
    pub text: String,
    pub is_compute_spec: bool,
    /// `utf-8` or `utf-16`: the negotiated position encoding.
    pub position_encoding: String,
}

impl Backend {
    async fn document_state(&self, params: DocumentStateParams) -> Result<DocumentState> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.state.documents.snapshot(&uri) else {
            return Err(jsonrpc::Error::invalid_params(format!("{uri} is not open")));
        };
        Ok(DocumentState {
            uri,
            version: snapshot.version,
            text: snapshot.text.to_string(),
            is_compute_spec: snapshot.is_spec,
            position_encoding: crate::convert::encoding_kind(self.state.encoding()).as_str().to_string(),
        })
    }
}

impl Backend {
    /// Tokens from the editor's sign-in, asked for over `amlc/getToken` when ARM needs one (the client caches
    /// them until shortly before they expire).
    pub(crate) fn editor_token_source(&self) -> Arc<dyn amlc_azure::credential::TokenSource> {
        let client = self.client.clone();
        Arc::new(amlc_azure::credential::CallbackToken::new("editor sign-in", move |scope: String| {
            let client = client.clone();
            Box::pin(async move {
                let params = GetTokenParams { scopes: vec![scope] };
                let reply = client.send_request::<GetToken>(params).await.map_err(|e| {
                    amlc_azure::AzureError::Credential(format!(
                        "the editor gave no token ({}); sign in to Microsoft in the editor, or set amlc.auth",
                        e.message
                    ))
                })?;
                let expires = time::OffsetDateTime::from_unix_timestamp(reply.expires_on_unix_seconds)
                    .map_err(|_| amlc_azure::AzureError::Credential("the editor's token has no valid expiry".into()))?;
                Ok(amlc_azure::credential::AccessToken::new(reply.token, expires))
            })
        }))
    }

    pub(crate) async fn session(&self) -> std::result::Result<Arc<compute_session::Session>, compute_session::Failure> {
        let mut cached = self.state.azure_session.lock().await;
        if let Some(session) = cached.as_ref() {
            return Ok(session.clone());
        }
        let settings = self.state.azure_settings();
        let folders = self.state.detector().workspace_folders;
        let editor = self.state.editor_tokens().then(|| self.editor_token_source());
        let session = Arc::new(compute_session::connect(&settings, &folders, editor)?);
        *cached = Some(session.clone());
        Ok(session)
    }

    async fn list_computes(&self, _params: Value) -> Result<Value> {
        let session = match self.session().await {
            Ok(session) => session,
            Err(failure) => {
                return Ok(
                    json!({"workspace": null, "computes": [], "error": failure.to_json(), "limits": workflow::Limits::get()}),
                )
            }
        };
        let ws = &session.workspace;
        let location = session.client.get_workspace(ws).await.ok().map(|w| w.location);
        let workspace = crate::handlers::workspace::workspace_info(&session, location.as_deref());
        match session.client.list_computes(ws).await {
            Ok(computes) => {
                // `mine`: created by or assigned to the signed-in user (null when the token names no user).
                let me = session.client.token_claim("oid").await;
                let computes: Vec<Value> = computes
                    .iter()
                    .map(|c| {
                        let mut summary = compute_session::summary(c);
                        summary["mine"] = json!(me.as_deref().map(|me| c.is_owned_by(me)));
                        summary
                    })
                    .collect();
                let others = self.other_workspaces(&session).await;
                let limits = workflow::Limits::get();
                Ok(
                    json!({"workspace": workspace, "computes": computes, "error": null, "others": others, "limits": limits}),
                )
            }
            Err(error) => {
                let others = self.other_workspaces(&session).await;
                Ok(
                    json!({"workspace": workspace, "computes": [], "error": compute_session::Failure::from(error).to_json(), "others": others, "limits": workflow::Limits::get()}),
                )
            }
        }
    }

    /// `amlc.compute.*` (see [`COMMANDS`]): the workflow's checks, then its request; returns once Azure accepted it
    /// (`{name, outcome}`, the outcome `accepted`, or `unchanged` when nothing had to be sent). `$/progress` follows
    /// the wait for the asked-for state, and `amlc/computesChanged` carries the outcome at its end. A refusal is an
    /// error whose `data` holds the workflow's `{code, message, hint}`.
    pub(crate) async fn execute_compute_command(&self, command: &str, arguments: Vec<Value>) -> Result<Option<Value>> {
        let argument = arguments.first().cloned().unwrap_or(Value::Null);
        if command == "amlc.compute.copyCommand" {
            return self.copy_command(&argument).await.map(Some);
        }
        let session = self.session().await.map_err(|f| plain_error(&f.message))?;
        if command == "amlc.compute.show" || command == "amlc.compute.sshCommand" {
            return self.read_command(&session, command, &argument).await.map(Some);
        }
        if let Some(result) = self.extra_command(&session, command, &argument).await? {
            return Ok(Some(result));
        }
        let attach = command == "amlc.compute.attach";
        let (name, work) = if attach || command == "amlc.compute.create" {
            let (request, operation) = self.spec_action(&session, attach, &argument).await?;
            if operation == "none" {
                let message = format!("'{}' already matches the spec; nothing was sent", request.name);
                self.client.show_message(tower_lsp::lsp_types::MessageType::INFO, message.clone()).await;
                let outcome = workflow::Outcome::new(workflow::OutcomeCode::Unchanged, message);
                return Ok(Some(json!({"name": request.name, "operation": "none", "outcome": outcome})));
            }
            (request.name.clone(), Work::Put { request, operation })
        } else {
            let id = command.strip_prefix("amlc.compute.").unwrap_or(command);
            if !COMMANDS.contains(&command) {
                return Err(jsonrpc::Error::invalid_params(format!("unknown command {command}")));
            }
            let name = compute_name(command, &argument)?;
            let params = compute_session::params(&argument).map_err(jsonrpc::Error::invalid_params)?;
            // Wrong arguments are refused before anything starts, progress included (the workflow checks them again).
            let row = workflow::run::row(id).map_err(|r| refusal_error(&r))?;
            (row.arguments)(&name, &params).map_err(|r| refusal_error(&r))?;
            (name, Work::Row { id: id.to_string(), params })
        };
        let token = NumberOrString::String(format!("amlc/{}/{name}/{}", command, self.state.next_token()));
        let progress = self.state.work_done_progress()
            && self
                .client
                .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams { token: token.clone() })
                .await
                .is_ok();
        // Registered before the token is announced, so any cancel the client sends finds the operation.
        let cancel = self.state.operations.start(&token);
        if progress {
            let begin = WorkDoneProgressBegin {
                title: work.title(&name),
                cancellable: Some(true),
                ..WorkDoneProgressBegin::default()
            };
            send_progress(&self.client, &token, WorkDoneProgress::Begin(begin)).await;
        }
        // Progress callbacks are synchronous; a channel keeps their reports in order.
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<String>();
        let report: amlc_azure::ProgressFn = Arc::new(move |p: &amlc_azure::Progress| {
            let _ = sender.send(p.status.clone());
        });
        let mut wait = compute_session::wait_options(report);
        wait.cancel = cancel;
        let ws = session.workspace.clone();
        let started = match &work {
            Work::Row { id, params } => match workflow::begin(&session.client, &ws, id, &name, params, &wait).await {
                Ok(workflow::Begun::Started(started)) => Ok(Started::Row(started)),
                Ok(workflow::Begun::Unchanged(outcome)) => Err(Ok(outcome)),
                Err(refusal) => Err(Err(refusal)),
            },
            Work::Put { request, .. } => workflow::put::begin(&session.client, &ws, request, &wait)
                .await
                .map(|started| Started::Put(Box::new(started)))
                .map_err(Err),
        };
        let started = match started {
            Ok(started) => started,
            Err(end) => {
                // Nothing to follow: refused, or already as asked.
                self.state.operations.finish(&token);
                let message = match &end {
                    Ok(outcome) => outcome.message.clone(),
                    Err(refusal) => refusal.one_line(),
                };
                if progress {
                    let end = WorkDoneProgressEnd { message: Some(message) };
                    send_progress(&self.client, &token, WorkDoneProgress::End(end)).await;
                }
                return match end {
                    Ok(outcome) => {
                        let report = OutcomeReport::from_result(&name, work.id(), &Ok(outcome.clone()));
                        let names = vec![name.clone()];
                        self.client
                            .send_notification::<ComputesChanged>(ComputesChangedParams {
                                names,
                                outcome: Some(report),
                            })
                            .await;
                        Ok(Some(json!({"name": name, "outcome": outcome})))
                    }
                    Err(refusal) => Err(refusal_error(&refusal)),
                };
            }
        };
        let accepted = started.accepted();
        let mut result = json!({"name": name, "outcome": accepted});
        if let Work::Put { operation, .. } = &work {
            if !attach {
                result["operation"] = json!(operation);
            }
        }
        let client = self.client.clone();
        let state = self.state.clone();
        let id = work.id().to_string();
        tokio::spawn(async move {
            let forward_client = client.clone();
            let forward_token = token.clone();
            let forwarder = tokio::spawn(async move {
                while let Some(status) = receiver.recv().await {
                    if progress {
                        let report =
                            WorkDoneProgressReport { message: Some(status), ..WorkDoneProgressReport::default() };
                        send_progress(&forward_client, &forward_token, WorkDoneProgress::Report(report)).await;
                    }
                }
            });
            // The same waiting rule as the command line: the asked-for state, or words saying where it stopped.
            let outcome = match started {
                Started::Row(started) => started.finish(&session.client, &ws, &wait).await,
                Started::Put(started) => started.finish(&session.client, &ws, &wait).await,
            };
            // The progress callback holds the channel's sender: dropping it lets the forwarder finish.
            drop(wait);
            state.operations.finish(&token);
            let _ = forwarder.await;
            let message = match &outcome {
                Ok(outcome) => outcome.message.clone(),
                Err(refusal) => refusal.one_line(),
            };
            tracing::info!("{message}");
            if progress {
                let end = WorkDoneProgressEnd { message: Some(message.clone()) };
                send_progress(&client, &token, WorkDoneProgress::End(end)).await;
            }
            match &outcome {
                Err(refusal) if refusal.code == workflow::Code::Cancelled => {
                    client.show_message(tower_lsp::lsp_types::MessageType::WARNING, message).await
                }
                Err(_) => client.show_message(tower_lsp::lsp_types::MessageType::ERROR, message).await,
                Ok(_) => {}
            }
            let report = OutcomeReport::from_result(&name, &id, &outcome);
            client
                .send_notification::<ComputesChanged>(ComputesChangedParams {
                    names: vec![name],
                    outcome: Some(report),
                })
                .await;
        });
        Ok(Some(result))
    }

    /// `amlc.compute.show {name}` → `{yaml}` (the live compute, secrets redacted) and
    /// `amlc.compute.sshCommand {name, node?, user?, private?}` → `{command: [argv]}` (for a cluster also the
    /// chosen `node` and all `nodes`): GET (and listNodes), nothing changes.
    async fn read_command(&self, session: &compute_session::Session, command: &str, argument: &Value) -> Result<Value> {
        let name = compute_name(command, argument)?;
        if command == "amlc.compute.show" {
            let compute =
                workflow::run::read(&session.client, &session.workspace, &name).await.map_err(|r| refusal_error(&r))?;
            return Ok(json!({"yaml": compute_session::show_text(&compute)}));
        }
        // The workflow's SSH resolution, shared with `amlc compute ssh`.
        let ask = workflow::ssh::Ask {
            user: argument.get("user").and_then(Value::as_str),
            node: argument.get("node").and_then(Value::as_str),
            private: argument.get("private").and_then(Value::as_bool).unwrap_or(false),
        };
        let resolved = workflow::ssh::resolve(&session.client, &session.workspace, &name, &ask)
            .await
            .map_err(|r| refusal_error(&r))?;
        let target = &resolved.target;
        let argv: Vec<String> = std::iter::once("ssh".to_string()).chain(target.ssh_args(&[])).collect();
        let Some(node) = resolved.node else { return Ok(json!({"command": argv})) };
        // Nodes come and go: the result lists them all, so the editor can offer a choice and ask again with `node`.
        let listed: Vec<Value> = resolved
            .nodes
            .iter()
            .map(|n| json!({"nodeId": n.node_id, "state": n.node_state, "publicIpAddress": n.public_ip_address, "privateIpAddress": n.private_ip_address}))
            .collect();
        Ok(json!({"command": argv, "node": node, "nodes": listed}))
    }

    /// `amlc.compute.copyCommand {name, action, flavor}` → `{command}`: the `amlc compute …` or
    /// `az ml compute …` line doing the same. Needs the workspace only for `az` (its `-g`/`-w`/`--subscription`).
    async fn copy_command(&self, argument: &Value) -> Result<Value> {
        let name = compute_name("amlc.compute.copyCommand", argument)?;
        let action = argument.get("action").and_then(Value::as_str).unwrap_or("show");
        let flavor = argument.get("flavor").and_then(Value::as_str).unwrap_or("amlc");
        let workspace = if flavor == "az" {
            Some(self.session().await.map_err(|f| plain_error(&f.message))?.workspace.clone())
        } else {
            None
        };
        compute_session::copy_command(flavor, action, &name, workspace.as_ref())
            .map(|command| json!({"command": command}))
            .map_err(jsonrpc::Error::invalid_params)
    }

    /// `amlc.compute.create|attach {uri}`: the spec's text (the open document, else the file on disk), checked
    /// and turned into the PUT; with `operation` (`create`, or `update` when the name exists) for create.
    async fn spec_action(
        &self,
        session: &compute_session::Session,
        attach: bool,
        argument: &Value,
    ) -> Result<(amlc_azure::body::RequestBody, &'static str)> {
        let command = if attach { "amlc.compute.attach" } else { "amlc.compute.create" };
        let uri = argument
            .get("uri")
            .and_then(Value::as_str)
            .or_else(|| argument.as_str())
            .and_then(|u| Url::parse(u).ok())
            .ok_or_else(|| jsonrpc::Error::invalid_params(format!("{command} needs an argument {{\"uri\": …}}")))?;
        let path = uri.to_file_path().ok();
        let text = match (self.state.documents.snapshot(&uri), &path) {
            (Some(snapshot), _) => snapshot.text.to_string(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| plain_error(&format!("cannot read {}: {e}", path.display())))?,
            (None, None) => return Err(plain_error(&format!("{uri} is neither open nor a file"))),
        };
        let ws = &session.workspace;
        let location = session.client.get_workspace(ws).await.map_err(|e| refusal_error(&e.into()))?.location;
        let request =
            compute_session::spec_request(&text, path.as_deref(), attach, ws, &location).map_err(|mut refusal| {
                let shown = path.as_deref().map(|p| p.display().to_string()).unwrap_or(uri.to_string());
                refusal.message = format!("{shown}: {}", refusal.message);
                refusal_error(&refusal)
            })?;
        // The checks `amlc compute create|attach` makes, from the same module; a failure names the problem and
        // nothing is sent.
        let intent = if attach { Intent::Attach } else { Intent::CreateOrUpdate };
        let report = amlc_azure::preflight::run(&session.client, ws, &request, intent)
            .await
            .map_err(|e| refusal_error(&e.into()))?;
        if report.failed() {
            let refusal = workflow::Refusal::new(
                workflow::Code::Preflight,
                format!("not sending the request for '{}': {}", request.name, report.problems()),
            );
            self.client.show_message(tower_lsp::lsp_types::MessageType::ERROR, refusal.message.clone()).await;
            return Err(refusal_error(&refusal));
        }
        let operation = match &report.existing {
            Some(_) if report.unchanged() => "none",
            Some(_) => "update",
            None => "create",
        };
        Ok((request, operation))
    }
}

/// What an action command runs: a row of the workflow's table, or the PUT of a spec.
enum Work {
    Row { id: String, params: workflow::Params },
    Put { request: amlc_azure::body::RequestBody, operation: &'static str },
}

impl Work {
    fn id(&self) -> &str {
        match self {
            Work::Row { id, .. } => id,
            Work::Put { request, .. } if request.is_attach() => "attach",
            Work::Put { .. } => "create",
        }
    }

    fn title(&self, name: &str) -> String {
        match self {
            Work::Row { id, .. } => {
                let verb = workflow::table::row(id).map(|r| r.title).unwrap_or("Running");
                format!("{verb} {name}")
            }
            Work::Put { request, .. } if request.is_attach() => format!("Attaching {name}"),
            Work::Put { .. } => format!("Creating {name}"),
        }
    }
}

/// A sent action to follow to its end.
enum Started {
    Row(Box<workflow::Started>),
    Put(Box<workflow::put::PutStarted>),
}

impl Started {
    fn accepted(&self) -> workflow::Outcome {
        match self {
            Started::Row(started) => started.accepted(),
            Started::Put(started) => started.accepted(),
        }
    }
}

/// The end of an action, as `amlc/computesChanged` carries it: the same code and words the command line prints.
#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeReport {
    pub name: String,
    pub action: String,
    /// True when the compute is as asked (`done` or `unchanged`).
    pub ok: bool,
    /// An outcome code (`done`, `unchanged`) or a refusal code (`wrongState`, `timeout`, `outcomeUnknown`, …).
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl OutcomeReport {
    fn from_result(
        name: &str,
        action: &str,
        result: &std::result::Result<workflow::Outcome, workflow::Refusal>,
    ) -> Self {
        let (ok, code, message, hint) = match result {
            Ok(outcome) => (true, json!(outcome.code), outcome.message.clone(), None),
            Err(refusal) => (false, json!(refusal.code), refusal.message.clone(), refusal.hint.clone()),
        };
        OutcomeReport {
            name: name.to_string(),
            action: action.to_string(),
            ok,
            code: code.as_str().unwrap_or_default().to_string(),
            message,
            hint,
        }
    }
}

/// A workflow refusal as a JSON-RPC error: the one-line words as `message`, `{code, message, hint}` as `data`.
/// Argument refusals are `InvalidParams`; the rest are server errors.
pub(crate) fn refusal_error(refusal: &workflow::Refusal) -> jsonrpc::Error {
    let code = if refusal.code == workflow::Code::InvalidArgument {
        jsonrpc::ErrorCode::InvalidParams
    } else {
        jsonrpc::ErrorCode::ServerError(-32000)
    };
    jsonrpc::Error {
        code,
        message: refusal.one_line().into(),
        data: Some(serde_json::to_value(refusal).unwrap_or(Value::Null)),
    }
}

fn compute_name(command: &str, argument: &Value) -> Result<String> {
    argument
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| jsonrpc::Error::invalid_params(format!("{command} needs an argument {{\"name\": …}}")))
}

pub(crate) fn plain_error(message: &str) -> jsonrpc::Error {
    jsonrpc::Error { code: jsonrpc::ErrorCode::ServerError(-32000), message: message.to_string().into(), data: None }
}

async fn send_progress(client: &tower_lsp::Client, token: &NumberOrString, value: WorkDoneProgress) {
    client
        .send_notification::<Progress>(ProgressParams {
            token: token.clone(),
            value: ProgressParamsValue::WorkDone(value),
        })
        .await;
}

/// Registers the custom methods on the service being built.
pub fn register(builder: LspServiceBuilder<Backend>) -> LspServiceBuilder<Backend> {
    builder
        .custom_method(DOCUMENT_STATE, Backend::document_state)
        .custom_method(LIST_COMPUTES, Backend::list_computes)
        // Not a `LanguageServer` method in tower-lsp 0.20; a handler returning `()` is served as a notification.
        .custom_method(WORK_DONE_PROGRESS_CANCEL, Backend::cancel_progress)
        .custom_method(LIST_SUBSCRIPTIONS, Backend::list_subscriptions)
        .custom_method(LIST_WORKSPACES, Backend::list_workspaces)
        .custom_method(SELECT_WORKSPACE, Backend::select_workspace)
}

/// The service with every standard and custom method, and the socket that carries what it sends: tower-lsp's
/// client messages and the published diagnostics (`outgoing.rs`).
pub fn service() -> (LspService<Backend>, crate::Socket) {
    let (service, client) = register(LspService::build(Backend::new)).finish();
    // A new service's publisher is not connected yet, so this cannot fail; the fallback only keeps it total.
    let published = service.inner().state.owners.publisher().connect().unwrap_or_else(|| {
        tracing::error!("the publisher was already connected");
        tokio::sync::mpsc::unbounded_channel().1
    });
    (service, crate::Socket::new(client, published))
}
