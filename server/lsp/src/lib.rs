//! The amlc language server (tower-lsp). This is the only crate that knows LSP types; it turns
//! documents into `amlc_analysis` calls and `amlc_azure` actions, and their results into protocol messages.
//!
//! Layout: `backend.rs` implements `LanguageServer` by delegating to `handlers/`; `documents.rs`
//! holds the open texts; `owner.rs` gives each open document the one task that analyses and
//! publishes it; `outgoing.rs` carries those diagnostics to the transport as finished JSON, beside
//! tower-lsp's messages; `convert.rs` is the only place that converts positions; `detect.rs` decides
//! which YAML is a compute spec; `lsp_ext.rs` holds every `amlc/` extension.

mod analyzer;
mod attach_index;
mod backend;
mod compute_session;
mod convert;
mod detect;
mod documents;
mod file_uri;
mod framing;
mod handlers;
pub mod lsp_ext;
mod outgoing;
mod owner;
mod progress;
mod sizes;
mod state;
mod transport;

pub use backend::Backend;
pub use lsp_ext::service;
pub use outgoing::{Outbound, Outgoing, Socket};

pub use transport::{serve, Ending};
