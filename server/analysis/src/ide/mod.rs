//! Editor engines: completion, hover, quick fixes, symbols, folding and selection ranges.
//! Pure functions of the text and its [`Analysis`](crate::Analysis), with byte offsets in and out
//! and no LSP types, so the language server and any other front end share them.

pub mod actions;
pub mod catalog;
pub mod completion;
pub(crate) mod context;
pub mod cost;
pub mod hover;
pub mod outline;

pub use actions::{code_actions, CodeAction};
pub use catalog::{CatalogSize, SizeCatalog};
pub use completion::{complete, complete_with, CompletionItem, CompletionKind};
pub use cost::{cost_hint, CostHint};
pub use hover::{hover, hover_with, Hover};
pub use outline::{folding_ranges, selection_ranges, symbols, FoldingRange, Symbol, SymbolKind};
