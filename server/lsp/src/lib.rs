//! The amlc language server (tower-lsp). This is the only crate that knows LSP types; it turns
//! documents into `amlc_spec` calls and `amlc_azure` actions, and their results into protocol messages.
