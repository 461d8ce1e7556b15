//! Compute routes: list, get, create or replace (PUT), scale (PATCH), delete or detach, and the POST actions
//! (start, stop, restart, listNodes, listKeys, idle shutdown, custom services, data mounts, SSO).
//! Every change is a timed transition; wrong states fail the way the service fails them.

use amlc_analysis::formats::duration;
use axum::http::{Method, StatusCode};
use serde_json::{json, Map, Value};

use crate::arm::{empty_response, json_response, now_ms, ArmError, ArmResult};
use crate::catalog;
use crate::config::WorkspaceSeed;
use crate::emulator::{no_route, only, Emulator, Req};
use crate::locations::{page_of, page_window};
use crate::lro;
use crate::quota;
use crate::render::{cluster_nodes, compute_json, RenderContext};
use crate::store::{Compute, LastOperation, Pending, State};

/// A tag that makes the emulator fail on purpose, for client tests: `create-fails` (provisioning fails),
/// `unusable` (an instance ends its creation Unusable; restart recovers it) or `disk-full` (stop is refused as on
/// a full OS disk).
pub const FAULT_TAG: &str = "amlc-emulator-fault";

fn ctx(emu: &Emulator) -> RenderContext<'_> {
    RenderContext { ssh_endpoint: emu.config.ssh_endpoint.as_ref(), ssh_user: emu.config.ssh_user.as_deref() }
}

fn not_found(ws: &WorkspaceSeed, name: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("Compute '{name}' was not found in workspace '{}'.", ws.name),
    )
}

fn op_ms(emu: &Emulator) -> u64 {
    // Capped at a year so no timestamp arithmetic can overflow, whatever the configuration.
    emu.config.op_duration.as_millis().min(365 * 86_400_000) as u64
}

pub fn list(emu: &Emulator, ws: &WorkspaceSeed, r: &Req) -> ArmResult {
    let (skip, size) = page_window(emu, r);
    let (value, total) = {
        let state = emu.lock();
        let ctx = ctx(emu);
        let total = state.in_workspace(&ws.arm_id()).count();
        let value = state.in_workspace(&ws.arm_id()).skip(skip).take(size).map(|c| compute_json(c, &ctx)).collect();
        (value, total)
    };
    page_of(r, "value", value, skip, size, total)
}

pub fn resource(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str) -> ArmResult {
    match r.method {
        Method::GET => {
            let state = emu.lock();
            let c = state.get(&ws.arm_id(), name).ok_or_else(|| not_found(ws, name))?;
            Ok(json_response(StatusCode::OK, &compute_json(c, &ctx(emu))))
        }
        Method::PUT => put(emu, ws, r, name),
        Method::PATCH => patch(emu, ws, r, name),
        Method::DELETE => delete(emu, ws, r, name),
        // Every other method is refused; `only` always fails here.
        _ => only(r, &[]).map(|_| empty_response(StatusCode::METHOD_NOT_ALLOWED)),
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ArmError> {
    if body.is_empty() {
        return Err(ArmError::bad_request("InvalidRequestContent", "The request content was empty."));
    }
    serde_json::from_slice(body).map_err(|e| {
        ArmError::bad_request(
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{e}'."),
        )
    })
}

fn user_error(message: impl Into<String>) -> ArmError {
    ArmError::bad_request("UserError", message)
}

/// `computeType` in its canonical spelling.
fn canonical_type(t: &str) -> Option<&'static str> {
    const TYPES: &[&str] = &[
        "ComputeInstance",
        "AmlCompute",
        "Kubernetes",
        "VirtualMachine",
        "SynapseSpark",
        "AKS",
        "HDInsight",
        "Databricks",
        "DataFactory",
        "DataLakeAnalytics",
    ];
    TYPES.iter().copied().find(|k| k.eq_ignore_ascii_case(t))
}

/// Service name rules for instances and clusters: 3–24 characters, letters, digits and `-`,
/// starting with a letter, and a letter somewhere after the last `-`.
fn valid_managed_name(name: &str) -> bool {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let starts = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let after_dash = name.rsplit_once('-').is_none_or(|(_, tail)| tail.chars().any(|c| c.is_ascii_alphabetic()));
    (3..=24).contains(&name.len()) && ok_chars && starts && after_dash
}

fn check_idle_shutdown(value: &Value) -> Result<(), ArmError> {
    let text = value.as_str().unwrap_or("");
    match duration::whole_seconds(text) {
        Some(secs) if (15 * 60..=3 * 86400).contains(&secs) => Ok(()),
        _ => Err(user_error(format!(
            "idleTimeBeforeShutdown '{text}' is invalid: it must be an ISO 8601 duration between 15 minutes (PT15M) and 3 days (P3D)."
        ))
        .with_target("idleTimeBeforeShutdown")),
    }
}

fn fault_tag(tags: &Option<Value>) -> Option<String> {
    tags.as_ref()?.get(FAULT_TAG)?.as_str().map(str::to_string)
}

/// Size and quota checks for an instance or cluster about to exist with `props`.
fn check_size_and_quota(
    state: &State,
    ws: &WorkspaceSeed,
    name: &str,
    compute_type: &str,
    location: &str,
    props: &Value,
) -> Result<(), ArmError> {
    if catalog::region(location).is_none() {
        return Ok(()); // a region the emulator has no catalog for: accept any size
    }
    let size_name = quota::vm_size(props);
    let Some(size) = catalog::size_in(location, size_name) else {
        return Err(user_error(format!(
            "The VM size '{size_name}' is not supported in region '{location}'. List the supported sizes with the vmSizes API."
        ))
        .with_target("vmSize"));
    };
    let nodes = if compute_type == "AmlCompute" { quota::max_nodes(props) } else { 1 };
    quota::check(state, ws, name, location, size, nodes, quota::is_low_priority(props))
}

fn check_scale(props: &Value) -> Result<(), ArmError> {
    let Some(scale) = props.get("scaleSettings") else { return Ok(()) };
    let max = scale.get("maxNodeCount");
    let min = scale.get("minNodeCount").cloned().unwrap_or(json!(0));
    let (Some(max), Some(min)) = (max.and_then(Value::as_u64), min.as_u64()) else {
        return Err(user_error(
            "scaleSettings.maxNodeCount is required, and node counts must be non-negative integers.",
        )
        .with_target("scaleSettings"));
    };
    if min > max {
        return Err(user_error(format!(
            "scaleSettings.minNodeCount ({min}) must not be greater than scaleSettings.maxNodeCount ({max})."
        ))
        .with_target("scaleSettings"));
    }
    if let Some(idle) = scale.get("nodeIdleTimeBeforeScaleDown").filter(|v| !v.is_null()) {
        if idle.as_str().and_then(duration::whole_seconds).is_none() {
            return Err(user_error("scaleSettings.nodeIdleTimeBeforeScaleDown must be an ISO 8601 duration.")
                .with_target("scaleSettings.nodeIdleTimeBeforeScaleDown"));
        }
    }
    Ok(())
}

fn conflict(c: &Compute) -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "Conflict",
        format!(
            "Compute '{}' has a '{}' operation in progress (provisioning state '{}'). Wait for it to finish and retry.",
            c.name,
            c.busy_with().unwrap_or("unknown"),
            c.provisioning_state
        ),
    )
}

fn put(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str) -> ArmResult {
    let body = parse_json(&r.body)?;
    let props = body.get("properties").filter(|p| p.is_object()).ok_or_else(|| {
        user_error("The request body must be a compute resource with a 'properties' object.").with_target("properties")
    })?;
    let raw_type = props.get("computeType").and_then(Value::as_str).unwrap_or("");
    let compute_type = canonical_type(raw_type).ok_or_else(|| {
        user_error(format!("'{raw_type}' is not a valid computeType.")).with_target("properties.computeType")
    })?;
    let managed = compute_type == "ComputeInstance" || compute_type == "AmlCompute";
    let inner = props.get("properties").filter(|v| !v.is_null()).cloned().unwrap_or_else(|| json!({}));
    if !inner.is_object() {
        return Err(user_error("properties.properties must be an object.").with_target("properties.properties"));
    }
    let resource_id = props.get("resourceId").and_then(Value::as_str).map(str::to_string);
    if !managed && resource_id.as_deref().is_none_or(str::is_empty) {
        return Err(user_error(format!(
            "properties.resourceId is required to attach a {compute_type} compute: give the ARM id of the resource to attach."
        ))
        .with_target("properties.resourceId"));
    }
    // ARM refuses a linked id that is not a fully qualified resource id; it reads ids as the shared parser does
    // (any case, blanks and a trailing `/` ignored), so the emulator asks the same parser.
    if let Some(id) = resource_id.as_deref().filter(|_| !managed) {
        if amlc_analysis::formats::arm_id::ArmId::parse(id).is_err() {
            return Err(ArmError::bad_request(
                "LinkedInvalidPropertyId",
                format!("The value '{id}' of properties.resourceId is not a fully qualified resource id; it must start with '/subscriptions/<subscription id>/resourceGroups/'."),
            )
            .with_target("properties.resourceId"));
        }
    }
    // Only clusters honour a location of their own; everything else lives in the workspace region.
    let location = match (compute_type, body.get("location").and_then(Value::as_str)) {
        ("AmlCompute", Some(loc)) if !loc.is_empty() => loc.to_ascii_lowercase().replace(' ', ""),
        _ => ws.location.clone(),
    };
    if compute_type == "ComputeInstance" {
        if let Some(idle) = inner.get("idleTimeBeforeShutdown").filter(|v| !v.is_null()) {
            check_idle_shutdown(idle)?;
        }
        check_custom_services(inner.get("customServices").unwrap_or(&Value::Null))?;
    }
    if compute_type == "AmlCompute" {
        check_scale(&inner)?;
    }
    let tags = body.get("tags").filter(|t| t.is_object()).cloned();
    let now = now_ms();
    let duration = op_ms(emu);
    let ws_id = ws.arm_id();

    let mut state = emu.lock();
    let existing = state.get(&ws_id, name).cloned();
    if let Some(old) = &existing {
        if old.pending.is_some() {
            return Err(conflict(old));
        }
        if old.compute_type != compute_type {
            return Err(user_error(format!(
                "Compute '{name}' is of type {}; the computeType of an existing compute cannot be changed to {compute_type}.",
                old.compute_type
            ))
            .with_target("properties.computeType"));
        }
        if managed {
            for key in ["vmSize", "vmPriority"] {
                let was = old.props.get(key).and_then(Value::as_str);
                let now_v = inner.get(key).and_then(Value::as_str);
                if let (Some(a), Some(b)) = (was, now_v) {
                    if !a.eq_ignore_ascii_case(b) {
                        return Err(user_error(format!(
                            "{key} of compute '{name}' cannot be changed after creation (it is '{a}', the request asks for '{b}')."
                        ))
                        .with_target(key));
                    }
                }
            }
        }
    } else if managed {
        if !valid_managed_name(name) {
            return Err(user_error(format!(
                "Compute name '{name}' is not available. Reason: Invalid. A compute name must be 3 to 24 characters of letters, digits and '-', start with a letter, and have a letter after its last '-'."
            )));
        }
        if compute_type == "ComputeInstance" {
            // Instance names are unique across the whole region, not just the workspace.
            let taken = state.computes.values().any(|c| {
                c.is_instance() && c.name.eq_ignore_ascii_case(name) && c.location.eq_ignore_ascii_case(&location)
            });
            if taken {
                return Err(user_error(format!(
                    "Compute name '{name}' is not available. Reason: AlreadyExists. The name is already used by a compute instance in region '{location}'."
                )));
            }
        }
    }
    if managed {
        check_size_and_quota(&state, ws, name, compute_type, &location, &inner)?;
    }

    let fails = existing.is_none() && fault_tag(&tags).as_deref() == Some("create-fails");
    // An instance that provisions but ends up Unusable, the state the service asks to recover from by restarting.
    let unusable = existing.is_none() && fault_tag(&tags).as_deref() == Some("unusable");
    let failure = fails.then(|| {
        json!({"code": "ComputeProvisioningFailed", "message": format!("Provisioning of compute '{name}' failed (emulated fault requested by the '{FAULT_TAG}' tag).")})
    });
    let is_instance = compute_type == "ComputeInstance";
    let (op_name, transient_ps) = if existing.is_some() { ("Update", "Updating") } else { ("Create", "Creating") };
    let compute = Compute {
        workspace_id: ws_id.clone(),
        name: existing.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| name.to_string()),
        compute_type: compute_type.to_string(),
        location,
        tags,
        identity: body.get("identity").filter(|v| v.is_object()).cloned(),
        sku: body.get("sku").filter(|v| v.is_object()).cloned(),
        description: props.get("description").and_then(Value::as_str).map(str::to_string),
        resource_id,
        disable_local_auth: props.get("disableLocalAuth").and_then(Value::as_bool),
        props: inner,
        provisioning_state: transient_ps.to_string(),
        provisioning_errors: None,
        state: match (&existing, is_instance) {
            (Some(old), true) => old.state.clone(),
            (None, true) => Some("Creating".to_string()),
            _ => None,
        },
        last_operation: match (&existing, is_instance) {
            (Some(old), _) => old.last_operation.clone(),
            (None, true) => Some(LastOperation::by_user("Create", now, "InProgress")),
            (None, false) => None,
        },
        pending: Some(Pending {
            provisioning_state: Some(if fails { "Failed" } else { "Succeeded" }.to_string()),
            state: match (existing.is_none() && is_instance, fails) {
                (true, false) if unusable => Some("Unusable".to_string()),
                (true, false) => Some("Running".to_string()),
                (true, true) => Some("CreateFailed".to_string()),
                _ => None,
            },
            last_operation_status: (existing.is_none() && is_instance)
                .then(|| if fails { "CreateFailed" } else { "Succeeded" }.to_string()),
            provisioning_errors: failure.clone().map(|e| vec![json!({ "error": e })]),
            ..Pending::new(op_name, now + duration)
        }),
        created_ms: existing.as_ref().map(|c| c.created_ms).unwrap_or(now),
        modified_ms: now,
        state_changed_ms: now,
    };
    let op = lro::record(&mut state, ws, now, now + duration, failure, 400);
    let body = compute_json(&compute, &ctx(emu));
    state.insert(compute);
    drop(state);
    let status = if existing.is_some() { StatusCode::OK } else { StatusCode::CREATED };
    let mut resp = json_response(status, &body);
    lro::add_headers(emu, r, &mut resp, &op, lro::ASYNC_ONLY);
    Ok(resp)
}

fn patch(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str) -> ArmResult {
    let body = parse_json(&r.body)?;
    let scale =
        body.pointer("/properties/properties/scaleSettings").filter(|v| v.is_object()).cloned().ok_or_else(|| {
            user_error("The request body must be {\"properties\": {\"properties\": {\"scaleSettings\": {…}}}}.")
                .with_target("properties.properties.scaleSettings")
        })?;
    let mut state = emu.lock();
    let ws_id = ws.arm_id();
    let c = state.get(&ws_id, name).cloned().ok_or_else(|| not_found(ws, name))?;
    if !c.is_cluster() {
        return Err(user_error(format!(
            "ComputeUpdate with computeType {} is not supported; only AmlCompute scale settings can be updated.",
            c.compute_type
        )));
    }
    if c.pending.is_some() {
        return Err(conflict(&c));
    }
    let mut props = c.props.clone();
    let mut merged = props.get("scaleSettings").cloned().unwrap_or_else(|| json!({}));
    if let (Some(m), Some(s)) = (merged.as_object_mut(), scale.as_object()) {
        for (k, v) in s {
            m.insert(k.clone(), v.clone());
        }
    }
    if let Some(p) = props.as_object_mut() {
        p.insert("scaleSettings".into(), merged);
    }
    check_scale(&props)?;
    check_size_and_quota(&state, ws, &c.name, &c.compute_type, &c.location, &props)?;
    let now = now_ms();
    let until = now + op_ms(emu);
    let op = lro::record(&mut state, ws, now, until, None, 400);
    let Some(stored) = state.get_mut(&ws_id, name) else { return Err(not_found(ws, name)) };
    stored.props = props;
    stored.provisioning_state = "Updating".to_string();
    stored.modified_ms = now;
    stored.state_changed_ms = now;
    stored.pending =
        Some(Pending { provisioning_state: Some("Succeeded".to_string()), ..Pending::new("Update", until) });
    let body = compute_json(stored, &ctx(emu));
    drop(state);
    let mut resp = json_response(StatusCode::OK, &body);
    lro::add_headers(emu, r, &mut resp, &op, lro::BOTH);
    Ok(resp)
}

fn delete(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str) -> ArmResult {
    let action = r.query.get("underlyingResourceAction").map(String::as_str).unwrap_or("");
    let detach = if action.eq_ignore_ascii_case("Detach") {
        true
    } else if action.eq_ignore_ascii_case("Delete") {
        false
    } else {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!("The query parameter 'underlyingResourceAction' is required and must be 'Delete' or 'Detach' (got '{action}')."),
        )
        .with_target("underlyingResourceAction"));
    };
    let ws_id = ws.arm_id();
    let mut state = emu.lock();
    let Some(c) = state.get(&ws_id, name).cloned() else {
        return Ok(empty_response(StatusCode::NO_CONTENT));
    };
    if c.is_attached() && !detach {
        return Err(user_error(format!(
            "Compute '{name}' is an attached {} compute; underlyingResourceAction=Delete would delete a resource Azure ML does not own. Use underlyingResourceAction=Detach.",
            c.compute_type
        )));
    }
    if !c.is_attached() && detach {
        return Err(user_error(format!(
            "Compute '{name}' is a {} created by Azure ML and cannot be detached; use underlyingResourceAction=Delete.",
            c.compute_type
        )));
    }
    let now = now_ms();
    let until = match c.pending.as_ref() {
        Some(p) if p.remove => p.until_ms, // already going: report on the same deletion
        Some(p) if p.operation == "Create" || p.operation == "Update" => return Err(conflict(&c)),
        _ => now + op_ms(emu),
    };
    let op = lro::record(&mut state, ws, now, until, None, 400);
    if let Some(stored) = state.get_mut(&ws_id, name) {
        stored.provisioning_state = "Deleting".to_string();
        if stored.is_instance() {
            stored.state = Some("Deleting".to_string());
            stored.last_operation = Some(LastOperation::by_user("Delete", now, "InProgress"));
        }
        stored.pending =
            Some(Pending { remove: true, ..Pending::new(if detach { "Detach" } else { "Delete" }, until) });
    }
    drop(state);
    Ok(lro::accepted(emu, r, &op))
}

pub fn action(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str, action: &str) -> ArmResult {
    match action {
        "start" | "stop" | "restart" => {
            only(r, &[Method::POST])?;
            power(emu, ws, r, name, action)
        }
        "listnodes" => {
            only(r, &[Method::POST, Method::GET])?;
            list_nodes(emu, ws, r, name)
        }
        "listkeys" => {
            only(r, &[Method::POST])?;
            list_keys(emu, ws, name)
        }
        "resize" => {
            only(r, &[Method::POST])?;
            resize(emu, ws, r, name)
        }
        "getallowedvmsizesforresize" => {
            only(r, &[Method::POST])?;
            allowed_sizes(emu, ws, name)
        }
        "updateidleshutdownsetting" | "customservices" | "updatedatamounts" | "enablesso" => {
            only(r, &[Method::POST])?;
            instance_setting(emu, ws, r, name, action)
        }
        _ => Err(no_route(r)),
    }
}

/// Start, stop and restart of a compute instance. A state that does not allow the action is accepted (202)
/// and the operation fails, which is how the service reports it.
fn power(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str, action: &str) -> ArmResult {
    let ws_id = ws.arm_id();
    let mut state = emu.lock();
    let c = state.get(&ws_id, name).cloned().ok_or_else(|| not_found(ws, name))?;
    let (verb, op_name) = match action {
        "start" => ("Start", "Start"),
        "stop" => ("Stop", "Stop"),
        _ => ("Restart", "Restart"),
    };
    if !c.is_instance() {
        return Err(user_error(format!("Compute{verb} with computeType {} is not supported.", c.compute_type)));
    }
    if matches!(c.busy_with(), Some("Create" | "Update" | "Delete")) {
        return Err(conflict(&c));
    }
    let current = c.state.clone().unwrap_or_else(|| "Unknown".to_string());
    if action == "stop" && fault_tag(&c.tags).as_deref() == Some("disk-full") {
        return Err(user_error("StopCompute is not allowed when ComputeInstance disk is full."));
    }
    let (allowed, transient, target, code, wanted): (&[&str], &str, &str, &str, &str) = match action {
        "start" => (&["Stopped"], "Starting", "Running", "StartComputeInstanceOnlyAllowedInStoppedState", "stopped"),
        "stop" => (
            &["Running", "JobRunning", "SetupFailed", "UserSetupFailed"],
            "Stopping",
            "Stopped",
            "StopComputeInstanceOnlyAllowedInRunningState",
            "running",
        ),
        _ => (
            &["Running", "JobRunning", "Unusable", "SetupFailed", "UserSetupFailed"],
            "Restarting",
            "Running",
            "RestartComputeInstanceOnlyAllowedInRunningState",
            "running",
        ),
    };
    let now = now_ms();
    let in_flight = c.pending.is_some();
    if in_flight || !allowed.contains(&current.as_str()) {
        let error = wrong_state(code, verb, &c.name, wanted, &current);
        let op = lro::record(&mut state, ws, now, now, Some(error), 400);
        drop(state);
        return Ok(lro::accepted(emu, r, &op));
    }
    let until = now + op_ms(emu);
    let op = lro::record(&mut state, ws, now, until, None, 400);
    if let Some(stored) = state.get_mut(&ws_id, name) {
        stored.state = Some(transient.to_string());
        stored.state_changed_ms = now;
        stored.last_operation = Some(LastOperation::by_user(op_name, now, "InProgress"));
        stored.pending = Some(Pending {
            state: Some(target.to_string()),
            last_operation_status: Some("Succeeded".to_string()),
            ..Pending::new(op_name, until)
        });
    }
    drop(state);
    Ok(lro::accepted(emu, r, &op))
}

/// Sizes a stopped instance may be resized to: those of its region that support instances, its own excepted.
fn allowed_sizes(emu: &Emulator, ws: &WorkspaceSeed, name: &str) -> ArmResult {
    let state = emu.lock();
    let c = state.get(&ws.arm_id(), name).ok_or_else(|| not_found(ws, name))?;
    if !c.is_instance() {
        return Err(user_error(format!(
            "ComputeGetAllowedVmSizesForResize with computeType {} is not supported.",
            c.compute_type
        )));
    }
    let factor = catalog::region(&c.location).map(|(_, f)| f).unwrap_or(1.0);
    let current = quota::vm_size(&c.props);
    let value: Vec<Value> = catalog::sizes_in(&c.location)
        .into_iter()
        .filter(|s| !s.name.eq_ignore_ascii_case(current))
        .map(|s| catalog::size_json(s, factor))
        .collect();
    Ok(json_response(StatusCode::OK, &json!({ "value": value })))
}

/// Resize (preview API): a Stopped instance goes Resizing → Stopped with the new size; any other state fails
/// through the operation, like start.
fn resize(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str) -> ArmResult {
    let body = parse_json(&r.body)?;
    let target =
        body.get("targetVMSize").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| {
            user_error("The body must be {\"targetVMSize\": \"<size>\"}.").with_target("targetVMSize")
        })?;
    let ws_id = ws.arm_id();
    let mut state = emu.lock();
    let c = state.get(&ws_id, name).cloned().ok_or_else(|| not_found(ws, name))?;
    if !c.is_instance() {
        return Err(user_error(format!("ComputeResize with computeType {} is not supported.", c.compute_type)));
    }
    if matches!(c.busy_with(), Some("Create" | "Update" | "Delete")) {
        return Err(conflict(&c));
    }
    let mut props = c.props.clone();
    if let Some(p) = props.as_object_mut() {
        p.insert("vmSize".into(), json!(target));
    }
    check_size_and_quota(&state, ws, &c.name, &c.compute_type, &c.location, &props)?;
    let now = now_ms();
    let current = c.state.clone().unwrap_or_else(|| "Unknown".to_string());
    if c.pending.is_some() || current != "Stopped" {
        let error =
            wrong_state("ResizeComputeInstanceOnlyAllowedInStoppedState", "Resize", &c.name, "stopped", &current);
        let op = lro::record(&mut state, ws, now, now, Some(error), 400);
        drop(state);
        return Ok(lro::accepted(emu, r, &op));
    }
    let until = now + op_ms(emu);
    let op = lro::record(&mut state, ws, now, until, None, 400);
    if let Some(stored) = state.get_mut(&ws_id, name) {
        stored.state = Some("Resizing".to_string());
        stored.state_changed_ms = now;
        stored.last_operation = Some(LastOperation::by_user("Resize", now, "InProgress"));
        stored.pending = Some(Pending {
            state: Some("Stopped".to_string()),
            last_operation_status: Some("Succeeded".to_string()),
            props: Some(props),
            ..Pending::new("Resize", until)
        });
    }
    drop(state);
    Ok(lro::accepted(emu, r, &op))
}

fn list_nodes(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str) -> ArmResult {
    let nodes = {
        let state = emu.lock();
        let c = state.get(&ws.arm_id(), name).ok_or_else(|| not_found(ws, name))?;
        if !c.is_cluster() {
            return Err(user_error(format!("ComputeListNodes with computeType {} is not supported.", c.compute_type)));
        }
        cluster_nodes(c, &ctx(emu))
    };
    let (skip, size) = page_window(emu, r);
    let total = nodes.len();
    let value: Vec<Value> = nodes.into_iter().skip(skip).take(size).collect();
    page_of(r, "nodes", value, skip, size, total)
}

/// Secrets of attached computes, only on this explicit request.
fn list_keys(emu: &Emulator, ws: &WorkspaceSeed, name: &str) -> ArmResult {
    let state = emu.lock();
    let c = state.get(&ws.arm_id(), name).ok_or_else(|| not_found(ws, name))?;
    let body = match c.compute_type.as_str() {
        "VirtualMachine" => json!({
            "computeType": "VirtualMachine",
            "administratorAccount": c.props.get("administratorAccount").cloned().unwrap_or_else(|| json!({})),
        }),
        "AKS" => json!({
            "computeType": "AKS",
            "userKubeConfig": "apiVersion: v1\nkind: Config\n# emulated user kubeconfig\n",
            "adminKubeConfig": "apiVersion: v1\nkind: Config\n# emulated admin kubeconfig\n",
            "imagePullSecretName": format!("{}-pull-secret", c.name),
        }),
        "Databricks" => json!({"computeType": "Databricks", "databricksAccessToken": "dapi-emulated-token"}),
        other => return Err(user_error(format!("ComputeListKeys with computeType {other} is not supported."))),
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// Port rules of custom applications: 1025 < port < 65535, published ports unique.
fn check_custom_services(services: &Value) -> Result<(), ArmError> {
    let Some(list) = services.as_array() else {
        return if services.is_null() {
            Ok(())
        } else {
            Err(user_error("customServices must be a JSON array of custom services.").with_target("customServices"))
        };
    };
    let mut published = Vec::new();
    for service in list {
        for endpoint in service.get("endpoints").and_then(Value::as_array).into_iter().flatten() {
            if let Some(port) = endpoint.get("target").and_then(Value::as_u64) {
                if !(1..65535).contains(&port) {
                    return Err(user_error(format!("Custom service target port {port} is invalid."))
                        .with_target("customServices.endpoints.target"));
                }
            }
            if let Some(port) = endpoint.get("published").and_then(Value::as_u64) {
                if !(1026..65535).contains(&port) {
                    return Err(user_error(format!(
                        "Custom service port {port} is invalid: published ports must be greater than 1025 and less than 65535."
                    ))
                    .with_target("customServices.endpoints.published"));
                }
                if published.contains(&port) {
                    return Err(user_error(format!(
                        "Published port {port} is used by more than one custom service endpoint."
                    ))
                    .with_target("customServices.endpoints.published"));
                }
                published.push(port);
            }
        }
    }
    Ok(())
}

fn instance_setting(emu: &Emulator, ws: &WorkspaceSeed, r: &Req, name: &str, action: &str) -> ArmResult {
    let body = parse_json(&r.body)?;
    let ws_id = ws.arm_id();
    let mut state = emu.lock();
    let c = state.get(&ws_id, name).cloned().ok_or_else(|| not_found(ws, name))?;
    let label = match action {
        "updateidleshutdownsetting" => "ComputeUpdateIdleShutdownSetting",
        "customservices" => "ComputeUpdateCustomServices",
        "updatedatamounts" => "ComputeUpdateDataMounts",
        _ => "ComputeEnableSso",
    };
    if !c.is_instance() {
        return Err(user_error(format!("{label} with computeType {} is not supported.", c.compute_type)));
    }
    let (key, value) = match action {
        "updateidleshutdownsetting" => {
            let v = body.get("idleTimeBeforeShutdown").cloned().unwrap_or(Value::Null);
            check_idle_shutdown(&v)?;
            ("idleTimeBeforeShutdown", v)
        }
        "customservices" => {
            if !body.is_array() {
                return Err(user_error("The body must be a JSON array of custom services."));
            }
            check_custom_services(&body)?;
            ("customServices", body)
        }
        "updatedatamounts" => {
            if !body.is_array() {
                return Err(user_error("The body must be a JSON array of data mounts."));
            }
            ("dataMounts", body)
        }
        _ => {
            let v =
                body.get("enableSSO").filter(|v| v.is_boolean()).cloned().ok_or_else(|| {
                    user_error("The body must be {\"enableSSO\": true|false}.").with_target("enableSSO")
                })?;
            ("enableSSO", v)
        }
    };
    if let Some(stored) = state.get_mut(&ws_id, name) {
        if !stored.props.is_object() {
            stored.props = Value::Object(Map::new());
        }
        if let Some(p) = stored.props.as_object_mut() {
            p.insert(key.to_string(), value);
        }
        stored.modified_ms = now_ms();
    }
    Ok(empty_response(StatusCode::OK))
}

/// The error a failed operation carries when an instance is in the wrong state for an action, in the service's words.
fn wrong_state(code: &str, verb: &str, name: &str, wanted: &str, current: &str) -> Value {
    json!({
        "code": code,
        "message": format!(
            "{verb} Azure ML Compute Instance is only allowed when the instance {name} is in '{wanted}' state; it is '{}'.",
            current.to_ascii_lowercase()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["ci1", "my-ci-a", "Cluster-GPU", "abc"] {
            assert!(valid_managed_name(ok), "{ok}");
        }
        for bad in ["ab", "1ci", "ci-1", "ci_1", "a-very-long-name-over-24-chars", "ci-"] {
            assert!(!valid_managed_name(bad), "{bad}");
        }
    }

    #[test]
    fn custom_service_ports() {
        let ok = json!([{"name": "a", "endpoints": [{"published": 8787, "target": 8787}]}]);
        assert!(check_custom_services(&ok).is_ok());
        let low = json!([{"name": "a", "endpoints": [{"published": 1025, "target": 80}]}]);
        assert!(check_custom_services(&low).is_err());
        let dup = json!([{"name": "a", "endpoints": [{"published": 4444}]}, {"name": "b", "endpoints": [{"published": 4444}]}]);
        assert!(check_custom_services(&dup).is_err());
        assert!(check_custom_services(&json!({})).is_err());
    }
}
