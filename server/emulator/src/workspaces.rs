//! Workspace routes: GET of one workspace (clients read its location), the lists by subscription and group, and
//! the subscription list (`GET /subscriptions`) a workspace picker starts from.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::arm::{json_response, ArmError, ArmResult};
use crate::config::WorkspaceSeed;
use crate::emulator::{Emulator, Req};
use crate::locations::page;
use crate::render::workspace_json;

/// api-versions of `Microsoft.Resources` that `GET /subscriptions` accepts (a different provider from
/// Azure ML, so it has its own list; 2022-12-01 is what current clients send).
pub const SUBSCRIPTION_API_VERSIONS: &[&str] =
    &["2016-06-01", "2019-06-01", "2020-01-01", "2021-01-01", "2022-01-01", "2022-09-01", "2022-12-01"];

pub fn get(ws: &WorkspaceSeed, r: &Req) -> ArmResult {
    Ok(json_response(StatusCode::OK, &workspace_json(ws, &r.base)))
}

/// The workspaces of a subscription (optionally of one resource group), paged like every ARM list.
pub fn list(emu: &Emulator, r: &Req, sub: &str, rg: Option<&str>) -> ArmResult {
    emu.subscription(sub)?;
    let value: Vec<_> = emu
        .config
        .workspaces
        .iter()
        .filter(|w| w.subscription_id.eq_ignore_ascii_case(sub))
        .filter(|w| rg.is_none_or(|rg| w.resource_group.eq_ignore_ascii_case(rg)))
        .map(|w| workspace_json(w, &r.base))
        .collect();
    page(emu, r, value)
}

/// `GET /subscriptions`: every subscription that holds a served workspace, in the order first served, each
/// listed once, in the shape of `Microsoft.Resources` (the tenant is the emulator's fixed one).
pub fn subscriptions(emu: &Emulator, r: &Req) -> ArmResult {
    let mut seen: Vec<&str> = Vec::new();
    for w in &emu.config.workspaces {
        if !seen.iter().any(|s| s.eq_ignore_ascii_case(&w.subscription_id)) {
            seen.push(&w.subscription_id);
        }
    }
    let value: Vec<Value> = seen.iter().enumerate().map(|(i, sub)| subscription_json(sub, i + 1)).collect();
    page(emu, r, value)
}

fn subscription_json(sub: &str, n: usize) -> Value {
    json!({
        "id": format!("/subscriptions/{sub}"),
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": sub,
        "tenantId": "00000000-0000-0000-0000-000000000000",
        "displayName": format!("amlc emulator subscription {n}"),
        "state": "Enabled",
        "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
    })
}

/// The api-version check of `GET /subscriptions` (ARM's wording for an unknown version of that type).
pub fn check_subscription_api_version(api_version: Option<&str>) -> Result<String, ArmError> {
    match api_version.filter(|v| !v.is_empty()) {
        None => Err(ArmError::bad_request(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )),
        Some(v) if SUBSCRIPTION_API_VERSIONS.contains(&v) => Ok(v.to_string()),
        Some(v) => Err(ArmError::bad_request(
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{v}' is invalid. The supported versions are '{}'.",
                SUBSCRIPTION_API_VERSIONS.join(",")
            ),
        )),
    }
}
