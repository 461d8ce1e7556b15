//! Create, attach and spec-driven update: the PUT of a body built from a spec, then the wait until the compute is
//! ready (provisioning succeeded and, for an instance, it runs). The pre-flight (`crate::preflight`) runs before.

use super::run::{cause, read_until, stopped_short};
use super::{Outcome, OutcomeCode, Refusal};
use crate::actions::wait_ready;
use crate::body::RequestBody;
use crate::client::{ArmClient, Operation, WaitOptions};
use crate::discovery::WorkspaceRef;
use crate::error::AzureError;

/// A sent PUT: what to wait for.
pub struct PutStarted {
    pub name: String,
    pub verb: &'static str,
    instance: bool,
    operation: Operation,
}

/// Sends the PUT. When its answer is lost even after the client's own read-back, the compute is read again until
/// it shows up; if it never does, the outcome is unknown (never "repeat it": a create must not run twice).
pub async fn begin(
    client: &ArmClient,
    ws: &WorkspaceRef,
    request: &RequestBody,
    wait: &WaitOptions,
) -> Result<PutStarted, Refusal> {
    let name = request.name.clone();
    let verb = if request.is_attach() { "attach" } else { "create" };
    let instance = request.compute_type == "ComputeInstance";
    let operation = match client.begin_create_or_update(ws, &name, &request.body).await {
        Ok(operation) => operation,
        Err(error @ AzureError::Transport { sent: true, .. }) => adopt(client, ws, &name, verb, wait, &error).await?,
        Err(error @ AzureError::Arm(_)) if error.arm().is_some_and(|e| matches!(e.status, 500 | 502 | 504)) => {
            adopt(client, ws, &name, verb, wait, &error).await?
        }
        Err(error) => return Err(Refusal::from(error)),
    };
    Ok(PutStarted { name, verb, instance, operation })
}

async fn adopt(
    client: &ArmClient,
    ws: &WorkspaceRef,
    name: &str,
    verb: &'static str,
    wait: &WaitOptions,
    error: &AzureError,
) -> Result<Operation, Refusal> {
    if let Some(Some(resource)) = read_until(client, ws, name, wait, |c| c.is_some()).await {
        return Ok(Operation {
            label: format!("{verb} {name}"),
            status: 201,
            poll: None,
            retry_after: None,
            resource: Some(resource),
        });
    }
    Err(Refusal::outcome_unknown(verb, name, &cause(error)))
}

impl PutStarted {
    pub fn title(&self) -> String {
        format!("{} {}", if self.verb == "attach" { "Attaching" } else { "Creating" }, self.name)
    }

    pub fn accepted(&self) -> Outcome {
        Outcome::new(OutcomeCode::Accepted, format!("{} of '{}' accepted", self.verb, self.name))
    }

    /// Waits until the compute is ready; a stop short says what Azure reports.
    pub async fn finish(self, client: &ArmClient, ws: &WorkspaceRef, wait: &WaitOptions) -> Result<Outcome, Refusal> {
        match wait_ready(client, ws, &self.name, self.instance, &self.operation, wait).await {
            Ok(compute) => {
                let status = compute.as_ref().map(|c| c.status()).unwrap_or_default();
                let mut outcome = Outcome::new(OutcomeCode::Done, format!("'{}' is ready ({status})", self.name));
                outcome.compute = compute.map(Box::new);
                Ok(outcome)
            }
            Err(error) => Err(stopped_short(client, ws, &self.name, &self.title(), self.verb, error).await),
        }
    }
}
