//! Where the `LspService` is built: the standard methods come from `impl LanguageServer for Backend`, and the
//! extension methods are wired here to their handlers. Kept out of lsp_ext.rs so that the protocol types depend on
//! nothing in the crate, and out of backend.rs so that the backend does not have to know every handler module.

use tower_lsp::LspService;

use crate::backend::Backend;
use crate::lsp_ext::{
    DOCUMENT_STATE, LIST_COMPUTES, LIST_SUBSCRIPTIONS, LIST_WORKSPACES, SELECT_WORKSPACE, WORK_DONE_PROGRESS_CANCEL,
};

/// The service with every standard and custom method, and the socket that carries what it sends: tower-lsp's
/// client messages and the published diagnostics (`outgoing.rs`).
pub fn service() -> (LspService<Backend>, crate::Socket) {
    let (service, client) = LspService::build(Backend::new)
        .custom_method(DOCUMENT_STATE, Backend::document_state)
        .custom_method(LIST_COMPUTES, Backend::list_computes)
        // Not a `LanguageServer` method in tower-lsp 0.20; a handler returning `()` is served as a notification.
        .custom_method(WORK_DONE_PROGRESS_CANCEL, Backend::cancel_progress)
        .custom_method(LIST_SUBSCRIPTIONS, Backend::list_subscriptions)
        .custom_method(LIST_WORKSPACES, Backend::list_workspaces)
        .custom_method(SELECT_WORKSPACE, Backend::select_workspace)
        .finish();
    // A new service's publisher is not connected yet, so this cannot fail; the fallback only keeps it total.
    let published = service.inner().state.owners.publisher().connect().unwrap_or_else(|| {
        tracing::error!("the publisher was already connected");
        tokio::sync::mpsc::unbounded_channel().1
    });
    (service, crate::Socket::new(client, published))
}
