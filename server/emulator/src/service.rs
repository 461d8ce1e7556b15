//! The HTTP entry point: one handler receives every request, applies delay, faults, authentication and the
//! api-version check the way ARM orders them, routes by path (case-insensitively, as ARM does) and logs a line.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State as AxumState};
use axum::http::{header, Method};
use axum::response::Response;

use crate::arm::{self, check_api_version, check_authorization, ArmError, ArmResult};
use crate::emulator::{no_route, only, Emulator, Req};
use crate::faults;

/// One path segment with its `%XX` escapes decoded (a `+` stays a `+` in a path).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The query string as form-urlencoded pairs; a later duplicate key wins.
fn parse_query(q: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

/// Routes a request by its path, compared case-insensitively as ARM does.
fn route(emu: &Emulator, r: &Req) -> ArmResult {
    let lower: Vec<String> = r.segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    const RP: &str = "microsoft.machinelearningservices";
    match l.as_slice() {
        ["subscriptions"] => {
            only(r, &[Method::GET])?;
            crate::workspaces::subscriptions(emu, r)
        }
        ["subscriptions", _, "providers", rp, "locations", _, rest @ ..] if *rp == RP => {
            crate::locations::route(emu, r, rest)
        }
        ["subscriptions", _, "providers", rp, "workspaces"] if *rp == RP => {
            only(r, &[Method::GET])?;
            crate::workspaces::list(emu, r, r.seg(1), None)
        }
        ["subscriptions", _, "resourcegroups", _, "providers", rp, "workspaces"] if *rp == RP => {
            only(r, &[Method::GET])?;
            crate::workspaces::list(emu, r, r.seg(1), Some(r.seg(3)))
        }
        ["subscriptions", _, "resourcegroups", _, "providers", rp, "workspaces", _, rest @ ..] if *rp == RP => {
            let ws = emu.workspace(r.seg(1), r.seg(3), r.seg(7))?.clone();
            match rest {
                [] => {
                    only(r, &[Method::GET])?;
                    crate::workspaces::get(&ws, r)
                }
                ["computes"] => {
                    only(r, &[Method::GET])?;
                    crate::computes::list(emu, &ws, r)
                }
                ["computes", _] => crate::computes::resource(emu, &ws, r, r.seg(9)),
                ["computes", _, action] => crate::computes::action(emu, &ws, r, r.seg(9), action),
                _ => Err(no_route(r)),
            }
        }
        _ => Err(no_route(r)),
    }
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
        let out = route(&emu, &r);
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
