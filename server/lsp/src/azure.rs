//! The server's link to Azure: which workspace it acts on (settings, `.azureml/config.json` in a
//! workspace folder, or the local emulator), the ARM client, the compute summaries the tree shows,
//! and the compute actions behind `workspace/executeCommand`. Protocol types stay in `lsp_ext.rs`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use amlc_azure::credential::{ChainedSource, CredentialKind, StaticToken, TokenSource};
use amlc_azure::{client::is_loopback, ArmClient, ClientOptions, ComputeResource, WorkspaceRef};
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

impl From<amlc_azure::AzureError> for Failure {
    fn from(error: amlc_azure::AzureError) -> Failure {
        Failure { code: "azure", message: error.to_string() }
    }
}

/// An ARM client for the settings' endpoint and credentials, and whether that endpoint is the local emulator.
/// Needs no workspace: the workspace picker lists subscriptions with it.
pub fn client_for(
    settings: &AzureSettings,
    editor: Option<Arc<dyn TokenSource>>,
) -> Result<(ArmClient, bool), Failure> {
    let endpoint = settings.arm_endpoint.clone().unwrap_or_else(|| amlc_azure::client::DEFAULT_ENDPOINT.to_string());
    let options = ClientOptions::with_endpoint(&endpoint)?;
    let emulator = options.endpoint.scheme() == "http" && is_loopback(&options.endpoint);
    let tokens = token_source(&settings.auth, emulator, editor)?;
    Ok((ArmClient::new(options, tokens)?, emulator))
}

pub fn connect(
    settings: &AzureSettings,
    folders: &[Url],
    editor: Option<Arc<dyn TokenSource>>,
) -> Result<Session, Failure> {
    let endpoint = settings.arm_endpoint.clone().unwrap_or_else(|| amlc_azure::client::DEFAULT_ENDPOINT.to_string());
    let options = ClientOptions::with_endpoint(&endpoint)?;
    let emulator = options.endpoint.scheme() == "http" && is_loopback(&options.endpoint);
    let (workspace, source) = match &settings.workspace {
        Some(workspace) => (workspace.clone(), "settings"),
        None => match discover(folders)? {
            Some(workspace) => (workspace, "config"),
            None if emulator => (WorkspaceRef::new("00000000-0000-0000-0000-000000000000", "rg", "ws"), "emulator"),
            None => return Err(Failure {
                code: "noWorkspace",
                message:
                    "no Azure ML workspace configured: set amlc.workspace, or put the studio's config.json in .azureml/"
                        .into(),
            }),
        },
    };
    let tokens = token_source(&settings.auth, emulator, editor)?;
    let client = ArmClient::new(options, tokens)?;
    Ok(Session { client, workspace, source, endpoint, region: std::sync::Mutex::new(None) })
}

/// Which credentials to use. An explicit `auth` wins; under `auto` the emulator (which accepts any bearer token) gets
/// a fixed one, and a real endpoint the chain: editor sign-in (when the client offers it), environment, workload
/// identity, az/azd login, managed identity.
fn token_source(
    auth: &str,
    emulator: bool,
    editor: Option<Arc<dyn TokenSource>>,
) -> Result<Arc<dyn TokenSource>, Failure> {
    let chain = |kinds: &[CredentialKind]| -> Arc<dyn TokenSource> { Arc::new(ChainedSource::from_order(kinds, None)) };
    Ok(match auth {
        "vscode" => editor.ok_or_else(|| Failure {
            code: "azure",
            message:
                "amlc.auth is `vscode` but this editor cannot hand out its Microsoft sign-in; choose another amlc.auth"
                    .into(),
        })?,
        "azureCli" => chain(&[CredentialKind::DeveloperTools]),
        "environment" => chain(&[CredentialKind::Environment, CredentialKind::WorkloadIdentity]),
        "managedIdentity" => chain(&[CredentialKind::ManagedIdentity]),
        "none" => Arc::new(StaticToken::new("amlc-no-auth")),
        _ if emulator => Arc::new(StaticToken::new("amlc-emulator")),
        _ => Arc::new(ChainedSource::from_order(&CredentialKind::DEFAULT_ORDER, editor)),
    })
}

fn discover(folders: &[Url]) -> Result<Option<WorkspaceRef>, Failure> {
    for folder in folders {
        let Ok(path) = folder.to_file_path() else { continue };
        let path: PathBuf = path;
        if let Some(found) = amlc_azure::discover(&path)? {
            return Ok(Some(found.workspace));
        }
    }
    Ok(None)
}

/// The tree group and the actions the server allows for one compute.
fn group_and_actions(compute: &ComputeResource) -> (&'static str, bool, Vec<&'static str>) {
    let kind = compute.compute_type();
    if compute.is_instance() {
        let actions = match compute.state().unwrap_or("") {
            "Running" => vec!["stop", "restart", "delete", "ssh", "setIdleShutdown"],
            "Stopped" => vec!["start", "delete", "setIdleShutdown"],
            _ => vec!["delete"],
        };
        return ("instances", false, actions);
    }
    if compute.is_cluster() {
        return ("clusters", false, vec!["delete", "updateScale"]);
    }
    match kind {
        "Kubernetes" => ("kubernetes", false, vec!["detach"]),
        "VirtualMachine" | "SynapseSpark" => ("attached", false, vec!["detach"]),
        // AKS, HDInsight, Databricks, DataLakeAnalytics, DataFactory: listed, no actions.
        _ => ("attached", true, Vec::new()),
    }
}

/// One `ComputeSummary` of docs/lsp-extensions.md.
pub fn summary(compute: &ComputeResource) -> Value {
    let (group, read_only, actions) = group_and_actions(compute);
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
        "description": compute.properties.description,
    })
}

/// The compute actions `amlc.compute.start|stop|restart|delete|detach` name.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Start,
    Stop,
    Restart,
    Delete,
    Detach,
    SetIdleShutdown {
        minutes: u32,
    },
    UpdateScale(amlc_azure::models::ScaleSettings),
    /// `amlc.compute.create|attach`: the PUT of a body built from a spec.
    Put {
        body: Value,
        attach: bool,
    },
}

impl Action {
    /// The action a command names, with its arguments checked; `Err` says what is wrong in plain words.
    pub fn from_command(command: &str, argument: &Value) -> Result<Action, String> {
        let number = |key: &str| argument.get(key).and_then(Value::as_i64);
        Ok(match command.strip_prefix("amlc.compute.").unwrap_or("") {
            "start" => Action::Start,
            "stop" => Action::Stop,
            "restart" => Action::Restart,
            "delete" => Action::Delete,
            "detach" => Action::Detach,
            "setIdleShutdown" => match number("minutes") {
                Some(m @ 15..=4320) => Action::SetIdleShutdown { minutes: m as u32 },
                _ => return Err("`minutes` must be a whole number from 15 to 4320 (3 days)".into()),
            },
            "updateScale" => {
                let (Some(min), Some(max)) = (number("minInstances"), number("maxInstances")) else {
                    return Err("`minInstances` and `maxInstances` are required".into());
                };
                if min < 0 || max < 1 || min > max {
                    return Err(format!(
                        "need 0 <= minInstances <= maxInstances and maxInstances >= 1, got {min} and {max}"
                    ));
                }
                let idle = number("idleSecondsBeforeScaleDown").map(amlc_azure::body::iso_duration);
                Action::UpdateScale(amlc_azure::models::ScaleSettings {
                    max_node_count: max,
                    min_node_count: Some(min),
                    node_idle_time_before_scale_down: idle,
                })
            }
            _ => return Err(format!("unknown command {command}")),
        })
    }

    pub fn verb(&self) -> &'static str {
        match self {
            Action::Start => "Starting",
            Action::Stop => "Stopping",
            Action::Restart => "Restarting",
            Action::Delete => "Deleting",
            Action::Detach => "Detaching",
            Action::SetIdleShutdown { .. } => "Setting idle shutdown of",
            Action::UpdateScale(_) => "Scaling",
            Action::Put { attach: true, .. } => "Attaching",
            Action::Put { attach: false, .. } => "Creating",
        }
    }
}

/// Sends the action; returns once ARM has accepted it, with the operation to wait on (`None` when the
/// action completes in its one request).
pub async fn begin(session: &Session, action: &Action, name: &str) -> Result<Option<amlc_azure::Operation>, Failure> {
    let ws = &session.workspace;
    let client = &session.client;
    let operation = match action {
        Action::SetIdleShutdown { minutes } => {
            client.update_idle_shutdown(ws, name, *minutes).await?;
            return Ok(None);
        }
        Action::UpdateScale(scale) => client.begin_update_scale(ws, name, scale).await?,
        Action::Put { body, .. } => client.begin_create_or_update(ws, name, body).await?,
        Action::Start => client.begin_start(ws, name).await?,
        Action::Stop => client.begin_stop(ws, name).await?,
        Action::Restart => client.begin_restart(ws, name).await?,
        Action::Delete => client.begin_delete(ws, name, amlc_azure::UnderlyingResourceAction::Delete).await?,
        Action::Detach => client.begin_delete(ws, name, amlc_azure::UnderlyingResourceAction::Detach).await?,
    };
    Ok(Some(operation))
}

/// What to tell the user when they cancelled an operation: ARM has no cancel for compute actions, so the
/// operation may still finish in Azure. Says so, with the state the compute reports now.
pub async fn cancelled_words(session: &Session, title: &str, name: &str) -> String {
    let now = match session.client.get_compute(&session.workspace, name).await {
        Ok(Some(compute)) => format!("'{name}' is now {}", compute.status()),
        Ok(None) => format!("'{name}' is no longer listed"),
        Err(_) => format!("the state of '{name}' could not be read"),
    };
    format!(
        "{title}: cancelled. amlc stopped following the operation, but Azure cannot undo it and may still finish it; {now} (the tree shows the state Azure reports)"
    )
}

/// How the server waits for an operation it started.
pub fn wait_options(progress: amlc_azure::ProgressFn) -> amlc_azure::WaitOptions {
    amlc_azure::WaitOptions {
        poll_interval: Duration::from_millis(500),
        progress: Some(progress),
        ..amlc_azure::WaitOptions::default()
    }
}

/// The request `amlc.compute.create|attach` sends for a spec: refused when the spec has errors, cannot be
/// loaded, or needs the other command (as `amlc compute create|attach` refuses it). The body is built from
/// the value after the CLI's load step (`normalized`) by `amlc_azure::body::build_for_file`, as the CLI builds it.
pub fn spec_request(
    text: &str,
    spec_path: Option<&std::path::Path>,
    attach: bool,
    workspace: &WorkspaceRef,
    location: &str,
) -> Result<amlc_azure::body::RequestBody, String> {
    let analysis = amlc_spec::analyze(text);
    if let Some(kind) = analysis.compute_type {
        match (attach, kind.is_attached()) {
            (false, true) => return Err(format!("a {} compute is attached, not created: use Attach", kind.as_str())),
            (true, false) => return Err(format!("a {} compute is created, not attached: use Create", kind.as_str())),
            _ => {}
        }
    }
    let errors = analysis.diagnostics.iter().filter(|d| d.severity == amlc_spec::Severity::Error).count();
    if errors > 0 {
        let first = analysis
            .diagnostics
            .iter()
            .find(|d| d.severity == amlc_spec::Severity::Error)
            .map(|d| format!(" (first: {})", d.message))
            .unwrap_or_default();
        return Err(format!("{errors} error(s) in the spec{first}; nothing was sent. Fix them in the Problems view"));
    }
    let Some(spec) = analysis.normalized.or(analysis.value) else {
        return Err("not a compute spec that can be loaded".into());
    };
    let base = spec_path.and_then(std::path::Path::parent).map(std::path::Path::to_path_buf).unwrap_or_default();
    let request =
        amlc_azure::body::build_for_file(&spec, None, &base, workspace, location).map_err(|e| e.to_string())?;
    if request.is_attach() != attach {
        let other = if attach { "Create" } else { "Attach" };
        return Err(format!("a {} compute needs {other}", request.compute_type));
    }
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
