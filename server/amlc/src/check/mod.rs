//! The pieces of `amlc check`: finding inputs, checking one file, rendering the results.

pub mod inputs;
pub mod render;

use amlc_spec::attachments::{second_attachments, Attachment};
use amlc_spec::{Diagnostic, LineIndex, Severity, TextRange};

/// The code `amlc check` raises itself when a file cannot be read at all (registered with the others).
pub const CODE_UNREADABLE: &str = amlc_spec::codes::UNREADABLE_FILE;

/// One input: a name to report and the bytes read (or why they could not be read).
pub struct Input {
    pub name: String,
    /// The name as a SARIF `artifactLocation.uri`: relative reference, percent-encoded.
    pub uri: String,
    pub bytes: Result<Vec<u8>, String>,
}

/// One checked file: its text (for source lines and positions) and what the core said about it.
pub struct FileReport {
    pub name: String,
    pub uri: String,
    pub text: String,
    pub index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// Byte ranges of secret values, masked wherever the text is shown.
    pub secrets: Vec<TextRange>,
    /// The resource the spec attaches, for the rule across the files of one run.
    pub attachment: Option<Attachment>,
}

impl FileReport {
    pub fn check(input: Input) -> FileReport {
        let (text, diagnostics, secrets, attachment) = match input.bytes {
            Err(reason) => (
                String::new(),
                vec![file_error(CODE_UNREADABLE, format!("cannot read this file: {reason}"), 0)],
                Vec::new(),
                None,
            ),
            Ok(bytes) => {
                // Editors do not count a byte-order mark in positions; neither do we.
                let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
                let analysis = amlc_spec::analyze_bytes(bytes);
                let secrets = analysis.secret_ranges();
                let text = String::from_utf8_lossy(bytes).into_owned();
                let attachment = Attachment::of(&text, &analysis);
                (text, analysis.diagnostics, secrets, attachment)
            }
        };
        let index = LineIndex::new(&text);
        FileReport { name: input.name, uri: input.uri, text, index, diagnostics, secrets, attachment }
    }

    pub fn has_error(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Adds the diagnostics of the rule across files: specs of one run that attach one resource under two names.
pub fn cross_file(reports: &mut [FileReport]) {
    let specs: Vec<(&str, Option<&Attachment>)> =
        reports.iter().map(|r| (r.name.as_str(), r.attachment.as_ref())).collect();
    let found = second_attachments(&specs);
    for (report, extra) in reports.iter_mut().zip(found) {
        if !extra.is_empty() {
            report.diagnostics.extend(extra);
            report.diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
        }
    }
}

fn file_error(code: &'static str, message: String, at: usize) -> Diagnostic {
    let at = u32::try_from(at).unwrap_or(u32::MAX);
    Diagnostic {
        code,
        severity: Severity::Error,
        message,
        range: TextRange::empty(at),
        tags: Vec::new(),
        fixes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    /// A file that cannot be read is an error of that file, at its start, in every output format.
    #[test]
    fn an_unreadable_file_is_reported_in_every_format() {
        let report = FileReport::check(Input {
            name: "specs/locked.yml".into(),
            uri: "specs/locked.yml".into(),
            bytes: Err("Permission denied (os error 13)".into()),
        });
        assert!(report.has_error());
        let reports = std::slice::from_ref(&report);
        let mut human = Vec::new();
        render::human_diagnostics(&mut human, &report, false).expect("render");
        expect![[r#"
            error[AMLC099]: cannot read this file: Permission denied (os error 13)
             --> specs/locked.yml:1:1

        "#]]
        .assert_eq(&String::from_utf8_lossy(&human));
        let mut json = Vec::new();
        render::json_lines(&mut json, reports).expect("render");
        expect![[r#"
            {"path":"specs/locked.yml","diagnostics":[{"severity":"error","code":"AMLC099","message":"cannot read this file: Permission denied (os error 13)","range":{"start":{"line":0,"column":0},"end":{"line":0,"column":0}}}]}
        "#]].assert_eq(&String::from_utf8_lossy(&json));
        let mut sarif = Vec::new();
        render::sarif(&mut sarif, reports).expect("render");
        let sarif: serde_json::Value = serde_json::from_slice(&sarif).expect("SARIF is JSON");
        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], CODE_UNREADABLE);
        assert_eq!(result["level"], "error");
    }
}
