//! A language client over real stdio for the end-to-end tests: Content-Length framing, requests that wait for their
//! response, diagnostics by version, and a clean shutdown. The host binary's tests and the cross-built binaries'
//! tests (under wine or qemu) drive a server through this one client.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

/// Generous: a server under wine or qemu starts and answers several times slower than a native one.
const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    /// `amlc lsp --stdio` of the host's build, initialized with the client `capabilities`.
    pub fn start(capabilities: Value) -> Server {
        let binary = crate::amlc_bin();
        assert!(binary.exists(), "{} is missing: run `cargo build -p amlc` first", binary.display());
        Server::start_command(Command::new(binary), capabilities)
    }

    /// The server that `command` runs once `lsp --stdio` is appended (a cross-built binary behind its runner).
    pub fn start_command(mut command: Command, capabilities: Value) -> Server {
        let mut child = command
            .args(["lsp", "--stdio"])
            .env("AMLC_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("amlc lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("every message has a Content-Length")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let message: Value = serde_json::from_slice(&body).expect("the server writes JSON");
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let mut server = Server { child, stdin, messages, next_id: 1 };
        server.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": capabilities}));
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).expect("JSON");
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        self.stdin.write_all(&body).expect("write body");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
        loop {
            let message = self.messages.recv_timeout(TIMEOUT).expect("a response in time");
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    pub fn wait_diagnostics(&mut self, uri: &str, version: i64) -> Value {
        loop {
            let message = self.messages.recv_timeout(TIMEOUT).expect("diagnostics in time");
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == version
            {
                return message["params"]["diagnostics"].clone();
            }
        }
    }

    pub fn text(&mut self, uri: &str) -> String {
        let state = self.request("amlc/documentState", json!({"textDocument": {"uri": uri}}));
        state["text"].as_str().expect("text").to_string()
    }

    /// `shutdown`, `exit`, and the process must end with status 0.
    pub fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        for _ in 0..200 {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "exit status {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("amlc lsp did not exit after `exit`");
    }
}
