//! Where the `LspService` is built: the standard methods come from `impl LanguageServer for Backend`, and the
//! extension methods are wired here to their handlers. Kept out of lsp_ext.rs so that the protocol types depend on
//! nothing in the crate, and out of backend.rs so that the backend does not have to know every handler module.

use tower_lsp::{ClientSocket, LspService};

use crate::backend::Backend;
use crate::lsp_ext::{
    DOCUMENT_STATE, LIST_COMPUTES, LIST_SUBSCRIPTIONS, LIST_WORKSPACES, SELECT_WORKSPACE, WORK_DONE_PROGRESS_CANCEL,
};

/// The service with every standard and custom method.
pub fn service() -> (LspService<Backend>, ClientSocket) {
    LspService::build(Backend::new)
        .custom_method(DOCUMENT_STATE, Backend::document_state)
        .custom_method(LIST_COMPUTES, Backend::list_computes)
        // Not a `LanguageServer` method in tower-lsp 0.20; a handler returning `()` is served as a notification.
        .custom_method(WORK_DONE_PROGRESS_CANCEL, Backend::cancel_progress)
        .custom_method(LIST_SUBSCRIPTIONS, Backend::list_subscriptions)
        .custom_method(LIST_WORKSPACES, Backend::list_workspaces)
        .custom_method(SELECT_WORKSPACE, Backend::select_workspace)
        .finish()
}
