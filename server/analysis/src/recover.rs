//! Recovery from a syntax error, so that one half-typed line spoils only the block it is in.
//!
//! The YAML parser stops at the first error. While the user types, some line is nearly always
//! unfinished, and judging nothing until it is would make every other diagnostic, hover and lens
//! flicker on each keystroke. Instead the text is cut into blocks by indentation (a top-level
//! entry, then its entries or list items, and so on), the smallest block that does not parse on
//! its own is found, and its bytes are blanked to spaces. The rest, with every byte offset
//! unchanged, is parsed and judged as usual; the broken block carries the syntax error.

use crate::syntax::{parse, NodeKind, Parsed, SyntaxError, SyntaxErrorKind};
use crate::TextRange;

/// What recovery made of a text whose parse stopped at an error.
pub(crate) struct Recovered {
    /// The parse of the text with the broken blocks blanked: a full tree with the original offsets.
    pub parsed: Parsed,
    /// The syntax error of each broken block, positioned inside it.
    pub errors: Vec<SyntaxError>,
}

/// Recovers from `failed`, the parse of `text` that stopped at an error; `None` when no block
/// can be set aside with certainty (the caller then keeps the partial tree and judges nothing).
pub(crate) fn recover(text: &str, failed: &Parsed) -> Option<Recovered> {
    let lines = lines(text);
    let content: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].is_content(text)).collect();
    let first = *content.first()?;
    // A spec is a mapping; a top-level list has no entries to set aside.
    if lines[first].indent != 0 || lines[first].is_dash(text) {
        return None;
    }
    let mut spans = Vec::new();
    for block in split(text, &lines, &content, false) {
        if !fine_alone(text, &lines, &block, false, &[]) {
            narrow(text, &lines, &block, false, &mut spans);
        }
    }
    if spans.is_empty() {
        return None;
    }
    let masked = blank(text, &spans, 0, text.len());
    let parsed = parse(&masked);
    if parsed.partial || parsed.document.is_none() || parsed.errors.iter().any(|e| structural(e.kind)) {
        return None;
    }
    let errors = spans.iter().map(|&span| error_for(text, span, failed)).collect();
    Some(Recovered { parsed, errors })
}

/// An error that means the text is not well-formed YAML. Others leave a complete tree behind: a
/// duplicate key, a value PyYAML cannot load, or (for a list item parsed alone) a top-level list.
fn structural(kind: SyntaxErrorKind) -> bool {
    !matches!(kind, SyntaxErrorKind::DuplicateKey | SyntaxErrorKind::Unloadable | SyntaxErrorKind::NotAMapping)
}

/// One line: where it starts, how many spaces indent it, where its text ends (before the break).
struct Line {
    start: usize,
    indent: usize,
    end: usize,
}

impl Line {
    fn body<'t>(&self, text: &'t str) -> &'t str {
        text[self.start + self.indent..self.end].trim_end()
    }

    /// A line with something other than blanks or a comment.
    fn is_content(&self, text: &str) -> bool {
        let body = self.body(text);
        !body.is_empty() && !body.starts_with('#') && !is_marker(text, self)
    }

    fn is_dash(&self, text: &str) -> bool {
        let body = self.body(text);
        body == "-" || body.starts_with("- ")
    }
}

/// A document marker or directive line, which belongs to no block.
fn is_marker(text: &str, line: &Line) -> bool {
    let raw = &text[line.start..line.end];
    line.indent == 0 && (raw.starts_with("---") || raw.starts_with("...") || raw.starts_with('%'))
}

fn lines(text: &str) -> Vec<Line> {
    crate::line_index::lines(text)
        .map(|range| {
            let (start, end) = (range.start as usize, range.end as usize);
            let body = &text[start..end];
            Line { start, indent: body.len() - body.trim_start_matches(' ').len(), end }
        })
        .collect()
}

/// Cuts content lines (indexes into `lines`) into blocks: a block starts at each line of the
/// smallest indentation, except that list items at a key's own indentation (`key:\n- a`) stay
/// with the key. `items` says whether the blocks are list items.
fn split(text: &str, lines: &[Line], content: &[usize], items: bool) -> Vec<Vec<usize>> {
    // A line indented with a tab belongs to the block above it: the tab is the error, not the block's end.
    let tabbed = |i: usize| text[lines[i].start + lines[i].indent..].starts_with('\t');
    let Some(indent) = content.iter().filter(|&&i| !tabbed(i)).map(|&i| lines[i].indent).min() else {
        return vec![content.to_vec()];
    };
    let mut blocks: Vec<Vec<usize>> = Vec::new();
    for &i in content {
        let line = &lines[i];
        let starts = line.indent == indent && !tabbed(i) && line.is_dash(text) == items;
        match blocks.last_mut() {
            Some(block) if !starts => block.push(i),
            _ => blocks.push(vec![i]),
        }
    }
    blocks
}

/// The bytes of a block: from the start of its first line to the end of its last.
fn span_of(lines: &[Line], block: &[usize]) -> TextRange {
    let (first, last) = (block[0], block[block.len() - 1]);
    TextRange::new(lines[first].start as u32, lines[last].end as u32)
}

/// Whether a block parses on its own (with `holes` blanked) as one mapping entry, or one list item.
fn fine_alone(text: &str, lines: &[Line], block: &[usize], item: bool, holes: &[TextRange]) -> bool {
    // A tab in the indentation is an error in place, though a block that starts with one parses alone.
    let tab_indented = |i: &usize| text[lines[*i].start + lines[*i].indent..].starts_with('\t');
    if holes.is_empty() && block.iter().any(tab_indented) {
        return false;
    }
    let span = span_of(lines, block);
    let own = blank(text, holes, span.start as usize, span.end as usize);
    let parsed = parse(&own);
    if parsed.partial || parsed.errors.iter().any(|e| structural(e.kind)) {
        return false;
    }
    let Some(doc) = parsed.document else { return false };
    if doc.root.flow {
        return false;
    }
    match &doc.root.kind {
        NodeKind::Mapping(entries) => !item && entries.len() == 1,
        NodeKind::Sequence(children) => item && children.len() == 1,
        _ => false,
    }
}

/// Finds the smallest broken blocks inside a broken block: its child entries or items are tried
/// alone, and if blanking the broken ones lets the block parse, they are the ones set aside.
/// Otherwise (or when the block's first line is not one that opens children) the whole block is.
/// Returns whether it set the whole block aside.
fn narrow(text: &str, lines: &[Line], block: &[usize], item: bool, spans: &mut Vec<TextRange>) -> bool {
    let whole = span_of(lines, block);
    let children = &block[1..];
    if children.is_empty() || !opens_children(lines[block[0]].body(text)) {
        spans.push(whole);
        return true;
    }
    let items = lines[children[0]].is_dash(text);
    let mut inner = Vec::new();
    // `- key: value` holds an entry of its own besides the lines below it.
    let header = lines[block[0]].body(text);
    let mut fine = usize::from(header.strip_prefix('-').is_some_and(|rest| !rest.trim().is_empty()));
    for child in split(text, lines, children, items) {
        if fine_alone(text, lines, &child, items, &[]) || !narrow(text, lines, &child, items, &mut inner) {
            fine += 1;
        }
    }
    // When every child is set aside whole, the block would be judged as empty: set it aside instead.
    if !inner.is_empty() && fine > 0 && fine_alone(text, lines, block, item, &inner) {
        spans.extend(inner);
        false
    } else {
        spans.push(whole);
        true
    }
}

/// Whether the lines under this one hold its entries or items (`key:`, `-`, `- key: value`),
/// rather than the rest of a scalar that would change meaning if a line of it were blanked.
fn opens_children(body: &str) -> bool {
    let body = match body.strip_prefix('-') {
        Some("") => return true,
        Some(rest) if rest.starts_with(' ') => {
            let rest = rest.trim_start();
            // `- key: value` starts a mapping whose later entries are the lines below.
            return rest.is_empty()
                || rest.starts_with('#')
                || key_colon(rest).is_some_and(|c| !scalar_opener(&rest[c + 1..]));
        }
        _ => body,
    };
    key_colon(body).is_some_and(|c| {
        let rest = body[c + 1..].trim();
        rest.is_empty() || rest.starts_with('#')
    })
}

/// A value that starts a block scalar, or a flow collection or quoted string that may run on.
fn scalar_opener(value: &str) -> bool {
    let value = value.trim_start();
    value.starts_with(['|', '>', '[', '{', '"', '\''])
}

fn key_colon(body: &str) -> Option<usize> {
    crate::ide::context::find_key_colon(body)
}

/// `text[from..to]` with the bytes of `holes` (but not their line breaks) turned into spaces.
fn blank(text: &str, holes: &[TextRange], from: usize, to: usize) -> String {
    let mut bytes = text.as_bytes()[from..to].to_vec();
    for hole in holes {
        let (start, end) = ((hole.start as usize).max(from), (hole.end as usize).min(to));
        for b in bytes.iter_mut().take(end.saturating_sub(from)).skip(start.saturating_sub(from)) {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Whole characters are blanked (a block starts and ends at line boundaries), so this holds.
    String::from_utf8(bytes).unwrap_or_default()
}

/// The syntax error a broken block carries, positioned inside it.
fn error_for(text: &str, span: TextRange, failed: &Parsed) -> SyntaxError {
    let own = &text[span.start as usize..span.end as usize];
    let first_line = own.lines().next().unwrap_or("");
    let lead = first_line.len() - first_line.trim_start().len();
    // Without a trailing comment (a plain scalar ends where ` #` starts).
    let body = first_line.find(" #").map_or(first_line, |at| &first_line[..at]).trim();
    let range = TextRange::new(span.start + lead as u32, span.start + (lead + body.len()) as u32);
    // The usual case while typing: a key with no `:` yet. The parser notices only on a later line.
    let body_after_dash = body.strip_prefix("- ").map_or(body, str::trim_start);
    if key_colon(body_after_dash).is_none() && !body_after_dash.starts_with(['"', '\'', '[', '{']) {
        return SyntaxError {
            kind: SyntaxErrorKind::Syntax,
            message: format!(
                "`{body_after_dash}` is not a `key: value` entry; finish it with `:` and a value, or remove the line"
            ),
            range,
            related: None,
        };
    }
    // The error of the block parsed alone, moved to where the block is.
    let shift = |r: TextRange| TextRange::new(r.start + span.start, r.end + span.start);
    if let Some(err) = parse(own).errors.into_iter().find(|e| structural(e.kind)) {
        // An error at the very end of the block (an unclosed bracket) is shown on its first line.
        let range = if err.range.is_empty() { range } else { shift(err.range) };
        return SyntaxError { range, related: err.related.map(shift), ..err };
    }
    // The parser's own error when it points into this block; else what it said, on the block's first line.
    match failed.errors.iter().find(|e| !e.range.is_empty() && span.start <= e.range.start && e.range.end <= span.end) {
        Some(err) => err.clone(),
        None => SyntaxError {
            kind: failed.errors.first().map_or(SyntaxErrorKind::Syntax, |e| e.kind),
            message: failed.errors.first().map_or_else(|| "YAML syntax error".into(), |e| e.message.clone()),
            range,
            related: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(text: &str) -> Vec<&str> {
        let failed = parse(text);
        assert!(failed.partial, "{text:?} parsed");
        let recovered = recover(text, &failed).expect("recovered");
        recovered.errors.iter().map(|e| &text[e.range.start as usize..e.range.end as usize]).collect()
    }

    #[test]
    fn sets_aside_the_smallest_broken_block() {
        assert_eq!(blanked("name: a\nenable_no\nsize: b\n"), ["enable_no"]);
        assert_eq!(blanked("name: a\nsize: b\nenable_no"), ["enable_no"]);
        assert_eq!(blanked("name: a\nssh_settings:\n  admin_username: x\n  ssh_po\nsize: b\n"), ["ssh_po"]);
        assert_eq!(blanked("tags:\n- a: 1\n  b\n- c: 2\nname: x\n"), ["b"]);
        // Deep in a list of mappings, only the half-typed line goes.
        let deep = "apps:\n  - name: a\n    mounts:\n      - source: /x\n        target: /y\n        enable_no\n        read_only: false\n";
        assert_eq!(blanked(deep), ["enable_no"]);
        assert_eq!(blanked("name: \"abc\ntype: x\n").len(), 1);
    }

    #[test]
    fn keeps_offsets_of_the_rest() {
        let text = "name: a\nenable_no\nsize: b\n";
        let recovered = recover(text, &parse(text)).expect("recovered");
        let doc = recovered.parsed.document.expect("tree");
        let size = doc.root.entry("size").expect("size");
        assert_eq!(&text[size.key.range.start as usize..size.value.range.end as usize], "size: b");
        assert!(doc.root.entry("enable_no").is_none());
    }

    #[test]
    fn a_top_level_list_is_not_recovered() {
        let text = "- a\n- b: [\n";
        assert!(recover(text, &parse(text)).is_none());
    }
}
