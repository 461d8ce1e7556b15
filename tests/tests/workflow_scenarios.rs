//! One workflow, two faces: every compute action against the emulator, in each relevant state, with refusals,
//! faults and missing computes, run through `amlc compute …` and through the language server's
//! `workspace/executeCommand` (`amlc lsp` over stdio). Both must give the same outcome, the same code and the
//! same words. The rows include every disagreement the two faces once had (a delete of a missing compute, the
//! scale refused before any request, `max_instances: 0`, the SSH port of a private address, waiting for the
//! asked-for state rather than the operation's end).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use amlc_emulator::{EmulatorConfig, FaultConfig};
use amlc_tests::emulator::{amlc_compute, Emu};
use amlc_tests::lsp::Server;
use serde_json::{json, Value};

/// What a face reported: an outcome or refusal code, the message and the hint.
#[derive(Debug, PartialEq, Eq)]
struct Report {
    code: String,
    message: String,
    hint: Option<String>,
}

/// One scenario: the computes' states to start from, the action, and what both faces must report.
struct Row {
    what: &'static str,
    states: &'static [(&'static str, &'static str)],
    faults: Option<FaultConfig>,
    /// The command line (after `amlc compute`).
    cli: Vec<String>,
    /// The server command and its argument.
    command: &'static str,
    argument: Value,
    code: &'static str,
    /// A part of the message both faces must show.
    says: &'static str,
}

fn config(state_file: &Path, faults: Option<FaultConfig>) -> EmulatorConfig {
    EmulatorConfig {
        op_duration: Duration::from_millis(200),
        seed_computes: true,
        log_requests: false,
        state_file: Some(state_file.to_path_buf()),
        faults: faults.unwrap_or_default(),
        ..EmulatorConfig::default()
    }
}

/// The seeded demo computes with some instance states changed, as a state file for a fresh emulator.
fn state_file(dir: &Path, template: &Value, states: &[(&str, &str)], tag: &str) -> PathBuf {
    let mut state = template.clone();
    if let Some(computes) = state["computes"].as_object_mut() {
        for compute in computes.values_mut() {
            if let Some((_, s)) = states.iter().find(|(name, _)| compute["name"] == *name) {
                compute["state"] = json!(s);
            }
        }
    }
    let path = dir.join(format!("{tag}.json"));
    std::fs::write(&path, state.to_string()).expect("write state");
    path
}

/// Parses what `amlc compute` printed: the last stdout line on success, `error[code]: …` and `  hint: …` otherwise.
fn from_cli(output: &Output) -> Report {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        let message = stdout.lines().last().unwrap_or_default().to_string();
        return Report { code: String::new(), message, hint: None };
    }
    // The spec's own diagnostics (`error[AMLCnnn]`) come first for a create; the command's error follows them.
    let mut lines = stderr.lines().skip_while(|l| !l.starts_with("error") || l.starts_with("error[AMLC"));
    let first = lines.next().unwrap_or_default();
    let (code, message) = first
        .strip_prefix("error[")
        .and_then(|rest| rest.split_once("]: "))
        .map(|(c, m)| (c.to_string(), m.to_string()))
        .unwrap_or_else(|| (String::from("?"), first.to_string()));
    let hint = lines.next().and_then(|l| l.trim().strip_prefix("hint: ")).map(str::to_string);
    Report { code, message, hint }
}

/// Runs a server command and reads its end: the error's `data`, an `unchanged` answer, or the outcome that
/// `amlc/computesChanged` carries once the wait is over.
fn from_server(server: &mut Server, command: &str, argument: &Value) -> Report {
    let response = server.request_raw("workspace/executeCommand", json!({"command": command, "arguments": [argument]}));
    if let Some(error) = response.get("error") {
        let data = &error["data"];
        return Report {
            code: data["code"].as_str().unwrap_or("?").to_string(),
            message: data["message"].as_str().unwrap_or_default().to_string(),
            hint: data["hint"].as_str().map(str::to_string),
        };
    }
    let result = &response["result"];
    if command == "amlc.compute.sshCommand" {
        let argv: Vec<&str> = result["command"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        return Report { code: String::new(), message: argv.join(" "), hint: None };
    }
    let changed = server.wait_for("amlc/computesChanged", |m| m["method"] == "amlc/computesChanged");
    let outcome = &changed["params"]["outcome"];
    let code = outcome["code"].as_str().unwrap_or("?");
    // Success prints no code on the command line; a refusal's code is compared as is.
    let code = if matches!(code, "done" | "unchanged") { String::new() } else { code.to_string() };
    Report {
        code,
        message: outcome["message"].as_str().unwrap_or_default().to_string(),
        hint: outcome["hint"].as_str().map(str::to_string),
    }
}

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// Writes a spec for the create and attach rows; the editor gets its `file://` URI, the command line its path.
fn spec(dir: &Path, file: &str, text: &str) -> (String, Value) {
    let path = dir.join(file);
    std::fs::write(&path, text).expect("write spec");
    let shown = path.display().to_string();
    (shown.clone(), json!({"uri": format!("file://{shown}")}))
}

fn rows(dir: &Path) -> Vec<Row> {
    let name = |n: &str| json!({"name": n});
    let (cluster, cluster_uri) = spec(
        dir,
        "new-cluster.yml",
        "type: amlcompute\nname: new-cluster\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: 2\n",
    );
    let (broken, broken_uri) =
        spec(dir, "broken.yml", "type: amlcompute\nname: broken\nmin_instances: 5\nmax_instances: 3\n");
    vec![
        Row {
            what: "create a cluster from a spec: done when provisioned",
            states: &[],
            faults: None,
            cli: args(&["create", "-f", &cluster]),
            command: "amlc.compute.create",
            argument: cluster_uri.clone(),
            code: "",
            says: "'new-cluster' is ready",
        },
        Row {
            what: "create from a spec with errors",
            states: &[],
            faults: None,
            cli: args(&["create", "-f", &broken]),
            command: "amlc.compute.create",
            argument: broken_uri,
            code: "spec",
            says: "1 error(s) in the spec",
        },
        Row {
            what: "attach a spec of a created type",
            states: &[],
            faults: None,
            cli: args(&["attach", "-f", &cluster]),
            command: "amlc.compute.attach",
            argument: cluster_uri,
            code: "spec",
            says: "is created, not attached",
        },
        Row {
            what: "restart a stopped instance",
            states: &[],
            faults: None,
            cli: args(&["restart", "ci-stopped"]),
            command: "amlc.compute.restart",
            argument: name("ci-stopped"),
            code: "wrongState",
            says: "cannot restart 'ci-stopped': it is Stopped",
        },
        Row {
            what: "start a stopped instance: done at Running",
            states: &[],
            faults: None,
            cli: args(&["start", "ci-stopped"]),
            command: "amlc.compute.start",
            argument: name("ci-stopped"),
            code: "",
            says: "'ci-stopped' is Running",
        },
        Row {
            what: "start a running instance: nothing to do",
            states: &[],
            faults: None,
            cli: args(&["start", "ci-running"]),
            command: "amlc.compute.start",
            argument: name("ci-running"),
            code: "",
            says: "already Running; nothing to do",
        },
        Row {
            what: "start while starting",
            states: &[("ci-stopped", "Starting")],
            faults: None,
            cli: args(&["start", "ci-stopped"]),
            command: "amlc.compute.start",
            argument: name("ci-stopped"),
            code: "wrongState",
            says: "while it is Starting",
        },
        Row {
            what: "start an unusable instance",
            states: &[("ci-stopped", "Unusable")],
            faults: None,
            cli: args(&["start", "ci-stopped"]),
            command: "amlc.compute.start",
            argument: name("ci-stopped"),
            code: "wrongState",
            says: "while it is Unusable",
        },
        Row {
            what: "start a cluster",
            states: &[],
            faults: None,
            cli: args(&["start", "cpu-cluster"]),
            command: "amlc.compute.start",
            argument: name("cpu-cluster"),
            code: "wrongType",
            says: "it is an AmlCompute",
        },
        Row {
            what: "start a missing compute",
            states: &[],
            faults: None,
            cli: args(&["start", "nope"]),
            command: "amlc.compute.start",
            argument: name("nope"),
            code: "notFound",
            says: "no compute named 'nope'",
        },
        Row {
            what: "stop a running instance: done at Stopped",
            states: &[],
            faults: None,
            cli: args(&["stop", "ci-running"]),
            command: "amlc.compute.stop",
            argument: name("ci-running"),
            code: "",
            says: "'ci-running' is Stopped",
        },
        Row {
            what: "stop a stopped instance",
            states: &[],
            faults: None,
            cli: args(&["stop", "ci-stopped"]),
            command: "amlc.compute.stop",
            argument: name("ci-stopped"),
            code: "",
            says: "already Stopped",
        },
        Row {
            what: "restart a running instance",
            states: &[],
            faults: None,
            cli: args(&["restart", "ci-running"]),
            command: "amlc.compute.restart",
            argument: name("ci-running"),
            code: "",
            says: "'ci-running' is Running",
        },
        Row {
            what: "restart a Kubernetes compute",
            states: &[],
            faults: None,
            cli: args(&["restart", "k8s-attached"]),
            command: "amlc.compute.restart",
            argument: name("k8s-attached"),
            code: "wrongType",
            says: "cannot restart 'k8s-attached'",
        },
        Row {
            what: "delete an instance: done when gone",
            states: &[],
            faults: None,
            cli: args(&["delete", "ci-stopped", "--yes"]),
            command: "amlc.compute.delete",
            argument: name("ci-stopped"),
            code: "",
            says: "'ci-stopped' deleted",
        },
        Row {
            what: "delete a missing compute (the editor once said done)",
            states: &[],
            faults: None,
            cli: args(&["delete", "nope", "--yes"]),
            command: "amlc.compute.delete",
            argument: name("nope"),
            code: "notFound",
            says: "no compute named 'nope'",
        },
        Row {
            what: "delete an attached compute",
            states: &[],
            faults: None,
            cli: args(&["delete", "k8s-attached", "--yes"]),
            command: "amlc.compute.delete",
            argument: name("k8s-attached"),
            code: "attached",
            says: "would delete the underlying resource",
        },
        Row {
            what: "detach an attached compute",
            states: &[],
            faults: None,
            cli: args(&["detach", "vm-attached", "--yes"]),
            command: "amlc.compute.detach",
            argument: name("vm-attached"),
            code: "",
            says: "'vm-attached' detached",
        },
        Row {
            what: "detach a cluster",
            states: &[],
            faults: None,
            cli: args(&["detach", "cpu-cluster", "--yes"]),
            command: "amlc.compute.detach",
            argument: name("cpu-cluster"),
            code: "notAttached",
            says: "not an attached compute",
        },
        Row {
            what: "scale with min above max, before any request",
            states: &[],
            faults: None,
            cli: args(&["update", "cpu-cluster", "--min-instances", "5", "--max-instances", "3"]),
            command: "amlc.compute.updateScale",
            argument: json!({"name": "cpu-cluster", "minInstances": 5, "maxInstances": 3}),
            code: "invalidArgument",
            says: "the minimum node count (5) is greater than the maximum (3)",
        },
        Row {
            what: "scale to zero nodes (max_instances: 0 is allowed)",
            states: &[],
            faults: None,
            cli: args(&["update", "cpu-cluster", "--min-instances", "0", "--max-instances", "0"]),
            command: "amlc.compute.updateScale",
            argument: json!({"name": "cpu-cluster", "minInstances": 0, "maxInstances": 0}),
            code: "",
            says: "scales between 0 and 0 nodes",
        },
        Row {
            what: "scale only the maximum, below the current minimum",
            states: &[],
            faults: None,
            cli: args(&["update", "cpu-cluster", "--max-instances", "0"]),
            command: "amlc.compute.updateScale",
            argument: json!({"name": "cpu-cluster", "maxInstances": 0}),
            code: "invalidArgument",
            says: "the minimum node count (1) is greater than the maximum (0)",
        },
        Row {
            what: "scale an instance",
            states: &[],
            faults: None,
            cli: args(&["update", "ci-running", "--max-instances", "2"]),
            command: "amlc.compute.updateScale",
            argument: json!({"name": "ci-running", "maxInstances": 2}),
            code: "wrongType",
            says: "only clusters have scale settings",
        },
        Row {
            what: "idle shutdown of an instance",
            states: &[],
            faults: None,
            cli: args(&["update", "ci-stopped", "--idle-shutdown-minutes", "30"]),
            command: "amlc.compute.setIdleShutdown",
            argument: json!({"name": "ci-stopped", "minutes": 30}),
            code: "",
            says: "shuts down after 30 idle minutes",
        },
        Row {
            what: "idle shutdown out of range",
            states: &[],
            faults: None,
            cli: args(&["update", "ci-stopped", "--idle-shutdown-minutes", "5"]),
            command: "amlc.compute.setIdleShutdown",
            argument: json!({"name": "ci-stopped", "minutes": 5}),
            code: "invalidArgument",
            says: "the service accepts 15 to 4320 minutes",
        },
        Row {
            what: "ssh to a running instance",
            states: &[],
            faults: None,
            cli: args(&["ssh", "ci-running", "--print"]),
            command: "amlc.compute.sshCommand",
            argument: name("ci-running"),
            code: "",
            says: "ssh -p 50000 -- azureuser@",
        },
        Row {
            what: "ssh to an instance's private address: port 22",
            states: &[],
            faults: None,
            cli: args(&["ssh", "ci-running", "--private", "--print"]),
            command: "amlc.compute.sshCommand",
            argument: json!({"name": "ci-running", "private": true}),
            code: "",
            says: "ssh -p 22 -- azureuser@",
        },
        Row {
            what: "ssh to a cluster node's private address: port 22",
            states: &[],
            faults: None,
            cli: args(&["ssh", "cpu-cluster", "--private", "--print"]),
            command: "amlc.compute.sshCommand",
            argument: json!({"name": "cpu-cluster", "private": true}),
            code: "",
            says: "ssh -p 22 -- azureuser@",
        },
        Row {
            what: "ssh to a stopped instance",
            states: &[],
            faults: None,
            cli: args(&["ssh", "ci-stopped", "--print"]),
            command: "amlc.compute.sshCommand",
            argument: name("ci-stopped"),
            code: "sshUnavailable",
            says: "'ci-stopped' is Stopped",
        },
        Row {
            what: "ssh to a Kubernetes compute",
            states: &[],
            faults: None,
            cli: args(&["ssh", "k8s-attached", "--print"]),
            command: "amlc.compute.sshCommand",
            argument: name("k8s-attached"),
            code: "wrongType",
            says: "compute instances and cluster nodes only",
        },
        Row {
            what: "ssh to a missing compute",
            states: &[],
            faults: None,
            cli: args(&["ssh", "nope", "--print"]),
            command: "amlc.compute.sshCommand",
            argument: name("nope"),
            code: "notFound",
            says: "no compute named 'nope'",
        },
        Row {
            what: "Azure throttles every request",
            states: &[],
            faults: Some(FaultConfig { throttle_every: Some(1), retry_after_secs: 0, ..FaultConfig::default() }),
            cli: args(&["stop", "ci-running"]),
            command: "amlc.compute.stop",
            argument: name("ci-running"),
            code: "azure",
            says: "Azure is busy (HTTP 429); tried",
        },
    ]
}

#[test]
fn every_action_gives_the_same_outcome_code_and_words_on_the_command_line_and_in_the_editor() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The seeded state, written once by an emulator, is the template every row starts from.
    let template_path = dir.path().join("template.json");
    drop(Emu::start(config(&template_path, None)));
    let template: Value =
        serde_json::from_slice(&std::fs::read(&template_path).expect("state file")).expect("state JSON");
    let mut failures = Vec::new();
    for (i, row) in rows(dir.path()).into_iter().enumerate() {
        let cli = {
            let emu = Emu::start(config(
                &state_file(dir.path(), &template, row.states, &format!("cli{i}")),
                row.faults.clone(),
            ));
            let cli: Vec<&str> = row.cli.iter().map(String::as_str).collect();
            from_cli(&amlc_compute(&emu.base, &cli, &[]))
        };
        let server = {
            let emu = Emu::start(config(
                &state_file(dir.path(), &template, row.states, &format!("lsp{i}")),
                row.faults.clone(),
            ));
            let mut server = Server::start(json!({}), json!({"armEndpoint": emu.base}));
            let report = from_server(&mut server, row.command, &row.argument);
            server.stop();
            report
        };
        let expected = row.code;
        if cli != server || cli.code != expected || !cli.message.contains(row.says) {
            failures.push(format!(
                "{}:\n  expected code '{expected}', words with \"{}\"\n  command line: {cli:?}\n  editor:       {server:?}",
                row.what, row.says
            ));
        }
    }
    assert!(failures.is_empty(), "the faces disagree:\n{}", failures.join("\n"));
}

#[test]
fn a_scale_with_min_above_max_fails_before_any_request() {
    // Nothing listens on this endpoint: any request would fail with a transport error instead.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let base = format!("http://127.0.0.1:{port}");
    let output = amlc_compute(&base, &["update", "cpu-cluster", "--min-instances", "5", "--max-instances", "3"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let report = from_cli(&output);
    assert_eq!(report.code, "invalidArgument");
    assert_eq!(
        report.message,
        "cannot scale 'cpu-cluster': the minimum node count (5) is greater than the maximum (3); the service refuses this"
    );
    assert_eq!(report.hint.as_deref(), Some("nothing was sent"));
}
