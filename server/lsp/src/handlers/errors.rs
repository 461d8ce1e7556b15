//! How a handler's failure becomes a JSON-RPC error. Kept apart from the protocol types (lsp_ext.rs) because making
//! an error is the handlers' business, and every handler module needs the same two shapes: plain words, or a
//! workflow refusal with its stable code in `data` for the extension to act on.

use amlc_azure::workflow;
use serde_json::Value;
use tower_lsp::jsonrpc;

/// A workflow refusal as a JSON-RPC error: the one-line words as `message`, `{code, message, hint}` as `data`.
/// Argument refusals are `InvalidParams`; the rest are server errors.
pub(crate) fn refusal_error(refusal: &workflow::Refusal) -> jsonrpc::Error {
    let code = if refusal.code == workflow::Code::InvalidArgument {
        jsonrpc::ErrorCode::InvalidParams
    } else {
        jsonrpc::ErrorCode::ServerError(-32000)
    };
    jsonrpc::Error {
        code,
        message: refusal.one_line().into(),
        data: Some(serde_json::to_value(refusal).unwrap_or(Value::Null)),
    }
}

/// Words only, for failures that carry no workflow code (a file that cannot be read, an ARM error while listing).
pub(crate) fn plain_error(message: &str) -> jsonrpc::Error {
    jsonrpc::Error { code: jsonrpc::ErrorCode::ServerError(-32000), message: message.to_string().into(), data: None }
}
