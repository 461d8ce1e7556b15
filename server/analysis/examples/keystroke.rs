//! Developer tool: times one keystroke's analysis of a large spec (`x` typed at the end of a
//! line) and says whether it was judged one block at a time or as a whole. It types on the lines
//! near 10, 50 and 90 % of the file and on every line that holds one of the lspbench documents'
//! deliberate errors. Usage: `keystroke FILE`.
#![allow(clippy::print_stdout)]

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        println!("usage: keystroke FILE");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let value_line_from = |mut i: usize| {
        while i + 1 < lines.len() && !lines[i].contains(": ") {
            i += 1;
        }
        i
    };
    let mut targets: Vec<usize> =
        [0.1, 0.5, 0.9].iter().map(|f| value_line_from((lines.len() as f64 * f) as usize)).collect();
    let marks = ["protocl", "interval: daily", "action: pause", "twenty-two", "enable_gpu_boost", "tier: premium"];
    targets.extend(lines.iter().enumerate().filter(|(_, l)| marks.iter().any(|m| l.contains(m))).map(|(i, _)| i));
    for i in targets {
        let mut edited: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        let line = &mut edited[i];
        let end = line.trim_end().len();
        line.insert(end, 'x');
        let new = edited.concat();
        let before = amlc_analysis::analyze_without_values(&text);
        let started = std::time::Instant::now();
        let after = amlc_analysis::analyze_edited(&text, before, &new);
        let took = started.elapsed();
        let how = if after.judged_one_block() { "one block" } else { "whole" };
        println!("line {:>6}: {took:>10.2?} {how:<9} {} diagnostics", i + 1, after.diagnostics.len());
    }
}
