//! `amlc lsp` over real stdio with the built binary: Content-Length framing, 1000 rapid incremental
//! edits that must leave the server's text equal to the client's, UTF-16 ranges with emoji and CJK,
//! a CRLF file, and a clean exit. Kept few: the in-process tests in server/lsp cover the features.

use amlc_tests::lsp::Server;
use serde_json::json;

/// A client-side model of incremental edits, in UTF-16 positions, to compare with the server.
fn apply(text: &mut String, line: usize, col16: usize, remove16: usize, insert: &str) {
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let byte_at = |units: usize| -> usize {
        let mut count = 0;
        for (i, ch) in text[line_start..].char_indices() {
            if count >= units || ch == '\n' || ch == '\r' {
                return line_start + i;
            }
            count += ch.len_utf16();
        }
        text.len()
    };
    let start = byte_at(col16);
    let end = byte_at(col16 + remove16);
    text.replace_range(start..end, insert);
}

fn line_len16(text: &str, line: usize) -> usize {
    text.split('\n').nth(line).map(|l| l.trim_end_matches('\r').encode_utf16().count()).unwrap_or(0)
}

#[test]
fn a_thousand_rapid_incremental_edits_leave_the_same_text() {
    let mut server = Server::start(json!({}));
    let uri = "file:///tmp/amlc-stdio/cluster.yml";
    let mut text = String::from(
        "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n\
         name: cpu-cluster # 计算 😀\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: 4\n",
    );
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    // A deterministic pseudo-random sequence of inserts, deletes and replacements, including
    // multi-byte characters and new lines, sent without waiting for any answer.
    let mut seed: u64 = 0x5eed;
    let mut next = |bound: usize| -> usize {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % bound.max(1)
    };
    let inserts = ["x", "é", "😀", "计", "\n", "  key: v\n", ""];
    for version in 2..=1001 {
        let lines = text.split('\n').count();
        // Lines 0–2 (the `$schema` and `type`) stay intact, so the document stays a spec and
        // every version gets diagnostics.
        let line = 3 + next(lines - 3);
        let len = line_len16(&text, line);
        let mut col = next(len + 1);
        // Never split a surrogate pair: step back to a character boundary in UTF-16.
        let line_text: Vec<u16> = text.split('\n').nth(line).unwrap_or("").encode_utf16().collect();
        if col > 0 && col < line_text.len() && (0xDC00..0xE000).contains(&line_text[col]) {
            col -= 1;
        }
        let mut remove = next(3).min(len - col);
        if col + remove < line_text.len() && (0xDC00..0xE000).contains(&line_text[col + remove]) {
            remove += 1;
        }
        let insert = inserts[next(inserts.len())];
        apply(&mut text, line, col, remove, insert);
        let range =
            json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col + remove}});
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": insert}]}),
        );
    }
    server.wait_diagnostics(uri, 1001);
    assert_eq!(server.text(uri), text);
    server.stop();
}

#[test]
fn utf16_ranges_with_emoji_and_cjk_and_a_crlf_file() {
    let mut server = Server::start(json!({}));
    let uri = "file:///tmp/amlc-stdio/instance.yml";
    let text = "type: computeinstance\r\ndescription: 😀😀 计算机 end\r\nname: ci\r\n";
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    server.wait_diagnostics(uri, 1);
    // `end` starts at UTF-16 column 13 + 4 + 1 + 3 + 1 = 22 on line 1.
    let range = json!({"start": {"line": 1, "character": 22}, "end": {"line": 1, "character": 25}});
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": range, "text": "fin"}]}),
    );
    // Replace the CRLF line break between lines 1 and 2 with a space, then append after the last line.
    let range = json!({"start": {"line": 1, "character": 25}, "end": {"line": 2, "character": 0}});
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": range, "text": "\r\n\r\n"}]}),
    );
    let range = json!({"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}});
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"range": range, "text": "size: x\r\n"}]}),
    );
    server.wait_diagnostics(uri, 4);
    assert_eq!(
        server.text(uri),
        "type: computeinstance\r\ndescription: 😀😀 计算机 fin\r\n\r\nname: ci\r\nsize: x\r\n"
    );
    server.stop();
}
