//! The HTTP entry point: one handler receives every request, applies delay, faults, authentication and the
//! api-version check the way ARM orders them, routes by path (case-insensitively, as ARM does) and logs a line.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Request, State as AxumState};
use axum::http::{header, Method, StatusCode};
use axum::response::Response;

use crate::arm::{self, check_api_version, check_authorization, ArmError, ArmResult};
use crate::config::{EmulatorConfig, WorkspaceSeed};
use crate::faults;
use crate::store::State;

/// The running emulator's shared state.
pub struct Emulator {
    pub config: EmulatorConfig,
    pub state: Mutex<State>,
    requests: AtomicU64,
    /// Base URL used when a request has no `Host` header.
    pub fallback_base: String,
}

/// One parsed request, as every route sees it.
pub struct Req {
    pub method: Method,
    pub path: String,
    /// Path segments, percent-decoded, in their original case.
    pub segs: Vec<String>,
    pub query: HashMap<String, String>,
    pub body: Bytes,
    /// `http://host:port` the client used, for absolute `nextLink` and operation URLs.
    pub base: String,
    pub api_version: String,
}

impl Req {
    pub fn seg(&self, i: usize) -> &str {
        self.segs.get(i).map(String::as_str).unwrap_or("")
    }
}

/// One path segment with its `%XX` escapes decoded (a `+` stays a `+` in a path).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The query string as form-urlencoded pairs; a later duplicate key wins.
fn parse_query(q: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

impl Emulator {
    pub fn new(config: EmulatorConfig, state: State, fallback_base: String) -> Self {
        Emulator { config, state: Mutex::new(state), requests: AtomicU64::new(0), fallback_base }
    }

    /// The state, settled to now. A poisoned lock (a panic elsewhere) still yields the data.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        guard.settle(arm::now_ms());
        guard
    }

    /// Writes the state file, if any. Failure is logged, not fatal: the emulator keeps serving.
    pub fn persist(&self, state: &State) {
        if let Some(path) = &self.config.state_file {
            if let Err(e) = state.save(path) {
                tracing::warn!("could not write state file {}: {e}", path.display());
            }
        }
    }

    /// Finds a configured workspace, or the not-found error ARM gives at the level that is missing.
    pub fn workspace(&self, sub: &str, rg: &str, ws: &str) -> Result<&WorkspaceSeed, ArmError> {
        if let Some(found) = self.config.workspaces.iter().find(|w| w.matches(sub, rg, ws)) {
            return Ok(found);
        }
        self.subscription(sub)?;
        if !self
            .config
            .workspaces
            .iter()
            .any(|w| w.subscription_id.eq_ignore_ascii_case(sub) && w.resource_group.eq_ignore_ascii_case(rg))
        {
            return Err(ArmError::new(
                StatusCode::NOT_FOUND,
                "ResourceGroupNotFound",
                format!("Resource group '{rg}' could not be found."),
            ));
        }
        Err(ArmError::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("The Resource 'Microsoft.MachineLearningServices/workspaces/{ws}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"),
        ))
    }

    pub fn subscription(&self, sub: &str) -> Result<(), ArmError> {
        if self.config.workspaces.iter().any(|w| w.subscription_id.eq_ignore_ascii_case(sub)) {
            Ok(())
        } else {
            Err(ArmError::new(
                StatusCode::NOT_FOUND,
                "SubscriptionNotFound",
                format!("The subscription '{sub}' could not be found."),
            ))
        }
    }

    fn route(&self, r: &Req) -> ArmResult {
        let lower: Vec<String> = r.segs.iter().map(|s| s.to_ascii_lowercase()).collect();
        let l: Vec<&str> = lower.iter().map(String::as_str).collect();
        const RP: &str = "microsoft.machinelearningservices";
        match l.as_slice() {
            ["subscriptions"] => {
                only(r, &[Method::GET])?;
                crate::workspaces::subscriptions(self, r)
            }
            ["subscriptions", _, "providers", rp, "locations", _, rest @ ..] if *rp == RP => {
                crate::locations::route(self, r, rest)
            }
            ["subscriptions", _, "providers", rp, "workspaces"] if *rp == RP => {
                only(r, &[Method::GET])?;
                crate::workspaces::list(self, r, r.seg(1), None)
            }
            ["subscriptions", _, "resourcegroups", _, "providers", rp, "workspaces"] if *rp == RP => {
                only(r, &[Method::GET])?;
                crate::workspaces::list(self, r, r.seg(1), Some(r.seg(3)))
            }
            ["subscriptions", _, "resourcegroups", _, "providers", rp, "workspaces", _, rest @ ..] if *rp == RP => {
                let ws = self.workspace(r.seg(1), r.seg(3), r.seg(7))?.clone();
                match rest {
                    [] => {
                        only(r, &[Method::GET])?;
                        crate::workspaces::get(&ws, r)
                    }
                    ["computes"] => {
                        only(r, &[Method::GET])?;
                        crate::computes::list(self, &ws, r)
                    }
                    ["computes", _] => crate::computes::resource(self, &ws, r, r.seg(9)),
                    ["computes", _, action] => crate::computes::action(self, &ws, r, r.seg(9), action),
                    _ => Err(no_route(r)),
                }
            }
            _ => Err(no_route(r)),
        }
    }
}

/// Refuses a method the route does not serve.
pub fn only(r: &Req, methods: &[Method]) -> Result<(), ArmError> {
    if methods.contains(&r.method) {
        Ok(())
    } else {
        Err(ArmError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("The requested method '{}' is not allowed for '{}'.", r.method, r.path),
        ))
    }
}

pub fn no_route(r: &Req) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("No HTTP resource was found that matches the request URI '{}'.", r.path),
    )
}

/// The resource type named in the api-version error, from the path.
fn resource_type(segs: &[String]) -> &'static str {
    let has = |s: &str| segs.iter().any(|x| x.eq_ignore_ascii_case(s));
    if has("computes") {
        "workspaces/computes"
    } else if has("locations") {
        "locations"
    } else {
        "workspaces"
    }
}

/// The single axum handler behind every path.
pub async fn handle(AxumState(emu): AxumState<Arc<Emulator>>, req: Request) -> Response {
    let started = Instant::now();
    let n = emu.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query_text = req.uri().query().unwrap_or("").to_string();
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string);
    // ARM echoes the caller's request id, which lets clients match their logs to ours.
    let client_request_id =
        req.headers().get("x-ms-client-request-id").and_then(|h| h.to_str().ok()).map(str::to_string);
    let auth = check_authorization(req.headers());
    let body = axum::body::to_bytes(req.into_body(), 64 * 1024 * 1024).await.unwrap_or_default();
    if !emu.config.faults.delay.is_zero() {
        tokio::time::sleep(emu.config.faults.delay).await;
    }

    let segs: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(percent_decode).collect();
    let result: ArmResult = (|| {
        if let Some(fault) = faults::before_serving(&emu.config.faults, n) {
            return Err(fault);
        }
        auth?;
        let query = parse_query(&query_text);
        let asked = query.get("api-version").map(String::as_str);
        // `GET /subscriptions` belongs to Microsoft.Resources, which has api-versions of its own.
        let api_version = if segs.len() == 1 && segs[0].eq_ignore_ascii_case("subscriptions") {
            crate::workspaces::check_subscription_api_version(asked)?
        } else {
            check_api_version(asked, resource_type(&segs))?
        };
        let base = host.map(|h| format!("http://{h}")).unwrap_or_else(|| emu.fallback_base.clone());
        let r = Req { method: method.clone(), path: path.clone(), segs, query, body, base, api_version };
        let out = emu.route(&r);
        if r.method != Method::GET && emu.config.state_file.is_some() {
            let state = emu.lock();
            emu.persist(&state);
        }
        out
    })();
    let mut response = result.unwrap_or_else(ArmError::into_response);
    arm::set_header(&mut response, "x-ms-request-id", &uuid::Uuid::new_v4().to_string());
    arm::set_header(&mut response, "x-ms-correlation-request-id", &uuid::Uuid::new_v4().to_string());
    if let Some(id) = &client_request_id {
        arm::set_header(&mut response, "x-ms-client-request-id", id);
    }
    let status = response.status().as_u16();
    let dropped = faults::drops(&emu.config.faults, n);
    if emu.config.log_requests {
        let q = if query_text.is_empty() { String::new() } else { format!("?{query_text}") };
        let note = if dropped { " (connection dropped: emulated fault)" } else { "" };
        tracing::info!("{method} {path}{q} -> {status} in {} ms{note}", started.elapsed().as_millis());
    }
    if dropped {
        return faults::dropped_connection();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("ends%20"), "ends ");
        assert_eq!(percent_decode("a+b"), "a+b");
        let q = parse_query("api-version=2025-12-01&%24skip=5&flag&name=a+b%2Bc");
        assert_eq!(q.get("name").map(String::as_str), Some("a b+c"));
        assert_eq!(q.get("$skip").map(String::as_str), Some("5"));
        assert_eq!(q.get("flag").map(String::as_str), Some(""));
    }
}
