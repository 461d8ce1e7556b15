//! Criterion benchmarks of `analyze`: a 20-line spec, and the 1k/10k/50k-line specs that
//! ../shared/lspbench/gen_docs.py generates (written to a temporary folder at bench start, so no
//! large file is committed). Goals: ≤ 100 µs for the small spec, ≤ 50 ms at 50k lines, linear.
//! `analyze_edited` measures the editor's keystroke path, which re-parses only the edited block.
//! Hostile shapes: 10k/100k unknown keys and 10k/100k suppression comments, which once took time growing
//! with the square of their number; here they must grow linearly.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;

const SMALL: &str = "\
$schema: https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json
type: computeinstance
name: ci-bench-small
description: Workstation for the bench
size: Standard_DS3_v2
idle_time_before_shutdown_minutes: 60
ssh_public_access_enabled: false
enable_node_public_ip: true
identity:
  type: system_assigned
schedules:
  compute_start_stop:
    - action: stop
      trigger:
        type: cron
        expression: \"0 19 * * *\"
        start_time: \"2024-05-01T19:00:00\"
        time_zone: UTC
tags:
  team: data-science
";

/// Runs gen_docs.py into a temp folder; `None` (with a note) if python3 or ../shared is missing.
fn generated_docs() -> Option<PathBuf> {
    let script = amlc_testkit::shared_dir("analyze bench")?.join("lspbench/gen_docs.py");
    if !script.is_file() {
        eprintln!("SKIPPED large documents: {} not found", script.display());
        return None;
    }
    let out = std::env::temp_dir().join("amlc-bench-docs");
    let status =
        Command::new("python3").arg(&script).arg("--out").arg(&out).arg("--sizes").arg("1000,10000,50000").output();
    match status {
        Ok(o) if o.status.success() => Some(out),
        Ok(o) => {
            eprintln!("SKIPPED large documents: gen_docs.py failed: {}", String::from_utf8_lossy(&o.stderr));
            None
        }
        Err(e) => {
            eprintln!("SKIPPED large documents: cannot run python3: {e}");
            None
        }
    }
}

/// A cluster spec with `n` unknown top-level keys.
fn unknown_keys(n: usize) -> String {
    let mut text = String::from("type: amlcompute\nname: hostile\nsize: Standard_DS3_v2\n");
    for i in 0..n {
        text.push_str(&format!("unknown_key_{i}: {i}\n"));
    }
    text
}

/// A cluster spec whose `n` unknown keys each follow a comment suppressing their diagnostic.
fn suppressions(n: usize) -> String {
    let mut text = String::from("type: amlcompute\nname: hostile\nsize: Standard_DS3_v2\n");
    for i in 0..n {
        text.push_str(&format!("# amlc-disable-next-line AMLC022\nunknown_key_{i}: {i}\n"));
    }
    text
}

fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze/hostile");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        group.throughput(Throughput::Elements(n as u64));
        let keys = unknown_keys(n);
        group.bench_with_input(BenchmarkId::new("unknown-keys", n), &keys, |b, text| {
            b.iter(|| amlc_analysis::analyze(black_box(text)))
        });
        let comments = suppressions(n);
        group.bench_with_input(BenchmarkId::new("suppressions", n), &comments, |b, text| {
            b.iter(|| amlc_analysis::analyze(black_box(text)))
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    c.bench_function("analyze/small-20-lines", |b| b.iter(|| amlc_analysis::analyze(black_box(SMALL))));
    hostile(c);
    let Some(dir) = generated_docs() else { return };
    let mut group = c.benchmark_group("analyze/lines");
    group.sample_size(10);
    for (lines, file) in [(1_000u64, "ci-1k.yaml"), (10_000, "ci-10k.yaml"), (50_000, "ci-50k.yaml")] {
        let Ok(text) = std::fs::read_to_string(dir.join(file)) else { continue };
        group.throughput(Throughput::Elements(lines));
        group.bench_with_input(BenchmarkId::from_parameter(lines), &text, |b, text| {
            b.iter(|| amlc_analysis::analyze(black_box(text)))
        });
    }
    group.finish();
    // The YAML parse alone (saphyr events + tree), to show how much of the cost is parsing.
    let mut group = c.benchmark_group("parse/lines");
    group.sample_size(10);
    for (lines, file) in [(1_000u64, "ci-1k.yaml"), (50_000, "ci-50k.yaml")] {
        let Ok(text) = std::fs::read_to_string(dir.join(file)) else { continue };
        group.throughput(Throughput::Elements(lines));
        group.bench_with_input(BenchmarkId::from_parameter(lines), &text, |b, text| {
            b.iter(|| amlc_analysis::syntax::parse(black_box(text)))
        });
    }
    group.finish();
    // The editor's path on a keystroke: one character appended to a value in the middle of the
    // file, analysed from the previous analysis (only the edited block is parsed again).
    let mut group = c.benchmark_group("analyze_edited/lines");
    group.sample_size(10);
    for (lines, file) in [(1_000u64, "ci-1k.yaml"), (10_000, "ci-10k.yaml"), (50_000, "ci-50k.yaml")] {
        let Ok(text) = std::fs::read_to_string(dir.join(file)) else { continue };
        let Some(edited) = append_to_middle_value(&text) else { continue };
        let previous = amlc_analysis::analyze_without_values(&text);
        group.throughput(Throughput::Elements(lines));
        // The previous analysis is handed over (its tree is edited in place), so each iteration
        // gets its own copy, made outside the timing.
        group.bench_with_input(BenchmarkId::from_parameter(lines), &edited, |b, edited| {
            b.iter_batched(
                || previous.clone(),
                |previous| amlc_analysis::analyze_edited(&text, previous, black_box(edited)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// The text with `x` appended to the plain `key: value` line nearest the middle, as lspbench edits.
fn append_to_middle_value(text: &str) -> Option<String> {
    let middle = text.len() / 2;
    let line_start = text[middle..].find('\n')? + middle + 1;
    let mut at = line_start;
    for line in text[line_start..].split_inclusive('\n') {
        let body = line.trim_end();
        let plain_value =
            body.split_once(": ").is_some_and(|(_, v)| v.starts_with(|c: char| c.is_ascii_alphanumeric()));
        if plain_value {
            let mut out = text.to_string();
            out.insert(at + body.len(), 'x');
            return Some(out);
        }
        at += line.len();
    }
    None
}

criterion_group!(benches, bench);
criterion_main!(benches);
