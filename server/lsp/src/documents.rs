//! The open documents: `uri -> {text, version, line index, whether it is a compute spec}`.
//!
//! Edits are applied here, synchronously, by the `did_*` handlers before they reach any `.await`:
//! tower-lsp may run handlers concurrently, so an edit applied after an await could be
//! overtaken by the next one. Readers take an immutable [`Snapshot`] (cheap `Arc` clones) and never
//! hold the lock while they work.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use amlc_analysis::{LineCol, LineIndex, PositionEncoding};
use tower_lsp::lsp_types::{TextDocumentContentChangeEvent, Url};

use crate::convert;

/// One open document.
#[derive(Clone, Debug)]
pub struct Document {
    pub text: Arc<String>,
    pub version: i32,
    pub line_index: Arc<LineIndex>,
    pub language_id: String,
    /// Whether amlc serves this document (see `detect.rs`); other YAML gets nothing.
    pub is_spec: bool,
}

/// An immutable view of one version of a document, handed to background work.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub uri: Url,
    pub text: Arc<String>,
    pub version: i32,
    pub line_index: Arc<LineIndex>,
    pub is_spec: bool,
}

/// Why an edit could not be applied.
#[derive(Debug, PartialEq, Eq)]
pub enum EditError {
    NotOpen,
}

#[derive(Default)]
pub struct DocumentStore {
    documents: Mutex<HashMap<Url, Document>>,
}

impl DocumentStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<Url, Document>> {
        // A panic elsewhere while holding the lock must not take the store down with it: the map
        // is only ever replaced entry by entry, so its contents are consistent.
        self.documents.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn open(&self, uri: Url, text: String, version: i32, language_id: String, is_spec: bool) {
        let line_index = Arc::new(LineIndex::new(&text));
        let document = Document { text: Arc::new(text), version, line_index, language_id, is_spec };
        self.lock().insert(uri, document);
    }

    pub fn close(&self, uri: &Url) -> Option<Document> {
        self.lock().remove(uri)
    }

    /// Applies content changes in order, each against the text the previous one produced, and
    /// re-runs `detect` on the result. Returns the new snapshot.
    pub fn change(
        &self,
        uri: &Url,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
        detect: impl FnOnce(&Url, &str, &str) -> bool,
    ) -> Result<Snapshot, EditError> {
        let mut documents = self.lock();
        let document = documents.get_mut(uri).ok_or(EditError::NotOpen)?;
        let text = Arc::make_mut(&mut document.text);
        let count = changes.len();
        for (i, change) in changes.into_iter().enumerate() {
            match change.range {
                None => *text = change.text,
                Some(range) => {
                    // The index must describe the text this change was written against: the
                    // stored one for the first change, a fresh one after each earlier change.
                    let fresh;
                    let index = if i == 0 {
                        &*document.line_index
                    } else {
                        fresh = LineIndex::new(text);
                        &fresh
                    };
                    let start = index.offset(text, convert::line_col(range.start), encoding) as usize;
                    let end = index.offset(text, convert::line_col(range.end), encoding) as usize;
                    let (start, end) = (start.min(end), start.max(end));
                    text.replace_range(start..end, &change.text);
                }
            }
            if i + 1 == count {
                document.line_index = Arc::new(LineIndex::new(text));
            }
        }
        document.version = version;
        document.is_spec = detect(uri, &document.language_id, text);
        Ok(snapshot_of(uri, document))
    }

    pub fn snapshot(&self, uri: &Url) -> Option<Snapshot> {
        self.lock().get(uri).map(|document| snapshot_of(uri, document))
    }

    /// The current version of an open document, to decide whether a result is stale.
    pub fn version(&self, uri: &Url) -> Option<i32> {
        self.lock().get(uri).map(|document| document.version)
    }

    /// Re-decides which documents are specs (after a settings change); returns every snapshot.
    pub fn redetect(&self, detect: impl Fn(&Url, &str, &str) -> bool) -> Vec<Snapshot> {
        let mut documents = self.lock();
        documents
            .iter_mut()
            .map(|(uri, document)| {
                document.is_spec = detect(uri, &document.language_id, &document.text);
                snapshot_of(uri, document)
            })
            .collect()
    }
}

fn snapshot_of(uri: &Url, document: &Document) -> Snapshot {
    Snapshot {
        uri: uri.clone(),
        text: document.text.clone(),
        version: document.version,
        line_index: document.line_index.clone(),
        is_spec: document.is_spec,
    }
}

impl Snapshot {
    pub fn offset(&self, position: tower_lsp::lsp_types::Position, encoding: PositionEncoding) -> u32 {
        self.line_index.offset(&self.text, convert::line_col(position), encoding)
    }

    pub fn line_col(&self, offset: u32, encoding: PositionEncoding) -> LineCol {
        self.line_index.line_col(&self.text, offset, encoding)
    }
}
