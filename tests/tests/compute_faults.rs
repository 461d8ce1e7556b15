//! `amlc compute …` when the network misbehaves, end to end: a fault storm whose every reported outcome is checked
//! against the emulator's final state, a server that accepts and never answers (the whole command is bounded by
//! `--timeout`), and a port where nothing listens (the cause is named in one line).

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use amlc_emulator::{EmulatorConfig, FaultConfig};
use amlc_tests::emulator::{amlc_compute, Emu};
use serde_json::Value;

/// The final state of one compute, from the emulator's state file (written after every change, read here without
/// HTTP, so no injected fault stands between the test and the truth), with the change in flight applied as the
/// emulator applies it when its time comes: `None` when the compute does not exist, or will not.
fn state_of(file: &Path, name: &str) -> Option<String> {
    let state: Value = serde_json::from_slice(&std::fs::read(file).ok()?).ok()?;
    let compute = state["computes"].as_object()?.values().find(|c| c["name"] == name)?;
    let pending = &compute["pending"];
    if pending["remove"] == true {
        return None;
    }
    // An instance by its state; anything else by its provisioning state.
    let state = pending["state"]
        .as_str()
        .or(compute["state"].as_str())
        .or(pending["provisioning_state"].as_str())
        .or(compute["provisioning_state"].as_str());
    Some(state.unwrap_or("?").to_string())
}

#[test]
fn in_a_fault_storm_every_reported_outcome_matches_the_final_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("state.json");
    let emu = Emu::start(EmulatorConfig {
        op_duration: Duration::from_millis(100),
        seed_computes: true,
        log_requests: false,
        state_file: Some(file.clone()),
        faults: FaultConfig {
            // Served, then the connection is dropped: the hardest case, where only a read-back can tell.
            drop_every: Some(3),
            server_error_rate: 0.08,
            throttle_every: Some(11),
            retry_after_secs: 0,
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    });
    // (action, compute, the state that "done" must leave; None: gone)
    let steps: &[(&str, &str, Option<&str>)] = &[
        ("stop", "ci-running", Some("Stopped")),
        ("start", "ci-stopped", Some("Running")),
        ("start", "ci-running", Some("Running")),
        ("stop", "ci-stopped", Some("Stopped")),
        ("restart", "ci-running", Some("Running")),
        ("stop", "ci-running", Some("Stopped")),
        ("start", "ci-running", Some("Running")),
        ("start", "ci-stopped", Some("Running")),
        ("stop", "ci-stopped", Some("Stopped")),
        ("delete", "ci-stopped", None),
        ("stop", "ci-running", Some("Stopped")),
        ("start", "ci-running", Some("Running")),
        ("create", "storm-a", Some("Succeeded")),
        ("create", "storm-b", Some("Succeeded")),
    ];
    for name in ["storm-a", "storm-b"] {
        let spec =
            format!("type: amlcompute\nname: {name}\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: 1\n");
        std::fs::write(dir.path().join(format!("{name}.yml")), spec).expect("write spec");
    }
    let (mut done, mut unknown, mut refused) = (0, 0, 0);
    for (action, name, target) in steps {
        let before = state_of(&file, name);
        let spec = dir.path().join(format!("{name}.yml")).display().to_string();
        let mut args = vec![*action, *name];
        if *action == "delete" {
            args.push("--yes");
        }
        if *action == "create" {
            args = vec!["create", "-f", &spec];
        }
        let output = amlc_compute(&emu.base, &args, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        let after = state_of(&file, name);
        let step = format!("{action} {name}: before {before:?}, after {after:?}\n{stderr}");
        if output.status.success() {
            done += 1;
            assert_eq!(after.as_deref(), *target, "reported done, but the compute is not as asked: {step}");
        } else if stderr.starts_with("error[outcomeUnknown]") {
            unknown += 1;
            assert!(stderr.contains("the outcome is unknown"), "{step}");
            assert!(stderr.contains(&format!("`amlc compute show {name}` tells")), "{step}");
            assert!(!stderr.to_ascii_lowercase().contains("retry"), "an unknown outcome is never 'retry': {step}");
        } else {
            refused += 1;
            // Refused or failed in plain words: the compute is where it was, or where a failed operation left it,
            // never silently at the asked-for state with the failure reported.
            assert!(stderr.starts_with("error["), "every failure carries the workflow's code: {step}");
            assert!(
                after == before || after.as_deref() != *target || stderr.contains("failed"),
                "reported a failure, yet the action happened: {step}"
            );
        }
    }
    eprintln!("storm: {done} done, {unknown} unknown, {refused} refused of {}", steps.len());
    assert!(
        done >= steps.len() / 3,
        "a storm of this strength leaves most actions done: {done} done, {unknown} unknown, {refused} refused"
    );
}

/// A server that accepts connections and never answers.
fn silent_server() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(64).flatten() {
            // Read what comes and keep the connection open, answering nothing.
            let mut s = stream;
            let _ = s.set_read_timeout(Some(Duration::from_millis(10)));
            let _ = s.read(&mut [0u8; 1024]);
            held.push(s);
        }
    });
    (port, handle)
}

#[test]
fn a_server_that_never_answers_is_bounded_by_timeout() {
    let (port, _server) = silent_server();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let output = amlc_compute(&base, &["--timeout", "3", "show", "ci-running"], &[]);
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(took < Duration::from_secs(8), "--timeout 3 took {took:?}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error[timeout]: timed out"), "{stderr}");
}

#[test]
fn nothing_listening_names_the_cause_in_one_line() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let output = amlc_compute(&base, &["show", "ci-running"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10), "a refused connection is not retried for long");
    // At once a note that amlc tries again, and where; then one plain line: what, where and why, without the
    // request's whole path.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines[0], format!("note: cannot reach 127.0.0.1:{port} (connection refused); trying again"), "{stderr}");
    let error = lines.iter().find(|l| l.starts_with("error")).copied().unwrap_or_default();
    assert_eq!(
        error,
        format!("error[transport]: GET computes/ci-running to 127.0.0.1:{port} failed: connection refused")
    );
}
