//! The server's shared state: documents, the negotiated encoding, the settings that decide which
//! documents are specs, and the latest analysis of each spec. One `Arc<ServerState>` is shared by
//! the handlers and the background tasks they spawn.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use amlc_spec::{Analysis, PositionEncoding};
use tower_lsp::lsp_types::Url;

use crate::azure::{AzureSettings, Session};
use crate::detect::Detector;
use crate::documents::{DocumentStore, Snapshot};

/// The newest analysis of a document, with the text it was made from.
struct Stored {
    version: i32,
    text: Arc<String>,
    analysis: Arc<Analysis>,
}

#[derive(Default)]
pub struct ServerState {
    pub documents: DocumentStore,
    utf8: AtomicBool,
    detector: RwLock<Detector>,
    /// The analysis of the latest version of each spec that has one, shared by every request.
    analyses: Mutex<HashMap<Url, Stored>>,
    /// The thread that runs analyses and frees replaced ones (see `analyzer.rs`).
    analyzer: crate::analyzer::Analyzer,
    /// One analysis at a time per document: a burst of edits queues here, and whoever gets the
    /// gate re-checks the version first, so stale versions are skipped rather than analysed (and
    /// two copies of a large file's tree never grow side by side).
    gates: Mutex<HashMap<Url, Arc<tokio::sync::Mutex<()>>>>,
    /// Documents whose last publish was not empty, so that a document that stops being a spec
    /// (or closes) gets its diagnostics cleared exactly once.
    pub published: Mutex<HashSet<Url>>,
    /// Held while checking a result's version and sending it, so an older result can never be sent
    /// after a newer one.
    pub publish_lock: tokio::sync::Mutex<()>,
    azure_settings: RwLock<AzureSettings>,
    /// The connected workspace, made on first use and dropped when the settings change.
    pub azure_session: tokio::sync::Mutex<Option<Arc<Session>>>,
    /// Whether the client accepts `window/workDoneProgress/create`.
    work_done_progress: AtomicBool,
    /// Whether the client answers `amlc/getToken` (it advertised `experimental.amlcGetToken`).
    editor_tokens: AtomicBool,
    tokens: std::sync::atomic::AtomicU64,
    /// Live VM sizes by region (`sizes.rs`).
    pub sizes: crate::sizes::SizeCache,
    /// Long operations the client may cancel (`progress.rs`).
    pub operations: crate::progress::Operations,
    /// What the workspace's specs attach, for the rule across files (`attach_index.rs`).
    pub attachments: crate::attach_index::AttachIndex,
}

pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The data behind these locks is replaced whole, so a panic elsewhere leaves it consistent.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ServerState {
    pub fn encoding(&self) -> PositionEncoding {
        if self.utf8.load(Ordering::Relaxed) {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        }
    }

    pub fn set_encoding(&self, encoding: PositionEncoding) {
        self.utf8.store(encoding == PositionEncoding::Utf8, Ordering::Relaxed);
    }

    pub fn azure_settings(&self) -> AzureSettings {
        self.azure_settings.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn set_azure_settings(&self, settings: AzureSettings) {
        *self.azure_settings.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = settings;
    }

    pub fn work_done_progress(&self) -> bool {
        self.work_done_progress.load(Ordering::Relaxed)
    }

    pub fn editor_tokens(&self) -> bool {
        self.editor_tokens.load(Ordering::Relaxed)
    }

    pub fn set_editor_tokens(&self, supported: bool) {
        self.editor_tokens.store(supported, Ordering::Relaxed);
    }

    pub fn set_work_done_progress(&self, supported: bool) {
        self.work_done_progress.store(supported, Ordering::Relaxed);
    }

    /// A fresh number for progress tokens.
    pub fn next_token(&self) -> u64 {
        self.tokens.fetch_add(1, Ordering::Relaxed)
    }

    pub fn detector(&self) -> Detector {
        self.detector.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn update_detector(&self, update: impl FnOnce(&mut Detector)) {
        update(&mut self.detector.write().unwrap_or_else(|poisoned| poisoned.into_inner()));
    }

    pub fn is_spec(&self, uri: &Url, language_id: &str, text: &str) -> bool {
        self.detector.read().unwrap_or_else(|poisoned| poisoned.into_inner()).is_spec(uri, language_id, text)
    }

    pub fn cached_analysis(&self, snapshot: &Snapshot) -> Option<Arc<Analysis>> {
        let analyses = lock(&self.analyses);
        let stored = analyses.get(&snapshot.uri)?;
        (stored.version == snapshot.version).then(|| stored.analysis.clone())
    }

    pub fn store_analysis(&self, snapshot: &Snapshot, analysis: Arc<Analysis>) {
        if self.documents.version(&snapshot.uri) == Some(snapshot.version) {
            let stored = Stored { version: snapshot.version, text: snapshot.text.clone(), analysis };
            let previous = lock(&self.analyses).insert(snapshot.uri.clone(), stored);
            // Freeing a large file's tree takes milliseconds: do it beside the publish, not before it.
            if let Some(previous) = previous {
                self.analyzer.free(previous.analysis);
            }
        }
    }

    pub fn forget(&self, uri: &Url) {
        lock(&self.analyses).remove(uri);
        lock(&self.gates).remove(uri);
    }

    /// The gate that serialises the analyses of one document (see `gates`).
    pub fn gate(&self, uri: &Url) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.gates).entry(uri.clone()).or_default().clone()
    }

    /// The analysis of a snapshot: the cached one when it is for this version, otherwise computed
    /// now on the analysis thread (the caller, a blocking-pool thread, waits for it). The
    /// server keeps no JSON value: diagnostics, the type and the tree serve every feature, and
    /// commands that send a spec analyse it afresh.
    pub fn analysis(&self, snapshot: &Snapshot) -> Arc<Analysis> {
        if let Some(analysis) = self.cached_analysis(snapshot) {
            return analysis;
        }
        // The last analysis of this document, of whatever version, lets the analyser re-parse
        // only the block the edits touched. It is handed over, not shared, so that the analyser
        // can edit its tree in place instead of copying it.
        let previous = lock(&self.analyses).remove(&snapshot.uri).map(|s| (s.text, s.analysis));
        let analysis = Arc::new(self.analyzer.analyze(&snapshot.text, previous));
        self.store_analysis(snapshot, analysis.clone());
        analysis
    }
}
