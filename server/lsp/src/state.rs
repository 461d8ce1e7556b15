//! The server's shared state: documents, the negotiated encoding, the settings that decide which
//! documents are specs, and each document's owner (which holds its analysis). One
//! `Arc<ServerState>` is shared by the handlers and the background tasks they spawn.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use amlc_analysis::PositionEncoding;
use tower_lsp::lsp_types::Url;

use crate::compute_session::{AzureSettings, Session};
use crate::detect::Detector;
use crate::documents::DocumentStore;

#[derive(Default)]
pub struct ServerState {
    pub documents: DocumentStore,
    utf8: AtomicBool,
    detector: RwLock<Detector>,
    /// Each open document's owner: the one task that analyses it and publishes its diagnostics.
    pub owners: crate::owner::Owners,
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
}

/// Publishes the diagnostics of these open documents again (their second-attachment diagnostics changed).
pub fn republish(state: &std::sync::Arc<ServerState>, uris: Vec<Url>) {
    for uri in uris {
        if let Some(snapshot) = state.documents.snapshot(&uri) {
            state.owners.update(snapshot, state.encoding());
        }
    }
}

/// Hands the documents a peer's change concerns back to their owners, for as long as the server runs: an owner
/// that finds its document's attachment changed names the other documents whose diagnostics change with it.
pub fn republish_peers(state: &std::sync::Arc<ServerState>) {
    let Some(mut requests) = state.owners.take_peer_requests() else { return };
    let state = std::sync::Arc::downgrade(state);
    tokio::spawn(async move {
        while let Some(peers) = requests.recv().await {
            let Some(state) = state.upgrade() else { return };
            republish(&state, peers);
        }
    });
}

/// Reads the workspace folders' spec files in the background, then publishes the open documents they concern.
pub fn rescan(state: &std::sync::Arc<ServerState>) {
    let state = state.clone();
    tokio::spawn(async move {
        let folders = state.detector().workspace_folders;
        let scanning = state.clone();
        let peers = tokio::task::spawn_blocking(move || {
            scanning.owners.attachments().scan(&folders);
            scanning.owners.attachments().open_with_file_peers()
        })
        .await
        .unwrap_or_default();
        republish(&state, peers);
    });
}
