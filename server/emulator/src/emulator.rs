//! The running emulator's shared state and the parsed request every route sees, with the helpers
//! the routes share; the HTTP entry point (`service`) and every resource module build on it.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, MutexGuard};

use axum::body::Bytes;
use axum::http::{Method, StatusCode};

use crate::arm::{self, ArmError};
use crate::config::{EmulatorConfig, WorkspaceSeed};
use crate::store::State;

/// The running emulator's shared state.
pub struct Emulator {
    pub config: EmulatorConfig,
    pub state: Mutex<State>,
    pub(crate) requests: AtomicU64,
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
