//! When a created, attached or updated compute is ready: its operation ended, provisioning succeeded and, for an
//! instance, it runs. The actions on an existing compute (start, stop, delete, …) wait by the rows of
//! `workflow::table` instead.

use crate::client::{ArmClient, Check, Operation, WaitOptions};
use crate::discovery::WorkspaceRef;
use crate::error::AzureError;
use crate::models::ComputeResource;

/// States from which an instance will not reach the asked state without help.
pub const BROKEN_STATES: [&str; 4] = ["CreateFailed", "Unusable", "SetupFailed", "UserSetupFailed"];

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
