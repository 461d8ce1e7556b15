//! The compute workflow, owned here for every front end: the command line (`amlc compute …`) and the language
//! server (`amlc.compute.*` commands) call it and keep no copy of its rules.
//!
//! - [`session`]: where to act: endpoint, workspace and credential.
//! - [`table`]: every action, one row each: which computes and states allow it, how it is sent, which state ends
//!   it, and the words for its end. The editor's menus are drawn from the same rows ([`table::offered`]).
//! - [`run`]: running an action: arguments checked before any request, the compute read, the row's verdict, the
//!   request, a read-back when the answer was lost, then waiting for the state that was asked for, with one timeout
//!   and cancel rule; when waiting stops short, the words say what Azure reports.
//! - [`ssh`]: who and where to connect, for `amlc compute ssh` and the editor's SSH command.
//!
//! Everything that does not go ahead is a [`Refusal`] with a stable [`Code`], so every front end says the same
//! thing with the same code.

pub mod put;
pub mod run;
pub mod session;
pub mod spec;
pub mod ssh;
pub mod table;

use serde::Serialize;

use crate::error::AzureError;
use crate::models::ComputeResource;

pub use run::{begin, run, Begun, Started};
pub use session::{Credentials, Session, SessionRequest};
pub use table::{offered, ActionRow, Limits, Verdict, ACTIONS};

/// Why something did not go ahead, as a stable code the front ends may match on (documented in
/// docs/lsp-extensions.md; the command line prints it as `error[code]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Code {
    /// An argument is out of range or missing; nothing was sent.
    InvalidArgument,
    /// No compute of that name in the workspace.
    NotFound,
    /// The action does not apply to this compute type.
    WrongType,
    /// The compute's state does not allow the action.
    WrongState,
    /// Delete of an attached compute: it would delete a resource Azure ML does not own.
    Attached,
    /// Detach of a compute Azure ML created.
    NotAttached,
    /// SSH cannot work on this compute (disabled, stopped, no address, no nodes, another user's).
    SshUnavailable,
    /// The pre-flight before a create or attach found a problem; nothing was sent.
    Preflight,
    /// The spec has errors or cannot be turned into a request; nothing was sent.
    Spec,
    /// Azure answered with an error, or its operation failed.
    Azure,
    /// The connection failed before the request reached Azure.
    Transport,
    /// Waiting ended before the compute reached the asked-for state.
    Timeout,
    /// The user stopped waiting.
    Cancelled,
    /// The request was sent but its answer was lost, and reading the compute back did not tell whether it acted.
    OutcomeUnknown,
    /// No credential yielded a token.
    Credential,
    /// No workspace is configured.
    NoWorkspace,
    /// A setting or endpoint is unusable.
    Config,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidArgument => "invalidArgument",
            Code::NotFound => "notFound",
            Code::WrongType => "wrongType",
            Code::WrongState => "wrongState",
            Code::Attached => "attached",
            Code::NotAttached => "notAttached",
            Code::SshUnavailable => "sshUnavailable",
            Code::Preflight => "preflight",
            Code::Spec => "spec",
            Code::Azure => "azure",
            Code::Transport => "transport",
            Code::Timeout => "timeout",
            Code::Cancelled => "cancelled",
            Code::OutcomeUnknown => "outcomeUnknown",
            Code::Credential => "credential",
            Code::NoWorkspace => "noWorkspace",
            Code::Config => "config",
        }
    }

    /// Every code, for documentation checks.
    pub const ALL: [Code; 17] = [
        Code::InvalidArgument,
        Code::NotFound,
        Code::WrongType,
        Code::WrongState,
        Code::Attached,
        Code::NotAttached,
        Code::SshUnavailable,
        Code::Preflight,
        Code::Spec,
        Code::Azure,
        Code::Transport,
        Code::Timeout,
        Code::Cancelled,
        Code::OutcomeUnknown,
        Code::Credential,
        Code::NoWorkspace,
        Code::Config,
    ];
}

/// An action that did not go ahead, or did not end as asked: the code, the words, and what to do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub code: Code,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Refusal {
    pub fn new(code: Code, message: impl Into<String>) -> Refusal {
        Refusal { code, message: message.into(), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Refusal {
        let hint = hint.into();
        self.hint = (!hint.is_empty()).then_some(hint);
        self
    }

    /// Message and hint in one line, for a front end with room for one (an editor notification).
    pub fn one_line(&self) -> String {
        match &self.hint {
            Some(hint) => format!("{}; {hint}", self.message),
            None => self.message.clone(),
        }
    }

    /// The words when the answer to a sent request is lost and the compute does not tell what happened.
    pub fn outcome_unknown(action: &str, name: &str, cause: &str) -> Refusal {
        Refusal::new(Code::OutcomeUnknown, format!("{action} '{name}': {cause}; the outcome is unknown"))
            .hint(format!("`amlc compute show {name}` tells"))
    }
}

impl From<AzureError> for Refusal {
    fn from(error: AzureError) -> Refusal {
        let code = match &error {
            AzureError::Arm(e) if e.status == 404 => Code::NotFound,
            AzureError::Arm(_) | AzureError::OperationFailed { .. } | AzureError::Protocol { .. } => Code::Azure,
            AzureError::Transport { .. } => Code::Transport,
            AzureError::Timeout(_) => Code::Timeout,
            AzureError::Cancelled => Code::Cancelled,
            AzureError::Credential(_) => Code::Credential,
            AzureError::Config(_) => Code::Config,
            AzureError::Refused(_) => Code::Config,
        };
        let hint = error.hint();
        Refusal { code, message: error.to_string(), hint }
    }
}

/// How an action ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OutcomeCode {
    /// The compute reached the asked-for state.
    Done,
    /// The compute was already as asked; nothing was sent.
    Unchanged,
    /// Azure accepted the request; nobody waited for the end (`--no-wait`, or the editor's immediate answer).
    Accepted,
}

/// An action that went ahead: its code, its words, and the compute as last read.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub code: OutcomeCode,
    pub message: String,
    #[serde(skip)]
    pub compute: Option<Box<ComputeResource>>,
}

impl Outcome {
    pub fn new(code: OutcomeCode, message: impl Into<String>) -> Outcome {
        Outcome { code, message: message.into(), compute: None }
    }
}

/// The arguments an action may take, as every front end collects them (flags, an input box).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    /// Idle shutdown of an instance, in minutes.
    pub minutes: Option<i64>,
    /// Node counts of a cluster; what is left out keeps its current value.
    pub min_nodes: Option<i64>,
    pub max_nodes: Option<i64>,
    /// Seconds a cluster node may idle before it is released.
    pub idle_seconds: Option<i64>,
    /// Single sign-on of an instance: on (the default) or off.
    pub enable_sso: Option<bool>,
}
