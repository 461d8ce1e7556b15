//! Where to act, decided once for every front end: the endpoint, the workspace and the credential.
//!
//! - Endpoint: the one asked for (`--endpoint`, `amlc.armEndpoint`), else Azure Resource Manager. An http endpoint on
//!   loopback is the local emulator.
//! - Workspace: the one given (flags, settings), else `.azureml/config.json` searched from the given folders, else,
//!   on the emulator only, the emulator's own workspace. A real endpoint never gets a made-up workspace: a typo must
//!   not send someone's action elsewhere.
//! - Credential: see [`Credentials`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{Code, Refusal};
use crate::client::{is_loopback, ArmClient, ClientOptions, DEFAULT_ENDPOINT};
use crate::credential::{ChainedSource, CredentialKind, StaticToken, TokenSource};
use crate::discovery::WorkspaceRef;

/// Which credential to use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Credentials {
    /// The emulator gets a fixed token (it accepts any bearer); Azure gets the default chain, with the editor's
    /// sign-in first when there is one.
    #[default]
    Auto,
    /// These sources, in this order (`--credentials`, or an editor setting naming one kind).
    Order(Vec<CredentialKind>),
    /// The editor's sign-in only.
    Editor,
    /// A fixed token: for endpoints that need none.
    Anonymous,
}

impl Credentials {
    /// The editor's `amlc.auth` setting.
    pub fn from_setting(auth: &str) -> Credentials {
        match auth {
            "vscode" => Credentials::Editor,
            "azureCli" => Credentials::Order(vec![CredentialKind::DeveloperTools]),
            "environment" => Credentials::Order(vec![CredentialKind::Environment, CredentialKind::WorkloadIdentity]),
            "managedIdentity" => Credentials::Order(vec![CredentialKind::ManagedIdentity]),
            "none" => Credentials::Anonymous,
            _ => Credentials::Auto,
        }
    }
}

/// What a front end knows about where to act.
#[derive(Default)]
pub struct SessionRequest {
    pub endpoint: Option<String>,
    /// A workspace given explicitly, with where it came from ("command line", "settings").
    pub workspace: Option<(WorkspaceRef, &'static str)>,
    /// Folders to search for `.azureml/config.json` when no workspace is given.
    pub search: Vec<PathBuf>,
    pub credentials: Credentials,
    /// The editor's sign-in, when running under an editor that offers it.
    pub editor: Option<Arc<dyn TokenSource>>,
    pub compute_api_version: Option<String>,
    /// Bound on each request (connect and answer); the default is the client's.
    pub request_timeout: Option<Duration>,
}

/// A connected workspace.
pub struct Session {
    pub client: ArmClient,
    pub workspace: WorkspaceRef,
    /// "command line", "settings", "config" or "emulator".
    pub source: &'static str,
    pub endpoint: String,
    pub emulator: bool,
}

/// The workspace `amlc emulator` serves with no flags.
pub fn emulator_workspace() -> WorkspaceRef {
    WorkspaceRef::new("00000000-0000-0000-0000-000000000000", "rg", "ws")
}

/// An ARM client for the endpoint and credential asked for; needs no workspace (a workspace picker lists
/// subscriptions with it). Also says whether the endpoint is the local emulator.
pub fn client_for(request: &SessionRequest) -> Result<(ArmClient, bool), Refusal> {
    let endpoint = request.endpoint.clone().unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
    let mut options = ClientOptions::with_endpoint(&endpoint)?;
    if let Some(version) = &request.compute_api_version {
        options.compute_api_version = version.clone();
    }
    if let Some(timeout) = request.request_timeout {
        options.request_timeout = timeout;
    }
    let emulator = options.endpoint.scheme() == "http" && is_loopback(&options.endpoint);
    let tokens = token_source(&request.credentials, emulator, request.editor.clone())?;
    Ok((ArmClient::new(options, tokens)?, emulator))
}

/// Endpoint, workspace and credential, or the refusal that says what is missing.
pub fn resolve(request: &SessionRequest) -> Result<Session, Refusal> {
    let (client, emulator) = client_for(request)?;
    let endpoint = client.options().endpoint.to_string().trim_end_matches('/').to_string();
    let (workspace, source) =
        match &request.workspace {
            Some((workspace, source)) => (workspace.clone(), *source),
            None => match discover(&request.search)? {
                Some(workspace) => (workspace, "config"),
                None if emulator => (emulator_workspace(), "emulator"),
                None => return Err(Refusal::new(Code::NoWorkspace, "no Azure ML workspace configured").hint(
                    "name one (subscription, resource group, workspace), or put the studio's config.json in .azureml/",
                )),
            },
        };
    Ok(Session { client, workspace, source, endpoint, emulator })
}

fn discover(folders: &[PathBuf]) -> Result<Option<WorkspaceRef>, Refusal> {
    for folder in folders {
        if let Some(found) = crate::discover(folder)? {
            return Ok(Some(found.workspace));
        }
    }
    Ok(None)
}

fn token_source(
    credentials: &Credentials,
    emulator: bool,
    editor: Option<Arc<dyn TokenSource>>,
) -> Result<Arc<dyn TokenSource>, Refusal> {
    Ok(match credentials {
        Credentials::Editor => editor.ok_or_else(|| {
            Refusal::new(Code::Credential, "the editor's sign-in was asked for, but this editor cannot hand it out")
                .hint("choose another amlc.auth")
        })?,
        Credentials::Order(kinds) => Arc::new(ChainedSource::from_order(kinds, None)),
        Credentials::Anonymous => Arc::new(StaticToken::new("amlc-no-auth")),
        // The emulator accepts any bearer; AMLC_EMULATOR_TOKEN lets a test act as a given user (`list --mine`).
        Credentials::Auto if emulator => {
            let token = std::env::var("AMLC_EMULATOR_TOKEN").ok().filter(|t| !t.is_empty());
            Arc::new(StaticToken::new(token.as_deref().unwrap_or("amlc-emulator")))
        }
        Credentials::Auto => Arc::new(ChainedSource::from_order(&CredentialKind::DEFAULT_ORDER, editor)),
    })
}
