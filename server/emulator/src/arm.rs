//! ARM's wire conventions shared by every route: the error body, JSON responses with the headers ARM sends,
//! the `Authorization` and `api-version` checks, and timestamps in ARM's format.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

/// An ARM error: the status and the `{"error": {code, message, …}}` body.
#[derive(Debug, Clone)]
pub struct ArmError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub target: Option<String>,
    pub headers: Vec<(&'static str, String)>,
}

impl ArmError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ArmError { status, code: code.to_string(), message: message.into(), target: None, headers: Vec::new() }
    }

    pub fn with_target(mut self, target: &str) -> Self {
        self.target = Some(target.to_string());
        self
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        ArmError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// The body as ARM sends it: `{"error": {code, message, target, details, additionalInfo}}`. Azure ML adds a few
    /// members of its own (`severity`, `referenceCode`, …) that clients must ignore, so the emulator leaves them out.
    pub fn body(&self) -> Value {
        json!({"error": self.error_object()})
    }

    pub fn error_object(&self) -> Value {
        json!({
            "code": self.code,
            "message": self.message,
            "target": self.target,
            "details": [],
            "additionalInfo": [],
        })
    }

    pub fn into_response(self) -> Response {
        let mut resp = json_response(self.status, &self.body());
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                resp.headers_mut().insert(*name, v);
            }
        }
        resp
    }
}

pub type ArmResult = Result<Response, ArmError>;

pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    resp
}

/// A response with no body (200 on actions, 202 on accepted operations, 204 on a delete of nothing).
pub fn empty_response(status: StatusCode) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = status;
    resp
}

pub fn set_header(resp: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(name, v);
    }
}

/// ARM accepts any caller in the emulator, but a request without a bearer token is refused the way ARM refuses it.
pub fn check_authorization(headers: &HeaderMap) -> Result<(), ArmError> {
    let challenge = "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\"";
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ArmError::new(
            StatusCode::UNAUTHORIZED,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
        )
        .with_header("WWW-Authenticate", challenge.to_string()));
    };
    let text = value.to_str().unwrap_or("");
    let token = text.strip_prefix("Bearer ").or_else(|| text.strip_prefix("bearer ")).map(str::trim).unwrap_or("");
    if token.is_empty() {
        return Err(ArmError::new(
            StatusCode::UNAUTHORIZED,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is provided in an invalid format.",
        )
        .with_header("WWW-Authenticate", challenge.to_string()));
    }
    Ok(())
}

/// Stable api-versions of Microsoft.MachineLearningServices the emulator accepts; any dated `-preview` is accepted too,
/// since clients pin different previews (the CLI's SDK sends 2023-08-01-preview for compute).
pub const STABLE_API_VERSIONS: &[&str] = &[
    "2021-07-01",
    "2022-05-01",
    "2022-10-01",
    "2023-04-01",
    "2023-10-01",
    "2024-04-01",
    "2024-10-01",
    "2025-01-01",
    "2025-04-01",
    "2025-06-01",
    "2025-09-01",
    "2025-12-01",
];

fn is_dated_preview(v: &str) -> bool {
    let Some(date) = v.strip_suffix("-preview") else { return false };
    let b = date.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `api-version` is required on every ARM request; an unknown one gets the provider-registration error ARM gives.
pub fn check_api_version(api_version: Option<&str>, resource_type: &str) -> Result<String, ArmError> {
    let Some(v) = api_version.filter(|v| !v.is_empty()) else {
        return Err(ArmError::bad_request(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        ));
    };
    if STABLE_API_VERSIONS.contains(&v) || is_dated_preview(v) {
        return Ok(v.to_string());
    }
    Err(ArmError::bad_request(
        "NoRegisteredProviderFound",
        format!(
            "No registered resource provider found for API version '{v}' and type '{resource_type}'. The supported api-versions are '{}'.",
            STABLE_API_VERSIONS.join(", ")
        ),
    ))
}

/// Milliseconds since the Unix epoch: the emulator's clock, stored so a state file survives restarts.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// ARM timestamp text, e.g. `2026-11-26T03:40:00.123Z`.
pub fn timestamp(ms: u64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions() {
        for ok in ["2025-12-01", "2023-08-01-preview", "2026-03-15-preview", "2021-07-01"] {
            assert_eq!(check_api_version(Some(ok), "workspaces").ok().as_deref(), Some(ok));
        }
        for (bad, code) in [
            (None, "MissingApiVersionParameter"),
            (Some(""), "MissingApiVersionParameter"),
            (Some("2099-01-01"), "NoRegisteredProviderFound"),
            (Some("latest"), "NoRegisteredProviderFound"),
            (Some("2023-8-1-preview"), "NoRegisteredProviderFound"),
        ] {
            let err = check_api_version(bad, "workspaces").err().map(|e| e.code);
            assert_eq!(err.as_deref(), Some(code), "{bad:?}");
        }
    }

    #[test]
    fn authorization() {
        let mut h = HeaderMap::new();
        assert_eq!(check_authorization(&h).err().map(|e| e.status), Some(StatusCode::UNAUTHORIZED));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(check_authorization(&h).is_err());
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert!(check_authorization(&h).is_err());
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer anything"));
        assert!(check_authorization(&h).is_ok());
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}
