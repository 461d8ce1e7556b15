//! Request and notification handlers, one module per feature. Each takes a document snapshot and
//! the state, calls the pure engines of `amlc_spec`, and converts their byte ranges at the edge.

pub mod diagnostics;
mod guard;

use amlc_spec::PositionEncoding;
use tower_lsp::lsp_types::*;

#[allow(unused_imports)] // Used by the feature handlers as they land.
pub use guard::run_blocking;

use crate::convert;

/// What the server offers; a feature appears here only once its handler exists.
pub fn capabilities(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..TextDocumentSyncOptions::default()
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}
