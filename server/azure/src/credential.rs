//! Where access tokens come from: azure_identity credentials, a token handed over by the editor, or a fixed token for
//! the local emulator; tried in a documented, configurable order and cached until shortly before they expire.
//!
//! Default order (`CredentialKind::DEFAULT_ORDER`), first that yields a token wins and is remembered:
//! 1. `editor`: the editor's own Microsoft sign-in (VS Code asks its auth provider; the language server implements
//!    [`TokenSource`] by sending `amlc/getToken` to the client). Only present when running under an editor, and the
//!    user signed in there on purpose, so it goes first.
//! 2. `environment`: a service principal from `AZURE_TENANT_ID` + `AZURE_CLIENT_ID` + `AZURE_CLIENT_SECRET`. Setting
//!    these is an explicit choice (CI, scripts), so it beats ambient logins.
//! 3. `workload-identity`: federated token file (`AZURE_FEDERATED_TOKEN_FILE`, Kubernetes/GitHub OIDC).
//! 4. `developer-tools`: `az login`, then `azd auth login`. On Windows azure_identity runs them through `cmd /C`, so
//!    the `az.cmd` the Azure CLI installs is found as a shell finds it, and az reads its `%USERPROFILE%\.azure`.
//! 5. `managed-identity`: last, because probing the metadata endpoint off Azure costs seconds.
//!
//! `AMLC_CREDENTIALS=developer-tools,managed-identity` (or `--credentials`) replaces the order.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use futures::future::BoxFuture;
use time::OffsetDateTime;

use crate::error::AzureError;

/// The ARM scope every token is requested for.
pub const ARM_SCOPE: &str = "https://management.azure.com/.default";

/// A bearer token. Its `Debug` never shows the secret, and it has no `Display`.
#[derive(Clone)]
pub struct AccessToken {
    secret: String,
    pub expires_on: OffsetDateTime,
}

impl AccessToken {
    pub fn new(secret: impl Into<String>, expires_on: OffsetDateTime) -> Self {
        AccessToken { secret: secret.into(), expires_on }
    }

    /// The secret, for the `Authorization` header only.
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl AccessToken {
    /// A string claim of the token's payload (`oid`, `tid`, `upn`), when the token is a JWT. Only the payload is
    /// decoded; nothing here verifies it, so use claims for friendlier checks and messages, never for security.
    pub fn claim(&self, name: &str) -> Option<String> {
        let payload = self.secret.split('.').nth(1)?;
        let bytes = base64url_decode(payload)?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        value.get(name)?.as_str().map(str::to_string)
    }
}

/// Decodes a JWT segment: base64url, normally unpadded, tolerating padding.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine;
    const JWT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    JWT.decode(text).ok()
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken").field("secret", &"<redacted>").field("expires_on", &self.expires_on).finish()
    }
}

/// Anything that can hand out a token for a scope. Object-safe so the language server can plug in its own.
pub trait TokenSource: Send + Sync {
    /// A short name for messages ("azure cli", "editor", …).
    fn name(&self) -> &str;
    fn get_token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>>;
}

/// A fixed token: the emulator accepts any bearer, so tests and demos need no sign-in.
pub struct StaticToken {
    token: String,
}

impl StaticToken {
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken { token: token.into() }
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenSource for StaticToken {
    fn name(&self) -> &str {
        "static token"
    }
    fn get_token<'a>(&'a self, _scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>> {
        Box::pin(async move {
            Ok(AccessToken::new(self.token.clone(), OffsetDateTime::now_utc() + Duration::from_secs(3600)))
        })
    }
}

/// The future a [`CallbackToken`] callback returns.
pub type TokenFuture = BoxFuture<'static, Result<AccessToken, AzureError>>;

/// A token source backed by a callback: how the language server plugs in the editor's sign-in (it sends
/// `amlc/getToken` to the client inside the callback). Put it first in [`ChainedSource::from_order`] via `editor`.
pub struct CallbackToken {
    name: String,
    callback: Box<dyn Fn(String) -> TokenFuture + Send + Sync>,
}

impl CallbackToken {
    pub fn new(name: impl Into<String>, callback: impl Fn(String) -> TokenFuture + Send + Sync + 'static) -> Self {
        CallbackToken { name: name.into(), callback: Box::new(callback) }
    }
}

impl fmt::Debug for CallbackToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackToken").field("name", &self.name).finish_non_exhaustive()
    }
}

impl TokenSource for CallbackToken {
    fn name(&self) -> &str {
        &self.name
    }
    fn get_token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>> {
        (self.callback)(scope.to_string())
    }
}

/// The credential families, in the words used by `AMLC_CREDENTIALS` / `--credentials`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    Editor,
    Environment,
    WorkloadIdentity,
    DeveloperTools,
    ManagedIdentity,
}

impl CredentialKind {
    pub const DEFAULT_ORDER: [CredentialKind; 5] = [
        CredentialKind::Editor,
        CredentialKind::Environment,
        CredentialKind::WorkloadIdentity,
        CredentialKind::DeveloperTools,
        CredentialKind::ManagedIdentity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Editor => "editor",
            CredentialKind::Environment => "environment",
            CredentialKind::WorkloadIdentity => "workload-identity",
            CredentialKind::DeveloperTools => "developer-tools",
            CredentialKind::ManagedIdentity => "managed-identity",
        }
    }

    /// Parses a comma-separated order such as `environment,developer-tools`.
    pub fn parse_order(text: &str) -> Result<Vec<CredentialKind>, AzureError> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let kind = match part.to_ascii_lowercase().as_str() {
                "editor" => CredentialKind::Editor,
                "environment" | "env" | "service-principal" => CredentialKind::Environment,
                "workload-identity" | "workload" => CredentialKind::WorkloadIdentity,
                "developer-tools" | "dev" | "az" | "azure-cli" | "azd" => CredentialKind::DeveloperTools,
                "managed-identity" | "msi" => CredentialKind::ManagedIdentity,
                other => {
                    return Err(AzureError::Config(format!(
                        "unknown credential kind '{other}'; use editor, environment, workload-identity, developer-tools, managed-identity"
                    )))
                }
            };
            if !out.contains(&kind) {
                out.push(kind);
            }
        }
        if out.is_empty() {
            return Err(AzureError::Config("the credential order is empty".into()));
        }
        Ok(out)
    }
}

/// Wraps an azure_identity credential. Built lazily so that a family that is not configured (no env vars, no `az`)
/// only fails when it is its turn, and the chain moves on.
struct IdentitySource {
    kind: CredentialKind,
    credential: tokio::sync::OnceCell<Result<Arc<dyn TokenCredential>, String>>,
}

impl IdentitySource {
    fn build(kind: CredentialKind) -> Result<Arc<dyn TokenCredential>, String> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let result: azure_core::Result<Arc<dyn TokenCredential>> = match kind {
            CredentialKind::Environment => {
                let (Some(tenant), Some(client), Some(secret)) =
                    (env("AZURE_TENANT_ID"), env("AZURE_CLIENT_ID"), env("AZURE_CLIENT_SECRET"))
                else {
                    return Err("AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set".into());
                };
                azure_identity::ClientSecretCredential::new(
                    &tenant,
                    client,
                    azure_core::credentials::Secret::new(secret),
                    None,
                )
                .map(|c| c as Arc<dyn TokenCredential>)
            }
            CredentialKind::WorkloadIdentity => {
                if env("AZURE_FEDERATED_TOKEN_FILE").is_none() {
                    return Err("AZURE_FEDERATED_TOKEN_FILE is not set".into());
                }
                azure_identity::WorkloadIdentityCredential::new(None).map(|c| c as Arc<dyn TokenCredential>)
            }
            CredentialKind::DeveloperTools => {
                azure_identity::DeveloperToolsCredential::new(None).map(|c| c as Arc<dyn TokenCredential>)
            }
            CredentialKind::ManagedIdentity => {
                azure_identity::ManagedIdentityCredential::new(None).map(|c| c as Arc<dyn TokenCredential>)
            }
            CredentialKind::Editor => return Err("no editor is connected".into()),
        };
        // azure_core errors describe the failure without the secret; keep only the message text.
        result.map_err(|e| e.to_string())
    }
}

impl TokenSource for IdentitySource {
    fn name(&self) -> &str {
        self.kind.as_str()
    }
    fn get_token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>> {
        Box::pin(async move {
            let credential = self.credential.get_or_init(|| async { Self::build(self.kind) }).await;
            let credential =
                credential.as_ref().map_err(|e| AzureError::Credential(format!("{}: {e}", self.kind.as_str())))?;
            let token = credential
                .get_token(&[scope], None)
                .await
                .map_err(|e| AzureError::Credential(format!("{}: {e}", self.kind.as_str())))?;
            Ok(AccessToken::new(token.token.secret().to_string(), token.expires_on))
        })
    }
}

/// Tries sources in order; the first that gives a token is used from then on.
pub struct ChainedSource {
    sources: Vec<Arc<dyn TokenSource>>,
    chosen: std::sync::Mutex<Option<usize>>,
}

impl ChainedSource {
    pub fn new(sources: Vec<Arc<dyn TokenSource>>) -> Self {
        ChainedSource { sources, chosen: std::sync::Mutex::new(None) }
    }

    /// The chain for `order`. `editor` is used where `Editor` appears; without it that entry is skipped.
    pub fn from_order(order: &[CredentialKind], editor: Option<Arc<dyn TokenSource>>) -> Self {
        let mut sources: Vec<Arc<dyn TokenSource>> = Vec::new();
        for kind in order {
            match kind {
                CredentialKind::Editor => {
                    if let Some(editor) = &editor {
                        sources.push(editor.clone());
                    }
                }
                kind => {
                    sources.push(Arc::new(IdentitySource { kind: *kind, credential: tokio::sync::OnceCell::new() }))
                }
            }
        }
        ChainedSource::new(sources)
    }
}

/// One line for why a source gave no token: the library's multi-line report cut to its own sentences (no
/// troubleshooting links, no repeated prefixes), the reasons of a source made of several tools joined by `; `.
fn reason_line(source: &str, error: &AzureError) -> String {
    let text = error.to_string();
    let prefix = format!("{source}: ");
    let reasons: Vec<String> = text
        .lines()
        .map(|l| {
            // `could not get an access token: NAME: reason` and `…Credential authentication failed. reason`.
            let l = l.trim();
            let l = l.strip_prefix("could not get an access token: ").unwrap_or(l);
            let l = l.strip_prefix(prefix.as_str()).unwrap_or(l);
            l.split_once("authentication failed. ").map_or(l, |(_, rest)| rest).trim().to_string()
        })
        .filter(|l| !l.is_empty() && !l.starts_with("To troubleshoot") && !l.starts_with("Multiple errors"))
        .collect();
    let mut unique: Vec<String> = Vec::new();
    for r in reasons {
        if !unique.contains(&r) {
            unique.push(r);
        }
    }
    unique.join("; ")
}

impl TokenSource for ChainedSource {
    fn name(&self) -> &str {
        let chosen = self.chosen.lock().ok().and_then(|c| *c);
        chosen.and_then(|i| self.sources.get(i)).map(|s| s.name()).unwrap_or("credential chain")
    }
    fn get_token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>> {
        Box::pin(async move {
            let chosen = self.chosen.lock().ok().and_then(|c| *c);
            if let Some(index) = chosen {
                if let Some(source) = self.sources.get(index) {
                    return source.get_token(scope).await;
                }
            }
            let mut failures = Vec::new();
            for (index, source) in self.sources.iter().enumerate() {
                match source.get_token(scope).await {
                    Ok(token) => {
                        if let Ok(mut c) = self.chosen.lock() {
                            *c = Some(index);
                        }
                        tracing::debug!(source = source.name(), "got an access token");
                        return Ok(token);
                    }
                    Err(e) => failures.push(format!("  {}: {}", source.name(), reason_line(source.name(), &e))),
                }
            }
            Err(AzureError::Credential(format!("no credential gave a token; tried:\n{}", failures.join("\n"))))
        })
    }
}

/// Caches the token of `inner` until `margin` before it expires; `invalidate` drops it after a 401.
pub struct CachedSource {
    inner: Arc<dyn TokenSource>,
    margin: Duration,
    cache: tokio::sync::Mutex<Option<AccessToken>>,
}

impl CachedSource {
    pub fn new(inner: Arc<dyn TokenSource>) -> Self {
        // Five minutes covers clock skew and a request in flight, as the Azure SDKs do.
        CachedSource { inner, margin: Duration::from_secs(300), cache: tokio::sync::Mutex::new(None) }
    }

    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    pub async fn invalidate(&self) {
        *self.cache.lock().await = None;
    }
}

impl TokenSource for CachedSource {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn get_token<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            if let Some(token) = cache.as_ref() {
                if token.expires_on - self.margin > OffsetDateTime::now_utc() {
                    return Ok(token.clone());
                }
            }
            let token = self.inner.get_token(scope).await?;
            *cache = Some(token.clone());
            Ok(token)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting {
        calls: AtomicUsize,
        lifetime: Duration,
        fail: bool,
    }

    impl TokenSource for Counting {
        fn name(&self) -> &str {
            "counting"
        }
        fn get_token<'a>(&'a self, _scope: &'a str) -> BoxFuture<'a, Result<AccessToken, AzureError>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                if self.fail {
                    return Err(AzureError::Credential("nope".into()));
                }
                Ok(AccessToken::new(format!("tok-{n}"), OffsetDateTime::now_utc() + self.lifetime))
            })
        }
    }

    #[tokio::test]
    async fn cache_reuses_until_near_expiry() {
        let long = Arc::new(Counting { calls: AtomicUsize::new(0), lifetime: Duration::from_secs(3600), fail: false });
        let cached = CachedSource::new(long.clone());
        for _ in 0..3 {
            assert_eq!(cached.get_token(ARM_SCOPE).await.map(|t| t.secret().to_string()).ok(), Some("tok-0".into()));
        }
        assert_eq!(long.calls.load(Ordering::SeqCst), 1);
        cached.invalidate().await;
        assert_eq!(cached.get_token(ARM_SCOPE).await.map(|t| t.secret().to_string()).ok(), Some("tok-1".into()));

        // A token inside the refresh margin is fetched again every time.
        let short = Arc::new(Counting { calls: AtomicUsize::new(0), lifetime: Duration::from_secs(60), fail: false });
        let cached = CachedSource::new(short.clone());
        let _ = cached.get_token(ARM_SCOPE).await;
        let _ = cached.get_token(ARM_SCOPE).await;
        assert_eq!(short.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn chain_skips_failures_and_remembers_the_winner() {
        let bad = Arc::new(Counting { calls: AtomicUsize::new(0), lifetime: Duration::from_secs(60), fail: true });
        let good = Arc::new(Counting { calls: AtomicUsize::new(0), lifetime: Duration::from_secs(60), fail: false });
        let chain = ChainedSource::new(vec![bad.clone(), good.clone()]);
        assert!(chain.get_token(ARM_SCOPE).await.is_ok());
        assert!(chain.get_token(ARM_SCOPE).await.is_ok());
        assert_eq!(bad.calls.load(Ordering::SeqCst), 1, "the failing source is not retried once a winner is known");
        assert_eq!(good.calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn reads_claims_of_a_jwt_and_nothing_of_other_tokens() {
        // {"alg":"none"} . {"oid":"1234-abcd","tid":"t"} . (no signature)
        let jwt = "eyJhbGciOiJub25lIn0.eyJvaWQiOiIxMjM0LWFiY2QiLCJ0aWQiOiJ0In0.";
        let token = AccessToken::new(jwt, OffsetDateTime::now_utc());
        assert_eq!(token.claim("oid").as_deref(), Some("1234-abcd"));
        assert_eq!(token.claim("tid").as_deref(), Some("t"));
        assert_eq!(token.claim("upn"), None);
        assert_eq!(AccessToken::new("amlc-emulator", OffsetDateTime::now_utc()).claim("oid"), None);
    }

    #[test]
    fn debug_never_shows_secrets() {
        let token = AccessToken::new("super-secret-value", OffsetDateTime::now_utc());
        assert!(!format!("{token:?}").contains("super-secret-value"));
        assert!(!format!("{:?}", StaticToken::new("super-secret-value")).contains("super-secret-value"));
    }

    #[tokio::test]
    async fn editor_callback_goes_first_in_the_default_order() {
        let editor = Arc::new(CallbackToken::new("editor", |scope: String| -> TokenFuture {
            Box::pin(async move {
                assert_eq!(scope, ARM_SCOPE);
                Ok(AccessToken::new("from-editor", OffsetDateTime::now_utc() + Duration::from_secs(600)))
            })
        }));
        let chain = ChainedSource::from_order(&CredentialKind::DEFAULT_ORDER, Some(editor));
        let token = chain.get_token(ARM_SCOPE).await.map(|t| t.secret().to_string()).ok();
        assert_eq!(token.as_deref(), Some("from-editor"));
        assert_eq!(chain.name(), "editor");
    }

    #[test]
    fn order_parses_and_rejects_unknown() {
        let order = CredentialKind::parse_order("env, az,managed-identity").unwrap_or_default();
        assert_eq!(
            order,
            vec![CredentialKind::Environment, CredentialKind::DeveloperTools, CredentialKind::ManagedIdentity]
        );
        assert!(CredentialKind::parse_order("kerberos").is_err());
        assert!(CredentialKind::parse_order("").is_err());
    }

    #[tokio::test]
    async fn environment_without_variables_fails_cleanly() {
        // Only meaningful when the variables are absent, which is the case in CI and on the dev machine.
        if std::env::var("AZURE_CLIENT_SECRET").is_ok() {
            return;
        }
        let chain = ChainedSource::from_order(&[CredentialKind::Environment], None);
        let err = chain.get_token(ARM_SCOPE).await.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("AZURE_TENANT_ID"), "{err}");
    }

    #[test]
    fn a_failed_source_is_one_line() {
        let error = AzureError::Credential(
            "developer-tools: Multiple errors were encountered while attempting to authenticate:\nAzureCliCredential authentication failed. az not found on PATH\nTo troubleshoot, visit https://aka.ms/x - az not found on PATH\nAzureDeveloperCliCredential authentication failed. azd not found on PATH".into(),
        );
        assert_eq!(reason_line("developer-tools", &error), "az not found on PATH; azd not found on PATH");
    }
}
