//! What the server sends on its own: tower-lsp's client messages and, beside them, the diagnostics the
//! document owners publish as finished JSON bodies.
//!
//! Diagnostics do not go through `tower_lsp::Client`. `Client::publish_diagnostics` turns its params into a
//! `serde_json::Value` (a map and a string for every field of every diagnostic) that the transport then
//! serializes a second time and drops. A 50,000-line spec publishes about 4,000 diagnostics per keystroke, and
//! those two passes and the drop were about a fifth of the server's CPU while typing (docs/benchmarks.md). Here an owner serializes the
//! notification once, straight to bytes, on the blocking thread that converted the diagnostics, and hands the
//! body to a channel; the `Socket` merges that channel with tower-lsp's, so the transport and the in-process
//! tests read one stream and see the same bytes.

use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use futures::stream::BoxStream;
use futures::{Sink, Stream, StreamExt};
use serde::Serialize;
use tokio::sync::mpsc;
use tower_lsp::jsonrpc::{Request, Response};
use tower_lsp::lsp_types::notification::{Notification, PublishDiagnostics};
use tower_lsp::lsp_types::Url;
use tower_lsp::{ClientSocket, ExitedError};

use crate::convert::DiagnosticJson;

/// The `textDocument/publishDiagnostics` notification as tower-lsp's `Request` writes it: the same fields in
/// the same order (`jsonrpc`, `method`, `params`; no `id`), so the client receives the same bytes.
#[derive(Serialize)]
struct PublishNotification<'a> {
    jsonrpc: &'static str,
    method: &'static str,
    params: PublishParams<'a>,
}

/// `PublishDiagnosticsParams` as serde writes it (`uri`, `diagnostics`, then `version` unless it is `None`), over
/// borrowed diagnostics.
#[derive(Serialize)]
struct PublishParams<'a> {
    uri: &'a Url,
    diagnostics: &'a [DiagnosticJson<'a>],
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
}

/// The JSON body of a `textDocument/publishDiagnostics` notification.
pub fn publish_body(uri: &Url, diagnostics: &[DiagnosticJson<'_>], version: Option<i32>) -> Vec<u8> {
    let notification = PublishNotification {
        jsonrpc: "2.0",
        method: PublishDiagnostics::METHOD,
        params: PublishParams { uri, diagnostics, version },
    };
    // Room for a typical diagnostic (about 330 bytes in the benchmark's specs): at thousands of diagnostics a
    // buffer that starts small is reallocated a dozen times, each time copying what was written so far.
    let mut body = Vec::with_capacity(256 + diagnostics.len() * 384);
    // Plain structs, strings and integers written into memory: serializing them cannot fail.
    let _ = serde_json::to_writer(&mut body, &notification);
    body
}

/// Where the owners hand their finished publish bodies. Connected once, by whoever writes to the client
/// (`crate::service`); until then nothing is serialized and nothing is sent.
///
/// `Client::send_notification` also held notifications back until `initialize` had succeeded. That rule still
/// holds without a check here: an owner is started only by a document notification, and tower-lsp hands those to
/// the server only once it is initialized.
#[derive(Default)]
pub struct Publisher {
    sender: OnceLock<mpsc::UnboundedSender<Vec<u8>>>,
}

impl Publisher {
    /// The receiving end; `None` when it was already taken.
    pub fn connect(&self) -> Option<mpsc::UnboundedReceiver<Vec<u8>>> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.sender.set(sender).ok().map(|()| receiver)
    }

    /// Whether a body would reach anyone: an owner skips the serialization when not.
    pub fn is_connected(&self) -> bool {
        self.sender.get().is_some_and(|sender| !sender.is_closed())
    }

    /// Queues a body. The channel is first in, first out, and each document has one owner that sends in
    /// version order, so a document's publishes reach the client in the order they were made. Unbounded, as the
    /// transport's own queue to stdout is: the owner must never wait on a slow client while it holds an analysis.
    pub fn send(&self, body: Vec<u8>) {
        if let Some(sender) = self.sender.get() {
            // Closed once the transport has stopped (after `exit`): there is nobody left to tell.
            let _ = sender.send(body);
        }
    }
}

/// The server's end of the connection: tower-lsp's `ClientSocket` with the publish channel beside it.
pub struct Socket {
    client: ClientSocket,
    published: mpsc::UnboundedReceiver<Vec<u8>>,
}

impl Socket {
    pub(crate) fn new(client: ClientSocket, published: mpsc::UnboundedReceiver<Vec<u8>>) -> Socket {
        Socket { client, published }
    }

    /// The stream of everything the server sends on its own, and the sink for the client's responses to the
    /// server's requests.
    pub fn split(self) -> (Outgoing, impl Sink<Response, Error = ExitedError> + Send + Unpin) {
        let (requests, responses) = self.client.split();
        (Outgoing { requests: requests.boxed(), published: self.published }, responses)
    }
}

/// One message for the client.
#[derive(Debug)]
pub enum Outbound {
    /// A request or notification made through tower-lsp's `Client`.
    Message(Request),
    /// A finished `textDocument/publishDiagnostics` body.
    Published(Vec<u8>),
}

impl Outbound {
    /// The JSON body to frame and write.
    pub fn into_body(self) -> Vec<u8> {
        match self {
            Outbound::Message(request) => serde_json::to_vec(&request).unwrap_or_default(),
            Outbound::Published(body) => body,
        }
    }
}

/// tower-lsp's messages and the published diagnostics, merged into one stream.
///
/// Order: a body comes out of its channel in the order it went in, so each source keeps its own order. Between
/// the two, tower-lsp's queue is read first, every time: a message that was queued there before a publish was
/// queued is therefore written before it (a publish never overtakes a message the server sent earlier). The
/// other way round, a message queued just after a publish can be written just before it when both wait at the
/// same moment; nothing the server sends through `Client` depends on the client having seen diagnostics
/// (progress, `showMessage`, refresh requests, `amlc/` notifications), so that freedom changes nothing.
pub struct Outgoing {
    requests: BoxStream<'static, Request>,
    published: mpsc::UnboundedReceiver<Vec<u8>>,
}

impl Stream for Outgoing {
    type Item = Outbound;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Outbound>> {
        match self.requests.poll_next_unpin(cx) {
            Poll::Ready(Some(request)) => return Poll::Ready(Some(Outbound::Message(request))),
            // The service has exited: what was published before still goes out, then the stream ends.
            Poll::Ready(None) => return Poll::Ready(self.published.try_recv().ok().map(Outbound::Published)),
            Poll::Pending => {}
        }
        match self.published.poll_recv(cx) {
            Poll::Ready(Some(body)) => Poll::Ready(Some(Outbound::Published(body))),
            // No publisher left while tower-lsp's queue is still open: wait on that queue alone (its waker is set).
            Poll::Ready(None) | Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use tower_lsp::lsp_types::*;

    use super::*;

    /// The body must be byte for byte what `Client::publish_diagnostics` wrote for the same diagnostics:
    /// tower-lsp's `Request` around the params made a `Value` (serde_json keeps the fields' order, with
    /// `preserve_order`), then serialized.
    #[test]
    fn the_body_is_what_tower_lsp_writes() {
        use amlc_analysis::{Diagnostic, DiagnosticTag, LineIndex, PositionEncoding, TextRange};
        let text = "type: computeinstance\r\nname: ci-😀\nvm_size: \"x\"\n";
        let index = LineIndex::new(text);
        let converter = crate::convert::Converter { text, index: &index, encoding: PositionEncoding::Utf16 };
        let mut tagged =
            Diagnostic::new("AMLC012", "'vm_size' is \"Standard_😀\"\n\tnot \\ known\u{1}", TextRange::new(25, 40));
        tagged.tags = vec![DiagnosticTag::Deprecated, DiagnosticTag::Unnecessary];
        let plain = Diagnostic::new("AMLC001", "plain", TextRange::new(0, 4));
        let uri = Url::parse("file:///work/ci%20one.yml").expect("uri");
        for (core, version) in [(vec![tagged, plain], Some(42)), (Vec::new(), Some(3)), (Vec::new(), None)] {
            let diagnostics = core.iter().map(|d| converter.diagnostic(d)).collect();
            let params = PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version };
            let value = serde_json::to_value(&params).expect("value");
            let through_client = Request::build(PublishDiagnostics::METHOD).params(value).finish();
            let expected = serde_json::to_vec(&through_client).expect("bytes");
            let borrowed: Vec<_> = core.iter().map(|d| converter.diagnostic_json(d)).collect();
            assert_eq!(String::from_utf8(publish_body(&uri, &borrowed, version)), String::from_utf8(expected));
        }
    }

    /// A message the server queued through tower-lsp before a publish is written before it; when both wait,
    /// tower-lsp's is written first whichever came first.
    #[tokio::test]
    async fn tower_lsp_messages_are_read_before_publishes() {
        let (service, socket) = crate::service();
        let backend = service.inner();
        let (mut outgoing, _responses) = socket.split();
        async fn next(outgoing: &mut Outgoing) -> String {
            let message = tokio::time::timeout(std::time::Duration::from_secs(5), outgoing.next()).await;
            String::from_utf8(message.expect("in time").expect("a message").into_body()).expect("UTF-8")
        }
        // tower-lsp's queue holds one message at a time: each is sent once the one before was read.
        backend.client.show_message(MessageType::INFO, "first").await;
        backend.state.owners.publisher().send(br#"{"second":true}"#.to_vec());
        assert!(next(&mut outgoing).await.contains(r#""first""#));
        assert_eq!(next(&mut outgoing).await, r#"{"second":true}"#);
        backend.state.owners.publisher().send(br#"{"third":true}"#.to_vec());
        backend.client.show_message(MessageType::INFO, "fourth").await;
        assert!(next(&mut outgoing).await.contains(r#""fourth""#));
        assert_eq!(next(&mut outgoing).await, r#"{"third":true}"#);
    }

    #[test]
    fn nothing_is_sent_before_connecting_and_bodies_keep_their_order() {
        let publisher = Publisher::default();
        assert!(!publisher.is_connected());
        publisher.send(b"lost".to_vec());
        let mut receiver = publisher.connect().expect("first connect");
        assert!(publisher.connect().is_none(), "one receiver only");
        assert!(publisher.is_connected());
        for body in ["1", "2", "3"] {
            publisher.send(body.into());
        }
        let received: Vec<Vec<u8>> = std::iter::from_fn(|| receiver.try_recv().ok()).collect();
        assert_eq!(received, [b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]);
        drop(receiver);
        assert!(!publisher.is_connected(), "a closed channel is no one to publish to");
    }
}
