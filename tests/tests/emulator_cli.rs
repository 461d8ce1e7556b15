//! `amlc emulator` as a process: it prints one line with its URL on stdout, serves seeded computes, and logs
//! requests to stderr without ever writing the Authorization header.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::Duration;

use amlc_tests::amlc_bin;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_command_prints_its_url_and_serves() {
    let bin = amlc_bin();
    assert!(bin.is_file(), "build the binary first: cargo build -p amlc ({})", bin.display());
    let mut child = Command::new(&bin)
        .args(["emulator", "--listen", "127.0.0.1:0", "--seed", "--op-seconds", "0.2", "--page-size", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("amlc emulator starts");
    let stdout = child.stdout.take().expect("stdout");
    let first = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_secs(20), first)
        .await
        .expect("URL line in time")
        .expect("join")
        .expect("read");
    let url = line.trim().strip_prefix("amlc emulator listening on ").map(str::to_string);
    let Some(base) = url.filter(|u| u.starts_with("http://127.0.0.1:")) else {
        let _ = child.kill();
        panic!("unexpected first line: {line:?}");
    };
    let http = reqwest::Client::new();
    let ws = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";
    let secret = "Bearer do-not-log-this-token-4242";
    let mut names = Vec::new();
    let mut next = Some(format!("{base}{ws}/computes?api-version=2025-12-01"));
    while let Some(url) = next.take() {
        let page: serde_json::Value =
            http.get(&url).header("Authorization", secret).send().await.expect("request").json().await.expect("json");
        names.extend(
            page["value"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(str::to_string)),
        );
        next = page["nextLink"].as_str().map(str::to_string);
    }
    assert_eq!(names, ["ci-running", "ci-stopped", "cpu-cluster", "k8s-attached", "vm-attached"]);
    let _ = child.kill();
    let _ = child.wait();
    let mut log = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut log);
    }
    assert!(log.contains("GET /subscriptions/"), "requests are logged: {log}");
    assert!(!log.contains("do-not-log-this-token"), "the token must never be logged: {log}");
}

#[test]
fn emulator_command_rejects_bad_flags() {
    let bin = amlc_bin();
    assert!(bin.is_file(), "build the binary first: cargo build -p amlc ({})", bin.display());
    for args in [
        vec!["--workspace", "only/two"],
        vec!["--fault-5xx-rate", "1.5"],
        vec!["--ssh-endpoint", "no-port"],
        vec!["--page-size", "0"],
    ] {
        let out = Command::new(&bin).arg("emulator").args(&args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
