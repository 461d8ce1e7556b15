//! The stdio transport in front of tower-lsp's `LspService`: frames are read by `framing`, each message is
//! checked as JSON-RPC 2.0 and answered with the right error when it is not one (-32700 for what is not JSON,
//! -32600 for what is not a request, -32602 for a position outside LSP's integer range), and the session goes on.
//! tower-lsp's own reader stops at the first bad message; this loop never does. It also knows how the session
//! ended: `exit` after `shutdown` is a clean end, `exit` without it is not.

use std::collections::VecDeque;

use futures::stream::FuturesUnordered;
use futures::{SinkExt, StreamExt};
use serde_json::{Map, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tower::Service;
use tower_lsp::jsonrpc::{Error, ErrorCode, Id, Request, Response};

use crate::framing::{write_frame, Frame, FrameReader};

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `exit`; `after_shutdown` says whether `shutdown` came first (the process then exits 0, else 1).
    Exit { after_shutdown: bool },
    /// The editor closed the input.
    InputClosed,
}

impl Ending {
    pub fn success(self) -> bool {
        !matches!(self, Ending::Exit { after_shutdown: false })
    }
}

/// The largest value LSP's `integer`/`uinteger` position fields may hold.
const LSP_INTEGER_MAX: u64 = i32::MAX as u64;

/// What a checked message is.
#[derive(Debug)]
enum Incoming {
    Request(Request),
    Response(Response),
}

/// Serves the protocol over the given streams until `exit` or the end of the input.
pub async fn serve<I, O>(input: I, output: O) -> Ending
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (mut service, socket) = crate::service();
    let (mut to_client, mut from_client) = socket.split();
    let (sender, mut outbox) = mpsc::unbounded_channel::<Vec<u8>>();
    // Writing runs beside reading, and drains what is queued once reading has ended.
    let writer = async move {
        tokio::pin!(output);
        while let Some(body) = outbox.recv().await {
            if write_frame(&mut output, &body).await.is_err() {
                break;
            }
        }
    };
    let reader = async move {
        let send = |body: Vec<u8>| {
            let _ = sender.send(body);
        };
        let mut frames = FrameReader::new(input);
        // Requests wait here while the service is not ready (it is not while `initialize` runs).
        let mut queue: VecDeque<Request> = VecDeque::new();
        let mut pending = FuturesUnordered::new();
        let mut shutdown = false;
        loop {
            tokio::select! {
                frame = frames.next() => match frame.map(check) {
                    None => return Ending::InputClosed,
                    Some(Ok(Incoming::Response(response))) => {
                        let _ = from_client.send(response).await;
                    }
                    Some(Ok(Incoming::Request(request))) => {
                        // Names only: params hold documents and tokens.
                        tracing::trace!(method = request.method(), id = ?request.id(), "received");
                        queue.push_back(request);
                    }
                    Some(Err(error)) => {
                        tracing::debug!(error = ?error.error().map(|e| &e.message), "answered a malformed message");
                        send(json_bytes(&error));
                    }
                },
                ready = std::future::poll_fn(|cx| service.poll_ready(cx)), if !queue.is_empty() => {
                    let Some(request) = queue.pop_front() else { continue };
                    if ready.is_err() {
                        return Ending::InputClosed;
                    }
                    match request.method() {
                        "shutdown" => shutdown = true,
                        "exit" => {
                            let _ = service.call(request).await;
                            return Ending::Exit { after_shutdown: shutdown };
                        }
                        _ => {}
                    }
                    // Futures start in arrival order: each edit is applied before any later request runs.
                    pending.push(service.call(request));
                }
                Some(done) = pending.next(), if !pending.is_empty() => {
                    if let Ok(Some(response)) = done {
                        send(json_bytes(&response));
                    }
                }
                // What the server sends on its own: tower-lsp's messages and, already serialized on the
                // owners' blocking threads, the published diagnostics (`outgoing.rs` says in what order).
                //
                // A publish cannot overtake a response that leads to it: a handler runs inside `pending`'s
                // poll, and the poll that finishes it hands its response to the outbox in that same turn of
                // this loop, before anything the handler started (an analysis, on another thread) can have
                // queued a publish. Nor can a response overtake a publish it waits for: no handler waits for
                // one (a request waits for the analysis, which is ready before its publish, as it always was).
                Some(outbound) = to_client.next() => send(outbound.into_body()),
            }
        }
    };
    let (ending, ()) = tokio::join!(reader, writer);
    ending
}

fn json_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Checks one frame as a JSON-RPC 2.0 message; an error is the response to send instead.
fn check(frame: Frame) -> Result<Incoming, Box<Response>> {
    let body = match frame {
        Frame::Message(body) => body,
        Frame::Malformed { reason, body } => {
            // A message cut short by a wrong length still names its id, so the client is not left waiting.
            let id = body.and_then(|b| serde_json::from_slice::<Value>(&b).ok()).and_then(|v| id_of(&v));
            return Err(error(id, ErrorCode::ParseError, format!("not a message: {reason}")));
        }
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) if std::str::from_utf8(&body).is_err() => {
            return Err(error(None, ErrorCode::ParseError, format!("the message is not UTF-8 ({e})")))
        }
        Err(e) => return Err(error(None, ErrorCode::ParseError, format!("the message is not JSON: {e}"))),
    };
    let Value::Object(mut object) = value else {
        let what = match value {
            Value::Array(_) => "an array (batches are not part of LSP)",
            Value::Null => "null",
            _ => "not an object",
        };
        return Err(error(None, ErrorCode::InvalidRequest, format!("a message must be a JSON object; this is {what}")));
    };
    let id = match object.get("id") {
        None => None,
        Some(raw) => match id_of_value(raw) {
            Some(id) => Some(id),
            None => {
                return Err(error(
                    None,
                    ErrorCode::InvalidRequest,
                    format!("the id {raw} is not an integer or a string"),
                ))
            }
        },
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(error(id, ErrorCode::InvalidRequest, "\"jsonrpc\" must be \"2.0\"".into()));
    }
    match object.get("method") {
        Some(Value::String(_)) => {}
        Some(_) => return Err(error(id, ErrorCode::InvalidRequest, "\"method\" must be a string".into())),
        None => {
            let is_response = id.is_some() && (object.contains_key("result") ^ object.contains_key("error"));
            if !is_response {
                return Err(error(id, ErrorCode::InvalidRequest, "neither a request nor a response".into()));
            }
            return serde_json::from_value(Value::Object(object))
                .map(Incoming::Response)
                .map_err(|e| error(id, ErrorCode::InvalidRequest, format!("not a response: {e}")));
        }
    }
    // `"params": null` means no params (some clients send it with `shutdown` and `exit`).
    if object.get("params").is_some_and(Value::is_null) {
        object.remove("params");
    }
    if let Some(params) = object.get("params") {
        if !params.is_object() && !params.is_array() {
            return Err(error(id, ErrorCode::InvalidParams, "\"params\" must be an object or an array".into()));
        }
        if let Some(bad) = position_out_of_range(params) {
            return Err(error(
                id,
                ErrorCode::InvalidParams,
                format!("{bad} is outside the LSP integer range 0..={LSP_INTEGER_MAX}"),
            ));
        }
    }
    serde_json::from_value(Value::Object(object))
        .map(Incoming::Request)
        .map_err(|e| error(id, ErrorCode::InvalidRequest, format!("not a request: {e}")))
}

fn id_of(value: &Value) -> Option<Id> {
    value.get("id").and_then(id_of_value)
}

/// An id as LSP allows it: an integer or a string (or null, which JSON-RPC tolerates).
fn id_of_value(raw: &Value) -> Option<Id> {
    match raw {
        Value::String(s) => Some(Id::String(s.clone())),
        Value::Number(n) => n.as_i64().map(Id::Number),
        Value::Null => Some(Id::Null),
        _ => None,
    }
}

/// The first `line` or `character` of a position-like object in `params` that is negative or above LSP's
/// integer range; lsp-types would read a value up to u32::MAX and the server would clamp a nonsense position.
fn position_out_of_range(params: &Value) -> Option<String> {
    let mut stack = vec![params];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if is_position(map) {
                    for key in ["line", "character"] {
                        let n = &map[key];
                        if n.as_u64().is_none_or(|n| n > LSP_INTEGER_MAX) {
                            return Some(format!("{key} {n}"));
                        }
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    None
}

fn is_position(map: &Map<String, Value>) -> bool {
    map.len() == 2
        && map.get("line").is_some_and(Value::is_number)
        && map.get("character").is_some_and(Value::is_number)
}

fn error(id: Option<Id>, code: ErrorCode, message: String) -> Box<Response> {
    Box::new(Response::from_error(id.unwrap_or(Id::Null), Error { code, message: message.into(), data: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &str) -> Option<i64> {
        check(Frame::Message(body.as_bytes().to_vec())).err().map(|r| r.error().map_or(0, |e| e.code.code()))
    }

    #[test]
    fn each_malformed_message_gets_its_code() {
        for (body, expected) in [
            ("{", -32700),
            ("[]", -32600),
            ("null", -32600),
            ("{}", -32600),
            (r#"{"jsonrpc":"1.0","id":1,"method":"shutdown"}"#, -32600),
            (r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#, -32600),
            (r#"{"jsonrpc":"2.0","id":{},"method":"shutdown"}"#, -32600),
            (r#"{"jsonrpc":"2.0","id":1,"method":7}"#, -32600),
            (r#"{"jsonrpc":"2.0","id":1,"method":"x","params":3}"#, -32602),
            (
                r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"position":{"line":4294967296,"character":0}}}"#,
                -32602,
            ),
            (
                r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"position":{"line":2147483648,"character":0}}}"#,
                -32602,
            ),
        ] {
            assert_eq!(code(body), Some(expected), "{body}");
        }
        assert_eq!(
            check(Frame::Message(b"\xff\xfe".to_vec())).err().and_then(|r| r.error().map(|e| e.code.code())),
            Some(-32700)
        );
    }

    #[test]
    fn good_messages_pass_and_null_params_mean_none() {
        let Ok(Incoming::Request(request)) =
            check(Frame::Message(br#"{"jsonrpc":"2.0","id":3,"method":"shutdown","params":null}"#.to_vec()))
        else {
            panic!("shutdown with null params refused");
        };
        assert_eq!(request.params(), None);
        assert!(matches!(
            check(Frame::Message(br#"{"jsonrpc":"2.0","id":"a","result":null}"#.to_vec())),
            Ok(Incoming::Response(_))
        ));
    }
}
