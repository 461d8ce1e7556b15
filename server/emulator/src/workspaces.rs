//! Workspace routes: GET of one workspace (clients read its location) and the lists by subscription and group.

use axum::http::StatusCode;
use serde_json::json;

use crate::arm::{json_response, ArmResult};
use crate::config::WorkspaceSeed;
use crate::render::workspace_json;
use crate::service::{Emulator, Req};

pub fn get(ws: &WorkspaceSeed, r: &Req) -> ArmResult {
    Ok(json_response(StatusCode::OK, &workspace_json(ws, &r.base)))
}

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
    Ok(json_response(StatusCode::OK, &json!({ "value": value })))
}
