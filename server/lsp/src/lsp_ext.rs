//! The protocol of amlc's own LSP extensions, and nothing else: method and command names, and the parameter and
//! result types that cross the wire. It imports nothing from this crate, so the handlers, the service and the tests
//! can all depend on it without a cycle. Documented in docs/lsp-extensions.md; the VS Code extension mirrors it in
//! extension/src/lsp_ext.ts (server/lsp/tests/protocol_types.rs reads this file to check the three agree). Change
//! all three together. The handlers are in handlers/ and are registered in service.rs.

use serde::{Deserialize, Serialize};
use tower_lsp::lsp_types::notification::Notification;
use tower_lsp::lsp_types::{TextDocumentIdentifier, Url};

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
