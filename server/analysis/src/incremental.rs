//! A keystroke judged at the cost of the block it edited, not of the whole spec.
//!
//! A whole analysis sorts what it finds in two: diagnostics *owned* by a path (a schema error,
//! a load-step issue, a number no count can take, a placeholder, a schedule's or an
//! application's problem) and everything else (the type, `$schema`, the rules that read a few
//! top-level keys, the checks across list items), which is cheap and runs again every time. It
//! keeps the normalized value and the owned diagnostics in a [`Memo`].
//!
//! After `reparse.rs` has spliced the edited block into the tree, [`judge`] works out the
//! *scope*: the path of that block, widened until nothing above it judges its children together.
//! Only the scope's value is converted and normalized again (and patched into the kept value), only
//! the scope is validated against its own part of the schema, and only the per-block rules and the
//! number check look at it. The owned diagnostics outside the scope are kept, with their ranges
//! moved by the edit. Whatever cannot be done with certainty returns `None`, and the caller runs a
//! whole analysis; the property test in `tests/incremental.rs` holds the two equal.

use crate::check::{compute_type, issue_diagnostics, meta_rules, validate};
use crate::normalize::{compiled, normalize_at};
use crate::syntax::{key_string, Document, Node, NodeKind, PathSegment};
use crate::value::{is_merge, subtree_to_json};
use crate::yaml11::Resolved;
use crate::{numbers, rules, schema, ComputeType, Diagnostic, TextRange};
use serde_json::Value;

/// A diagnostic and the path of the value or list item it is about: it stays while edits happen
/// elsewhere, and goes when its path is edited.
#[derive(Clone, Debug)]
pub(crate) struct Owned {
    pub path: Vec<PathSegment>,
    pub diag: Diagnostic,
    /// The check judged everything under `path` together (a rule over one list item, a schema
    /// error that quotes the value), so an edit inside it widens the scope to take it in.
    /// Without it, only an edit of `path` or around it takes it away: a schema error at a mapping
    /// that depends on its keys alone stays while one of its values is edited.
    pub whole: bool,
}

impl Owned {
    /// Whether an edit of `scope` leaves this diagnostic outside (it is kept, moved) only if the
    /// scope is widened to take it in. The scope then becomes the longest path the two share.
    fn widens(&self, scope: &[PathSegment], edited: &Edited) -> Option<usize> {
        if self.path.starts_with(scope) {
            return None;
        }
        let inside = self.whole && scope.starts_with(&self.path);
        let unsure = std::iter::once(&self.diag.range)
            .chain(self.diag.fixes.iter().flat_map(|f| f.edits.iter().map(|e| &e.range)))
            .any(|r| edited.unsure(r.start) || edited.unsure(r.end));
        (inside || unsure).then(|| scope.iter().zip(&self.path).take_while(|(a, b)| a == b).count())
    }
}

/// Whether a check of the value at `path` is affected by an edit of `scope`: one lies inside the other.
pub(crate) fn touches(path: &[PathSegment], scope: &[PathSegment]) -> bool {
    path.starts_with(scope) || scope.starts_with(path)
}

/// What an analysis keeps for the next keystroke: the compute type, the normalized value (what
/// the CLI would validate) and the owned diagnostics.
#[derive(Clone, Debug)]
pub(crate) struct Memo {
    pub ctype: ComputeType,
    pub norm: Value,
    pub owned: Vec<Owned>,
}

/// Where `reparse.rs` spliced a block in.
#[derive(Clone, Debug)]
pub(crate) struct Edited {
    /// Child indexes from the root to the replaced mapping entry or list item.
    pub path: Vec<usize>,
    /// The replaced entry now has another key (its mapping's keys changed).
    pub key_changed: bool,
    /// The old text's bytes from `start` to `from` were edited in place; offsets at or after
    /// `from` moved by `delta`.
    pub start: u32,
    pub from: u32,
    pub delta: i64,
}

impl Edited {
    fn shift(&self, at: u32) -> u32 {
        if at >= self.from {
            (i64::from(at) + self.delta) as u32
        } else {
            at
        }
    }

    fn shift_range(&self, r: &mut TextRange) {
        r.start = self.shift(r.start);
        r.end = self.shift(r.end).max(r.start);
    }

    /// Whether an offset of the old text lies where the edit moved text by an unknown amount.
    fn unsure(&self, at: u32) -> bool {
        self.start <= at && at < self.from
    }
}

/// Judges the edited document from the memo of the previous one. Pushes every diagnostic (before
/// suppression and sorting) to `diags` and returns the compute type and the memo for the next
/// keystroke; `None` when only a whole analysis can be sure.
pub(crate) fn judge(
    text: &str,
    doc: &Document,
    mut memo: Memo,
    edited: &Edited,
    diags: &mut Vec<Diagnostic>,
) -> Option<(ComputeType, Memo)> {
    if !doc.anchors.is_empty() {
        return None;
    }
    let mut fresh = Vec::new();
    let (ctype, schema_hint) = compute_type(text, doc, &mut fresh)?;
    if ctype != memo.ctype {
        return None;
    }
    // The edited block, widened until nothing above it judges its children together and no
    // diagnostic kept from outside it depends on what changed.
    let mut scope = scope_of(doc, edited)?;
    loop {
        scope.truncate(schema::independent_prefix(ctype, &scope));
        if scope.is_empty() {
            return None;
        }
        match memo.owned.iter().find_map(|o| o.widens(&scope, edited)) {
            Some(shared) => scope.truncate(shared),
            None => break,
        }
    }
    let validator = schema::validator_at(ctype, &scope).ok()?;

    // What stays: owned diagnostics outside the scope, moved by the edit.
    let mut owned: Vec<Owned> = std::mem::take(&mut memo.owned);
    owned.retain(|o| !o.path.starts_with(&scope));
    for o in &mut owned {
        edited.shift_range(&mut o.diag.range);
        for edit in o.diag.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()) {
            edited.shift_range(&mut edit.range);
        }
    }

    // The scope's value, converted and normalized alone, replaces the old one in the kept value.
    let node = doc.lookup(&scope)?;
    let mut value = subtree_to_json(doc, node)?;
    let (issues, present) = normalize_at(compiled(ctype), doc, &scope, &mut value)?;
    if present {
        *value_at_mut(&mut memo.norm, &scope)? = value;
    }

    let mut found = Vec::new();
    issue_diagnostics(text, doc, issues, &mut found);
    if let Some(validator) = validator.filter(|_| present) {
        let value = value_at_mut(&mut memo.norm, &scope)?;
        validate(text, doc, ctype, &validator, value, &scope, &mut found);
    }
    rules::run(text, doc, ctype, &memo.norm, &scope, &mut fresh, &mut found);
    numbers::check(text, doc, ctype, &scope, &mut found);
    meta_rules(text, doc, ctype, schema_hint, &mut fresh);
    owned.extend(found);

    diags.extend(fresh);
    diags.extend(owned.iter().map(|o| o.diag.clone()));
    memo.owned = owned;
    Some((ctype, memo))
}

/// The path of the replaced block, as keys and indexes; for an entry whose key changed, its
/// mapping's. `None` for the root, or where the value's path is not certain: a merge key (`<<`)
/// in a mapping on the way, or two keys that load as the same one.
fn scope_of(doc: &Document, edited: &Edited) -> Option<Vec<PathSegment>> {
    let keep = edited.path.len() - usize::from(edited.key_changed);
    let mut scope = Vec::with_capacity(keep);
    let mut node: &Node = &doc.root;
    for &index in &edited.path[..keep] {
        node = match &node.kind {
            NodeKind::Mapping(entries) => {
                let entry = entries.get(index)?;
                let key = key_string(&entry.key);
                let same = entries.iter().filter(|e| is_merge(e) || loads_as(&e.key, &key)).count();
                if same != 1 {
                    return None;
                }
                scope.push(PathSegment::Key(key));
                &entry.value
            }
            NodeKind::Sequence(items) => {
                scope.push(PathSegment::Index(index));
                items.get(index)?
            }
            _ => return None,
        };
    }
    (!scope.is_empty()).then_some(scope)
}

/// Whether a key loads as `key` (a plain string key is compared without building its text).
fn loads_as(node: &Node, key: &str) -> bool {
    match &node.kind {
        NodeKind::Scalar(s) if s.resolved == Resolved::Str => s.text == key,
        _ => key_string(node) == key,
    }
}

/// The value at a path of keys and indexes.
fn value_at_mut<'v>(mut value: &'v mut Value, path: &[PathSegment]) -> Option<&'v mut Value> {
    for seg in path {
        value = match seg {
            PathSegment::Key(k) => value.as_object_mut()?.get_mut(k.as_str())?,
            PathSegment::Index(i) => value.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(value)
}
