//! Subscription-and-region routes: VM sizes, usages, quotas, and the status URLs of long-running operations.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::arm::{empty_response, json_response, now_ms, set_header, timestamp, ArmError, ArmResult};
use crate::catalog;
use crate::emulator::{no_route, only, Emulator, Req};
use crate::lro;
use crate::quota;
use crate::store::quota_key;

pub fn route(emu: &Emulator, r: &Req, rest: &[&str]) -> ArmResult {
    let sub = r.seg(1).to_string();
    let location = r.seg(5).to_ascii_lowercase();
    emu.subscription(&sub)?;
    match rest {
        ["computeoperationsstatus", _] => {
            only(r, &[Method::GET])?;
            operation_status(emu, r, r.seg(7))
        }
        ["computeoperationsresult", _] => {
            only(r, &[Method::GET])?;
            operation_result(emu, r, r.seg(7))
        }
        ["vmsizes"] => {
            only(r, &[Method::GET])?;
            let (_, factor) = known_region(&location)?;
            let value: Vec<Value> =
                catalog::sizes_in(&location).into_iter().map(|s| catalog::size_json(s, factor)).collect();
            Ok(json_response(StatusCode::OK, &json!({ "value": value })))
        }
        ["usages"] => {
            only(r, &[Method::GET])?;
            known_region(&location)?;
            page(emu, r, usages(emu, &sub, &location))
        }
        ["quotas"] => {
            only(r, &[Method::GET])?;
            known_region(&location)?;
            page(emu, r, quotas(emu, &sub, &location))
        }
        ["updatequotas"] => {
            only(r, &[Method::POST])?;
            known_region(&location)?;
            update_quotas(emu, r, &sub, &location)
        }
        _ => Err(no_route(r)),
    }
}

fn known_region(location: &str) -> Result<(&'static str, f64), ArmError> {
    catalog::region(location).ok_or_else(|| {
        ArmError::bad_request(
            "LocationNotAvailableForResourceType",
            format!(
                "The provided location '{location}' is not available for resource type 'Microsoft.MachineLearningServices/locations'. Locations available in the emulator: {}.",
                catalog::REGIONS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// `$skip` and the page size of a list request.
pub fn page_window(emu: &Emulator, r: &Req) -> (usize, usize) {
    let skip: usize = r.query.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    (skip, emu.config.page_size.max(1))
}

/// One page of a list whose items were already cut to the window: `{value, nextLink?}` with an absolute link.
pub fn page_of(r: &Req, list_key: &str, value: Vec<Value>, skip: usize, size: usize, total: usize) -> ArmResult {
    let mut body = json!({ list_key: value });
    if skip.saturating_add(size) < total {
        body["nextLink"] =
            json!(format!("{}{}?api-version={}&$skip={}", r.base, r.path, r.api_version, skip.saturating_add(size)));
    }
    Ok(json_response(StatusCode::OK, &body))
}

/// A page of `items` from `$skip`, with an absolute `nextLink` when more remain.
pub fn page(emu: &Emulator, r: &Req, items: Vec<Value>) -> ArmResult {
    let (skip, size) = page_window(emu, r);
    let total = items.len();
    let value: Vec<Value> = items.into_iter().skip(skip).take(size).collect();
    page_of(r, "value", value, skip, size, total)
}

fn usages(emu: &Emulator, sub: &str, location: &str) -> Vec<Value> {
    let state = emu.lock();
    let u = quota::usage(&state, sub, location, None);
    let prefix = format!("/subscriptions/{sub}/providers/Microsoft.MachineLearningServices");
    let row = |id: String, kind: &str, value: &str, localized: String, current: u64, limit: u64| {
        json!({
            "id": id,
            "amlWorkspaceLocation": location,
            "type": format!("Microsoft.MachineLearningServices/{kind}/usages"),
            "unit": "Count",
            "currentValue": current,
            "limit": limit,
            "name": {"value": value, "localizedValue": localized},
        })
    };
    let mut out = vec![
        row(
            format!("{prefix}/totalCores/usages"),
            "totalCores",
            "Total Cluster Dedicated Regional vCPUs",
            "Total Cluster Dedicated Regional vCPUs".to_string(),
            u.dedicated,
            catalog::TOTAL_DEDICATED_LIMIT,
        ),
        row(
            format!("{prefix}/totalLowPriorityCores/usages"),
            "totalLowPriorityCores",
            "Total Cluster LowPriority Regional vCPUs",
            "Total Cluster LowPriority Regional vCPUs".to_string(),
            u.low_priority,
            catalog::TOTAL_LOW_PRIORITY_LIMIT,
        ),
    ];
    for family in catalog::families_in(location) {
        out.push(row(
            format!("{prefix}/vmFamily/{family}/usages"),
            "vmFamily",
            family,
            format!("{} Cluster Dedicated vCPUs", catalog::family_display(family)),
            u.by_family.get(family).copied().unwrap_or(0),
            catalog::family_limit(family),
        ));
    }
    out
}

fn quotas(emu: &Emulator, sub: &str, location: &str) -> Vec<Value> {
    let state = emu.lock();
    let mut out = Vec::new();
    for ws in emu.config.workspaces.iter().filter(|w| w.subscription_id.eq_ignore_ascii_case(sub)) {
        if !ws.location.eq_ignore_ascii_case(location) {
            continue;
        }
        for family in catalog::families_in(location) {
            out.push(json!({
                "id": format!("{}/quotas/{family}", ws.arm_id()),
                "amlWorkspaceLocation": location,
                "type": "Microsoft.MachineLearningServices/workspaces/quotas",
                "name": {"value": family, "localizedValue": format!("{} Cluster Dedicated vCPUs", catalog::family_display(family))},
                "limit": state.workspace_quotas.get(&quota_key(&ws.arm_id(), family)).copied().unwrap_or_else(|| catalog::family_limit(family)),
                "unit": "Count",
            }));
        }
    }
    out
}

/// `updateQuotas`: sets workspace-level family limits; each item reports its own status, as the service does.
fn update_quotas(emu: &Emulator, r: &Req, sub: &str, location: &str) -> ArmResult {
    let body: Value = serde_json::from_slice(&r.body).map_err(|e| {
        ArmError::bad_request(
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{e}'."),
        )
    })?;
    let items = body.get("value").and_then(Value::as_array).ok_or_else(|| {
        ArmError::bad_request(
            "UserError",
            "The body must be {\"value\": [{\"id\", \"type\", \"limit\", \"unit\"}], \"location\"}.",
        )
    })?;
    let families = catalog::families_in(location);
    let mut state = emu.lock();
    let mut out = Vec::new();
    for item in items {
        let id = item.get("id").and_then(Value::as_str).unwrap_or("");
        let limit = item.get("limit").and_then(Value::as_u64);
        // The id is `{workspace id}/quotas/{family}`.
        let (ws_part, family) = id.rsplit_once("/quotas/").unwrap_or(("", ""));
        let ws = emu
            .config
            .workspaces
            .iter()
            .find(|w| w.arm_id().eq_ignore_ascii_case(ws_part) && w.subscription_id.eq_ignore_ascii_case(sub));
        let family = families.iter().copied().find(|f| f.eq_ignore_ascii_case(family));
        let status = match (ws, family, limit) {
            (Some(ws), Some(family), Some(limit)) if ws.location.eq_ignore_ascii_case(location) => {
                let used = quota::workspace_family_use(&state, &ws.arm_id(), family, None);
                if limit > catalog::family_limit(family) {
                    "InvalidQuotaExceedsSubscriptionLimit"
                } else if limit < used {
                    "InvalidQuotaBelowClusterMinimum"
                } else {
                    state.workspace_quotas.insert(quota_key(&ws.arm_id(), family), limit);
                    "Success"
                }
            }
            (Some(_), None, _) => "InvalidVMFamilyName",
            _ => "Failure",
        };
        out.push(json!({
            "id": id,
            "type": item.get("type").cloned().unwrap_or_else(|| json!("Microsoft.MachineLearningServices/workspaces/quotas")),
            "limit": limit,
            "unit": "Count",
            "status": status,
        }));
    }
    Ok(json_response(StatusCode::OK, &json!({ "value": out })))
}

fn find_operation(emu: &Emulator, sub: &str, id: &str) -> Result<crate::store::Operation, ArmError> {
    let state = emu.lock();
    let found = state.operations.get(id).filter(|op| op.subscription_id.eq_ignore_ascii_case(sub));
    found
        .cloned()
        .ok_or_else(|| ArmError::new(StatusCode::NOT_FOUND, "NotFound", format!("The operation '{id}' was not found.")))
}

/// `Azure-AsyncOperation`: always 200 with `{id, name, status, startTime, endTime?, error?}`.
fn operation_status(emu: &Emulator, r: &Req, id: &str) -> ArmResult {
    let op = find_operation(emu, r.seg(1), id)?;
    let now = now_ms();
    let status = op.status(now);
    let mut body = json!({
        "id": r.path,
        "name": op.id,
        "status": status,
        "startTime": timestamp(op.start_ms),
    });
    if status != "InProgress" {
        body["endTime"] = json!(timestamp(op.end_ms));
    }
    if let (Some(error), "Failed") = (&op.error, status) {
        body["error"] = error.clone();
    }
    let mut resp = json_response(StatusCode::OK, &body);
    if status == "InProgress" {
        set_header(&mut resp, "Retry-After", &lro::retry_after(emu).to_string());
    }
    Ok(resp)
}

/// `Location`: 202 while running, 200 when done, the operation's error status when it failed.
fn operation_result(emu: &Emulator, r: &Req, id: &str) -> ArmResult {
    let op = find_operation(emu, r.seg(1), id)?;
    match op.status(now_ms()) {
        "InProgress" => {
            let mut resp = empty_response(StatusCode::ACCEPTED);
            set_header(&mut resp, "Location", &lro::result_url(r, &op));
            set_header(&mut resp, "Retry-After", &lro::retry_after(emu).to_string());
            Ok(resp)
        }
        "Failed" => {
            let status = StatusCode::from_u16(op.failure_status).unwrap_or(StatusCode::BAD_REQUEST);
            let error = op.error.unwrap_or_else(|| json!({"code": "OperationFailed", "message": "failed"}));
            Ok(json_response(status, &json!({ "error": error })))
        }
        _ => Ok(empty_response(StatusCode::OK)),
    }
}
