//! Suppression comments: `# amlc-disable-next-line AMLC041, AMLC070` silences those codes on
//! the following line, `# amlc-disable-file AMLC073` in the whole file; without codes, every
//! code. A code amlc does not have is itself reported, so typos do not silently do nothing.

use crate::{codes, Diagnostic, TextRange};

const NEXT_LINE: &str = "amlc-disable-next-line";
const FILE: &str = "amlc-disable-file";

struct Rule {
    /// Byte range of the line the rule covers; `None` = the whole file.
    line: Option<TextRange>,
    /// Codes covered; empty = all.
    codes: Vec<String>,
}

/// Removes suppressed diagnostics and reports unknown codes in suppression comments.
pub fn apply(text: &str, diags: &mut Vec<Diagnostic>) {
    if !text.contains("amlc-disable") {
        return;
    }
    let mut rules = Vec::new();
    let mut unknown = Vec::new();
    let lines: Vec<(usize, &str)> = line_spans(text);
    for (i, &(start, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line) else { continue };
        let comment = line[hash + 1..].trim_start();
        let (rest, whole_file) = if let Some(r) = comment.strip_prefix(NEXT_LINE) {
            (r, false)
        } else if let Some(r) = comment.strip_prefix(FILE) {
            (r, true)
        } else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t', ',']) {
            continue;
        }
        let rest_offset = start + line.len() - rest.len();
        let mut list = Vec::new();
        let mut pos = 0usize;
        for word in rest.split(|c: char| c == ',' || c.is_whitespace()) {
            let at = pos;
            pos += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            // Text after the codes (`-- reason`) ends the list.
            if !word.to_ascii_uppercase().starts_with("AMLC") {
                break;
            }
            if codes::lookup(word).is_none() {
                let s = (rest_offset + at) as u32;
                unknown.push(Diagnostic::new(
                    codes::UNKNOWN_SUPPRESSION,
                    format!("`{word}` is not an amlc diagnostic code; see docs/diagnostics.md"),
                    TextRange::new(s, s + word.len() as u32),
                ));
            }
            list.push(word.to_ascii_uppercase());
        }
        let line_range = if whole_file {
            None
        } else {
            match lines.get(i + 1) {
                Some(&(s, l)) => Some(TextRange::new(s as u32, (s + l.len()) as u32)),
                None => continue,
            }
        };
        rules.push(Rule { line: line_range, codes: list });
    }
    // Whole-file rules are merged into one set, and line rules are in line order (one comment covers one
    // line): each diagnostic finds its rule by binary search, so many comments and many diagnostics cost
    // n log n, not their product.
    let mut file_all = false;
    let mut file_codes = std::collections::HashSet::new();
    let mut line_rules: Vec<(TextRange, Vec<String>)> = Vec::new();
    for rule in rules {
        match rule.line {
            None if rule.codes.is_empty() => file_all = true,
            None => file_codes.extend(rule.codes),
            Some(line) => line_rules.push((line, rule.codes)),
        }
    }
    if file_all {
        diags.clear();
    }
    diags.retain(|d| {
        if file_codes.contains(d.code) {
            return false;
        }
        let at = line_rules.partition_point(|(line, _)| line.start <= d.range.start);
        let covered = at.checked_sub(1).map(|i| &line_rules[i]).filter(|(line, _)| d.range.start <= line.end);
        !covered.is_some_and(|(_, codes)| codes.is_empty() || codes.iter().any(|c| c == d.code))
    });
    diags.extend(unknown);
}

/// Each line's start offset and text (without its line break).
fn line_spans(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for piece in text.split_inclusive('\n') {
        let line = piece.trim_end_matches(['\n', '\r']);
        out.push((start, line));
        start += piece.len();
    }
    out
}

/// Where a comment starts: a `#` at the start of the line or after whitespace.
fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    (0..b.len()).find(|&i| b[i] == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t'))
}
