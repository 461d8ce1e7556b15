//! One owner per open document: a task that is the only one to analyse it, keep its analysis and
//! publish its diagnostics.
//!
//! The `did_*` handlers apply edits to the document store in arrival order, before any `.await`,
//! then hand the new snapshot to the document's owner. The hand-over keeps only the newest snapshot,
//! so a burst of keystrokes that arrives while an analysis runs costs one more analysis, not one per
//! keystroke. The owner publishes one version after another (never an older one after a newer one),
//! and drops a result when a newer version is already waiting. Requests read the owner's newest
//! analysis together with the snapshot it was made from, so what they see is consistent.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use amlc_analysis::{Analysis, PositionEncoding};
use tokio::sync::{mpsc, watch};
use tower_lsp::lsp_types::Url;

use crate::analyzer::Analyzer;
use crate::attach_index::AttachIndex;
use crate::convert::Converter;
use crate::documents::Snapshot;
use crate::outgoing::{publish_body, Publisher};

/// An analysis and the snapshot it was made from.
#[derive(Clone)]
pub struct Analysed {
    pub snapshot: Snapshot,
    pub analysis: Arc<Analysis>,
}

/// What the owner holds for the readers.
#[derive(Clone)]
enum Current {
    /// An analysis is running (it has taken over the previous one, to edit its tree in place).
    Busy,
    Ready(Analysed),
    /// This version is not a compute spec; it has no analysis.
    NotServed(i32),
}

impl Current {
    /// Whether a request made at `version` can be answered from this state.
    fn answers(&self, version: i32) -> bool {
        match self {
            Current::Busy => false,
            Current::Ready(analysed) => analysed.snapshot.version >= version,
            Current::NotServed(at) => *at >= version,
        }
    }
}

/// The hand-over of a document to its owner.
struct Handle {
    pending: watch::Sender<Option<(Snapshot, PositionEncoding)>>,
    current: watch::Receiver<Current>,
    task: tokio::task::JoinHandle<()>,
}

/// Every open document's owner.
pub struct Owners {
    owners: Mutex<HashMap<Url, Handle>>,
    /// The thread every analysis runs on (see `analyzer.rs`).
    analyzer: Arc<Analyzer>,
    /// How many analyses the owners ran (a burst of edits should cost few).
    runs: Arc<AtomicU64>,
    /// What the workspace's specs attach: each owner records its document's attachment and adds the
    /// diagnostics of the one rule across files to its own.
    attachments: Arc<AttachIndex>,
    /// Documents whose attachment diagnostics changed because another document changed; the server
    /// hands them to their owners again (`state::republish`).
    peers: mpsc::UnboundedSender<Vec<Url>>,
    peer_requests: Mutex<Option<mpsc::UnboundedReceiver<Vec<Url>>>>,
    /// Where every owner publishes its diagnostics (`outgoing.rs`).
    publisher: Arc<Publisher>,
}

impl Default for Owners {
    fn default() -> Self {
        let (peers, requests) = mpsc::unbounded_channel();
        Owners {
            owners: Mutex::default(),
            analyzer: Arc::default(),
            runs: Arc::default(),
            attachments: Arc::default(),
            peers,
            peer_requests: Mutex::new(Some(requests)),
            publisher: Arc::default(),
        }
    }
}

impl Owners {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Url, Handle>> {
        // Entries are replaced whole, so a panic elsewhere leaves the map consistent.
        self.owners.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Hands a new snapshot of a document to its owner (started on first use). Never waits, so
    /// the caller's edits stay in arrival order.
    pub fn update(&self, snapshot: Snapshot, encoding: PositionEncoding) {
        let mut owners = self.lock();
        if let Some(handle) = owners.get(&snapshot.uri) {
            if !handle.task.is_finished() {
                handle.pending.send_replace(Some((snapshot, encoding)));
                return;
            }
        }
        let uri = snapshot.uri.clone();
        let (pending, pending_rx) = watch::channel(Some((snapshot, encoding)));
        let (current_tx, current) = watch::channel(Current::Busy);
        let shared = Shared {
            publisher: self.publisher.clone(),
            analyzer: self.analyzer.clone(),
            runs: self.runs.clone(),
            attachments: self.attachments.clone(),
            peers: self.peers.clone(),
        };
        let task = tokio::spawn(own(shared, pending_rx, current_tx));
        owners.insert(uri, Handle { pending, current, task });
    }

    /// The newest analysis of a document, once it covers `version` (the version a request was made
    /// at); `None` when the document is closed or that version is not a spec.
    pub async fn analysed(&self, uri: &Url, version: i32) -> Option<Analysed> {
        let mut current = self.lock().get(uri)?.current.clone();
        let state = current.wait_for(|c| c.answers(version)).await.ok()?.clone();
        match state {
            Current::Ready(analysed) => Some(analysed),
            Current::Busy | Current::NotServed(_) => None,
        }
    }

    /// Where the owners publish diagnostics; the transport connects to it.
    pub fn publisher(&self) -> &Publisher {
        &self.publisher
    }

    /// The workspace's attachments (open documents and the folders' spec files).
    pub fn attachments(&self) -> &AttachIndex {
        &self.attachments
    }

    /// The stream of documents to publish again because a peer changed; taken once, by the task that
    /// republishes them.
    pub fn take_peer_requests(&self) -> Option<mpsc::UnboundedReceiver<Vec<Url>>> {
        self.peer_requests.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }

    /// How many analyses have run, over every document.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// Ends a closed document's owner, after it has cleared the diagnostics it published, so a
    /// reopened document's first publish cannot be overtaken by the old owner's last.
    pub async fn close(&self, uri: &Url) {
        let Some(handle) = self.lock().remove(uri) else { return };
        drop(handle.pending);
        if let Err(error) = handle.task.await {
            tracing::error!(%uri, panicked = error.is_panic(), "a document owner ended badly");
        }
    }
}

/// What every owner task shares with the others.
struct Shared {
    publisher: Arc<Publisher>,
    analyzer: Arc<Analyzer>,
    runs: Arc<AtomicU64>,
    attachments: Arc<AttachIndex>,
    peers: mpsc::UnboundedSender<Vec<Url>>,
}

impl Shared {
    fn republish(&self, peers: Vec<Url>) {
        if !peers.is_empty() {
            let _ = self.peers.send(peers);
        }
    }

    /// Publishes an empty list: the document has no diagnostics (any more).
    fn clear(&self, uri: &Url, version: Option<i32>) {
        if self.publisher.is_connected() {
            self.publisher.send(publish_body(uri, &[], version));
        }
    }
}

/// The owner's loop: analyse the newest snapshot, publish, repeat; clear on close.
async fn own(
    shared: Shared,
    mut pending: watch::Receiver<Option<(Snapshot, PositionEncoding)>>,
    current: watch::Sender<Current>,
) {
    let Shared { publisher, analyzer, runs, attachments, .. } = &shared;
    let mut published: Option<Url> = None;
    let mut previous: Option<(Arc<String>, Arc<Analysis>)> = None;
    // The first snapshot is already in the channel, marked as seen: read it before waiting.
    pending.mark_changed();
    while pending.changed().await.is_ok() {
        let Some((snapshot, encoding)) = pending.borrow_and_update().clone() else { continue };
        let (uri, version) = (snapshot.uri.clone(), snapshot.version);
        if !snapshot.is_spec {
            current.send_replace(Current::NotServed(version));
            shared.republish(attachments.update(&uri, None));
            if let Some(old) = previous.take() {
                analyzer.free(old.1);
            }
            if let Some(uri) = published.take() {
                shared.clear(&uri, Some(version));
            }
            continue;
        }
        // The same text handed over again (settings changed, or a peer asks for a new publish) is
        // published from the analysis already made.
        let unchanged = previous.as_ref().filter(|(text, _)| Arc::ptr_eq(text, &snapshot.text)).map(|(_, a)| a.clone());
        // Readers wait for this version; the previous analysis is handed to the analyser, which
        // edits its tree in place when no request still holds it.
        current.send_replace(Current::Busy);
        let work_analyzer = analyzer.clone();
        let work_attachments = attachments.clone();
        let work_snapshot = snapshot.clone();
        let work_previous = previous.take();
        let work_publisher = publisher.clone();
        let work_pending = pending.clone();
        if unchanged.is_none() {
            runs.fetch_add(1, Ordering::Relaxed);
        }
        let result = tokio::task::spawn_blocking(move || {
            let analysis = match unchanged {
                Some(analysis) => analysis,
                None => Arc::new(work_analyzer.analyze(&work_snapshot.text, work_previous)),
            };
            let converter = Converter { text: &work_snapshot.text, index: &work_snapshot.line_index, encoding };
            // The rule across files: what this spec attaches, against the other specs of the workspace.
            let attachment = amlc_analysis::attachments::Attachment::of(&work_snapshot.text, &analysis);
            let peers = work_attachments.update(&work_snapshot.uri, attachment);
            let across = work_attachments.diagnostics(&work_snapshot.uri);
            let any = !(analysis.diagnostics.is_empty() && across.is_empty());
            // The notification is made here, off the async runtime, and serialized straight to bytes; not when
            // a newer version is already waiting (its result is dropped below) or nobody listens.
            let body = (work_publisher.is_connected() && !work_pending.has_changed().unwrap_or(false)).then(|| {
                let diagnostics: Vec<_> =
                    analysis.diagnostics.iter().chain(&across).map(|d| converter.diagnostic_json(d)).collect();
                publish_body(&work_snapshot.uri, &diagnostics, Some(version))
            });
            (analysis, any, body, peers)
        })
        .await;
        let (analysis, any, body, peers) = match result {
            Ok(done) => done,
            Err(error) => {
                tracing::error!(%uri, version, panicked = error.is_panic(), "analysis failed; no diagnostics published");
                current.send_replace(Current::Ready(Analysed { snapshot, analysis: Arc::new(Analysis::default()) }));
                continue;
            }
        };
        shared.republish(peers);
        previous = Some((snapshot.text.clone(), analysis.clone()));
        current.send_replace(Current::Ready(Analysed { snapshot, analysis }));
        // A newer version is waiting: this result is already stale, and the next one publishes.
        if pending.has_changed().unwrap_or(false) {
            tracing::trace!(%uri, version, "dropping diagnostics of a stale version");
            continue;
        }
        published = any.then(|| uri.clone());
        // `None` when no transport is connected, or when a newer version was already waiting inside the closure;
        // then the check above saw it too, since the closure's clone of `pending` started from the same seen
        // version and nothing here marks a version seen before that check.
        if let Some(body) = body {
            publisher.send(body);
        }
    }
    // Closed: the document's diagnostics go with it.
    if let Some(uri) = published {
        shared.clear(&uri, None);
    }
    if let Some(old) = previous {
        analyzer.free(old.1);
    }
}

#[cfg(test)]
mod tests {
    use tower_lsp::lsp_types::*;
    use tower_lsp::LanguageServer;

    const SPEC: &str = "type: amlcompute\nname: cpu\nmin_instances: 4\nmax_instances: 1\n";

    fn edit(uri: &Url, version: i32, range: Option<Range>, text: &str) -> DidChangeTextDocumentParams {
        DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier::new(uri.clone(), version),
            content_changes: vec![TextDocumentContentChangeEvent { range, range_length: None, text: text.into() }],
        }
    }

    /// Edits that arrive while the owner is busy coalesce: the owner analyses the newest version
    /// only, and a request gets that analysis with the text it was made from. (Publishing order is
    /// checked over the protocol, where the client is initialised.)
    #[tokio::test]
    async fn a_burst_of_edits_costs_one_analysis() {
        let (service, _socket) = tower_lsp::LspService::new(crate::Backend::new);
        let backend = service.inner();
        let uri = Url::parse("file:///work/cluster.yml").expect("uri");
        let item = TextDocumentItem::new(uri.clone(), "yaml".into(), 1, SPEC.into());
        backend.did_open(DidOpenTextDocumentParams { text_document: item }).await;
        // On this single-threaded runtime the owner runs only when the test yields: all 200 edits
        // are applied, in order, before it looks at its hand-over.
        for version in 2..=200 {
            let at = Position::new(1, 9);
            backend.did_change(edit(&uri, version, Some(Range::new(at, at)), "x")).await;
        }
        let analysed = backend.state.owners.analysed(&uri, 200).await.expect("analysed");
        assert_eq!(analysed.snapshot.version, 200);
        assert!(analysed.snapshot.text.contains(&format!("name: cpu{}\n", "x".repeat(199))));
        assert_eq!(analysed.analysis.diagnostics, amlc_analysis::analyze(&analysed.snapshot.text).diagnostics);
        assert_eq!(backend.state.owners.runs(), 1, "the burst coalesced into one analysis");
        // The next edit is analysed after it, from its analysis.
        backend.did_change(edit(&uri, 201, None, SPEC)).await;
        let analysed = backend.state.owners.analysed(&uri, 201).await.expect("analysed");
        assert_eq!((analysed.snapshot.version, backend.state.owners.runs()), (201, 2));
        // The same snapshot handed over again (a settings change) is published without a new analysis.
        let snapshot = backend.state.documents.snapshot(&uri).expect("open");
        backend.state.owners.update(snapshot, amlc_analysis::PositionEncoding::Utf16);
        let again = backend.state.owners.analysed(&uri, 201).await.expect("analysed");
        assert!(std::sync::Arc::ptr_eq(&again.analysis, &analysed.analysis));
        assert_eq!(backend.state.owners.runs(), 2);
        // A closed document has no owner left to ask.
        let closed = TextDocumentIdentifier::new(uri.clone());
        backend.did_close(DidCloseTextDocumentParams { text_document: closed }).await;
        assert!(backend.state.owners.analysed(&uri, 201).await.is_none());
    }
}
