//! Whole compute actions for every front end (command line, language server): send the request, wait for the
//! long-running operation, then wait for the state that was asked for. An instance whose start "Succeeded" is done
//! only when it is `Running`; a create is done when provisioning succeeded and, for an instance, it runs.

use crate::client::{ArmClient, Check, Operation, WaitOptions};
use crate::discovery::WorkspaceRef;
use crate::error::AzureError;
use crate::models::{ComputeResource, UnderlyingResourceAction};

/// Instance power actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerAction {
    Start,
    Stop,
    Restart,
}

impl PowerAction {
    pub fn verb(self) -> &'static str {
        match self {
            PowerAction::Start => "start",
            PowerAction::Stop => "stop",
            PowerAction::Restart => "restart",
        }
    }

    /// The state the instance must reach for the action to be done.
    pub fn target_state(self) -> &'static str {
        match self {
            PowerAction::Start | PowerAction::Restart => "Running",
            PowerAction::Stop => "Stopped",
        }
    }
}

/// States from which an instance will not reach the asked state without help.
pub const BROKEN_STATES: [&str; 4] = ["CreateFailed", "Unusable", "SetupFailed", "UserSetupFailed"];

/// Sends a power action; `wait_power` finishes it.
pub async fn begin_power(
    client: &ArmClient,
    ws: &WorkspaceRef,
    name: &str,
    action: PowerAction,
) -> Result<Operation, AzureError> {
    match action {
        PowerAction::Start => client.begin_start(ws, name).await,
        PowerAction::Stop => client.begin_stop(ws, name).await,
        PowerAction::Restart => client.begin_restart(ws, name).await,
    }
}

/// Waits for a power action's operation, then for the instance to reach the target state.
pub async fn wait_power(
    client: &ArmClient,
    ws: &WorkspaceRef,
    name: &str,
    action: PowerAction,
    op: &Operation,
    wait: &WaitOptions,
) -> Result<Option<ComputeResource>, AzureError> {
    client.wait(op, wait).await?;
    let target = action.target_state();
    let label = format!("{} {name}", action.verb());
    client
        .wait_for_compute(ws, name, &label, wait, |c| match c {
            None => Check::Fail(format!("'{name}' disappeared")),
            Some(c) => match c.state() {
                Some(s) if s == target => Check::Done,
                Some(s) if BROKEN_STATES.contains(&s) => Check::Fail(format!("'{name}' ended in state {s}")),
                _ => Check::Continue,
            },
        })
        .await
}

/// A new or updated compute is ready when provisioning succeeded and, for an instance, it is Running.
pub fn ready_check(compute: Option<&ComputeResource>, instance: bool) -> Check {
    let Some(c) = compute else { return Check::Continue };
    match c.provisioning_state() {
        Some("Failed") | Some("Canceled") => {
            let errors =
                c.properties.provisioning_errors.as_ref().map(|e| serde_json::Value::Array(e.clone()).to_string());
            Check::Fail(format!(
                "provisioning of '{}' failed{}",
                c.name,
                errors.map(|e| format!(": {e}")).unwrap_or_default()
            ))
        }
        Some("Succeeded") if !instance => Check::Done,
        Some("Succeeded") => match c.state() {
            Some("Running") => Check::Done,
            Some(s) if BROKEN_STATES.contains(&s) => Check::Fail(format!("'{}' ended in state {s}", c.name)),
            _ => Check::Continue,
        },
        _ => Check::Continue,
    }
}

/// Waits for a create/attach/update operation, then until the compute is ready.
pub async fn wait_ready(
    client: &ArmClient,
    ws: &WorkspaceRef,
    name: &str,
    instance: bool,
    op: &Operation,
    wait: &WaitOptions,
) -> Result<Option<ComputeResource>, AzureError> {
    client.wait(op, wait).await?;
    client.wait_for_compute(ws, name, &op.label, wait, |c| ready_check(c, instance)).await
}

/// Waits for a delete/detach operation, then until the compute is gone.
pub async fn wait_gone(
    client: &ArmClient,
    ws: &WorkspaceRef,
    name: &str,
    how: UnderlyingResourceAction,
    op: &Operation,
    wait: &WaitOptions,
) -> Result<(), AzureError> {
    client.wait(op, wait).await?;
    let verb = how.as_str().to_ascii_lowercase();
    client
        .wait_for_compute(ws, name, &op.label, wait, |c| match c {
            None => Check::Done,
            Some(c) if c.provisioning_state() == Some("Failed") => Check::Fail(format!("{verb} of '{name}' failed")),
            Some(_) => Check::Continue,
        })
        .await
        .map(|_| ())
}
