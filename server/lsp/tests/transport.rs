//! The stdio transport under hostile input, in process over an in-memory pipe: every malformed message an
//! adversarial client sent is answered with the right JSON-RPC error, and a valid request after it is still
//! answered; `exit` without `shutdown` is reported as an unclean end; `shutdown` with `"params": null` works.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};
use tokio::task::JoinHandle;

const TIMEOUT: Duration = Duration::from_secs(10);

struct Pipe {
    input: WriteHalf<DuplexStream>,
    output: ReadHalf<DuplexStream>,
    buffer: Vec<u8>,
    server: JoinHandle<amlc_lsp::Ending>,
}

impl Pipe {
    async fn start() -> Pipe {
        let (client, server) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server);
        let server = tokio::spawn(amlc_lsp::serve(server_read, server_write));
        let (output, input) = tokio::io::split(client);
        let mut pipe = Pipe { input, output, buffer: Vec::new(), server };
        let init = frame(&json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}));
        pipe.raw(&init).await;
        assert!(pipe.response(&json!(0)).await.get("result").is_some());
        pipe.raw(&frame(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))).await;
        pipe
    }

    async fn raw(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).await.expect("write");
        self.input.flush().await.expect("flush");
    }

    /// The next message from the server (skipping its notifications and requests).
    async fn next_response(&mut self) -> Value {
        loop {
            let message = tokio::time::timeout(TIMEOUT, self.next_message()).await.expect("an answer in time");
            if message.get("method").is_none() {
                return message;
            }
        }
    }

    async fn response(&mut self, id: &Value) -> Value {
        loop {
            let message = self.next_response().await;
            if &message["id"] == id {
                return message;
            }
        }
    }

    async fn next_message(&mut self) -> Value {
        loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let header = String::from_utf8_lossy(&self.buffer[..end]).to_string();
                let length: usize = header
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|n| n.trim().parse().ok())
                    .expect("the server writes Content-Length");
                if self.buffer.len() >= end + 4 + length {
                    let body: Vec<u8> = self.buffer.drain(..end + 4 + length).skip(end + 4).collect();
                    return serde_json::from_slice(&body).expect("the server writes JSON");
                }
            }
            let mut chunk = [0u8; 65536];
            let n = self.output.read(&mut chunk).await.expect("read");
            assert!(n > 0, "the server closed its output");
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }

    /// A hover request the server must answer (a document that is not open: `null`), proving it still serves.
    async fn still_serving(&mut self, id: i64, after: &str) {
        let hover = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": "file:///nowhere.yml"}, "position": {"line": 0, "character": 0}}});
        self.raw(&frame(&hover)).await;
        let answer = self.response(&json!(id)).await;
        assert!(answer.get("result").is_some(), "after {after}: {answer}");
    }
}

fn frame(value: &Value) -> Vec<u8> {
    framed(&serde_json::to_vec(value).expect("JSON"))
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

#[tokio::test]
async fn each_malformed_message_is_answered_and_the_server_goes_on() {
    let mut pipe = Pipe::start().await;
    let cases: Vec<(&str, Vec<u8>, i64, Value)> = vec![
        ("invalid JSON", framed(b"{\"jsonrpc\": \"2.0\", "), -32700, Value::Null),
        ("[]", framed(b"[]"), -32600, Value::Null),
        ("null", framed(b"null"), -32600, Value::Null),
        ("{}", framed(b"{}"), -32600, Value::Null),
        ("a bad Content-Length", b"Content-Length: twelve\r\n\r\n{}".to_vec(), -32700, Value::Null),
        ("no Content-Length", b"Content-Type: application/json\r\n\r\n{}".to_vec(), -32700, Value::Null),
        ("invalid UTF-8", framed(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\xfe\"}"), -32700, Value::Null),
        ("jsonrpc 1.0", framed(br#"{"jsonrpc":"1.0","id":7,"method":"shutdown"}"#), -32600, json!(7)),
        ("a fractional id", framed(br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#), -32600, Value::Null),
        ("an object id", framed(br#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#), -32600, Value::Null),
        (
            "a position beyond the LSP integer range",
            frame(&json!({"jsonrpc": "2.0", "id": 8, "method": "textDocument/hover", "params": {
                "textDocument": {"uri": "file:///nowhere.yml"}, "position": {"line": 4_294_967_297u64, "character": 0}}})),
            -32602,
            json!(8),
        ),
    ];
    for (index, (what, bytes, code, id)) in cases.into_iter().enumerate() {
        pipe.raw(&bytes).await;
        let answer = pipe.next_response().await;
        assert_eq!(answer["error"]["code"], code, "{what}: {answer}");
        assert_eq!(answer["id"], id, "{what}: {answer}");
        pipe.still_serving(100 + index as i64, what).await;
    }

    // LF-only headers are read as headers.
    let body = serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 200, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": "file:///nowhere.yml"}, "position": {"line": 0, "character": 0}}}))
    .expect("JSON");
    let mut lf = format!("Content-Length: {}\n\n", body.len()).into_bytes();
    lf.extend_from_slice(&body);
    pipe.raw(&lf).await;
    assert!(pipe.response(&json!(200)).await.get("result").is_some());

    // A Content-Length longer than the message must not swallow the message after it.
    let short = br#"{"jsonrpc":"2.0","id":300,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///n.yml"},"position":{"line":0,"character":0}}}"#;
    let mut bytes = format!("Content-Length: {}\r\n\r\n", short.len() + 500).into_bytes();
    bytes.extend_from_slice(short);
    pipe.raw(&bytes).await;
    pipe.still_serving(301, "a too-long Content-Length").await;
    pipe.server.abort();
}

#[tokio::test]
async fn shutdown_with_null_params_then_exit_is_a_clean_end() {
    let mut pipe = Pipe::start().await;
    pipe.raw(&frame(&json!({"jsonrpc": "2.0", "id": 1, "method": "shutdown", "params": null}))).await;
    let answer = pipe.response(&json!(1)).await;
    assert_eq!(answer["result"], Value::Null, "{answer}");
    assert!(answer.get("error").is_none(), "{answer}");
    pipe.raw(&frame(&json!({"jsonrpc": "2.0", "method": "exit", "params": null}))).await;
    let ending = tokio::time::timeout(TIMEOUT, pipe.server).await.expect("exits in time").expect("no panic");
    assert_eq!(ending, amlc_lsp::Ending::Exit { after_shutdown: true });
    assert!(ending.success());
}

#[tokio::test]
async fn exit_without_shutdown_is_not_a_clean_end() {
    let mut pipe = Pipe::start().await;
    pipe.raw(&frame(&json!({"jsonrpc": "2.0", "method": "exit"}))).await;
    let ending = tokio::time::timeout(TIMEOUT, pipe.server).await.expect("exits in time").expect("no panic");
    assert_eq!(ending, amlc_lsp::Ending::Exit { after_shutdown: false });
    assert!(!ending.success());
}
