//! `amlc lsp` as a child process over real stdio: Content-Length framing both ways, requests with their responses,
//! and the server's notifications kept in order for the test to wait on. The host binary's tests and the
//! cross-built binaries' tests (under wine or qemu) drive a server through this one client.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

/// Generous: a server under wine or qemu starts and answers several times slower than a native one.
pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Server {
    pub child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Messages read while waiting for another one, kept in order.
    backlog: Vec<Value>,
}

impl Server {
    /// Starts `amlc lsp` and initialises it with these capabilities (and initialization options, unless null).
    pub fn start(capabilities: Value, options: Value) -> Server {
        Server::start_with(capabilities, options, "warn", &[])
    }

    /// As [`Server::start`], with this `AMLC_LOG` level and more arguments for `amlc lsp`.
    pub fn start_with(capabilities: Value, options: Value, log: &str, args: &[&str]) -> Server {
        let binary = crate::amlc_bin();
        assert!(binary.exists(), "{} is missing: run `cargo build -p amlc` first", binary.display());
        Server::launch(Command::new(binary), capabilities, options, log, args)
    }

    /// The server that `command` runs once `lsp --stdio` is appended (a cross-built binary behind its runner).
    pub fn start_command(command: Command, capabilities: Value) -> Server {
        Server::launch(command, capabilities, Value::Null, "warn", &[])
    }

    fn launch(mut command: Command, capabilities: Value, options: Value, log: &str, args: &[&str]) -> Server {
        let mut child = command
            .args(["lsp", "--stdio"])
            .args(args)
            .env("AMLC_LOG", log)
            // Outside the checkout, so no developer's .azureml/config.json is found.
            .current_dir(std::env::temp_dir())
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
        let mut server = Server { child, stdin, messages, next_id: 1, backlog: Vec::new() };
        let mut params = json!({"processId": null, "rootUri": null, "capabilities": capabilities});
        if !options.is_null() {
            params["initializationOptions"] = options;
        }
        server.request("initialize", params);
        server.notify("initialized", json!({}));
        server
    }

    pub fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).expect("JSON");
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write header");
        self.stdin.write_all(&body).expect("write body");
        self.stdin.flush().expect("flush");
    }

    /// Bytes as they are, framing included: for malformed messages.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
        loop {
            let message = self.messages.recv_timeout(TIMEOUT).expect("a response in time");
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// Sends a request and returns its `result`, failing the test on an error.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next server message for which `wanted` holds, keeping the others for later.
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i);
        }
        loop {
            let message = self.messages.recv_timeout(TIMEOUT).unwrap_or_else(|_| panic!("no {what} in time"));
            if wanted(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    pub fn wait_diagnostics(&mut self, uri: &str, version: i64) -> Value {
        let message = self.wait_for("diagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].clone()
    }

    /// The exit status once the process has ended by itself (after `exit`).
    pub fn wait_exit(&mut self) -> std::process::ExitStatus {
        for _ in 0..200 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("amlc lsp did not exit after `exit`");
    }

    /// `shutdown` then `exit`; the process must end with status 0.
    pub fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        for _ in 0..100 {
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

impl Drop for Server {
    fn drop(&mut self) {
        // A test that failed half-way must not leave a server behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
