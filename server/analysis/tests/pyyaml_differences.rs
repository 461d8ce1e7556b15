//! Where amlc once read YAML differently from PyYAML (which the CLI loads specs with): each case is the code
//! and words the CLI's behaviour calls for.

use amlc_analysis::{analyze, analyze_bytes};

fn codes_of(text: &str) -> Vec<(&'static str, String)> {
    analyze(text).diagnostics.into_iter().map(|d| (d.code, d.message)).collect()
}

fn has(found: &[(&'static str, String)], code: &str, words: &str) -> bool {
    found.iter().any(|(c, m)| *c == code && m.contains(words))
}

#[test]
fn control_characters_in_plain_values_are_refused() {
    for (c, name) in [('\x1b', "ESC"), ('\x07', "BEL"), ('\x08', "backspace"), ('\0', "NUL")] {
        let text = format!("type: amlcompute\nname: a{c}b\n");
        let found = codes_of(&text);
        assert!(has(&found, "AMLC001", name), "{name}: {found:?}");
    }
    // Tabs, line breaks, NEL and a BOM are printable to PyYAML.
    assert!(!has(&codes_of("type: amlcompute\nname: a\u{85}b\ndescription: \"x\ty\"\n"), "AMLC001", "control"));
}

#[test]
fn a_lone_surrogate_escape_is_named_not_called_unclosed() {
    let text = "type: amlcompute\nname: c\ndescription: \"a \\ud800 b\"\n";
    let found = codes_of(text);
    assert!(has(&found, "AMLC001", "`\\ud800` is not a character"), "{found:?}");
    assert!(!found.iter().any(|(_, m)| m.contains("never closed")), "{found:?}");
    let range = analyze(text).diagnostics.iter().find(|d| d.code == "AMLC001").map(|d| d.range);
    assert_eq!(range.map(|r| &text[r.start as usize..r.end as usize]), Some("\\ud800"));
}

#[test]
fn ten_thousand_levels_are_a_limit_not_a_syntax_error() {
    for text in [
        format!("type: amlcompute\nname: c\ntags: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
        format!("type: amlcompute\nname: c\ntags: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000)),
    ] {
        let found = codes_of(&text);
        assert!(found.iter().any(|(c, _)| *c == "AMLC009"), "{found:?}");
        assert!(!found.iter().any(|(c, _)| *c == "AMLC001"), "{found:?}");
    }
}

#[test]
fn utf16_without_a_bom_is_an_encoding_error() {
    let text = "type: amlcompute\nname: c\n";
    for bytes in [
        text.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>(),
        text.encode_utf16().flat_map(u16::to_be_bytes).collect::<Vec<u8>>(),
    ] {
        let found: Vec<_> = analyze_bytes(&bytes).diagnostics.into_iter().map(|d| (d.code, d.message)).collect();
        assert!(has(&found, "AMLC010", "UTF-16"), "{found:?}");
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
