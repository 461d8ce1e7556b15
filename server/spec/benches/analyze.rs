//! Criterion benchmarks of `analyze`: a 20-line spec, and the 1k/10k/50k-line specs that
//! ../shared/lspbench/gen_docs.py generates (written to a temporary folder at bench start, so no
//! large file is committed). Goals: ≤ 100 µs for the small spec, ≤ 50 ms at 50k lines, linear.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
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

fn bench(c: &mut Criterion) {
    c.bench_function("analyze/small-20-lines", |b| b.iter(|| amlc_spec::analyze(black_box(SMALL))));
    let Some(dir) = generated_docs() else { return };
    let mut group = c.benchmark_group("analyze/lines");
    group.sample_size(10);
    for (lines, file) in [(1_000u64, "ci-1k.yaml"), (10_000, "ci-10k.yaml"), (50_000, "ci-50k.yaml")] {
        let Ok(text) = std::fs::read_to_string(dir.join(file)) else { continue };
        group.throughput(Throughput::Elements(lines));
        group.bench_with_input(BenchmarkId::from_parameter(lines), &text, |b, text| {
            b.iter(|| amlc_spec::analyze(black_box(text)))
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
            b.iter(|| amlc_spec::syntax::parse(black_box(text)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
