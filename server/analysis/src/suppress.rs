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
    crate::line_index::lines(text).map(|r| (r.start as usize, &text[r.start as usize..r.end as usize])).collect()
}

/// Where a comment starts: a `#` at the start of the line or after whitespace.
fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    (0..b.len()).find(|&i| b[i] == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 50,000 comments each silencing the diagnostic on the next line: with a scan of every rule per diagnostic
    /// this was 2.5 billion checks (minutes); by binary search it is a blink even in a debug build.
    #[test]
    fn many_suppressions_cost_n_log_n() {
        let n = 50_000usize;
        let mut text = String::new();
        let mut diags = Vec::new();
        for i in 0..n {
            text.push_str("# amlc-disable-next-line AMLC022\n");
            let at = text.len() as u32;
            text.push_str(&format!("k{i}: 1\n"));
            diags.push(Diagnostic::new(codes::UNKNOWN_KEY, "unknown", TextRange::new(at, at + 2)));
            diags.push(Diagnostic::new(codes::NEGATIVE_VALUE, "kept", TextRange::new(at, at + 2)));
        }
        let started = std::time::Instant::now();
        apply(&text, &mut diags);
        let took = started.elapsed();
        assert_eq!(diags.len(), n, "only the named code is silenced");
        assert!(diags.iter().all(|d| d.code == codes::NEGATIVE_VALUE));
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    }

    #[test]
    fn file_rules_and_line_rules() {
        let text = "# amlc-disable-file AMLC043\na: 1\n# amlc-disable-next-line\nb: 2\nc: 3\n";
        let at = |needle: &str| text.find(needle).map_or(0, |i| i as u32);
        let mut diags = vec![
            Diagnostic::new(codes::NEGATIVE_VALUE, "file-wide", TextRange::empty(at("a:"))),
            Diagnostic::new(codes::UNKNOWN_KEY, "next line, all codes", TextRange::empty(at("b:"))),
            Diagnostic::new(codes::UNKNOWN_KEY, "not covered", TextRange::empty(at("c:"))),
        ];
        apply(text, &mut diags);
        assert_eq!(diags.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(), ["not covered"]);
    }
}
