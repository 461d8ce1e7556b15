//! Where the cursor is, read from the text itself rather than the tree: while the user types, the
//! line under the cursor is often incomplete YAML (`  max_ins`), so the path is recovered from the
//! indentation of the lines above, which stays meaningful in broken documents.

use crate::line_index::{line_end, line_start};
use crate::syntax::PathSegment;
use crate::TextRange;

/// What the cursor is on.
#[derive(Debug, PartialEq, Eq)]
pub enum Position {
    /// Typing a key in the mapping at `path`; `word` is the range of the partial key.
    Key { path: Vec<PathSegment>, word: TextRange, indent: usize },
    /// Typing the value of the key at `path` (its last segment is the key); `value` is the range of
    /// the value written so far, up to the end of the line or a comment.
    Value { path: Vec<PathSegment>, value: TextRange },
}

/// The byte range of the line holding `offset`, without its line break.
pub fn line_at(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len()) as u32;
    (line_start(text, offset) as usize, line_end(text, offset) as usize)
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The key of a `key:` or `key: value` line body, unquoted.
fn key_of(body: &str) -> Option<&str> {
    let colon = find_key_colon(body)?;
    let key = body[..colon].trim();
    Some(key.trim_matches(['"', '\'']))
}

/// The colon that ends a plain or quoted key (followed by a space, or at the end of the line).
pub(crate) fn find_key_colon(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && i == 0 => quote = Some(b),
            None if b == b'#' && (i == 0 || bytes[i - 1] == b' ') => return None,
            None if b == b':' && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\r')) => return Some(i),
            None => {}
        }
    }
    None
}

/// Whether a line body is `key:` with nothing after it but a comment (so it opens a block).
fn opens_block(body: &str) -> Option<&str> {
    let colon = find_key_colon(body)?;
    let rest = body[colon + 1..].trim();
    (rest.is_empty() || rest.starts_with('#') || rest == "|" || rest == ">").then(|| key_of(body)).flatten()
}

/// The path of the mapping that holds a key written at `indent` on the line starting at `line_start`.
pub fn parent_path(text: &str, line_start: usize, indent: usize) -> Vec<PathSegment> {
    let mut segments = Vec::new();
    let mut current = indent;
    // After a sequence item, its key may sit at the same indentation as the dash (`key:\n- a`).
    let mut in_item = false;
    for line in text[..line_start].lines().rev() {
        let body_start = indent_of(line);
        let body = line[body_start..].trim_end();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if current == 0 && !in_item {
            break;
        }
        if let Some(after_dash) = body.strip_prefix("- ").or_else(|| (body == "-").then_some("")) {
            let content = body_start + 2 + (after_dash.len() - after_dash.trim_start().len());
            if body_start < current && current <= content.max(body_start + 2) {
                segments.push(PathSegment::Index(0));
                current = body_start;
                in_item = true;
            }
            continue;
        }
        if body_start < current || (in_item && body_start == current) {
            match opens_block(body) {
                Some(key) => {
                    segments.push(PathSegment::Key(key.to_string()));
                    current = body_start;
                    in_item = false;
                }
                None if body_start < current => break,
                None => {}
            }
        }
    }
    segments.reverse();
    segments
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'$' | b'.')
}

/// Reads the cursor's position.
pub fn position_at(text: &str, offset: usize) -> Position {
    let offset = floor_boundary(text, offset.min(text.len()));
    let (start, end) = line_at(text, offset);
    let line = &text[start..end];
    // A cursor inside the indentation types a key at its own column: the body starts there.
    let mut body_start = indent_of(line).min(offset - start);
    let mut item_prefix = false;
    // `- key` inside a sequence: the key belongs to the item's mapping.
    while line[body_start..].starts_with("- ") && start + body_start + 2 <= offset {
        body_start += 2;
        body_start += indent_of(&line[body_start..]);
        item_prefix = true;
    }
    if let Some(colon) = find_key_colon(&line[body_start..]).filter(|c| body_start + c < offset - start) {
        let key = key_of(&line[body_start..]).unwrap_or("").to_string();
        let mut path = key_path_prefix(text, start, line, body_start, item_prefix);
        path.push(PathSegment::Key(key));
        let value_start = start + body_start + colon + 1;
        let rest = &text[value_start..end];
        let lead = rest.len() - rest.trim_start().len();
        let value_end = rest.find(" #").map_or(end, |i| value_start + i);
        let value_start = (value_start + lead).min(value_end);
        return Position::Value { path, value: TextRange::new(value_start as u32, value_end.max(value_start) as u32) };
    }
    let bytes = text.as_bytes();
    let mut word_start = offset;
    while word_start > start + body_start && is_word_byte(bytes[word_start - 1]) {
        word_start -= 1;
    }
    let mut word_end = offset;
    while word_end < end && is_word_byte(bytes[word_end]) {
        word_end += 1;
    }
    let path = key_path_prefix(text, start, line, body_start, item_prefix);
    Position::Key { path, word: TextRange::new(word_start as u32, word_end as u32), indent: body_start }
}

fn key_path_prefix(
    text: &str,
    line_start: usize,
    line: &str,
    body_start: usize,
    item_prefix: bool,
) -> Vec<PathSegment> {
    if item_prefix {
        let dash = indent_of(line);
        let mut path = parent_path_of_sequence(text, line_start, dash);
        path.push(PathSegment::Index(0));
        path
    } else {
        parent_path(text, line_start, body_start)
    }
}

/// The path of a sequence whose dashes sit at `dash_indent`.
fn parent_path_of_sequence(text: &str, line_start: usize, dash_indent: usize) -> Vec<PathSegment> {
    for line in text[..line_start].lines().rev() {
        let indent = indent_of(line);
        let body = line[indent..].trim_end();
        if body.is_empty() || body.starts_with('#') || (indent == dash_indent && body.starts_with('-')) {
            continue;
        }
        if indent > dash_indent {
            continue;
        }
        if let Some(key) = opens_block(body) {
            let line_offset = line.as_ptr() as usize - text.as_ptr() as usize;
            let mut path = parent_path(text, line_offset, indent);
            path.push(PathSegment::Key(key.to_string()));
            return path;
        }
        break;
    }
    Vec::new()
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(fixture: &str) -> Position {
        let offset = fixture.find('|').expect("cursor");
        let text = fixture.replacen('|', "", 1);
        position_at(&text, offset)
    }

    fn keys(path: &[PathSegment]) -> String {
        crate::syntax::dotted(path)
    }

    #[test]
    fn paths_from_indentation() {
        let cases = [
            ("type: amlcompute\nmax_|", "", true),
            (
                "type: computeinstance\nschedules:\n  compute_start_stop:\n    - action: start\n      trig|",
                "schedules.compute_start_stop.0",
                true,
            ),
            (
                "identity:\n  type: user_assigned\n  user_assigned_identities:\n    - resource_id: x\n  |",
                "identity",
                true,
            ),
            ("identity:\n  ty|", "identity", true),
            ("tier: low|", "tier", false),
            ("schedules:\n  compute_start_stop:\n  - action: |", "schedules.compute_start_stop.0.action", false),
            (
                "schedules:\n  compute_start_stop:\n  - trigger:\n      type: cron\n    act|",
                "schedules.compute_start_stop.0",
                true,
            ),
            ("ssh_settings:\n  # a comment\n\n  admin_|", "ssh_settings", true),
        ];
        for (fixture, expected, is_key) in cases {
            match at(fixture) {
                Position::Key { path, .. } => {
                    assert!(is_key, "{fixture:?} read as a key");
                    assert_eq!(keys(&path), expected, "{fixture:?}");
                }
                Position::Value { path, .. } => {
                    assert!(!is_key, "{fixture:?} read as a value");
                    assert_eq!(keys(&path), expected, "{fixture:?}");
                }
            }
        }
    }

    #[test]
    fn cursor_inside_indentation_types_a_key_there() {
        let text = "tags:\n    team: a\n";
        for col in 0..4 {
            match position_at(text, 6 + col) {
                Position::Key { word, indent, .. } => {
                    assert_eq!((word.start as usize, indent), (6 + col, col), "column {col}");
                }
                other => panic!("column {col}: {other:?}"),
            }
        }
    }

    #[test]
    fn word_and_value_ranges() {
        let text = "name: x\nmax_inst: 3 # c\n";
        match position_at(text, 11) {
            Position::Key { word, .. } => assert_eq!(&text[word.start as usize..word.end as usize], "max_inst"),
            other => panic!("{other:?}"),
        }
        match position_at(text, 19) {
            Position::Value { value, .. } => assert_eq!(&text[value.start as usize..value.end as usize], "3"),
            other => panic!("{other:?}"),
        }
    }
}
