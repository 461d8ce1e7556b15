//! Errors of the Azure client, and the translation of ARM error bodies into plain words with a next step.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// One ARM error (`{"error": {code, message, target, details, additionalInfo}}`) plus the HTTP status it came with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArmError {
    /// HTTP status of the response; 0 when the error came from inside a polled operation.
    pub status: u16,
    pub code: String,
    pub message: String,
    pub target: Option<String>,
    pub details: Vec<ArmError>,
    /// How often the request was sent before this answer was given up on, and over how long: a 429 or 503
    /// after retries is the service being busy, which the words say instead of "refused".
    pub tries: u32,
    pub waited: Duration,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: Option<ErrorBody>,
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    details: Option<Vec<ErrorBody>>,
}

impl ErrorBody {
    fn into_arm(self, status: u16) -> ArmError {
        ArmError {
            status,
            code: self.code.unwrap_or_default(),
            message: self.message.unwrap_or_default(),
            target: self.target,
            details: self.details.unwrap_or_default().into_iter().map(|d| d.into_arm(0)).collect(),
            ..ArmError::default()
        }
    }
}

impl ArmError {
    /// Parses an error response body. Unknown members (Azure ML adds `severity`, `innerError`, …) are ignored; a body
    /// that is not an ARM error still yields an error that carries the status and the start of the text.
    pub fn from_body(status: u16, body: &[u8]) -> ArmError {
        if let Ok(ErrorEnvelope { error: Some(error) }) = serde_json::from_slice::<ErrorEnvelope>(body) {
            return error.into_arm(status);
        }
        // Some proxies and the polled operation status put the error object at the top level.
        if let Ok(error) = serde_json::from_slice::<ErrorBody>(body) {
            if error.code.is_some() {
                return error.into_arm(status);
            }
        }
        let text = String::from_utf8_lossy(body);
        let text: String = text.chars().take(300).collect();
        ArmError { status, code: format!("Http{status}"), message: text.trim().to_string(), ..ArmError::default() }
    }

    /// Whether the service answered "busy" (429, 503) even after retries.
    pub fn busy(&self) -> bool {
        matches!(self.status, 429 | 503) && self.tries > 1
    }

    /// Parses the `error` member of an `Azure-AsyncOperation` status body.
    pub fn from_value(value: &serde_json::Value) -> Option<ArmError> {
        let error: ErrorBody = serde_json::from_value(value.clone()).ok()?;
        Some(error.into_arm(0))
    }

    /// The codes of this error and every nested detail, outermost first.
    fn codes(&self) -> Vec<&str> {
        let mut out = vec![self.code.as_str()];
        for detail in &self.details {
            out.extend(detail.codes());
        }
        out
    }

    fn all_messages(&self) -> String {
        let mut out = self.message.clone();
        for detail in &self.details {
            out.push(' ');
            out.push_str(&detail.all_messages());
        }
        out
    }

    /// What kind of failure this is, so callers can react (offer an action, fetch quota figures, …).
    pub fn kind(&self) -> ErrorKind {
        let codes = self.codes();
        let has = |needle: &str| codes.iter().any(|c| c.to_ascii_lowercase().contains(&needle.to_ascii_lowercase()));
        let text = self.all_messages().to_ascii_lowercase();
        if has("AuthorizationFailed") || has("LinkedAuthorizationFailed") || self.status == 403 {
            return ErrorKind::Authorization { action: find_quoted_after(&self.all_messages(), "action '") };
        }
        if self.status == 401
            || has("InvalidAuthenticationToken")
            || has("AuthenticationFailed")
            || has("ExpiredAuthenticationToken")
        {
            return ErrorKind::Authentication;
        }
        if has("Quota") || text.contains("quota") {
            return ErrorKind::Quota;
        }
        if text.contains("disk is full") {
            return ErrorKind::DiskFull;
        }
        if has("OnlyAllowedIn")
            || text.contains("is only allowed when")
            || has("InvalidState")
            || text.contains("not allowed in state")
        {
            return ErrorKind::WrongState { required: find_quoted_after(&self.all_messages(), "in '") };
        }
        if self.status == 404 || has("NotFound") {
            return ErrorKind::NotFound;
        }
        if self.status == 409 || has("Conflict") {
            return ErrorKind::Conflict;
        }
        if self.status == 429 || has("TooManyRequests") {
            return ErrorKind::Throttled;
        }
        ErrorKind::Other
    }

    /// A plain-words next step for this error, or `None` when there is nothing better to say than the message.
    pub fn hint(&self) -> Option<String> {
        match self.kind() {
            ErrorKind::Authorization { action } => Some(match action {
                Some(action) => format!(
                    "Your identity lacks the RBAC permission `{action}`. Ask an owner of the workspace for a role that \
                     includes it (for example \"AzureML Data Scientist\" or \"Contributor\"), then retry."
                ),
                None => "Your identity lacks an RBAC permission on the workspace. Ask an owner for a role such as \
                         \"AzureML Data Scientist\" or \"Contributor\", then retry."
                    .to_string(),
            }),
            ErrorKind::Authentication => Some(
                "The access token was rejected. Sign in again (`az login`, or sign in from the editor) and retry.".to_string(),
            ),
            ErrorKind::Quota => Some(
                "The subscription's vCPU quota for this VM family in this region is too small. Pick a smaller size or \
                 fewer nodes, free quota by deleting or scaling down other compute, or request more quota in the Azure portal."
                    .to_string(),
            ),
            ErrorKind::DiskFull => Some(
                "The instance's OS disk is full, so it cannot be stopped. Connect to it (SSH or the Jupyter terminal), \
                 delete files to free space, then stop it again."
                    .to_string(),
            ),
            ErrorKind::WrongState { required } => Some(match required {
                Some(state) => format!("The compute must be in state '{state}' for this; check it with `amlc compute show` and wait or act accordingly."),
                None => "The compute is not in a state that allows this; check it with `amlc compute show`.".to_string(),
            }),
            ErrorKind::NotFound => Some("Check the name with `amlc compute list` and the workspace with -w/-g/--subscription.".to_string()),
            ErrorKind::Conflict => Some("Another operation on this compute is still running; wait for it to finish and retry.".to_string()),
            ErrorKind::Throttled => Some("Azure is throttling requests; wait a minute and retry.".to_string()),
            ErrorKind::Other => None,
        }
    }
}

/// The text between `prefix` and the next `'`, e.g. the action name in an `AuthorizationFailed` message.
fn find_quoted_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let rest = &text[start..];
    let end = rest.find('\'')?;
    let found = rest[..end].trim();
    (!found.is_empty()).then(|| found.to_string())
}

/// The failure families the command line and editor react to differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Authorization { action: Option<String> },
    Authentication,
    Quota,
    DiskFull,
    WrongState { required: Option<String> },
    NotFound,
    Conflict,
    Throttled,
    Other,
}

impl fmt::Display for ArmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.code.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.code, self.message)?;
        }
        if let Some(target) = &self.target {
            write!(f, " (target: {target})")?;
        }
        for detail in &self.details {
            write!(f, "; {detail}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the Azure client.
#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    /// ARM answered with an error status.
    #[error("{}", arm_words(.0))]
    Arm(Box<ArmError>),
    /// A long-running operation ended as `Failed` or `Canceled`.
    #[error("the operation {status}: {error}")]
    OperationFailed { status: String, error: Box<ArmError> },
    /// The connection failed; `sent` says whether the request may have reached the service before it did.
    #[error("{what} to {host} failed: {message}")]
    Transport { host: String, what: String, message: String, sent: bool },
    #[error("the operation did not finish within {0:?}; it may still be running in Azure")]
    Timeout(Duration),
    #[error("cancelled; the operation may still be running in Azure")]
    Cancelled,
    #[error("could not get an access token: {0}")]
    Credential(String),
    #[error("{0}")]
    Config(String),
    #[error("unexpected answer from {url}: {message}")]
    Protocol { url: String, message: String },
    /// A safety rule of this client refused the request before anything was sent.
    #[error("{0}")]
    Refused(String),
}

/// An ARM error answer in one line: "busy" after retries of a throttled or unavailable service, else "refused".
fn arm_words(e: &ArmError) -> String {
    if e.busy() {
        return format!(
            "Azure is busy (HTTP {}); tried {} times over {} s; try again in a minute",
            e.status,
            e.tries,
            e.waited.as_secs()
        );
    }
    format!("Azure refused the request (HTTP {}): {e}", e.status)
}

impl AzureError {
    /// The ARM error inside, if any.
    pub fn arm(&self) -> Option<&ArmError> {
        match self {
            AzureError::Arm(e) | AzureError::OperationFailed { error: e, .. } => Some(e.as_ref()),
            _ => None,
        }
    }

    /// A plain-words next step for this error.
    pub fn hint(&self) -> Option<String> {
        match self {
            AzureError::Arm(e) | AzureError::OperationFailed { error: e, .. } => e.hint(),
            AzureError::Transport { .. } => Some("Check the network connection and the endpoint, then retry.".to_string()),
            AzureError::Timeout(_) | AzureError::Cancelled => {
                Some("`amlc compute list` shows where each compute stands.".to_string())
            }
            AzureError::Credential(_) => Some(
                "Sign in with `az login` (or `azd auth login`), set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, \
                 or sign in from the editor."
                    .to_string(),
            ),
            _ => None,
        }
    }

    /// An ARM error answer that came after `tries` sends over `waited`.
    pub fn arm_after_retries(status: u16, body: &[u8], tries: u32, waited: Duration) -> AzureError {
        AzureError::Arm(Box::new(ArmError { tries, waited, ..ArmError::from_body(status, body) }))
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, AzureError::Arm(e) if e.status == 404)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arm_body_and_names_missing_action() {
        let body = br#"{"error":{"code":"AuthorizationFailed","message":"The client 'a@b.c' with object id 'x' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/computes/start/action' over scope '/subscriptions/s' or the scope is invalid.","severity":null}}"#;
        let e = ArmError::from_body(403, body);
        assert_eq!(e.code, "AuthorizationFailed");
        assert_eq!(
            e.kind(),
            ErrorKind::Authorization {
                action: Some("Microsoft.MachineLearningServices/workspaces/computes/start/action".into())
            }
        );
        assert!(e.hint().unwrap_or_default().contains("computes/start/action"));
    }

    #[test]
    fn classifies_known_service_errors() {
        type Case = (u16, &'static str, &'static str, fn(&ErrorKind) -> bool);
        let cases: &[Case] = &[
            (
                400,
                "StartComputeInstanceOnlyAllowedInStoppedState",
                "Start Azure ML Compute Instance is only allowed when the instance ci1 is in 'stopped' state",
                |k| matches!(k, ErrorKind::WrongState { required: Some(s) } if s == "stopped"),
            ),
            (400, "UserError", "StopCompute is not allowed when ComputeInstance disk is full.", |k| {
                *k == ErrorKind::DiskFull
            }),
            (409, "QuotaExceeded", "Operation results in exceeding quota limits of Core.", |k| *k == ErrorKind::Quota),
            (404, "ResourceNotFound", "not here", |k| *k == ErrorKind::NotFound),
            (401, "InvalidAuthenticationToken", "expired", |k| *k == ErrorKind::Authentication),
            (429, "TooManyRequests", "slow down", |k| *k == ErrorKind::Throttled),
        ];
        for (status, code, message, check) in cases {
            let body =
                serde_json::json!({"error": {"code": code, "message": message, "details": [], "innerError": {"x": 1}}});
            let e = ArmError::from_body(*status, body.to_string().as_bytes());
            assert!(check(&e.kind()), "{code}: got {:?}", e.kind());
            assert!(e.hint().is_some(), "{code} has a hint");
        }
    }

    #[test]
    fn non_json_body_keeps_status_and_text() {
        let e = ArmError::from_body(502, b"<html>Bad gateway</html>");
        assert_eq!(e.status, 502);
        assert_eq!(e.code, "Http502");
        assert!(e.message.contains("Bad gateway"));
    }

    #[test]
    fn nested_details_are_shown_and_classified() {
        let body = br#"{"error":{"code":"BadRequest","message":"failed","details":[{"code":"QuotaExceeded","message":"Current usage: 20, limit: 24"}]}}"#;
        let e = ArmError::from_body(400, body);
        assert_eq!(e.kind(), ErrorKind::Quota);
        assert!(e.to_string().contains("Current usage: 20"));
    }
}
