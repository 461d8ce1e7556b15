//! Diagnostics: after every open or change, a background task analyses the snapshot and publishes
//! the result with its version. Analyses of one document run one at a time (the state's gate); a
//! result whose version is no longer current is dropped, both before the work starts (a newer edit
//! already arrived, perhaps while waiting for the gate) and just before sending.

use std::sync::Arc;

use tower_lsp::lsp_types::Url;
use tower_lsp::Client;

use crate::convert::Converter;
use crate::documents::Snapshot;
use crate::state::{lock, ServerState};

pub fn schedule(client: &Client, state: &Arc<ServerState>, snapshot: Snapshot) {
    let client = client.clone();
    let state = state.clone();
    tokio::spawn(async move {
        let uri = snapshot.uri.clone();
        let version = snapshot.version;
        if state.documents.version(&uri) != Some(version) {
            return; // A newer edit has arrived; its own task will publish.
        }
        if !snapshot.is_spec {
            let peers = state.attachments.update(&uri, None);
            clear(&client, &state, uri).await;
            crate::attach_index::republish(&client, &state, peers);
            return;
        }
        // One analysis at a time per document; an edit that arrived while we waited supersedes us.
        let gate = state.gate(&uri);
        let _running = gate.lock().await;
        if state.documents.version(&uri) != Some(version) {
            return;
        }
        let work_state = state.clone();
        let encoding = state.encoding();
        let result = tokio::task::spawn_blocking(move || {
            let analysis = work_state.analysis(&snapshot);
            let converter = Converter { text: &snapshot.text, index: &snapshot.line_index, encoding };
            // The rule across files: what this spec attaches, against the other specs of the workspace.
            let attachment = amlc_spec::attachments::Attachment::of(&snapshot.text, &analysis);
            let peers = work_state.attachments.update(&snapshot.uri, attachment);
            let across = work_state.attachments.diagnostics(&snapshot.uri);
            let diagnostics: Vec<_> =
                analysis.diagnostics.iter().chain(&across).map(|d| converter.diagnostic(d)).collect();
            (diagnostics, peers)
        })
        .await;
        let (diagnostics, peers) = match result {
            Ok(diagnostics) => diagnostics,
            Err(error) => {
                tracing::error!(%uri, version, panicked = error.is_panic(), "analysis failed; no diagnostics published");
                return;
            }
        };
        let _publishing = state.publish_lock.lock().await;
        if state.documents.version(&uri) != Some(version) {
            tracing::trace!(%uri, version, "dropping diagnostics of a stale version");
            return;
        }
        if diagnostics.is_empty() {
            lock(&state.published).remove(&uri);
        } else {
            lock(&state.published).insert(uri.clone());
        }
        client.publish_diagnostics(uri, diagnostics, Some(version)).await;
        crate::attach_index::republish(&client, &state, peers);
    });
}

/// Sends an empty list for a document that had diagnostics and is closed or no longer a spec.
pub async fn clear(client: &Client, state: &ServerState, uri: Url) {
    let _publishing = state.publish_lock.lock().await;
    if lock(&state.published).remove(&uri) {
        let version = state.documents.version(&uri);
        client.publish_diagnostics(uri, Vec::new(), version).await;
    }
}
