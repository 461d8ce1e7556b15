//! The amlc language server (tower-lsp). This is the only crate that knows LSP types; it turns
//! documents into `amlc_analysis` calls and `amlc_azure` actions, and their results into protocol messages.
//!
//! Layout: `backend.rs` implements `LanguageServer` by delegating to `handlers/`; `service.rs` builds
//! the service and wires the `amlc/` methods to their handlers; `lsp_ext.rs` holds the extensions'
//! protocol types only (a leaf: it imports nothing from the crate); `documents.rs` holds the open
//! texts; `owner.rs` gives each open document the one task that analyses and publishes it;
//! `outgoing.rs` carries those diagnostics to the transport as finished JSON, beside tower-lsp's
//! messages; `convert.rs` is the only place that converts positions; `detect.rs` decides which YAML is a
//! compute spec.

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
mod service;
mod sizes;
mod state;
mod sync;
mod transport;

pub use backend::Backend;
pub use outgoing::{Outbound, Outgoing, Socket};
pub use service::service;

pub use transport::{serve, Ending};
