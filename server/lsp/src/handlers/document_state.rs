//! `amlc/documentState`: the server's view of one open document. Not an editor feature; it exists so that support
//! and the end-to-end tests can see what incremental sync left in the store, and which documents amlc serves.

use tower_lsp::jsonrpc::{self, Result};

use crate::backend::Backend;
use crate::convert;
use crate::lsp_ext::{DocumentState, DocumentStateParams};

impl Backend {
    /// The stored text and version, whether it is a spec, and the negotiated encoding; a closed document is an
    /// invalid-params error.
    pub(crate) async fn document_state(&self, params: DocumentStateParams) -> Result<DocumentState> {
        let uri = params.text_document.uri;
        let Some(snapshot) = self.state.documents.snapshot(&uri) else {
            return Err(jsonrpc::Error::invalid_params(format!("{uri} is not open")));
        };
        Ok(DocumentState {
            uri,
            version: snapshot.version,
            text: snapshot.text.to_string(),
            is_compute_spec: snapshot.is_spec,
            position_encoding: convert::encoding_kind(self.state.encoding()).as_str().to_string(),
        })
    }
}
