//! Request handlers, one module per area: `features` (the editor features, free functions over a document
//! snapshot and its analysis: they call the pure engines of `amlc_analysis` and convert byte ranges at the edge),
//! `compute` (listComputes, the `amlc.compute.*` commands and their progress), `compute_extra` (Open as Spec),
//! `workspace` (the workspace picker and the other folders' workspaces) and `document_state` (the support request);
//! `errors` makes their JSON-RPC errors. The handlers read the backend's state; the protocol types they speak are
//! in lsp_ext.rs, which knows nothing of them. This file declares the server's capabilities.

mod compute;
mod compute_extra;
mod document_state;
mod errors;
pub mod features;
mod guard;
mod live_sizes;
pub mod workspace;

use amlc_analysis::PositionEncoding;
use tower_lsp::lsp_types::*;

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
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), "-".into()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: crate::lsp_ext::COMMANDS.iter().map(|c| c.to_string()).collect(),
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}
