//! The amlc language server (tower-lsp). This is the only crate that knows LSP types; it turns
//! documents into `amlc_spec` calls and `amlc_azure` actions, and their results into protocol messages.
//!
//! Layout: `backend.rs` implements `LanguageServer` by delegating to `handlers/`; `documents.rs`
//! holds the open texts; `convert.rs` is the only place that converts positions; `detect.rs`
//! decides which YAML is a compute spec; `lsp_ext.rs` holds every `amlc/` extension.

use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::Notify;
use tower_lsp::jsonrpc::{Request, Response};

mod analyzer;
mod azure;
mod backend;
mod convert;
mod detect;
mod documents;
mod file_uri;
mod handlers;
pub mod lsp_ext;
mod progress;
mod sizes;
mod state;

pub use backend::Backend;
pub use lsp_ext::service;

/// Serves the protocol over the given streams (stdin and stdout for `amlc lsp`) until `exit`, or
/// until the input ends.
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service();
    let exit = Arc::new(Notify::new());
    let service = ExitWatch { inner: service, exit: exit.clone() };
    // tower-lsp 0.20 only notices `exit` when the next message arrives, so without this the process
    // would linger until the editor closed the pipe.
    tokio::select! {
        () = tower_lsp::Server::new(input, output, socket).serve(service) => {}
        () = exit.notified() => {}
    }
}

/// Passes every message on, and signals when the client sends `exit`.
struct ExitWatch<S> {
    inner: S,
    exit: Arc<Notify>,
}

impl<S> tower::Service<Request> for ExitWatch<S>
where
    S: tower::Service<Request, Response = Option<Response>>,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.method() == "exit" {
            self.exit.notify_one();
        }
        self.inner.call(request)
    }
}
