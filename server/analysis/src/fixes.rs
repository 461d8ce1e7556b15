//! Quick fixes more than one check offers, written once.

use crate::line_index::{line_start, next_line_start};
use crate::ranges::slice;
use crate::syntax::Entry;
use crate::{Fix, TextRange};

/// An edit that deletes a whole `key: value` entry with its lines, when the entry starts its
/// line (not after `- ` or inside a flow mapping).
pub(crate) fn remove_entry_fix(text: &str, entry: &Entry, title: &str) -> Option<Fix> {
    let start = entry.key.range.start;
    let ls = line_start(text, start);
    if !slice(text, TextRange::new(ls, start)).bytes().all(|b| b == b' ') {
        return None;
    }
    let end = entry.range().end as usize;
    let e = next_line_start(text, end as u32).map_or(text.len(), |at| at as usize);
    // Only whitespace or a comment may follow the value on its last line.
    let tail = text.get(end..e).unwrap_or("").trim();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some(Fix::replace(title, TextRange::new(ls, e as u32), "", false))
}
