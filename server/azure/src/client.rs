//! The ARM client: one `async fn` per compute operation, on a single reqwest stack, with retries where repeating is
//! safe, bearer tokens sent only where they belong, and long-running operations handed back as [`Operation`]s.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::credential::{CachedSource, TokenSource, ARM_SCOPE};
use crate::discovery::WorkspaceRef;
use crate::error::{ArmError, AzureError};
use crate::models::{
    ComputeNode, ComputeResource, ComputeSecrets, ScaleSettings, UnderlyingResourceAction, Usage, VmSize, Workspace,
};

pub const DEFAULT_ENDPOINT: &str = "https://management.azure.com";

/// api-version for every `…/computes…` call.
///
/// Why a preview: `az ml` (azure-ai-ml) sends its compute calls with 2023-08-01-preview, and the bodies built by
/// [`crate::body`] are the SDK's bodies, which carry instance fields that exist only in preview models
/// (`enableRootAccess`, `releaseQuotaOnStop`, `enableOSPatching`, sent by the SDK as raw keys). Under the newest stable
/// version (2025-12-01) the service would drop those silently, so a spec would not mean the same thing as with the CLI.
/// Speaking the CLI's version keeps both tools' requests interpreted identically, and that version stays alive as long
/// as the CLI depends on it. Override with `ClientOptions::compute_api_version` (`AMLC_COMPUTE_API_VERSION`).
pub const DEFAULT_COMPUTE_API_VERSION: &str = "2023-08-01-preview";
/// The api-version of the `enableSso` action, which no stable version has.
pub const ENABLE_SSO_API_VERSION: &str = "2024-04-01-preview";

/// api-version for the workspace, VM sizes, usages and quotas: nothing preview-only is needed there, so the newest
/// stable version (2025-12-01) is used.
pub const DEFAULT_WORKSPACE_API_VERSION: &str = "2025-12-01";

/// How often a request is tried again when the connection could not even be made.
const CONNECT_RETRIES: u32 = 2;

/// When and how often to repeat a request.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 6, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(30) }
    }
}

/// Where a front end hears, at once, that a request is tried again after a connection failure: the command line
/// says so on stderr, so nobody stares at a silent terminal; the language server only logs it.
static RETRY_NOTICE: std::sync::OnceLock<fn(&str)> = std::sync::OnceLock::new();

/// Sets the retry notice for this process (the first call wins).
pub fn on_retry_notice(notice: fn(&str)) {
    let _ = RETRY_NOTICE.set(notice);
}

#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub endpoint: Url,
    pub compute_api_version: String,
    pub workspace_api_version: String,
    pub retry: RetryPolicy,
    /// Per-request timeout (connect + response).
    pub request_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            // A constant that always parses; not derived from any input.
            endpoint: Url::parse(DEFAULT_ENDPOINT).expect("the default endpoint is a valid URL"),
            compute_api_version: DEFAULT_COMPUTE_API_VERSION.to_string(),
            workspace_api_version: DEFAULT_WORKSPACE_API_VERSION.to_string(),
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(60),
        }
    }
}

impl ClientOptions {
    pub fn with_endpoint(endpoint: &str) -> Result<Self, AzureError> {
        let endpoint =
            Url::parse(endpoint).map_err(|e| AzureError::Config(format!("endpoint '{endpoint}' is not a URL: {e}")))?;
        Ok(ClientOptions { endpoint, ..ClientOptions::default() })
    }
}

/// Whether a URL is on this machine: the only place plain http may carry a token (the emulator).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// How safe it is to send a request again after a failure whose outcome is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeat {
    /// Reads, DELETE (a second delete finds nothing: 204) and read-only POSTs (listNodes, listKeys).
    Safe,
    /// PUT, PATCH and action POSTs: repeated only when the service clearly did not act on the first try (429, 503,
    /// connection refused). A create must never run twice, and a second start after a first one that did land
    /// fails with a confusing wrong-state error; `create_or_update` reconciles the unclear cases with a GET.
    OnlyIfNotProcessed,
}

/// The raw answer to one request.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// How often the request was sent, and how long the retries took, for the words of a final "busy".
    pub tries: u32,
    pub waited: Duration,
}

impl RawResponse {
    fn json<T: DeserializeOwned>(&self, url: &Url) -> Result<T, AzureError> {
        serde_json::from_slice(&self.body).map_err(|e| AzureError::Protocol {
            url: strip_query(url),
            message: format!("could not read the body: {e}"),
        })
    }

    fn header_url(&self, name: &str) -> Option<Url> {
        self.headers.get(name)?.to_str().ok().and_then(|s| Url::parse(s).ok())
    }

    /// This answer as an error (its status is not a success).
    fn error(&self) -> AzureError {
        AzureError::arm_after_retries(self.status, &self.body, self.tries, self.waited)
    }

    fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.headers.get(RETRY_AFTER)?)
    }
}

fn parse_retry_after(value: &HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    // Seconds is what ARM sends; an HTTP date is legal too, and is turned into the time left until then.
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc2822).ok()?;
    let left = date - time::OffsetDateTime::now_utc();
    Some(Duration::from_secs(left.whole_seconds().max(0) as u64))
}

/// The URL without its query, for messages (queries may carry signed tokens on some Azure URLs).
fn strip_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.to_string()
}

/// Where to poll a long-running operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollTarget {
    /// `Azure-AsyncOperation`: a status body `{status, error}`.
    AsyncOperation(Url),
    /// `Location`: 202 while running, 200/204 when done.
    Location(Url),
}

/// A started long-running operation. Wait for it with [`ArmClient::wait`].
#[derive(Clone, Debug)]
pub struct Operation {
    /// What was asked, for progress messages ("start ci-1").
    pub label: String,
    /// Status of the first response.
    pub status: u16,
    /// `None` when the operation finished in the first response.
    pub poll: Option<PollTarget>,
    pub retry_after: Option<Duration>,
    /// The resource returned by a PUT or PATCH, if any.
    pub resource: Option<ComputeResource>,
}

/// One observation while waiting, for spinners and `$/progress`.
#[derive(Clone, Debug)]
pub struct Progress {
    pub label: String,
    pub status: String,
    pub elapsed: Duration,
}

pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How to wait: overall timeout, cancellation, progress callback and the poll interval when no `Retry-After` is given.
#[derive(Clone)]
pub struct WaitOptions {
    pub timeout: Duration,
    pub cancel: tokio_util::sync::CancellationToken,
    pub progress: Option<ProgressFn>,
    pub poll_interval: Duration,
    /// Upper bound on any single wait, so a huge `Retry-After` cannot stall us past the deadline unnoticed.
    pub max_poll_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(30 * 60),
            cancel: tokio_util::sync::CancellationToken::new(),
            progress: None,
            poll_interval: Duration::from_secs(5),
            max_poll_interval: Duration::from_secs(60),
        }
    }
}

/// The verdict of a state check while polling a compute with GET.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    Done,
    Continue,
    Fail(String),
}

/// The ARM client.
/// Cloning shares the HTTP connection pool and the token cache.
#[derive(Clone)]
pub struct ArmClient {
    http: reqwest::Client,
    options: ClientOptions,
    tokens: Arc<CachedSource>,
}

impl ArmClient {
    /// A client for `options.endpoint`. Refuses plain http except on loopback, so a token never crosses a network
    /// unencrypted.
    pub fn new(options: ClientOptions, tokens: Arc<dyn TokenSource>) -> Result<Self, AzureError> {
        check_transport(&options.endpoint)?;
        let http = reqwest::Client::builder()
            .timeout(options.request_timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("amlc/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AzureError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(ArmClient { http, options, tokens: Arc::new(CachedSource::new(tokens)) })
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// A claim of the current access token (e.g. `oid`, the signed-in user's object id), if it is a JWT.
    pub async fn token_claim(&self, claim: &str) -> Option<String> {
        self.tokens.get_token(ARM_SCOPE).await.ok()?.claim(claim)
    }

    pub fn credential_name(&self) -> &str {
        self.tokens.name()
    }

    pub(crate) fn url(&self, path: &[&str], api_version: &str, query: &[(&str, &str)]) -> Result<Url, AzureError> {
        let mut url = self.options.endpoint.clone();
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|_| AzureError::Config(format!("endpoint '{}' cannot carry a path", self.options.endpoint)))?;
            segments.pop_if_empty();
            for part in path {
                segments.push(part);
            }
        }
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("api-version", api_version);
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    fn workspace_segments(ws: &WorkspaceRef) -> Vec<&str> {
        vec![
            "subscriptions",
            &ws.subscription_id,
            "resourceGroups",
            &ws.resource_group,
            "providers",
            "Microsoft.MachineLearningServices",
            "workspaces",
            &ws.workspace_name,
        ]
    }

    fn compute_url(
        &self,
        ws: &WorkspaceRef,
        name: &str,
        action: Option<&str>,
        query: &[(&str, &str)],
    ) -> Result<Url, AzureError> {
        let mut path = Self::workspace_segments(ws);
        path.push("computes");
        path.push(name);
        if let Some(action) = action {
            path.push(action);
        }
        self.url(&path, &self.options.compute_api_version, query)
    }

    fn location_url(&self, subscription: &str, location: &str, what: &str) -> Result<Url, AzureError> {
        let path = [
            "subscriptions",
            subscription,
            "providers",
            "Microsoft.MachineLearningServices",
            "locations",
            location,
            what,
        ];
        self.url(&path, &self.options.workspace_api_version, &[])
    }

    /// Sends one request with retries. Returns the final response whatever its status; transport failures that
    /// cannot be retried become `AzureError::Transport`.
    async fn send(
        &self,
        method: Method,
        url: &Url,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<RawResponse, AzureError> {
        self.check_destination(url)?;
        let policy = &self.options.retry;
        let mut attempt: u32 = 0;
        let mut refreshed_token = false;
        let started = tokio::time::Instant::now();
        loop {
            let token = self.tokens.get_token(ARM_SCOPE).await?;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header(AUTHORIZATION, format!("Bearer {}", token.secret()))
                .header("x-ms-client-request-id", uuid::Uuid::new_v4().to_string());
            if let Some(body) = body {
                request = request.json(body);
            }
            let outcome = request.send().await;
            let retry_delay = match outcome {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let bytes = match response.bytes().await {
                        Ok(b) => b.to_vec(),
                        Err(e) => {
                            // The service answered but the body was cut off: the request was processed.
                            if repeat == Repeat::Safe && attempt < policy.max_retries {
                                attempt += 1;
                                tokio::time::sleep(backoff(policy, attempt, None)).await;
                                continue;
                            }
                            return Err(transport_error(url, &method, &e, true));
                        }
                    };
                    let raw = RawResponse {
                        status: status.as_u16(),
                        headers,
                        body: bytes,
                        tries: attempt + 1,
                        waited: started.elapsed(),
                    };
                    tracing::debug!(method = %method, url = %strip_query(url), status = raw.status, attempt, "ARM response");
                    if status == StatusCode::UNAUTHORIZED && !refreshed_token {
                        // The cached token may have expired mid-operation: fetch a fresh one once.
                        refreshed_token = true;
                        self.tokens.invalidate().await;
                        continue;
                    }
                    let retryable = match status.as_u16() {
                        429 => true,
                        503 => true,
                        500..=599 => repeat == Repeat::Safe,
                        _ => false,
                    };
                    if !retryable || attempt >= policy.max_retries {
                        return Ok(raw);
                    }
                    backoff(policy, attempt + 1, raw.retry_after())
                }
                Err(e) => {
                    // A refused connection never reached the service; anything later might have.
                    let sent = !e.is_connect();
                    // Nothing listening is rarely cured by waiting: two more tries, not the whole back-off.
                    let limit = if sent { policy.max_retries } else { policy.max_retries.min(CONNECT_RETRIES) };
                    if (sent && repeat != Repeat::Safe) || attempt >= limit {
                        return Err(transport_error(url, &method, &e, sent));
                    }
                    tracing::debug!(method = %method, url = %strip_query(url), attempt, "transport error, retrying");
                    if let (0, Some(notice)) = (attempt, RETRY_NOTICE.get()) {
                        notice(&format!("cannot reach {} ({}); trying again", host_of(url), transport_cause(&e)));
                    }
                    backoff(policy, attempt + 1, None)
                }
            };
            attempt += 1;
            tokio::time::sleep(retry_delay).await;
        }
    }

    /// Tokens go only to the configured endpoint's origin (nextLink and poll URLs included), and only over https
    /// unless that origin is loopback.
    fn check_destination(&self, url: &Url) -> Result<(), AzureError> {
        check_transport(url)?;
        let endpoint = &self.options.endpoint;
        if url.scheme() != endpoint.scheme()
            || url.host_str() != endpoint.host_str()
            || url.port_or_known_default() != endpoint.port_or_known_default()
        {
            return Err(AzureError::Refused(format!(
                "refusing to send the access token to {} (not the configured endpoint {})",
                strip_query(url),
                endpoint
            )));
        }
        Ok(())
    }

    async fn expect_json<T: DeserializeOwned>(
        &self,
        method: Method,
        url: &Url,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<T, AzureError> {
        let raw = self.send(method, url, body, repeat).await?;
        if !(200..300).contains(&raw.status) {
            return Err(raw.error());
        }
        raw.json(url)
    }

    async fn expect_ok(
        &self,
        method: Method,
        url: &Url,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<(), AzureError> {
        let raw = self.send(method, url, body, repeat).await?;
        if !(200..300).contains(&raw.status) {
            return Err(raw.error());
        }
        Ok(())
    }

    /// Follows `nextLink` until the last page. `items_key` is `value` for lists and `nodes` for listNodes.
    pub(crate) async fn collect_pages<T: DeserializeOwned>(
        &self,
        method: Method,
        first: Url,
        items_key: &str,
    ) -> Result<Vec<T>, AzureError> {
        let mut out = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 10_000 {
                return Err(AzureError::Protocol {
                    url: strip_query(&url),
                    message: "more than 10000 pages; giving up".into(),
                });
            }
            let page: Value = self.expect_json(method.clone(), &url, None, Repeat::Safe).await?;
            if let Some(items) = page.get(items_key).and_then(Value::as_array) {
                for item in items {
                    let item = serde_json::from_value(item.clone()).map_err(|e| AzureError::Protocol {
                        url: strip_query(&url),
                        message: format!("unexpected item: {e}"),
                    })?;
                    out.push(item);
                }
            }
            next = match page.get("nextLink").and_then(Value::as_str) {
                Some(link) if !link.is_empty() => Some(Url::parse(link).or_else(|_| url.join(link)).map_err(|e| {
                    AzureError::Protocol { url: strip_query(&url), message: format!("bad nextLink: {e}") }
                })?),
                _ => None,
            };
        }
        Ok(out)
    }

    // ---- Operations -------------------------------------------------------------------------------------------

    /// GET the workspace (for its location).
    pub async fn get_workspace(&self, ws: &WorkspaceRef) -> Result<Workspace, AzureError> {
        let url = self.url(&Self::workspace_segments(ws), &self.options.workspace_api_version, &[])?;
        self.expect_json(Method::GET, &url, None, Repeat::Safe).await
    }

    /// Every compute of the workspace, following `nextLink`.
    pub async fn list_computes(&self, ws: &WorkspaceRef) -> Result<Vec<ComputeResource>, AzureError> {
        let mut path = Self::workspace_segments(ws);
        path.push("computes");
        let url = self.url(&path, &self.options.compute_api_version, &[])?;
        self.collect_pages(Method::GET, url, "value").await
    }

    /// One compute, or `None` when it does not exist.
    pub async fn get_compute(&self, ws: &WorkspaceRef, name: &str) -> Result<Option<ComputeResource>, AzureError> {
        let url = self.compute_url(ws, name, None, &[])?;
        let raw = self.send(Method::GET, &url, None, Repeat::Safe).await?;
        match raw.status {
            404 => Ok(None),
            200..=299 => raw.json(&url).map(Some),
            _ => Err(raw.error()),
        }
    }

    /// PUT: create, attach or overwrite. When the connection drops after the request was sent, or the service
    /// answers with an unclear 5xx, the compute is read back: if it now exists the create landed and is adopted
    /// (polled by GET), otherwise the PUT is sent once more. So a create is never issued twice on top of itself.
    pub async fn begin_create_or_update(
        &self,
        ws: &WorkspaceRef,
        name: &str,
        body: &Value,
    ) -> Result<Operation, AzureError> {
        let url = self.compute_url(ws, name, None, &[])?;
        let label = format!("create {name}");
        let existed_before = matches!(self.get_compute(ws, name).await, Ok(Some(_)));
        for round in 0..2 {
            let outcome = self.send(Method::PUT, &url, Some(body), Repeat::OnlyIfNotProcessed).await;
            let unclear = match &outcome {
                Err(AzureError::Transport { sent: true, .. }) => true,
                Ok(raw) => matches!(raw.status, 500 | 502 | 504),
                Err(_) => false,
            };
            if unclear && !existed_before && round == 0 {
                match self.get_compute(ws, name).await? {
                    Some(resource) => {
                        tracing::debug!(name, "create outcome unclear; the compute exists, adopting it");
                        return Ok(Operation {
                            label,
                            status: 201,
                            poll: None,
                            retry_after: None,
                            resource: Some(resource),
                        });
                    }
                    None => continue,
                }
            }
            let raw = outcome?;
            return self.operation_from(label, raw, &url, true);
        }
        Err(AzureError::Protocol { url: strip_query(&url), message: "the create could not be confirmed".into() })
    }

    /// PATCH the scale settings of a cluster (the only partial update ARM offers).
    pub async fn begin_update_scale(
        &self,
        ws: &WorkspaceRef,
        name: &str,
        scale: &ScaleSettings,
    ) -> Result<Operation, AzureError> {
        let url = self.compute_url(ws, name, None, &[])?;
        let body = serde_json::json!({"properties": {"properties": {"scaleSettings": scale}}});
        let raw = self.send(Method::PATCH, &url, Some(&body), Repeat::OnlyIfNotProcessed).await?;
        self.operation_from(format!("update {name}"), raw, &url, true)
    }

    /// DELETE with `underlyingResourceAction`. An attached compute is never deleted: asking for `Delete` on one is
    /// refused here, before anything is sent, because the service would delete the customer's cluster, VM or pool.
    pub async fn begin_delete(
        &self,
        ws: &WorkspaceRef,
        name: &str,
        action: UnderlyingResourceAction,
    ) -> Result<Operation, AzureError> {
        let label = format!("{} {name}", action.as_str().to_ascii_lowercase());
        if action == UnderlyingResourceAction::Delete {
            match self.get_compute(ws, name).await? {
                Some(compute) if compute.is_attached() => {
                    return Err(AzureError::Refused(format!(
                        "'{name}' is an attached {} compute; deleting it would delete the underlying resource. Use detach instead.",
                        compute.compute_type()
                    )))
                }
                Some(_) => {}
                None => return Ok(Operation { label, status: 204, poll: None, retry_after: None, resource: None }),
            }
        }
        let url = self.compute_url(ws, name, None, &[("underlyingResourceAction", action.as_str())])?;
        let raw = self.send(Method::DELETE, &url, None, Repeat::Safe).await?;
        self.operation_from(label, raw, &url, false)
    }

    async fn begin_action(&self, ws: &WorkspaceRef, name: &str, action: &str) -> Result<Operation, AzureError> {
        let url = self.compute_url(ws, name, Some(action), &[])?;
        let raw = self.send(Method::POST, &url, None, Repeat::OnlyIfNotProcessed).await?;
        self.operation_from(format!("{action} {name}"), raw, &url, false)
    }

    pub async fn begin_start(&self, ws: &WorkspaceRef, name: &str) -> Result<Operation, AzureError> {
        self.begin_action(ws, name, "start").await
    }

    pub async fn begin_stop(&self, ws: &WorkspaceRef, name: &str) -> Result<Operation, AzureError> {
        self.begin_action(ws, name, "stop").await
    }

    pub async fn begin_restart(&self, ws: &WorkspaceRef, name: &str) -> Result<Operation, AzureError> {
        self.begin_action(ws, name, "restart").await
    }

    /// Nodes of a cluster (POST, read-only, paged on `nodes`).
    pub async fn list_nodes(&self, ws: &WorkspaceRef, name: &str) -> Result<Vec<ComputeNode>, AzureError> {
        let url = self.compute_url(ws, name, Some("listNodes"), &[])?;
        self.collect_pages(Method::POST, url, "nodes").await
    }

    /// Secrets of a compute. Only called on an explicit request; the result hides itself from `Debug`.
    pub async fn list_keys(&self, ws: &WorkspaceRef, name: &str) -> Result<ComputeSecrets, AzureError> {
        let url = self.compute_url(ws, name, Some("listKeys"), &[])?;
        let value: Value = self.expect_json(Method::POST, &url, None, Repeat::Safe).await?;
        Ok(ComputeSecrets::new(value))
    }

    /// Sets a compute instance's idle shutdown (`PT{minutes}M`; the service accepts 15 minutes to 3 days).
    pub async fn update_idle_shutdown(&self, ws: &WorkspaceRef, name: &str, minutes: u32) -> Result<(), AzureError> {
        let url = self.compute_url(ws, name, Some("updateIdleShutdownSetting"), &[])?;
        let body = serde_json::json!({"idleTimeBeforeShutdown": format!("PT{minutes}M")});
        self.expect_ok(Method::POST, &url, Some(&body), Repeat::Safe).await
    }

    /// Replaces the whole custom-application list of a compute instance (setting a list twice is harmless).
    pub async fn update_custom_services(
        &self,
        ws: &WorkspaceRef,
        name: &str,
        services: &[Value],
    ) -> Result<(), AzureError> {
        let url = self.compute_url(ws, name, Some("customServices"), &[])?;
        let body = Value::Array(services.to_vec());
        self.expect_ok(Method::POST, &url, Some(&body), Repeat::Safe).await
    }

    /// Turns single sign-on of a compute instance on or off. The action exists only in a preview api-version
    /// (what `az ml compute enable-sso` sends), whatever version the other compute calls use.
    pub async fn enable_sso(&self, ws: &WorkspaceRef, name: &str, enable: bool) -> Result<(), AzureError> {
        let mut path = Self::workspace_segments(ws);
        path.extend(["computes", name, "enableSso"]);
        let url = self.url(&path, ENABLE_SSO_API_VERSION, &[])?;
        let body = serde_json::json!({"enableSSO": enable});
        self.expect_ok(Method::POST, &url, Some(&body), Repeat::Safe).await
    }

    /// VM sizes offered in a region (not paged).
    pub async fn list_vm_sizes(&self, subscription: &str, location: &str) -> Result<Vec<VmSize>, AzureError> {
        let url = self.location_url(subscription, location, "vmSizes")?;
        let page: Value = self.expect_json(Method::GET, &url, None, Repeat::Safe).await?;
        let items = page.get("value").cloned().unwrap_or(Value::Array(Vec::new()));
        serde_json::from_value(items)
            .map_err(|e| AzureError::Protocol { url: strip_query(&url), message: e.to_string() })
    }

    /// Quota usage in a region (paged).
    pub async fn list_usages(&self, subscription: &str, location: &str) -> Result<Vec<Usage>, AzureError> {
        let url = self.location_url(subscription, location, "usages")?;
        self.collect_pages(Method::GET, url, "value").await
    }

    /// Workspace-level quotas in a region (paged).
    pub async fn list_quotas(&self, subscription: &str, location: &str) -> Result<Vec<Value>, AzureError> {
        let url = self.location_url(subscription, location, "quotas")?;
        self.collect_pages(Method::GET, url, "value").await
    }

    // ---- Long-running operations ------------------------------------------------------------------------------

    fn operation_from(
        &self,
        label: String,
        raw: RawResponse,
        url: &Url,
        has_resource: bool,
    ) -> Result<Operation, AzureError> {
        if !(200..300).contains(&raw.status) {
            return Err(raw.error());
        }
        let poll = match (raw.header_url("azure-asyncoperation"), raw.header_url("location")) {
            (Some(u), _) => Some(PollTarget::AsyncOperation(u)),
            (None, Some(u)) => Some(PollTarget::Location(u)),
            (None, None) => None,
        };
        let resource = if has_resource && !raw.body.is_empty() { raw.json::<ComputeResource>(url).ok() } else { None };
        Ok(Operation { label, status: raw.status, poll, retry_after: raw.retry_after(), resource })
    }

    /// Waits for an operation to reach a terminal state. `Failed` and `Canceled` become `OperationFailed` with the
    /// error the status body carries. Honours `Retry-After`, the overall timeout and the cancellation token.
    pub async fn wait(&self, op: &Operation, options: &WaitOptions) -> Result<(), AzureError> {
        let Some(target) = &op.poll else { return Ok(()) };
        let started = tokio::time::Instant::now();
        let deadline = started + options.timeout;
        let mut delay = op.retry_after.unwrap_or(options.poll_interval);
        loop {
            sleep_or_stop(delay.min(options.max_poll_interval), deadline, options).await?;
            let (url, is_async) = match target {
                PollTarget::AsyncOperation(u) => (u, true),
                PollTarget::Location(u) => (u, false),
            };
            let raw = self.send(Method::GET, url, None, Repeat::Safe).await?;
            delay = raw.retry_after().unwrap_or(options.poll_interval);
            let status = if is_async {
                if !(200..300).contains(&raw.status) {
                    return Err(raw.error());
                }
                let body: Value = raw.json(url)?;
                let status = body.get("status").and_then(Value::as_str).unwrap_or("InProgress").to_string();
                match status.to_ascii_lowercase().as_str() {
                    "succeeded" => return Ok(()),
                    "failed" | "canceled" | "cancelled" => {
                        let error = body.get("error").and_then(ArmError::from_value).unwrap_or_else(|| ArmError {
                            code: status.clone(),
                            message: format!("{} ended as {status} without an error message", op.label),
                            ..ArmError::default()
                        });
                        return Err(AzureError::OperationFailed {
                            status: status.to_ascii_lowercase(),
                            error: Box::new(error),
                        });
                    }
                    _ => status,
                }
            } else {
                match raw.status {
                    202 => "InProgress".to_string(),
                    200..=299 => return Ok(()),
                    _ => return Err(raw.error()),
                }
            };
            report(options, &op.label, &status, started.elapsed());
        }
    }

    /// Polls GET on a compute until `check` says done or failed; reports the state it sees. Used after an
    /// operation to wait for the state that was asked for (a started instance is done at `Running`, not when the
    /// operation succeeded). `None` from GET (404) is passed to `check` as well, for deletes.
    pub async fn wait_for_compute<F>(
        &self,
        ws: &WorkspaceRef,
        name: &str,
        label: &str,
        options: &WaitOptions,
        mut check: F,
    ) -> Result<Option<ComputeResource>, AzureError>
    where
        F: FnMut(Option<&ComputeResource>) -> Check,
    {
        let started = tokio::time::Instant::now();
        let deadline = started + options.timeout;
        let mut first = true;
        loop {
            if !first {
                sleep_or_stop(options.poll_interval, deadline, options).await?;
            }
            first = false;
            let compute = self.get_compute(ws, name).await?;
            match check(compute.as_ref()) {
                Check::Done => return Ok(compute),
                Check::Fail(message) => {
                    return Err(AzureError::OperationFailed {
                        status: "failed".into(),
                        error: Box::new(ArmError { code: "ComputeStateFailed".into(), message, ..ArmError::default() }),
                    })
                }
                Check::Continue => {
                    let status = compute.map(|c| c.status()).unwrap_or_else(|| "Gone".into());
                    report(options, label, &status, started.elapsed());
                }
            }
        }
    }
}

fn report(options: &WaitOptions, label: &str, status: &str, elapsed: Duration) {
    if let Some(progress) = &options.progress {
        progress(&Progress { label: label.to_string(), status: status.to_string(), elapsed });
    }
}

async fn sleep_or_stop(
    delay: Duration,
    deadline: tokio::time::Instant,
    options: &WaitOptions,
) -> Result<(), AzureError> {
    let now = tokio::time::Instant::now();
    if now >= deadline {
        return Err(AzureError::Timeout(options.timeout));
    }
    let wake = (now + delay).min(deadline);
    tokio::select! {
        _ = options.cancel.cancelled() => Err(AzureError::Cancelled),
        _ = tokio::time::sleep_until(wake) => {
            if wake >= deadline && tokio::time::Instant::now() >= deadline { Err(AzureError::Timeout(options.timeout)) } else { Ok(()) }
        }
    }
}

fn backoff(policy: &RetryPolicy, attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(after) = retry_after {
        // The service's word wins, within reason.
        return after.min(policy.max_delay.max(Duration::from_secs(60)));
    }
    let exp = policy.base_delay.saturating_mul(1u32 << attempt.min(10));
    // Jitter in [50%, 100%] spreads retries of parallel clients.
    let fraction = 0.5 + fastrand::f64() / 2.0;
    exp.min(policy.max_delay).mul_f64(fraction)
}

fn check_transport(url: &Url) -> Result<(), AzureError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(AzureError::Refused(format!(
            "refusing to use {}: tokens are sent only over https (plain http is allowed on loopback only)",
            strip_query(url)
        ))),
    }
}

fn transport_error(url: &Url, method: &Method, error: &reqwest::Error, sent: bool) -> AzureError {
    AzureError::Transport {
        host: host_of(url),
        what: request_words(method, url),
        message: transport_cause(error),
        sent,
    }
}

/// `host` or `host:port`, as a message names where amlc tried to connect.
fn host_of(url: &Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

/// A request in a few words for a message: the method and the last two path segments (`GET computes/ci-1`,
/// `POST ci-1/stop`); the subscription and group add nothing a user can act on.
fn request_words(method: &Method, url: &Url) -> String {
    let segments: Vec<&str> = url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
    let tail = segments[segments.len().saturating_sub(2)..].join("/");
    format!("{method} {tail}")
}

/// The cause of a transport failure in a few words: refused, timed out, TLS, DNS, or the innermost error's text.
/// reqwest's own text ("error sending request for url …") names none of these; they are in its source chain.
pub fn transport_cause(error: &reqwest::Error) -> String {
    let mut innermost = error.to_string();
    let mut chain = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(inner) = source {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "connection refused".to_string(),
                std::io::ErrorKind::TimedOut => return "timed out".to_string(),
                _ => {}
            }
        }
        innermost = inner.to_string();
        chain.push(innermost.to_ascii_lowercase());
        source = inner.source();
    }
    let all = chain.join(" | ");
    if error.is_timeout() {
        return "timed out: no answer in time".to_string();
    }
    if all.contains("dns error")
        || all.contains("failed to lookup address")
        || all.contains("name or service not known")
    {
        return format!("DNS: the host name could not be resolved ({})", one_line(&innermost));
    }
    // rustls names the failure without saying TLS: a certificate it rejects, an alert from the peer, or bytes that
    // are not TLS at all (a plain-http server behind an https URL).
    if ["certificate", "tls", "handshake", "rustls", "corrupt message", "alert", "peer sent"]
        .iter()
        .any(|needle| all.contains(needle))
    {
        return format!("TLS: {}", one_line(&innermost));
    }
    if all.contains("connection refused") {
        return "connection refused".to_string();
    }
    if error.is_connect() {
        return format!("could not connect: {}", one_line(&innermost));
    }
    format!("connection lost: {}", one_line(&innermost))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
