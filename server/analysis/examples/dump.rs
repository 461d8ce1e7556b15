//! Developer tool: prints amlc-analysis's diagnostics for files, one per line, as
//! `path:line:col severity code message` (1-based), plus timing. `amlc check` is the real CLI.

use std::io::Write;

fn main() -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path)?;
        let start = std::time::Instant::now();
        let analysis = amlc_analysis::analyze_bytes(&bytes);
        let elapsed = start.elapsed();
        let text = String::from_utf8_lossy(&bytes);
        let index = amlc_analysis::LineIndex::new(&text);
        for d in &analysis.diagnostics {
            let lc = index.line_col(&text, d.range.start, amlc_analysis::PositionEncoding::Utf16);
            writeln!(out, "{path}:{}:{} {} {} {}", lc.line + 1, lc.col + 1, d.severity.as_str(), d.code, d.message)?;
        }
        writeln!(out, "{path}: {} diagnostics in {elapsed:?}", analysis.diagnostics.len())?;
    }
    Ok(())
}
