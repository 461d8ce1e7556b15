//! The server built for another target, run where it can run here: the Windows build under wine, the Linux arm64
//! build under qemu-user (scripts/test-cross.sh sets them up and runs this file once per target). It must judge
//! `examples/` exactly as the host build does, also from CRLF copies named by Windows paths, speak LSP over stdio
//! with the URIs VS Code sends on its system, and drive the emulator on loopback through `amlc compute`.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use amlc_emulator::EmulatorConfig;
use amlc_tests::cross::Cross;
use amlc_tests::emulator::Emu as Emulator;
use amlc_tests::lsp::Server;
use amlc_tests::{amlc_bin, workspace_root};
use serde_json::{json, Value};

/// The `check --format json` lines as (path with `/`, diagnostics), in the order printed.
fn reports(output: &Output) -> Vec<(String, Value)> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            (value["path"].as_str().expect("path").replace('\\', "/"), value["diagnostics"].clone())
        })
        .collect()
}

/// Code, severity and line of each diagnostic: what must be the same whatever the line endings.
fn judged(diagnostics: &Value) -> Vec<(String, String, u64)> {
    let list = diagnostics.as_array().expect("diagnostics is a list");
    list.iter()
        .map(|d| {
            let text = |key: &str| d[key].as_str().unwrap_or_default().to_string();
            (text("code"), text("severity"), d["range"]["start"]["line"].as_u64().expect("line"))
        })
        .collect()
}

fn host_check(args: &[&str]) -> Output {
    let bin = amlc_bin();
    assert!(bin.exists(), "{} is missing: run `cargo build -p amlc` first", bin.display());
    std::process::Command::new(bin).arg("check").args(args).current_dir(workspace_root()).output().expect("runs")
}

#[test]
fn check_judges_the_examples_exactly_as_the_host_build() {
    let Some(cross) = Cross::from_env("check_judges_the_examples_exactly_as_the_host_build") else { return };
    let args = ["check", "--format", "json", "examples"];
    let theirs = cross.command().args(args).current_dir(workspace_root()).output().expect("cross amlc runs");
    let ours = host_check(&args[1..]);
    assert_eq!(theirs.status.code(), ours.status.code(), "{}", String::from_utf8_lossy(&theirs.stderr));
    let (theirs, ours) = (reports(&theirs), reports(&ours));
    assert!(ours.len() >= 8 && ours.iter().any(|(_, d)| !judged(d).is_empty()), "host output: {ours:?}");
    // Whole diagnostics: codes, severities, messages and ranges.
    assert_eq!(theirs, ours);
}

#[test]
fn crlf_copies_named_by_windows_paths_are_judged_the_same() {
    let Some(cross) = Cross::from_env("crlf_copies_named_by_windows_paths_are_judged_the_same") else { return };
    let dir = tempfile::Builder::new().prefix("amlc cross ").tempdir().expect("tempdir");
    let examples = workspace_root().join("examples");
    let mut expected = Vec::new();
    let mut names = Vec::new();
    for sub in ["good", "bad"] {
        let mut files: Vec<_> = std::fs::read_dir(examples.join(sub)).expect("examples").flatten().collect();
        files.sort_by_key(|f| f.file_name());
        for file in files {
            let text = std::fs::read_to_string(file.path()).expect("read example");
            let copy = dir.path().join(format!("{sub}-{}", file.file_name().to_string_lossy()));
            std::fs::write(&copy, text.replace("\r\n", "\n").replace('\n', "\r\n")).expect("write CRLF copy");
            let host = host_check(&["--format", "json", &file.path().display().to_string()]);
            expected.push(judged(&reports(&host)[0].1));
            names.push(cross.path(&copy));
        }
    }
    // Every file named by its absolute path: on Windows `Z:\tmp\amlc cross …\good-….yml`.
    let output = cross.command().args(["check", "--format", "json"]).args(&names).output().expect("runs");
    let got = reports(&output);
    assert_eq!(got.len(), names.len(), "{}", String::from_utf8_lossy(&output.stderr));
    for ((path, diagnostics), (name, expected)) in got.iter().zip(names.iter().zip(&expected)) {
        assert_eq!(path, &name.replace('\\', "/"), "reported under the name it was given");
        assert_eq!(&judged(diagnostics), expected, "{name}");
    }
}

#[test]
fn an_lsp_session_over_stdio_with_the_editors_uris() {
    let Some(cross) = Cross::from_env("an_lsp_session_over_stdio_with_the_editors_uris") else { return };
    let mut server = Server::start_command(cross.command(), json!({}));
    let file = workspace_root().join("examples/bad/cluster-min-gt-max.yml");
    let text = std::fs::read_to_string(&file).expect("example").replace('\n', "\r\n");
    // The URI names a folder with a space, escaped as VS Code escapes it.
    let uri = cross.uri(&Path::new("/tmp/amlc cross lsp").join("cluster-min-gt-max.yml"));
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let diagnostics = server.wait_diagnostics(&uri, 1);
    let host = host_check(&["--format", "json", &file.display().to_string()]);
    let mut published: Vec<_> = diagnostics
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            let severity = match d["severity"].as_u64() {
                Some(1) => "error",
                Some(2) => "warning",
                Some(3) => "info",
                _ => "hint",
            };
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                severity.to_string(),
                d["range"]["start"]["line"].as_u64().expect("line"),
            )
        })
        .collect();
    let mut expected = judged(&reports(&host)[0].1);
    published.sort();
    expected.sort();
    assert_eq!(published, expected, "the server publishes what `amlc check` reports");
    // Completion of top-level keys on a new last line.
    let lines = text.split("\r\n").count() as u64 - 1;
    let completion = server.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": lines, "character": 0}}),
    );
    let items = completion.get("items").unwrap_or(&completion).as_array().cloned().unwrap_or_default();
    assert!(items.iter().any(|item| item["label"] == "description"), "completion offers keys: {completion}");
    server.stop();
}

#[test]
fn compute_list_create_and_stop_against_the_emulator_on_loopback() {
    let Some(cross) = Cross::from_env("compute_list_create_and_stop_against_the_emulator_on_loopback") else { return };
    let emulator = Emulator::start(EmulatorConfig {
        op_duration: Duration::from_millis(200),
        seed_computes: true,
        log_requests: false,
        ..EmulatorConfig::default()
    });
    let dir = tempfile::Builder::new().prefix("amlc cross ").tempdir().expect("tempdir");
    let spec = dir.path().join("instance.yml");
    std::fs::write(&spec, "name: ci-cross\r\ntype: computeinstance\r\nsize: Standard_DS3_v2\r\n").expect("spec");
    let amlc = |args: &[&str]| -> String {
        let output = cross
            .command()
            .arg("compute")
            .args(["--poll-interval", "0.05", "--timeout", "120"])
            .args(args)
            .env("AMLC_ARM_ENDPOINT", &emulator.base)
            .env_remove("AMLC_LOG")
            .current_dir(dir.path())
            .output()
            .expect("cross amlc runs");
        let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "amlc compute {args:?}: {:?}\n{out}\n{err}", output.status.code());
        out.to_string()
    };
    let listed: Vec<Value> = serde_json::from_str(&amlc(&["list", "-o", "json"])).expect("list is JSON");
    assert!(listed.iter().any(|c| c["name"] == "cpu-cluster"), "the seeded computes: {listed:?}");
    let created = amlc(&["create", "-f", &cross.path(&spec)]);
    assert!(created.contains("'ci-cross' is ready (Running)"), "{created}");
    assert!(amlc(&["stop", "ci-cross"]).contains("is Stopped"));
    let shown: Value = serde_json::from_str(&amlc(&["show", "ci-cross", "-o", "json"])).expect("show is JSON");
    assert_eq!(shown["properties"]["properties"]["state"], "Stopped");
}
