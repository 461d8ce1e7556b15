//! The editor workspace's attachments, for the one rule that spans files (a resource is attached once): what
//! each open spec attaches (fed by the diagnostics task) and what the spec files of the workspace folders attach
//! (read once when the folders are known). Open documents win over the file on disk with the same URI. The rule
//! itself is `amlc_analysis::attachments`, the one `amlc check DIR` uses.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use amlc_analysis::attachments::{second_attachments, Attachment};
use amlc_analysis::Diagnostic;
use tower_lsp::lsp_types::Url;

use crate::sync::lock;

/// How much of a workspace folder is read: spec files are small, and a huge tree must not stall the server.
const MAX_FILES: usize = 5000;
const MAX_FILE_BYTES: u64 = 1 << 20;
const MAX_DEPTH: usize = 8;

#[derive(Default)]
pub struct AttachIndex {
    /// Open documents that are specs, with what they attach (`None`: nothing).
    open: Mutex<HashMap<Url, Option<Attachment>>>,
    /// Spec files found in the workspace folders that attach something.
    files: Mutex<HashMap<Url, Attachment>>,
}

impl AttachIndex {
    /// Records what an open document attaches. Returns the other open documents whose diagnostics change
    /// because of it (they share the old or the new resource), so the caller publishes them again; empty when
    /// the document's attachment did not change.
    pub fn update(&self, uri: &Url, attachment: Option<Attachment>) -> Vec<Url> {
        let mut open = lock(&self.open);
        let previous = open.insert(uri.clone(), attachment.clone());
        if previous.as_ref() == Some(&attachment) {
            return Vec::new();
        }
        let keys: Vec<String> = [previous.flatten(), attachment].into_iter().flatten().map(|a| a.key).collect();
        open.iter()
            .filter(|(other, a)| *other != uri && a.as_ref().is_some_and(|a| keys.contains(&a.key)))
            .map(|(other, _)| other.clone())
            .collect()
    }

    /// Forgets a closed document; returns the open documents to publish again. The file on disk, if any, is
    /// read again so the folder view stays true.
    pub fn close(&self, uri: &Url) -> Vec<Url> {
        let peers = self.update(uri, None);
        lock(&self.open).remove(uri);
        if let Ok(path) = uri.to_file_path() {
            match read_spec(&path) {
                Some(a) => lock(&self.files).insert(uri.clone(), a),
                None => lock(&self.files).remove(uri),
            };
        }
        peers
    }

    /// The diagnostics other specs of the workspace cause on `uri`.
    pub fn diagnostics(&self, uri: &Url) -> Vec<Diagnostic> {
        let open = lock(&self.open);
        let files = lock(&self.files);
        let Some(Some(mine)) = open.get(uri) else { return Vec::new() };
        // Only entries that share the resource matter; the rest is left out of the comparison.
        let mut entries: Vec<(String, &Attachment)> = vec![(String::new(), mine)];
        let label = |u: &Url| -> String {
            u.path_segments().and_then(|mut s| s.next_back().map(str::to_string)).unwrap_or_else(|| u.to_string())
        };
        for (other, a) in open.iter().filter(|(u, _)| *u != uri) {
            if let Some(a) = a.as_ref().filter(|a| a.key == mine.key) {
                entries.push((label(other), a));
            }
        }
        for (other, a) in files.iter().filter(|(u, a)| !open.contains_key(*u) && a.key == mine.key) {
            entries.push((label(other), a));
        }
        let specs: Vec<(&str, Option<&Attachment>)> = entries.iter().map(|(l, a)| (l.as_str(), Some(*a))).collect();
        second_attachments(&specs).into_iter().next().unwrap_or_default()
    }

    /// Reads the spec files of the workspace folders (bounded in count, depth and size).
    pub fn scan(&self, folders: &[Url]) {
        let mut found = HashMap::new();
        for folder in folders {
            let Ok(root) = folder.to_file_path() else { continue };
            let walker = walkdir::WalkDir::new(&root).max_depth(MAX_DEPTH).into_iter().filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                e.depth() == 0 || !(name.starts_with('.') || name == "node_modules" || name == "target")
            });
            for entry in walker.filter_map(Result::ok).take(MAX_FILES * 4) {
                let path = entry.path();
                let yaml = path.extension().is_some_and(|e| e == "yml" || e == "yaml");
                if !yaml || !entry.file_type().is_file() {
                    continue;
                }
                if let (Some(a), Ok(uri)) = (read_spec(path), Url::from_file_path(path)) {
                    found.insert(uri, a);
                }
                if found.len() >= MAX_FILES {
                    break;
                }
            }
        }
        *lock(&self.files) = found;
    }

    /// The open documents that share a resource with some spec file, to publish again after a scan.
    pub fn open_with_file_peers(&self) -> Vec<Url> {
        let open = lock(&self.open);
        let files = lock(&self.files);
        open.iter()
            .filter(|(_, a)| a.as_ref().is_some_and(|a| files.values().any(|f| f.key == a.key)))
            .map(|(u, _)| u.clone())
            .collect()
    }
}

/// What the spec file at `path` attaches, if it is a small spec that attaches something.
fn read_spec(path: &Path) -> Option<Attachment> {
    if std::fs::metadata(path).ok()?.len() > MAX_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    if !amlc_analysis::looks_like_compute_spec(&text) {
        return None;
    }
    Attachment::of(&text, &amlc_analysis::analyze(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachment(name: &str, id: &str) -> Option<Attachment> {
        let text = format!("type: kubernetes\nname: {name}\nresource_id: {id}\n");
        Attachment::of(&text, &amlc_analysis::analyze(&text))
    }

    #[test]
    fn open_documents_and_folder_files_meet_in_one_index() {
        let aks = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("on-disk.yml"), format!("type: kubernetes\nname: k-disk\nresource_id: {aks}\n"))
            .expect("write");
        let index = AttachIndex::default();
        index.scan(&[Url::from_directory_path(dir.path()).expect("url")]);
        let a = Url::parse("file:///x/a.yml").expect("url");
        let b = Url::parse("file:///x/b.yml").expect("url");
        assert!(index.update(&a, attachment("k-a", aks)).is_empty());
        let on_a = index.diagnostics(&a);
        assert_eq!(on_a.len(), 1, "{on_a:?}");
        assert!(on_a[0].message.starts_with("on-disk.yml attaches this resource too, as 'k-disk'"), "{on_a:?}");
        assert_eq!(index.update(&b, attachment("k-b", &format!("{aks}/"))), vec![a.clone()]);
        assert_eq!(index.diagnostics(&a).len(), 2);
        assert_eq!(index.update(&b, attachment("k-b", &format!("{aks}/"))), Vec::<Url>::new(), "unchanged: no loop");
        assert_eq!(index.close(&b), vec![a.clone()]);
        assert_eq!(index.diagnostics(&a).len(), 1);
    }
}
