//! Choosing the workspace from the editor: `amlc/listSubscriptions` and `amlc/listWorkspaces` feed the extension's
//! pickers, and `amlc/selectWorkspace` makes the choice the server's workspace (after checking that it exists).
//! Also the other workspaces of a multi-root window (`others` of `amlc/listComputes`), each listed on its own so
//! one that fails shows its error and the rest of the tree stays. Protocol in docs/lsp-extensions.md.

use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp::jsonrpc::{self, Result};

use super::errors::plain_error;
use crate::backend::Backend;
use crate::compute_session::{self, AzureSettings, Session};
use crate::lsp_ext::{ComputesChanged, ComputesChangedParams};

/// The `workspace` object of `amlc/listComputes` and of `amlc/selectWorkspace`'s result.
pub fn workspace_info(session: &Session, location: Option<&str>) -> Value {
    let ws = &session.workspace;
    json!({
        "subscriptionId": ws.subscription_id, "resourceGroup": ws.resource_group, "workspaceName": ws.workspace_name,
        "location": location, "source": session.source, "armEndpoint": session.endpoint,
    })
}

fn same_workspace(a: &amlc_azure::WorkspaceRef, b: &amlc_azure::WorkspaceRef) -> bool {
    a.subscription_id.eq_ignore_ascii_case(&b.subscription_id)
        && a.resource_group.eq_ignore_ascii_case(&b.resource_group)
        && a.workspace_name.eq_ignore_ascii_case(&b.workspace_name)
}

fn required<'a>(argument: &'a Value, key: &str, what: &str) -> Result<&'a str> {
    argument
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| jsonrpc::Error::invalid_params(format!("{what} needs a non-empty `{key}`")))
}

impl Backend {
    /// An ARM client for the current settings, with or without a workspace (listing needs none).
    fn picker_client(&self) -> Result<amlc_azure::ArmClient> {
        let settings = self.state.azure_settings();
        let editor = self.state.editor_tokens().then(|| self.editor_token_source());
        compute_session::client_for(&settings, editor).map(|(client, _)| client).map_err(|f| plain_error(&f.message))
    }

    /// `amlc/listSubscriptions {}` → `{subscriptions: [{subscriptionId, displayName, state}]}`.
    pub(crate) async fn list_subscriptions(&self, _params: Value) -> Result<Value> {
        let client = self.picker_client()?;
        let subscriptions = client.list_subscriptions().await.map_err(|e| plain_error(&e.to_string()))?;
        Ok(json!({"subscriptions": subscriptions}))
    }

    /// `amlc/listWorkspaces {subscriptionId}` → `{workspaces: [{subscriptionId, resourceGroup, workspaceName,
    /// location, id}]}`, sorted by resource group then name.
    pub(crate) async fn list_workspaces(&self, params: Value) -> Result<Value> {
        let subscription = required(&params, "subscriptionId", "amlc/listWorkspaces")?;
        let client = self.picker_client()?;
        let workspaces = client.list_workspaces(subscription).await.map_err(|e| plain_error(&e.to_string()))?;
        Ok(json!({"workspaces": workspaces}))
    }

    /// `amlc/selectWorkspace {subscriptionId, resourceGroup, workspaceName, armEndpoint?}`: reads the workspace
    /// (so a typo is refused and nothing changes), then makes it the server's workspace and tells the tree.
    pub(crate) async fn select_workspace(&self, params: Value) -> Result<Value> {
        const WHAT: &str = "amlc/selectWorkspace";
        let argument = &params;
        let workspace = amlc_azure::WorkspaceRef::new(
            required(argument, "subscriptionId", WHAT)?,
            required(argument, "resourceGroup", WHAT)?,
            required(argument, "workspaceName", WHAT)?,
        );
        let current = self.state.azure_settings();
        let arm_endpoint = match argument.get("armEndpoint").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            Some(endpoint) => Some(endpoint.to_owned()),
            None => current.arm_endpoint.clone(),
        };
        let settings = AzureSettings { workspace: Some(workspace), arm_endpoint, auth: current.auth.clone() };
        let folders = self.state.detector().workspace_folders;
        let editor = self.state.editor_tokens().then(|| self.editor_token_source());
        let session =
            Arc::new(compute_session::connect(&settings, &folders, editor).map_err(|f| plain_error(&f.message))?);
        let found = session.client.get_workspace(&session.workspace).await.map_err(|e| plain_error(&e.to_string()))?;
        let info = workspace_info(&session, Some(found.location.as_str()));
        // The live VM sizes follow the new workspace's region.
        *session.region.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(found.location.clone());
        self.state.set_azure_settings(settings);
        *self.state.azure_session.lock().await = Some(session);
        tracing::info!(workspace = %info["workspaceName"], "workspace selected");
        self.client
            .send_notification::<ComputesChanged>(ComputesChangedParams { names: Vec::new(), outcome: None })
            .await;
        Ok(info)
    }

    /// `others` of `amlc/listComputes`: the workspaces that the other folders' `.azureml/config.json` name (not the
    /// current one), each `{folder, workspace, computes, error}`, listed with the current session's endpoint and
    /// credentials. Their computes are read-only in the tree: every action goes to the current workspace, so they
    /// offer none until chosen with "Select workspace". A folder whose config cannot be read or whose workspace
    /// cannot be listed gets its own `error`.
    pub(crate) async fn other_workspaces(&self, session: &Session) -> Vec<Value> {
        let mut seen = vec![session.workspace.clone()];
        let mut out = Vec::new();
        for folder in self.state.detector().workspace_folders {
            let Ok(path) = folder.to_file_path() else { continue };
            let found = match amlc_azure::discover(&path) {
                Ok(Some(found)) => found.workspace,
                Ok(None) => continue,
                Err(e) => {
                    let error = json!({"code": "config", "message": e.to_string()});
                    out.push(json!({"folder": folder, "workspace": null, "computes": [], "error": error}));
                    continue;
                }
            };
            if seen.iter().any(|w| same_workspace(w, &found)) {
                continue;
            }
            seen.push(found.clone());
            let other = Session {
                client: session.client.clone(),
                workspace: found,
                source: "config",
                endpoint: session.endpoint.clone(),
                region: std::sync::Mutex::new(None),
            };
            let location = other.client.get_workspace(&other.workspace).await.ok().map(|w| w.location);
            let workspace = workspace_info(&other, location.as_deref());
            let entry = match other.client.list_computes(&other.workspace).await {
                Ok(computes) => {
                    let computes: Vec<Value> = computes
                        .iter()
                        .map(|c| {
                            let mut summary = compute_session::summary(c);
                            summary["readOnly"] = json!(true);
                            summary["actions"] = json!([]);
                            summary
                        })
                        .collect();
                    json!({"folder": folder, "workspace": workspace, "computes": computes, "error": null})
                }
                Err(e) => json!({"folder": folder, "workspace": workspace, "computes": [],
                                 "error": {"code": "azure", "message": e.to_string()}}),
            };
            out.push(entry);
        }
        out
    }
}
