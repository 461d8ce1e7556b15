//! `impl LanguageServer`: one-line delegations to the handlers, plus the lifecycle (initialize,
//! settings, workspace folders) and the Azure session that settings decide, which the handlers and the
//! size cache share. Document notifications mutate the store before any `.await`.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer};

use amlc_analysis::{Analysis, PositionEncoding};

use crate::compute_session;
use crate::documents::Snapshot;
use crate::handlers::features;
use crate::lsp_ext::{GetToken, GetTokenParams};
use crate::state::ServerState;
use crate::{convert, handlers};

pub struct Backend {
    pub client: Client,
    pub state: Arc<ServerState>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend { client, state: Arc::new(ServerState::default()) }
    }

    /// Tokens from the editor's sign-in, asked for over `amlc/getToken` when ARM needs one (the client caches
    /// them until shortly before they expire).
    pub(crate) fn editor_token_source(&self) -> Arc<dyn amlc_azure::credential::TokenSource> {
        let client = self.client.clone();
        Arc::new(amlc_azure::credential::CallbackToken::new("editor sign-in", move |scope: String| {
            let client = client.clone();
            Box::pin(async move {
                let params = GetTokenParams { scopes: vec![scope] };
                let reply = client.send_request::<GetToken>(params).await.map_err(|e| {
                    amlc_azure::AzureError::Credential(format!(
                        "the editor gave no token ({}); sign in to Microsoft in the editor, or set amlc.auth",
                        e.message
                    ))
                })?;
                let expires = time::OffsetDateTime::from_unix_timestamp(reply.expires_on_unix_seconds)
                    .map_err(|_| amlc_azure::AzureError::Credential("the editor's token has no valid expiry".into()))?;
                Ok(amlc_azure::credential::AccessToken::new(reply.token, expires))
            })
        }))
    }

    /// The Azure session for the current settings: made on first use, then shared until a settings change or a
    /// workspace choice replaces it. The lock is held while connecting, so concurrent requests make one session.
    pub(crate) async fn session(&self) -> std::result::Result<Arc<compute_session::Session>, compute_session::Failure> {
        let mut cached = self.state.azure_session.lock().await;
        if let Some(session) = cached.as_ref() {
            return Ok(session.clone());
        }
        let settings = self.state.azure_settings();
        let folders = self.state.detector().workspace_folders;
        let editor = self.state.editor_tokens().then(|| self.editor_token_source());
        let session = Arc::new(compute_session::connect(&settings, &folders, editor)?);
        *cached = Some(session.clone());
        Ok(session)
    }

    /// Reads `specGlobs` from an `amlc` settings object (initializationOptions, or the `amlc`
    /// section of didChangeConfiguration).
    async fn apply_settings(&self, settings: &Value) {
        if settings.get("workspace").is_some() || settings.get("armEndpoint").is_some() {
            self.state.set_azure_settings(compute_session::AzureSettings::from_json(settings));
            // The next Azure request connects with the new settings. Waiting for the lock (held only while a session
            // is made, never across a request) is what keeps a busy lock from leaving the old session in place.
            *self.state.azure_session.lock().await = None;
            self.state.sizes.settings_changed();
        }
        let Some(globs) = settings.get("specGlobs").and_then(Value::as_array) else {
            return;
        };
        let globs: Vec<String> = globs.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        tracing::info!(count = globs.len(), "spec globs set");
        self.state.update_detector(|detector| detector.spec_globs = globs);
    }

    /// The newest analysis of a served spec (once it covers the version the request was made at)
    /// with the snapshot it was made from, and `work` on them on the blocking pool. Documents amlc
    /// does not serve answer `None`.
    async fn with_spec<T, F>(&self, request: &'static str, uri: &Url, work: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot, &Analysis, PositionEncoding) -> T + Send + 'static,
    {
        let Some(version) = self.state.documents.version(uri) else { return Ok(None) };
        let Some(analysed) = self.state.owners.analysed(uri, version).await else { return Ok(None) };
        let encoding = self.state.encoding();
        handlers::run_blocking(request, move || work(&analysed.snapshot, &analysed.analysis, encoding)).await.map(Some)
    }

    /// Hands a document's new snapshot to its owner, which analyses it and publishes.
    fn changed(&self, snapshot: Snapshot) {
        self.state.owners.update(snapshot, self.state.encoding());
    }

    /// After a settings or folder change, re-decides which documents are specs and re-checks them all.
    fn redetect_all(&self) {
        let state = self.state.clone();
        for snapshot in self.state.documents.redetect(|uri, language, text| state.is_spec(uri, language, text)) {
            self.changed(snapshot);
        }
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params.capabilities.general.as_ref().and_then(|general| general.position_encodings.as_deref());
        let encoding = convert::negotiate_encoding(offered);
        self.state.set_encoding(encoding);
        let mut folders: Vec<Url> =
            params.workspace_folders.unwrap_or_default().into_iter().map(|folder| folder.uri).collect();
        #[allow(deprecated)] // rootUri is deprecated but older clients send only it.
        if folders.is_empty() {
            folders.extend(params.root_uri);
        }
        self.state.update_detector(|detector| detector.workspace_folders = folders);
        let progress = params.capabilities.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
        self.state.set_work_done_progress(progress);
        let experimental = params.capabilities.experimental.as_ref();
        let editor_tokens = experimental.and_then(|e| e.get("amlcGetToken")).and_then(|v| v.as_bool()).unwrap_or(false);
        self.state.set_editor_tokens(editor_tokens);
        let lens_refresh =
            params.capabilities.workspace.as_ref().and_then(|w| w.code_lens.as_ref()).and_then(|c| c.refresh_support);
        self.state.sizes.lens_refresh.store(lens_refresh.unwrap_or(false), std::sync::atomic::Ordering::Relaxed);
        if let Some(options) = &params.initialization_options {
            self.apply_settings(options).await;
        }
        tracing::info!(?encoding, client = ?params.client_info.map(|info| info.name), "initialize");
        Ok(InitializeResult {
            capabilities: handlers::capabilities(encoding),
            server_info: Some(ServerInfo { name: "amlc".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::debug!("initialized");
        // Live VM sizes are fetched in the background when a workspace is configured.
        let _ = self.live_catalog();
        crate::state::republish_peers(&self.state);
        crate::state::rescan(&self.state);
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutdown");
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let is_spec = self.state.is_spec(&document.uri, &document.language_id, &document.text);
        self.state.documents.open(document.uri.clone(), document.text, document.version, document.language_id, is_spec);
        if let Some(snapshot) = self.state.documents.snapshot(&document.uri) {
            self.changed(snapshot);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied synchronously, in arrival order, before any await: tower-lsp may run handlers concurrently.
        let uri = params.text_document.uri;
        let state = self.state.clone();
        let result = self.state.documents.change(
            &uri,
            params.text_document.version,
            params.content_changes,
            self.state.encoding(),
            |uri, language, text| state.is_spec(uri, language, text),
        );
        match result {
            Ok(snapshot) => self.changed(snapshot),
            Err(error) => tracing::warn!(%uri, ?error, "change for a document that is not open"),
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state.documents.close(&uri);
        // Its attachment leaves the index first, so the specs it clashed with are judged again without it.
        let peers = self.state.owners.attachments().close(&uri);
        crate::state::republish(&self.state, peers);
        self.state.owners.close(&uri).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if let Some(amlc) = params.settings.get("amlc") {
            self.apply_settings(amlc).await;
            self.redetect_all();
            let _ = self.live_catalog();
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        self.state.update_detector(|detector| {
            detector.workspace_folders.retain(|uri| !params.event.removed.iter().any(|removed| &removed.uri == uri));
            detector.workspace_folders.extend(params.event.added.into_iter().map(|folder| folder.uri));
        });
        self.redetect_all();
        crate::state::rescan(&self.state);
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let catalog = self.live_catalog();
        self.with_spec("completion", &position.text_document.uri, move |snapshot, analysis, encoding| {
            features::completion(snapshot, analysis, position.position, encoding, catalog.as_deref())
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let catalog = self.live_catalog();
        let found = self
            .with_spec("hover", &position.text_document.uri, move |snapshot, analysis, encoding| {
                features::hover(snapshot, analysis, position.position, encoding, catalog.as_deref())
            })
            .await?;
        Ok(found.flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let range = params.range;
        self.with_spec("codeAction", &params.text_document.uri, move |snapshot, analysis, encoding| {
            features::code_actions(snapshot, analysis, range, encoding)
        })
        .await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.with_spec("documentSymbol", &params.text_document.uri, features::document_symbols).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.with_spec("foldingRange", &params.text_document.uri, features::folding_ranges).await
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        let positions = params.positions;
        self.with_spec("selectionRange", &params.text_document.uri, move |snapshot, analysis, encoding| {
            features::selection_ranges(snapshot, analysis, &positions, encoding)
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let catalog = self.live_catalog();
        self.with_spec("codeLens", &params.text_document.uri, move |snapshot, analysis, encoding| {
            features::code_lenses(snapshot, analysis, encoding, catalog.as_deref())
        })
        .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        self.execute_compute_command(&params.command, params.arguments).await
    }
}
