//! Long-running operations: creating the operation record and the headers that point clients at its status
//! (`Azure-AsyncOperation`: a status document; `Location`: 202 until done, then the final result), with `Retry-After`.

use axum::response::Response;
use serde_json::Value;

use crate::arm::set_header;
use crate::config::WorkspaceSeed;
use crate::emulator::{Emulator, Req};
use crate::store::{Operation, State};

/// Which status headers a response carries.
#[derive(Clone, Copy)]
pub struct Headers {
    pub async_operation: bool,
    pub location: bool,
}

pub const ASYNC_ONLY: Headers = Headers { async_operation: true, location: false };
pub const BOTH: Headers = Headers { async_operation: true, location: true };

/// Records an operation that ends at `end_ms`, failing with `error` if given.
pub fn record(
    state: &mut State,
    ws: &WorkspaceSeed,
    start_ms: u64,
    end_ms: u64,
    error: Option<Value>,
    failure_status: u16,
) -> Operation {
    let op = Operation {
        id: uuid::Uuid::new_v4().to_string(),
        subscription_id: ws.subscription_id.clone(),
        location: ws.location.clone(),
        start_ms,
        end_ms,
        error,
        failure_status,
    };
    state.add_operation(op.clone());
    op
}

fn op_base(r: &Req, op: &Operation) -> String {
    format!(
        "{}/subscriptions/{}/providers/Microsoft.MachineLearningServices/locations/{}",
        r.base, op.subscription_id, op.location
    )
}

pub fn status_url(r: &Req, op: &Operation) -> String {
    format!("{}/computeOperationsStatus/{}?api-version={}", op_base(r, op), op.id, r.api_version)
}

pub fn result_url(r: &Req, op: &Operation) -> String {
    format!("{}/computeOperationsResult/{}?api-version={}", op_base(r, op), op.id, r.api_version)
}

/// Seconds clients should wait between polls: about half an operation, at least 1 s, at most 10 s.
pub fn retry_after(emu: &Emulator) -> u64 {
    let half = emu.config.op_duration.as_secs_f64() / 2.0;
    (half.ceil() as u64).clamp(1, 10)
}

/// The 202 Accepted that starts an operation: both `Azure-AsyncOperation` and `Location`, as ARM sends for
/// compute actions, so a client may follow either.
pub fn accepted(emu: &Emulator, r: &Req, op: &Operation) -> Response {
    let mut resp = crate::arm::empty_response(axum::http::StatusCode::ACCEPTED);
    add_headers(emu, r, &mut resp, op, BOTH);
    resp
}

pub fn add_headers(emu: &Emulator, r: &Req, resp: &mut Response, op: &Operation, which: Headers) {
    if which.async_operation {
        set_header(resp, "Azure-AsyncOperation", &status_url(r, op));
    }
    if which.location {
        set_header(resp, "Location", &result_url(r, op));
    }
    set_header(resp, "Retry-After", &retry_after(emu).to_string());
}
