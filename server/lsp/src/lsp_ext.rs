//! Every amlc extension to LSP, in one file: method names, parameter and result types, and their
//! handlers. Documented in docs/lsp-extensions.md; the VS Code extension mirrors it in
//! extension/src/lsp_ext.ts. Change all three together.

use serde::{Deserialize, Serialize};
use tower_lsp::jsonrpc::{self, Result};
use tower_lsp::lsp_types::{TextDocumentIdentifier, Url};
use tower_lsp::{LspService, LspServiceBuilder};

use crate::backend::Backend;

/// `amlc/documentState`: the server's view of an open document (its text, version and whether amlc
/// serves it). For support and for tests that check incremental sync end to end.
pub const DOCUMENT_STATE: &str = "amlc/documentState";

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentStateParams {
    pub text_document: TextDocumentIdentifier,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DocumentState {
    pub uri: Url,
    pub version: i32,
    pub text: String,
    pub is_compute_spec: bool,
    /// `utf-8` or `utf-16`: the negotiated position encoding.
    pub position_encoding: String,
}

impl Backend {
    async fn document_state(&self, params: DocumentStateParams) -> Result<DocumentState> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.state.documents.snapshot(&uri) else {
            return Err(jsonrpc::Error::invalid_params(format!("{uri} is not open")));
        };
        Ok(DocumentState {
            uri,
            version: snapshot.version,
            text: snapshot.text.to_string(),
            is_compute_spec: snapshot.is_spec,
            position_encoding: crate::convert::encoding_kind(self.state.encoding()).as_str().to_string(),
        })
    }
}

/// Registers the custom methods on the service being built.
pub fn register(builder: LspServiceBuilder<Backend>) -> LspServiceBuilder<Backend> {
    builder.custom_method(DOCUMENT_STATE, Backend::document_state)
}

/// The service with every standard and custom method.
pub fn service() -> (LspService<Backend>, tower_lsp::ClientSocket) {
    register(LspService::build(Backend::new)).finish()
}
