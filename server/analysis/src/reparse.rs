//! Re-parsing only the block an edit touched. On a keystroke in a large spec, parsing the whole
//! text again is most of the work; instead the edited mapping entry or list item is parsed on its
//! own and spliced into the previous tree (taken over and edited in place), and everything after
//! it is shifted.
//!
//! The result must be exactly the tree a full parse would build, so every doubt falls back to
//! the full parse (`None`): an error or anchor anywhere near, a changed indentation, an item
//! that became two, a key that now repeats a sibling's. The property test below checks the
//! equality on random edits, and `tests/never_panics.rs` checks whole analyses.

use crate::incremental::Edited;
use crate::line_index::{line_end, line_start};
use crate::syntax::{
    parse, Document, Entry, Node, NodeKind, Parsed, SyntaxError, SyntaxErrorKind, Yaml12Note, MAX_DEPTH, MAX_FILE_BYTES,
};
use crate::TextRange;

/// The previous parse a re-parse is planned from: its text and its tree, which must have parsed
/// without any error.
struct Previous<'a> {
    text: &'a str,
    document: &'a Document,
    notes: &'a [Yaml12Note],
}

/// Parses `text` by re-parsing only what changed since the previous text, whose tree is taken
/// over and edited in place (no copy of a large tree); `None` when that cannot be done with
/// certainty, and the caller parses in full.
pub(crate) fn reparse(
    previous_text: &str,
    document: Document,
    notes: &[Yaml12Note],
    text: &str,
) -> Option<(Parsed, Edited)> {
    let plan = plan(&Previous { text: previous_text, document: &document, notes }, text)?;
    let edited = Edited {
        path: plan.path.clone(),
        key_changed: plan.key_changed,
        start: plan.edit_start,
        from: plan.shift.from,
        delta: plan.shift.delta,
    };
    Some((plan.apply(document)?, edited))
}

/// Everything a re-parse changes, worked out before the tree is touched.
struct Plan {
    path: Vec<usize>,
    /// The replaced entry has another key than before.
    key_changed: bool,
    /// Where the edit starts in the old text.
    edit_start: u32,
    replacement: Replacement,
    shift: Shift,
    notes: Vec<Yaml12Note>,
    /// The old text's span whose block was parsed again (tests check that it is the smallest).
    #[cfg_attr(not(test), allow(dead_code))]
    span: TextRange,
}

impl Plan {
    fn apply(self, mut document: Document) -> Option<Parsed> {
        self.shift.in_place(&mut document.root);
        replace(&mut document.root, &self.path, self.replacement)?;
        Some(Parsed { document: Some(document), errors: Vec::new(), notes: self.notes, partial: false })
    }
}

/// The plan for `text`, trying the blocks that hold the edit from the smallest.
fn plan(previous: &Previous<'_>, text: &str) -> Option<Plan> {
    let old = previous.text;
    if !previous.document.anchors.is_empty() || text.len() > MAX_FILE_BYTES {
        return None;
    }
    let root = &previous.document.root;
    if root.flow || root.as_mapping().is_none() {
        return None;
    }
    let edit = changed_region(old, text);
    if edit.start == edit.old_end && edit.delta == 0 {
        return None; // the same text
    }
    let candidates = candidates(old, root, edit);
    // Deepest first: the smallest block that holds the edit is the cheapest to parse again.
    for candidate in candidates.iter().rev() {
        // A block as large as half the file is no cheaper than the whole.
        if (candidate.span.end - candidate.span.start) as usize > old.len() / 2 {
            break;
        }
        match splice(previous, text, edit, candidate) {
            Splice::Done(plan) => return Some(*plan),
            // The edit broke the block: a larger block is as broken, and the full parse finds
            // the error's exact place and message.
            Splice::Broken => return None,
            Splice::Doubtful => {}
        }
    }
    None
}

/// What re-parsing one candidate block gave.
enum Splice {
    Done(Box<Plan>),
    /// The block alone has a syntax error.
    Broken,
    /// The block parsed, but not certainly as it would in place; a larger block may do.
    Doubtful,
}

/// The bytes that differ: `old[start..old_end]` became `new[start..old_end + delta]`.
#[derive(Clone, Copy, Debug)]
struct Edit {
    start: u32,
    old_end: u32,
    delta: i64,
}

fn changed_region(old: &str, new: &str) -> Edit {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut prefix = common_prefix(a, b);
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let mut suffix = common_suffix(&a[prefix..], &b[prefix..]);
    while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
        suffix -= 1;
    }
    Edit { start: prefix as u32, old_end: (a.len() - suffix) as u32, delta: b.len() as i64 - a.len() as i64 }
}

/// Both comparisons run over the whole file on every keystroke, so whole blocks are compared
/// first (a `memcmp` each), then single bytes in the block that differs.
const BLOCK: usize = 4096;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let most = a.len().min(b.len());
    let mut same = 0;
    while same + BLOCK <= most && a[same..same + BLOCK] == b[same..same + BLOCK] {
        same += BLOCK;
    }
    same + a[same..most].iter().zip(&b[same..most]).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let most = a.len().min(b.len());
    let (a_end, b_end) = (a.len(), b.len());
    let mut same = 0;
    while same + BLOCK <= most && a[a_end - same - BLOCK..a_end - same] == b[b_end - same - BLOCK..b_end - same] {
        same += BLOCK;
    }
    let (a, b) = (&a[..a_end - same], &b[..b_end - same]);
    same + a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
}

/// A block that may be parsed on its own: a mapping entry or a list item of a block collection.
#[derive(Clone, Debug)]
struct Candidate {
    /// Child indexes from the root to the block.
    path: Vec<usize>,
    /// Whether the block is a list item (else a mapping entry).
    item: bool,
    /// From the block's first byte to the end of its last line, in the old text.
    span: TextRange,
}

/// The blocks that contain the whole edit, outermost first.
fn candidates(old: &str, root: &Node, edit: Edit) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    let mut node = root;
    loop {
        if node.flow {
            return out;
        }
        let next = match &node.kind {
            NodeKind::Mapping(entries) => entries.iter().enumerate().find_map(|(i, e)| {
                let span = TextRange::new(e.key.range.start, line_end(old, e.range().end));
                contains(span, edit).then_some((i, &e.value, span, false))
            }),
            NodeKind::Sequence(items) => items.iter().enumerate().find_map(|(i, n)| {
                let span = TextRange::new(n.range.start, line_end(old, n.range.end));
                contains(span, edit).then_some((i, n, span, true))
            }),
            _ => None,
        };
        let Some((index, child, span, item)) = next else { return out };
        path.push(index);
        out.push(Candidate { path: path.clone(), item, span });
        node = child;
    }
}

fn contains(span: TextRange, edit: Edit) -> bool {
    span.start <= edit.start && edit.old_end <= span.end
}

/// Parses the candidate's new text alone and plans the splice.
fn splice(previous: &Previous<'_>, text: &str, edit: Edit, candidate: &Candidate) -> Splice {
    let Some(block) = block_of(previous, text, edit, candidate) else { return Splice::Doubtful };
    let parsed = parse(block.text);
    // A list item parsed alone is a top-level list, which only a whole spec may not be.
    let real_error = |e: &SyntaxError| !(candidate.item && e.kind == SyntaxErrorKind::NotAMapping);
    if parsed.errors.iter().any(real_error) || parsed.partial {
        return Splice::Broken;
    }
    match plan_block(previous, edit, candidate, &block, parsed) {
        Some(plan) => Splice::Done(Box::new(plan)),
        None => Splice::Doubtful,
    }
}

/// The candidate's text in the new document, with where it starts.
struct Block<'t> {
    text: &'t str,
    /// The start of the block's first line.
    start: u32,
    /// The column of its key, or of its dash for a list item.
    indent: u32,
}

/// The new text of the candidate; `None` if the block cannot stand alone.
fn block_of<'t>(previous: &Previous<'_>, text: &'t str, edit: Edit, candidate: &Candidate) -> Option<Block<'t>> {
    let old = previous.text;
    let start = line_start(old, candidate.span.start);
    // What stands before the block on its line: indentation only for an entry, indentation and
    // one dash for a list item (an entry that follows a dash is re-parsed as that item).
    let lead = &old[start as usize..candidate.span.start as usize];
    let indent = if candidate.item {
        let dash = lead.find('-')?;
        let (before, after) = (&lead[..dash], &lead[dash + 1..]);
        if !before.bytes().all(|b| b == b' ') || after.is_empty() || !after.bytes().all(|b| b == b' ') {
            return None;
        }
        dash as u32
    } else {
        if !lead.bytes().all(|b| b == b' ') {
            return None;
        }
        lead.len() as u32
    };
    let new_end = u32::try_from(i64::from(candidate.span.end) + edit.delta).ok()?;
    let block = text.get(start as usize..new_end as usize)?;
    // Markers that end or start documents change everything after them.
    if block.lines().any(|l| l.starts_with("---") || l.starts_with("...") || l.starts_with('%')) {
        return None;
    }
    // A block scalar's range runs on to the start of the next line, into whatever follows.
    if has_block_scalar(node_at(&previous.document.root, &candidate.path)?) {
        return None;
    }
    Some(Block { text: block, start, indent })
}

/// The splice of a block that parsed alone; `None` unless it is certainly what a full parse gives.
fn plan_block(
    previous: &Previous<'_>,
    edit: Edit,
    candidate: &Candidate,
    block: &Block<'_>,
    parsed: Parsed,
) -> Option<Plan> {
    let Block { start, indent, .. } = *block;
    let doc = parsed.document?;
    if !doc.anchors.is_empty() || doc.root.flow || has_block_scalar(&doc.root) {
        return None;
    }
    let depth = candidate.path.len() + depth_of(&doc.root);
    if depth >= MAX_DEPTH {
        return None;
    }
    let mut fresh = doc.root;
    offset_all(&mut fresh, start);
    let mut key_changed = false;
    // The block must still be one block, starting where it started.
    let replacement = match (fresh.kind, candidate.item) {
        (NodeKind::Sequence(mut items), true) if items.len() == 1 && fresh.range.start == start + indent => {
            let item = items.pop()?;
            // An indentless list starts where its first item starts, so the item must not move.
            if item.range.start != candidate.span.start {
                return None;
            }
            Replacement::Item(item)
        }
        (NodeKind::Mapping(mut entries), false) if entries.len() == 1 => {
            let entry = entries.pop()?;
            let (&index, parent) = candidate.path.split_last()?;
            let old_key = match &node_at(&previous.document.root, parent)?.kind {
                NodeKind::Mapping(old) => crate::syntax::key_string(&old.get(index)?.key),
                _ => return None,
            };
            key_changed = old_key != crate::syntax::key_string(&entry.key);
            if entry.key.range.start != start + indent
                || repeats_a_sibling(&previous.document.root, &candidate.path, &entry)
            {
                return None;
            }
            Replacement::Entry(entry)
        }
        _ => return None,
    };

    let shift = Shift { from: candidate.span.end, delta: edit.delta };
    let mut notes: Vec<Yaml12Note> = previous
        .notes
        .iter()
        .filter(|n| n.range.end < start || n.range.start >= candidate.span.end)
        .map(|n| Yaml12Note { range: shift.range(n.range), message: n.message.clone() })
        .collect();
    notes.extend(
        parsed.notes.into_iter().map(|n| Yaml12Note { range: offset_range(n.range, start), message: n.message }),
    );
    notes.sort_by_key(|n| (n.range.start, n.range.end));
    Some(Plan {
        path: candidate.path.clone(),
        key_changed,
        edit_start: edit.start,
        replacement,
        shift,
        notes,
        span: candidate.span,
    })
}

/// Whether the new entry's key is the key of another entry of the same mapping: a duplicate,
/// which the full parse reports.
fn repeats_a_sibling(root: &Node, path: &[usize], entry: &Entry) -> bool {
    let Some((&index, parent_path)) = path.split_last() else { return true };
    let Some(NodeKind::Mapping(entries)) = node_at(root, parent_path).map(|n| &n.kind) else { return true };
    let name = crate::syntax::key_name(&entry.key);
    entries.iter().enumerate().any(|(i, e)| i != index && crate::syntax::key_name(&e.key) == name)
}

enum Replacement {
    Entry(Entry),
    Item(Node),
}

/// Puts the new block at `path` and re-derives the ends of the collections around it, as the
/// parser does (a block collection ends where its last child ends).
fn replace(node: &mut Node, path: &[usize], replacement: Replacement) -> Option<()> {
    let (&index, rest) = path.split_first()?;
    match (&mut node.kind, rest.is_empty(), replacement) {
        (NodeKind::Mapping(entries), true, Replacement::Entry(entry)) => *entries.get_mut(index)? = entry,
        (NodeKind::Sequence(items), true, Replacement::Item(item)) => *items.get_mut(index)? = item,
        (NodeKind::Mapping(entries), false, replacement) => {
            replace(&mut entries.get_mut(index)?.value, rest, replacement)?
        }
        (NodeKind::Sequence(items), false, replacement) => replace(items.get_mut(index)?, rest, replacement)?,
        _ => return None,
    }
    node.end_at_last_child();
    Some(())
}

/// Moves offsets at or after `from` by `delta`: what follows the edited block.
struct Shift {
    from: u32,
    delta: i64,
}

impl Shift {
    fn offset(&self, at: u32) -> u32 {
        if at >= self.from {
            (i64::from(at) + self.delta) as u32
        } else {
            at
        }
    }

    fn range(&self, r: TextRange) -> TextRange {
        // Inside the edited block (replaced right after) a shrinking edit could invert a range.
        let start = self.offset(r.start);
        TextRange::new(start, self.offset(r.end).max(start))
    }

    /// Shifts every offset of the tree, in place. A subtree that ends before the edit keeps its
    /// offsets (a collection's range holds its children's), so only what follows is visited.
    fn in_place(&self, node: &mut Node) {
        if node.range.end < self.from {
            return;
        }
        node.range = self.range(node.range);
        match &mut node.kind {
            NodeKind::Mapping(entries) => {
                for e in entries {
                    self.in_place(&mut e.key);
                    self.in_place(&mut e.value);
                }
            }
            NodeKind::Sequence(items) => items.iter_mut().for_each(|n| self.in_place(n)),
            _ => {}
        }
    }
}

fn offset_range(r: TextRange, by: u32) -> TextRange {
    TextRange::new(r.start + by, r.end + by)
}

fn offset_all(node: &mut Node, by: u32) {
    node.range = offset_range(node.range, by);
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                offset_all(&mut e.key, by);
                offset_all(&mut e.value, by);
            }
        }
        NodeKind::Sequence(items) => items.iter_mut().for_each(|n| offset_all(n, by)),
        _ => {}
    }
}

/// The entry value or list item at `path`.
fn node_at<'a>(root: &'a Node, path: &[usize]) -> Option<&'a Node> {
    path.iter().try_fold(root, |node, &i| match &node.kind {
        NodeKind::Mapping(entries) => entries.get(i).map(|e| &e.value),
        NodeKind::Sequence(items) => items.get(i),
        _ => None,
    })
}

fn has_block_scalar(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Mapping(entries) => entries.iter().any(|e| has_block_scalar(&e.key) || has_block_scalar(&e.value)),
        NodeKind::Sequence(items) => items.iter().any(has_block_scalar),
        NodeKind::Scalar(s) => {
            matches!(s.style, crate::syntax::ScalarStyle::Literal | crate::syntax::ScalarStyle::Folded)
        }
        NodeKind::Alias(_) => false,
    }
}

fn depth_of(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Mapping(entries) => 1 + entries.iter().map(|e| depth_of(&e.value)).max().unwrap_or(0),
        NodeKind::Sequence(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A spec with the shapes a re-parse meets: nested mappings, lists of mappings, scalars
    /// after dashes, flow collections, block scalars, comments, quotes, non-ASCII text and
    /// values YAML 1.1 and 1.2 read differently.
    const SPEC: &str = "\
type: computeinstance
name: ci-reparse
description: \"Workstation für das Team 😀\"
size: Standard_DS3_v2
enable_node_public_ip: yes
idle_time_before_shutdown_minutes: 017
schedules:
  compute_start_stop:
    - action: stop
      trigger:
        type: cron
        expression: \"0 19 * * *\"
        time_zone: UTC
    # a comment between items
    - action: start
      trigger: {type: recurrence, frequency: day, interval: 1}
setup_scripts:
  creation_script:
    path: setup.sh
    command: |
      pip install -r requirements.txt
      echo done
tags:
  team: data-science
  cost_center: '1234'
  empty:
  list:
  - a
  - b
";

    fn previous(text: &str) -> (Document, Vec<Yaml12Note>) {
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        (parsed.document.expect("document"), parsed.notes)
    }

    fn edited(text: &str, at: usize, remove: usize, insert: &str) -> String {
        let mut out = text.to_string();
        out.replace_range(at..at + remove, insert);
        out
    }

    /// The re-parse, checked against the full parse whenever it answers.
    fn check(old: &str, new: &str) -> bool {
        reparsed_span(old, new).is_some()
    }

    /// The old span whose block was parsed again, after checking the result against the full parse.
    fn reparsed_span(old: &str, new: &str) -> Option<TextRange> {
        let (document, notes) = previous(old);
        let plan = plan(&Previous { text: old, document: &document, notes: &notes }, new)?;
        let span = plan.span;
        let fast = plan.apply(document).expect("a planned splice applies");
        let full = parse(new);
        assert!(full.errors.is_empty(), "re-parse accepted what the full parse refuses: {new:?}\n{:?}", full.errors);
        assert!(fast.document == full.document, "tree differs after editing to:\n{new}");
        assert!(fast.notes == full.notes, "notes differ after editing to:\n{new}");
        Some(span)
    }

    #[test]
    fn typing_in_a_value_reparses_only_its_block() {
        let cases = [
            ("time_zone: UTC", "time_zone: UTC".len(), 0, "x"),
            ("action: start", "action: ".len(), 5, "stop"),
            ("team: data-science", "team: ".len(), 0, "the "),
            ("size: Standard_DS3_v2", "size: ".len(), 0, "x"),
            ("path: setup.sh", "path: setup".len(), 3, ".py"),
            ("  - b", "  - ".len(), 1, "bee"),
            ("expression: \"0 19", "expression: \"0 ".len(), 2, "20"),
            ("frequency: day", "frequency: ".len(), 3, "week"),
            // A new sibling key: the entry became two, so the mapping around them is re-parsed.
            ("time_zone: UTC", "time_zone: UTC".len(), 0, "\n        start_time: x"),
        ];
        for (anchor, offset, remove, insert) in cases {
            let at = SPEC.find(anchor).expect(anchor) + offset;
            assert!(check(SPEC, &edited(SPEC, at, remove, insert)), "no re-parse for an edit at {anchor:?}");
        }
    }

    #[test]
    fn the_smallest_block_is_parsed_again() {
        // In a list item's first entry (`- action: stop`) the item is the block; deeper, the entry.
        let cases = [("action: stop", "- action: stop\n      trigger:"), ("time_zone: UTC", "time_zone: UTC")];
        for (anchor, block_start) in cases {
            let at = SPEC.find(anchor).expect(anchor) + anchor.len();
            let span = reparsed_span(SPEC, &edited(SPEC, at, 0, "x")).expect(anchor);
            let block = &SPEC[span.start as usize..span.end as usize];
            let expected = &SPEC[SPEC.find(block_start).expect(block_start)..];
            let expected = expected.trim_start_matches("- ");
            assert!(expected.starts_with(block), "{anchor}: re-parsed {block:?}");
            assert!(block.len() < 200, "{anchor}: re-parsed {} bytes", block.len());
        }
    }

    #[test]
    fn doubtful_edits_fall_back_to_the_full_parse() {
        let cases = [
            // A key that repeats a sibling's.
            ("cost_center", 0, "cost_center".len(), "team"),
            // An unterminated quote, a flow list left open, an anchor, a document marker.
            ("time_zone: UTC", "time_zone: ".len(), 0, "\""),
            ("team: data-science", "team: ".len(), 0, "["),
            ("team: data-science", "team: ".len(), 0, "&a "),
            ("  - b", 0, 0, "...\n"),
            // An indentation change.
            ("        time_zone", 0, 1, ""),
        ];
        for (anchor, offset, remove, insert) in cases {
            let at = SPEC.find(anchor).expect(anchor) + offset;
            assert!(!check(SPEC, &edited(SPEC, at, remove, insert)), "re-parsed {anchor:?} + {insert:?}");
        }
    }

    #[test]
    fn the_changed_region_is_found_across_whole_blocks() {
        let base: String = (0..900).map(|i| format!("k{i}: välue-{i}\n")).collect();
        assert!(base.len() > 3 * BLOCK);
        let naive = |a: &str, b: &str| {
            let p = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let s =
                a.bytes().rev().zip(b.bytes().rev()).take(a.len().min(b.len()) - p).take_while(|(x, y)| x == y).count();
            (p, a.len() - s)
        };
        for (at, remove, insert) in
            [(0, 0, "x"), (base.len(), 0, "x"), (9000, 3, ""), (4096, 0, "ü"), (8191, 2, "yy"), (5, 0, "")]
        {
            let mut at = at.min(base.len());
            while !base.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + remove).min(base.len());
            while !base.is_char_boundary(end) {
                end += 1;
            }
            let new = edited(&base, at, end - at, insert);
            let e = changed_region(&base, &new);
            let (p, old_end) = naive(&base, &new);
            // The naive bytes may stop inside a character; the region widens to whole characters.
            assert!(e.start as usize <= p && old_end <= e.old_end as usize, "{at} {remove} {insert:?}");
            assert_eq!(&base[..e.start as usize], &new[..e.start as usize]);
            assert_eq!(&base[e.old_end as usize..], &new[(e.old_end as i64 + e.delta) as usize..]);
            assert!(e.old_end as usize - e.start as usize <= remove.max(1) + 2, "{at}: region too wide {e:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]
        /// Any edit: when the re-parse answers, it answers what the full parse says.
        #[test]
        fn reparse_equals_full_parse(
            at in 0usize..SPEC.len(),
            remove in 0usize..6,
            insert in prop::sample::select(vec!["", "x", " ", "\n", "- ", ": ", "\"", "'", "#", "[", "]", "{", "}", "\n  ", "\n    - a", "ü", "😀", "yes", "1_0", "0o7", "|\n  x", ",", "*a", "&a ", "!!str ", "\t", "\r\n", "---\n", "key: v\n"]),
        ) {
            let mut at = at;
            while !SPEC.is_char_boundary(at) { at -= 1; }
            let mut end = (at + remove).min(SPEC.len());
            while !SPEC.is_char_boundary(end) { end += 1; }
            let new = edited(SPEC, at, end - at, insert);
            check(SPEC, &new);
        }
    }
}
