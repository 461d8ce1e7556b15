//! Reading the source under a range and finding the range of a value by its path: small helpers
//! the checks and the rules share.

use crate::syntax::{Document, PathSegment};
use crate::TextRange;

/// The source text under `r`, or nothing when `r` does not fall on character boundaries.
pub(crate) fn slice(text: &str, r: TextRange) -> &str {
    text.get(r.start as usize..r.end as usize).unwrap_or("")
}

/// Range of the value at `path`, falling back to the nearest existing ancestor.
pub(crate) fn value_range(doc: &Document, path: &[PathSegment]) -> TextRange {
    doc.lookup_partial(path).0.range
}
