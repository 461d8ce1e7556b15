//! Azure Resource Manager client for Azure ML compute: one `async fn` per REST operation,
//! credentials, long-running operations, retries and plain-words errors.

pub mod actions;
pub mod az_defaults;
pub mod body;
pub mod client;
pub mod credential;
pub mod discovery;
pub mod error;
pub mod home;
pub mod models;
pub mod preflight;
pub mod shell;
pub mod spec_of;
pub mod ssh;
pub mod workflow;
pub mod workspaces;

pub use client::{
    ArmClient, Check, ClientOptions, Operation, PollTarget, Progress, ProgressFn, RetryPolicy, WaitOptions,
};
pub use credential::{
    AccessToken, CachedSource, CallbackToken, ChainedSource, CredentialKind, StaticToken, TokenSource,
};
pub use discovery::{discover, WorkspaceRef};
pub use error::{ArmError, AzureError, ErrorKind};
pub use models::{
    Application, ComputeNode, ComputeResource, NodeStateCounts, UnderlyingResourceAction, Usage, VmSize, Workspace,
};
pub use workspaces::{Subscription, WorkspaceListing};
