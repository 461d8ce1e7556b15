//! Quick fixes for the diagnostics under a range: the fixes the checks attach (did-you-mean, swap
//! min/max, unit conversions, removing read-only keys, adding `type`) plus, for every diagnostic,
//! "suppress on this line" with an `amlc-disable-next-line` comment.

use crate::{Analysis, Diagnostic, TextEdit, TextRange};

#[derive(Clone, Debug, PartialEq)]
pub struct CodeAction {
    pub title: String,
    pub edits: Vec<TextEdit>,
    pub preferred: bool,
    /// Index into `analysis.diagnostics` of the diagnostic this action fixes.
    pub diagnostic: usize,
}

/// Actions for the diagnostics on the lines `range` touches (the light bulb is per line, so a
/// cursor anywhere on a line offers that line's fixes).
pub fn code_actions(text: &str, analysis: &Analysis, range: TextRange) -> Vec<CodeAction> {
    let start = (range.start as usize).min(text.len());
    let end = (range.end as usize).clamp(start, text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1) as u32;
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i) as u32;
    let range = TextRange::new(line_start, line_end);
    let mut actions = Vec::new();
    for (index, diagnostic) in analysis.diagnostics.iter().enumerate() {
        if diagnostic.range.end < range.start || diagnostic.range.start > range.end {
            continue;
        }
        for fix in &diagnostic.fixes {
            actions.push(CodeAction {
                title: fix.title.clone(),
                edits: fix.edits.clone(),
                preferred: fix.preferred,
                diagnostic: index,
            });
        }
        actions.push(suppress(text, diagnostic, index));
    }
    actions
}

/// Inserts `# amlc-disable-next-line CODE` above the diagnostic's line, at its indentation.
fn suppress(text: &str, diagnostic: &Diagnostic, index: usize) -> CodeAction {
    let at = (diagnostic.range.start as usize).min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    CodeAction {
        title: format!("Suppress {} on this line", diagnostic.code),
        edits: vec![TextEdit {
            range: TextRange::empty(line_start as u32),
            new_text: format!("{indent}# amlc-disable-next-line {}{newline}", diagnostic.code),
        }],
        preferred: false,
        diagnostic: index,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let mut out = text.to_string();
        let mut edits = edits.to_vec();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        for e in edits {
            out.replace_range(e.range.start as usize..e.range.end as usize, &e.new_text);
        }
        out
    }

    #[test]
    fn fixes_and_suppression_silence_the_diagnostic() {
        let text = "type: amlcompute\nname: cpu\nmin_instances: 4\nmax_instances: 1\n";
        let analysis = crate::analyze(text);
        let at = text.find("min_instances").expect("min") as u32;
        let actions = code_actions(text, &analysis, TextRange::empty(at));
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        assert!(titles.contains(&"Suppress AMLC042 on this line"), "{titles:?}");
        for action in &actions {
            let fixed = apply(text, &action.edits);
            let after = crate::analyze(&fixed);
            let code = analysis.diagnostics[action.diagnostic].code;
            assert!(after.diagnostics.iter().all(|d| d.code != code), "{} left {code} in {fixed:?}", action.title);
        }
    }
}
