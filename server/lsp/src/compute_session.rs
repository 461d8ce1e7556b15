//! The server's side of the compute workflow (`amlc_azure::workflow`, which owns every rule): the `amlc` settings
//! turned into the workflow's session request, the compute summaries the tree shows (actions and `busy` from the
//! workflow's table), the shape of command arguments, and the texts of `show` and `copyCommand`. Protocol types stay
//! in `lsp_ext.rs`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use amlc_azure::credential::TokenSource;
use amlc_azure::workflow::{self, Params, Refusal};
use amlc_azure::{ArmClient, ComputeResource, WorkspaceRef};
use serde_json::{json, Value};
use tower_lsp::lsp_types::Url;

/// The `amlc` settings that concern Azure (initializationOptions / didChangeConfiguration).
#[derive(Clone, Debug, Default)]
pub struct AzureSettings {
    pub workspace: Option<WorkspaceRef>,
    pub arm_endpoint: Option<String>,
    /// `auto` | `vscode` | `azureCli` | `environment` | `managedIdentity` | `none` (docs/lsp-extensions.md).
    pub auth: String,
}

impl AzureSettings {
    pub fn from_json(settings: &Value) -> AzureSettings {
        let workspace = settings.get("workspace").and_then(|w| {
            Some(WorkspaceRef::new(
                w.get("subscriptionId")?.as_str()?,
                w.get("resourceGroup")?.as_str()?,
                w.get("workspaceName")?.as_str()?,
            ))
        });
        let arm_endpoint = settings.get("armEndpoint").and_then(Value::as_str).map(str::to_owned);
        let auth = settings.get("auth").and_then(Value::as_str).unwrap_or("auto").to_owned();
        AzureSettings { workspace, arm_endpoint, auth }
    }
}

/// A connected workspace: the client and where the workspace reference came from.
pub struct Session {
    pub client: ArmClient,
    pub workspace: WorkspaceRef,
    pub source: &'static str,
    pub endpoint: String,
    /// The workspace's location, once read (for the live VM sizes).
    pub region: std::sync::Mutex<Option<String>>,
}

/// A failure in plain words, with what to do (the `error` of `amlc/listComputes`).
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: &'static str,
    pub message: String,
}

impl Failure {
    /// `{code, message}`, the `error` of `amlc/listComputes`.
    pub fn to_json(&self) -> Value {
        json!({"code": self.code, "message": self.message})
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Failure {
        Failure { code: refusal.code.as_str(), message: refusal.one_line() }
    }
}

impl From<amlc_azure::AzureError> for Failure {
    fn from(error: amlc_azure::AzureError) -> Failure {
        Failure::from(Refusal::from(error))
    }
}

/// What the settings ask for, as the workflow's session request.
fn session_request(
    settings: &AzureSettings,
    folders: &[Url],
    editor: Option<Arc<dyn TokenSource>>,
) -> workflow::SessionRequest {
    workflow::SessionRequest {
        endpoint: settings.arm_endpoint.clone(),
        workspace: settings.workspace.clone().map(|ws| (ws, "settings")),
        search: folders.iter().filter_map(|f| f.to_file_path().ok()).collect::<Vec<PathBuf>>(),
        credentials: workflow::Credentials::from_setting(&settings.auth),
        editor,
        ..workflow::SessionRequest::default()
    }
}

/// An ARM client for the settings' endpoint and credentials, and whether that endpoint is the local emulator.
/// Needs no workspace: the workspace picker lists subscriptions with it.
pub fn client_for(
    settings: &AzureSettings,
    editor: Option<Arc<dyn TokenSource>>,
) -> Result<(ArmClient, bool), Failure> {
    Ok(workflow::session::client_for(&session_request(settings, &[], editor))?)
}

/// The session the settings describe, resolved by the workflow (the command line resolves its own the same way).
pub fn connect(
    settings: &AzureSettings,
    folders: &[Url],
    editor: Option<Arc<dyn TokenSource>>,
) -> Result<Session, Failure> {
    let resolved = workflow::session::resolve(&session_request(settings, folders, editor))?;
    Ok(Session {
        client: resolved.client,
        workspace: resolved.workspace,
        source: resolved.source,
        endpoint: settings.arm_endpoint.clone().unwrap_or(resolved.endpoint),
        region: std::sync::Mutex::new(None),
    })
}

/// The tree group a compute is listed under, and whether amlc only lists it (legacy types managed elsewhere).
fn group(compute: &ComputeResource) -> (&'static str, bool) {
    if compute.is_instance() {
        return ("instances", false);
    }
    if compute.is_cluster() {
        return ("clusters", false);
    }
    match compute.compute_type() {
        "Kubernetes" => ("kubernetes", false),
        "VirtualMachine" | "SynapseSpark" => ("attached", false),
        // AKS, HDInsight, Databricks, DataLakeAnalytics, DataFactory: listed, no actions.
        _ => ("attached", true),
    }
}

/// One `ComputeSummary` of docs/lsp-extensions.md.
pub fn summary(compute: &ComputeResource) -> Value {
    let (group, read_only) = group(compute);
    // The workflow's table decides what a menu offers; the extension draws what it is given.
    let actions = workflow::offered(compute);
    let nodes = compute.scale_settings().map(|scale| {
        let counts = compute.node_state_counts().unwrap_or_default();
        json!({
            "current": compute.current_node_count().unwrap_or(0),
            "target": compute.target_node_count(),
            "min": scale.min_node_count.unwrap_or(0),
            "max": scale.max_node_count,
            "idle": counts.idle_node_count,
            "running": counts.running_node_count,
            "preparing": counts.preparing_node_count,
            "unusable": counts.unusable_node_count,
            "leaving": counts.leaving_node_count,
            "preempted": counts.preempted_node_count,
        })
    });
    // An instance's web applications (JupyterLab, Jupyter, RStudio, VS Code web, custom ones) work while it runs.
    let applications: Vec<Value> = if compute.is_instance() && compute.state() == Some("Running") {
        compute
            .applications()
            .into_iter()
            .filter(|a| !a.endpoint_uri.is_empty())
            .map(|a| json!({"displayName": a.display_name, "endpointUri": a.endpoint_uri}))
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "name": compute.name,
        "id": compute.id,
        "computeType": compute.compute_type(),
        "group": group,
        "readOnly": read_only,
        "provisioningState": compute.provisioning_state(),
        "state": compute.state(),
        "size": compute.vm_size(),
        "location": compute.region(),
        "nodes": nodes,
        "sshEnabled": compute.is_instance() && compute.instance_ssh().is_some(),
        "applications": applications,
        "actions": actions,
        "busy": workflow::table::busy(compute),
        "description": compute.properties.description,
    })
}

/// The arguments of an `amlc.compute.*` action command, as the workflow takes them. Only their shape is checked
/// here (numbers must be integers); their ranges are the workflow's to check, with its words.
pub fn params(argument: &Value) -> Result<Params, String> {
    let number = |key: &str| -> Result<Option<i64>, String> {
        match argument.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| format!("`{key}` must be a whole number, not {v}")),
        }
    };
    Ok(Params {
        minutes: number("minutes")?,
        min_nodes: number("minInstances")?,
        max_nodes: number("maxInstances")?,
        idle_seconds: number("idleSecondsBeforeScaleDown")?,
        enable_sso: match argument.get("enable") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_bool().ok_or_else(|| format!("`enable` must be true or false, not {v}"))?),
        },
    })
}

/// How the server waits for an operation it started.
pub fn wait_options(progress: amlc_azure::ProgressFn) -> amlc_azure::WaitOptions {
    amlc_azure::WaitOptions {
        poll_interval: Duration::from_millis(500),
        progress: Some(progress),
        ..amlc_azure::WaitOptions::default()
    }
}

/// The request `amlc.compute.create|attach` sends for a spec: refused as `amlc compute create|attach` refuses it
/// (the workflow's `spec::load`), and built by `amlc_azure::body::build_for_file`, as the command line builds it.
pub fn spec_request(
    text: &str,
    spec_path: Option<&std::path::Path>,
    attach: bool,
    workspace: &WorkspaceRef,
    location: &str,
) -> Result<amlc_azure::body::RequestBody, Refusal> {
    let analysis = amlc_analysis::analyze(text);
    let spec = workflow::spec::load(&analysis, Some(attach))?;
    let base = spec_path.and_then(std::path::Path::parent).map(std::path::Path::to_path_buf).unwrap_or_default();
    let request = amlc_azure::body::build_for_file(&spec, None, &base, workspace, location)
        .map_err(|e| Refusal::new(workflow::Code::Spec, e.to_string()))?;
    workflow::spec::wrong_command(attach, request.is_attach(), request.compute_type)?;
    Ok(request)
}

/// The text of `amlc.compute.show`: the compute as ARM returns it, secrets redacted. JSON is valid YAML, so
/// the read-only `.yaml` view opens it as is, under a comment naming the compute.
pub fn show_text(compute: &ComputeResource) -> String {
    let value = serde_json::to_value(compute).unwrap_or(Value::Null);
    let body = serde_json::to_string_pretty(&amlc_azure::models::redact_secrets(&value)).unwrap_or_default();
    format!("# {} ({}), as Azure reports it; read-only\n{body}\n", compute.name, compute.compute_type())
}

/// The command line of `amlc.compute.copyCommand`: `flavor` `amlc` or `az`, `action` one the tree offers.
pub fn copy_command(
    flavor: &str,
    action: &str,
    name: &str,
    workspace: Option<&WorkspaceRef>,
) -> Result<String, String> {
    // The name and the workspace come from ARM or the user: each is one shell word, whatever it holds.
    let name = &*amlc_azure::shell::quote(name);
    let (amlc, az) = match action {
        "show" | "start" | "stop" | "restart" | "delete" | "detach" => {
            (format!("amlc compute {action} {name}"), format!("az ml compute {action} --name {name}"))
        }
        "updateScale" => (
            format!("amlc compute update {name} --min-instances MIN --max-instances MAX"),
            format!("az ml compute update --name {name} --min-instances MIN --max-instances MAX"),
        ),
        "ssh" => (format!("amlc compute ssh {name}"), format!("az ml compute connect-ssh --name {name}")),
        other => {
            return Err(format!(
                "no command line for action '{other}' (show, start, stop, restart, delete, detach, updateScale, ssh)"
            ))
        }
    };
    match (flavor, workspace) {
        ("amlc", _) => Ok(amlc),
        ("az", Some(ws)) => Ok(format!(
            "{az} --resource-group {} --workspace-name {} --subscription {}",
            amlc_azure::shell::quote(&ws.resource_group),
            amlc_azure::shell::quote(&ws.workspace_name),
            amlc_azure::shell::quote(&ws.subscription_id)
        )),
        ("az", None) => Err("the az command needs a workspace".into()),
        (other, _) => Err(format!("unknown flavor '{other}': use amlc or az")),
    }
}
