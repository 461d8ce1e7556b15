//! Running one action of the table, the same way for every front end.
//!
//! 1. The arguments are checked; nothing is sent when they are wrong.
//! 2. The compute is read: a missing one is refused (`notFound`) before anything else.
//! 3. The row's verdict: refused, already as asked (`unchanged`), or sent.
//! 4. When the answer to the request is lost (the connection dropped after sending, or an unclear 5xx), the compute
//!    is read back, with retries, until it shows whether the action took effect; if it never does, the outcome is
//!    reported as unknown, never as something to simply repeat.
//! 5. [`Started::finish`] waits for the operation and then for the asked-for state, within the caller's timeout and
//!    cancel token. When waiting stops short, the words say what Azure reports at that moment.

use std::time::Duration;

use super::table::{self, ActionRow, Settle, Verdict};
use super::{Code, Outcome, OutcomeCode, Params, Refusal};
use crate::actions::BROKEN_STATES;
use crate::client::{ArmClient, Check, Operation, WaitOptions};
use crate::discovery::WorkspaceRef;
use crate::error::AzureError;
use crate::models::ComputeResource;

/// How often, and how far apart, the compute is read back after a lost answer before the outcome is called unknown.
const READ_BACK_ATTEMPTS: u32 = 6;

/// An action after its request: either nothing had to be sent, or an operation to finish.
pub enum Begun {
    Unchanged(Outcome),
    Started(Box<Started>),
}

/// A sent action: what to wait for.
pub struct Started {
    pub row: &'static ActionRow,
    pub name: String,
    pub params: Params,
    /// The compute as read before the request.
    pub before: ComputeResource,
    /// `None` when the request completed the action (or it was found done on a read-back).
    pub operation: Option<Operation>,
}

/// Looks an action up, or refuses an unknown one.
pub fn row(id: &str) -> Result<&'static ActionRow, Refusal> {
    table::row(id).ok_or_else(|| {
        let known: Vec<&str> = table::ACTIONS.iter().map(|r| r.id).collect();
        Refusal::new(Code::InvalidArgument, format!("unknown action '{id}'"))
            .hint(format!("one of {}", known.join(", ")))
    })
}

/// The compute, or the refusal that says it does not exist.
pub async fn read(client: &ArmClient, ws: &WorkspaceRef, name: &str) -> Result<ComputeResource, Refusal> {
    match client.get_compute(ws, name).await? {
        Some(c) => Ok(c),
        None => Err(not_found(ws, name)),
    }
}

pub fn not_found(ws: &WorkspaceRef, name: &str) -> Refusal {
    Refusal::new(Code::NotFound, format!("no compute named '{name}' in workspace '{}'", ws.workspace_name))
        .hint("list them with `amlc compute list`")
}

/// Steps 1–4: checks, reads, decides and sends. `wait` gives the pace of read-backs (its poll interval) and the
/// cancel token.
pub async fn begin(
    client: &ArmClient,
    ws: &WorkspaceRef,
    id: &str,
    name: &str,
    params: &Params,
    wait: &WaitOptions,
) -> Result<Begun, Refusal> {
    let row = row(id)?;
    (row.arguments)(name, params)?;
    let before = read(client, ws, name).await?;
    if let Some(outcome) = judge(row, &before, params)? {
        return Ok(Begun::Unchanged(outcome));
    }
    let Some(send) = row.send else {
        return Err(Refusal::new(Code::InvalidArgument, format!("'{id}' only reads; there is nothing to run")));
    };
    let operation = match send(client, ws, &before, params).await {
        Ok(operation) => operation,
        Err(error) if answer_lost(&error) => {
            tracing::debug!(name, action = id, "answer lost; reading the compute back");
            read_back(client, ws, row, &before, params, wait, &error).await?;
            None
        }
        Err(error) => return Err(Refusal::from(error)),
    };
    Ok(Begun::Started(Box::new(Started { row, name: name.to_string(), params: params.clone(), before, operation })))
}

/// The whole action: [`begin`], then [`Started::finish`].
pub async fn run(
    client: &ArmClient,
    ws: &WorkspaceRef,
    id: &str,
    name: &str,
    params: &Params,
    wait: &WaitOptions,
) -> Result<Outcome, Refusal> {
    match begin(client, ws, id, name, params, wait).await? {
        Begun::Unchanged(outcome) => Ok(outcome),
        Begun::Started(started) => started.finish(client, ws, wait).await,
    }
}

/// The row's verdict on a compute as read: a refusal, an outcome when nothing needs sending, or `None` to go ahead.
/// (A front end that asks for confirmation calls it first, so it asks only about what can go ahead.)
pub fn judge(row: &ActionRow, compute: &ComputeResource, params: &Params) -> Result<Option<Outcome>, Refusal> {
    match (row.verdict)(compute, params) {
        Verdict::Refuse(refusal) => Err(refusal),
        Verdict::Unchanged(message) => {
            let mut outcome = Outcome::new(OutcomeCode::Unchanged, message);
            outcome.compute = Some(Box::new(compute.clone()));
            Ok(Some(outcome))
        }
        Verdict::Offer | Verdict::Try => Ok(None),
    }
}

/// Whether a failed request may nevertheless have been carried out.
fn answer_lost(error: &AzureError) -> bool {
    match error {
        AzureError::Transport { sent, .. } => *sent,
        AzureError::Arm(e) => matches!(e.status, 500 | 502 | 504),
        _ => false,
    }
}

/// Reads the compute until it shows the action took effect; the outcome is unknown when it never does.
async fn read_back(
    client: &ArmClient,
    ws: &WorkspaceRef,
    row: &ActionRow,
    before: &ComputeResource,
    params: &Params,
    wait: &WaitOptions,
    error: &AzureError,
) -> Result<(), Refusal> {
    match read_until(client, ws, &before.name, wait, |now| table::landed(row, before, now, params)).await {
        Some(_) => Ok(()),
        None => Err(Refusal::outcome_unknown(row.id, &before.name, &cause(error))),
    }
}

/// Reads a compute, a few times at the caller's pace, until `seen` holds; `None` when it never did (or every read
/// failed, or the wait was cancelled). One read that fails is not an answer, so it does not end the search.
pub(super) async fn read_until(
    client: &ArmClient,
    ws: &WorkspaceRef,
    name: &str,
    wait: &WaitOptions,
    seen: impl Fn(Option<&ComputeResource>) -> bool,
) -> Option<Option<ComputeResource>> {
    let pause = wait.poll_interval.clamp(Duration::from_millis(10), Duration::from_secs(5));
    for attempt in 0..READ_BACK_ATTEMPTS {
        if attempt > 0 {
            tokio::select! {
                _ = wait.cancel.cancelled() => return None,
                _ = tokio::time::sleep(pause) => {}
            }
        }
        if let Ok(now) = client.get_compute(ws, name).await {
            if seen(now.as_ref()) {
                return Some(now);
            }
        }
    }
    None
}

/// The first line of what went wrong, without the hint that would suggest simply repeating it.
pub(super) fn cause(error: &AzureError) -> String {
    match error {
        AzureError::Transport { message, .. } => format!("the answer was lost ({message})"),
        other => format!("Azure gave an unclear answer ({other})"),
    }
}

impl Started {
    /// What to say as soon as Azure accepted the request.
    pub fn accepted(&self) -> Outcome {
        Outcome::new(OutcomeCode::Accepted, format!("{} of '{}' accepted", self.row.id, self.name))
    }

    /// The progress title ("Starting ci-1").
    pub fn title(&self) -> String {
        format!("{} {}", self.row.title, self.name)
    }

    /// Waits for the operation, then for the asked-for state.
    pub async fn finish(self, client: &ArmClient, ws: &WorkspaceRef, wait: &WaitOptions) -> Result<Outcome, Refusal> {
        let name = self.name.as_str();
        let settle = self.row.settle;
        let result = match &self.operation {
            Some(op) => client.wait(op, wait).await,
            None => Ok(()),
        };
        let result = match result {
            Ok(()) if settle == Settle::Immediate => Ok(self.operation.as_ref().and_then(|op| op.resource.clone())),
            Ok(()) => {
                let label = self.title();
                client.wait_for_compute(ws, name, &label, wait, |c| settled(settle, name, c)).await
            }
            Err(error) => Err(error),
        };
        match result {
            Ok(after) => {
                let message = (self.row.done)(&self.before, after.as_ref(), &self.params);
                let mut outcome = Outcome::new(OutcomeCode::Done, message);
                outcome.compute = after.map(Box::new);
                Ok(outcome)
            }
            Err(error) => Err(stopped_short(client, ws, name, &self.title(), self.row.id, error).await),
        }
    }
}

/// The words when a wait ends without the asked-for state: what Azure reports now, and what to do. `verb` names the
/// action in an unknown outcome ("start", "create").
pub(super) async fn stopped_short(
    client: &ArmClient,
    ws: &WorkspaceRef,
    name: &str,
    title: &str,
    verb: &str,
    error: AzureError,
) -> Refusal {
    let reported = match client.get_compute(ws, name).await {
        Ok(Some(c)) => format!("Azure reports it {}", c.status()),
        Ok(None) => "Azure does not list it".to_string(),
        Err(_) => "its state could not be read".to_string(),
    };
    let show = format!("`amlc compute show {name}` tells");
    match error {
        AzureError::Timeout(after) => {
            Refusal::new(Code::Timeout, format!("{title}: stopped waiting after {}s; {reported}", after.as_secs()))
                .hint(format!("Azure may still finish it; {show}"))
        }
        AzureError::Cancelled => Refusal::new(
            Code::Cancelled,
            format!("{title}: cancelled; amlc stopped following it, but Azure cannot undo it and may still finish it; {reported}"),
        )
        .hint(show),
        error @ (AzureError::OperationFailed { .. } | AzureError::Arm(_)) => {
            let mut refusal = Refusal::from(error);
            refusal.message = format!("{title} failed: {}; {reported}", refusal.message);
            refusal
        }
        other => Refusal::outcome_unknown(verb, name, &format!("following it failed ({other})")),
    }
}

/// Whether a read of the compute shows the asked-for state.
fn settled(settle: Settle, name: &str, compute: Option<&ComputeResource>) -> Check {
    match (settle, compute) {
        (Settle::Gone, None) => Check::Done,
        (Settle::Gone, Some(c)) if c.provisioning_state() == Some("Failed") => {
            Check::Fail(format!("'{name}' could not be removed (provisioning Failed)"))
        }
        (Settle::Gone, Some(_)) => Check::Continue,
        (_, None) => Check::Fail(format!("'{name}' disappeared")),
        (Settle::State(target), Some(c)) => match c.state() {
            Some(s) if s == target => Check::Done,
            Some(s) if BROKEN_STATES.contains(&s) => Check::Fail(format!("'{name}' ended in state {s}")),
            _ => Check::Continue,
        },
        (Settle::Provisioned | Settle::Immediate, Some(c)) => match c.provisioning_state() {
            Some("Failed") | Some("Canceled") => Check::Fail(format!("the update of '{name}' failed")),
            Some("Succeeded") | None => Check::Done,
            _ => Check::Continue,
        },
    }
}
