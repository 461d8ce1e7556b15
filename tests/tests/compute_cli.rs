//! `amlc compute …` end to end: the built binary against the emulator over loopback HTTP. Lifecycle of an instance,
//! pre-flight refusals (quota, second attachment, delete of an attached compute), faults without duplicate creates,
//! and no secret in anything the command prints, even at trace level.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use amlc_emulator::{EmulatorConfig, FaultConfig};
use amlc_tests::emulator::Emulator as Emu;

/// `amlc compute ARGS` against the emulator.
trait Amlc {
    fn amlc(&self, args: &[&str]) -> Output;
}

impl Amlc for Emu {
    fn amlc(&self, args: &[&str]) -> Output {
        amlc_in(&self.base, args, &[])
    }
}

fn fast() -> EmulatorConfig {
    EmulatorConfig {
        op_duration: Duration::from_millis(200),
        seed_computes: true,
        log_requests: false,
        ..EmulatorConfig::default()
    }
}

fn amlc_in(base: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let bin = amlc_tests::amlc_bin();
    assert!(bin.exists(), "{} is missing: run `cargo build -p amlc` first", bin.display());
    let mut command = Command::new(bin);
    // Global options go first: anything after a `--` in `args` belongs to the remote command.
    command.arg("compute").args(["--poll-interval", "0.05", "--timeout", "60"]).args(args);
    // Run outside the checkout so no .azureml/config.json of the developer's is found by walking up.
    command.env("AMLC_ARM_ENDPOINT", base).env_remove("AMLC_LOG").current_dir(std::env::temp_dir());
    for var in ["AMLC_WORKSPACE", "AMLC_RESOURCE_GROUP", "AMLC_SUBSCRIPTION", "AMLC_COMPUTE_API_VERSION"] {
        command.env_remove(var);
    }
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("amlc runs")
}

fn text(output: &Output) -> (String, String) {
    (String::from_utf8_lossy(&output.stdout).to_string(), String::from_utf8_lossy(&output.stderr).to_string())
}

#[track_caller]
fn ok(output: Output) -> String {
    let (out, err) = text(&output);
    assert!(output.status.success(), "expected success, got {:?}\nstdout: {out}\nstderr: {err}", output.status.code());
    out
}

#[track_caller]
fn fails(output: Output, code: i32, needle: &str) -> String {
    let (out, err) = text(&output);
    assert_eq!(output.status.code(), Some(code), "stdout: {out}\nstderr: {err}");
    let all = format!("{out}{err}");
    assert!(all.contains(needle), "expected '{needle}' in:\n{all}");
    all
}

fn write_spec(dir: &Path, name: &str, spec: serde_json::Value) -> String {
    let path = dir.join(format!("{name}.yml"));
    std::fs::write(&path, spec.to_string()).expect("write spec");
    path.display().to_string()
}

fn computes(emu: &Emu) -> Vec<serde_json::Value> {
    let out = ok(emu.amlc(&["list", "-o", "json"]));
    serde_json::from_str::<Vec<serde_json::Value>>(&out).expect("list is JSON")
}

fn state_of(emu: &Emu, name: &str) -> String {
    let out = ok(emu.amlc(&["show", name, "-o", "json"]));
    let value: serde_json::Value = serde_json::from_str(&out).expect("show is JSON");
    value["properties"]["properties"]["state"].as_str().unwrap_or("").to_string()
}

#[test]
fn instance_lifecycle() {
    let emu = Emu::start(fast());
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write_spec(
        dir.path(),
        "ci",
        serde_json::json!({"name": "ci-e2e", "type": "computeinstance", "size": "Standard_DS3_v2",
            "ssh_public_access_enabled": true, "ssh_settings": {"ssh_key_value": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE4vQo1bI+h/L8pNo/Ju4WECi3ozFLxos6wG3jnermm3 test"}}),
    );
    assert!(ok(emu.amlc(&["create", "-f", &spec])).contains("'ci-e2e' is ready (Running)"));
    assert_eq!(state_of(&emu, "ci-e2e"), "Running");
    fails(emu.amlc(&["create", "-f", &spec]), 1, "already exists");
    assert!(ok(emu.amlc(&["stop", "ci-e2e"])).contains("is Stopped"));
    assert_eq!(state_of(&emu, "ci-e2e"), "Stopped");
    fails(emu.amlc(&["restart", "ci-e2e"]), 1, "amlc compute start ci-e2e");
    assert!(ok(emu.amlc(&["start", "ci-e2e"])).contains("is Running"));
    assert!(ok(emu.amlc(&["start", "ci-e2e"])).contains("already Running"));
    assert!(ok(emu.amlc(&["restart", "ci-e2e"])).contains("is Running"));
    fails(emu.amlc(&["start", "cpu-cluster"]), 1, "--min-instances");
    // No terminal and no --yes: nothing is deleted.
    fails(emu.amlc(&["delete", "ci-e2e"]), 2, "--yes");
    assert!(ok(emu.amlc(&["delete", "ci-e2e", "--yes"])).contains("deleted"));
    fails(emu.amlc(&["show", "ci-e2e"]), 1, "no compute named 'ci-e2e'");
    let table = ok(emu.amlc(&["list", "--type", "amlcompute"]));
    assert!(table.contains("cpu-cluster") && !table.contains("ci-running"), "{table}");
}

#[test]
fn preflight_refuses_what_would_fail_and_dry_run_shows_the_body() {
    let emu = Emu::start(fast());
    let dir = tempfile::tempdir().expect("tempdir");
    // The A100 family has no quota in the emulator, as on a fresh subscription.
    let gpu = write_spec(
        dir.path(),
        "gpu",
        serde_json::json!({"name": "gpu", "type": "amlcompute", "size": "Standard_ND96asr_v4", "max_instances": 2}),
    );
    let all = fails(emu.amlc(&["create", "-f", &gpu]), 1, "pre-flight failed");
    assert!(all.contains("needs 192 vCPUs"), "{all}");
    let dry = fails(emu.amlc(&["create", "-f", &gpu, "--dry-run", "-o", "json"]), 1, "\"preflight\"");
    let json_part = &dry[..dry.rfind('}').map(|i| i + 1).unwrap_or(dry.len())];
    let printed: serde_json::Value = serde_json::from_str(json_part).expect("dry run JSON");
    assert_eq!(printed["request"]["method"], "PUT");
    assert_eq!(printed["request"]["body"]["properties"]["properties"]["scaleSettings"]["maxNodeCount"], 2);
    let missing = write_spec(
        dir.path(),
        "nosize",
        serde_json::json!({"name": "no-such-size", "type": "amlcompute", "size": "Standard_Nope"}),
    );
    fails(emu.amlc(&["create", "-f", &missing]), 1, "is not offered in eastus");
    // A spec the engine rejects is shown as `amlc check` shows it (code, file:line:col, the line, a caret) and
    // nothing is sent.
    let swapped = dir.path().join("swapped.yml");
    std::fs::write(&swapped, "type: amlcompute\nname: swapped\nmin_instances: 4\nmax_instances: 1\n").expect("write");
    let shown = fails(emu.amlc(&["create", "-f", &swapped.display().to_string()]), 2, "nothing was sent");
    let at = format!("--> {}:3:1", swapped.display());
    assert!(
        shown.contains("error[AMLC042]") && shown.contains(&at) && shown.contains("3 | min_instances: 4"),
        "{shown}"
    );
    assert!(
        !computes(&emu).iter().any(|c| c["name"] == "gpu" || c["name"] == "no-such-size" || c["name"] == "swapped"),
        "nothing was created"
    );

    // A second attachment of the same resource is refused, naming the holder; delete never removes an attached one.
    let k8s = computes(&emu).into_iter().find(|c| c["name"] == "k8s-attached").expect("seeded k8s");
    let rid = k8s["properties"]["resourceId"].as_str().unwrap_or("").to_string();
    let again =
        write_spec(dir.path(), "k8s", serde_json::json!({"name": "k8s-two", "type": "kubernetes", "resource_id": rid}));
    fails(emu.amlc(&["attach", "-f", &again]), 1, "already attached as 'k8s-attached'");
    fails(emu.amlc(&["create", "-f", &again]), 2, "amlc compute attach");
    fails(emu.amlc(&["delete", "k8s-attached", "--yes"]), 1, "amlc compute detach k8s-attached");
    assert!(ok(emu.amlc(&["detach", "k8s-attached", "--yes"])).contains("detached"));
    assert!(ok(emu.amlc(&["attach", "-f", &again])).contains("'k8s-two' is ready"));
}

#[test]
fn update_changes_scale_and_refuses_create_only_fields() {
    let emu = Emu::start(fast());
    let dir = tempfile::tempdir().expect("tempdir");
    ok(emu.amlc(&["update", "cpu-cluster", "--max-instances", "6"]));
    let shown = ok(emu.amlc(&["show", "cpu-cluster"]));
    assert!(shown.contains("(1-6)"), "{shown}");
    let resized = write_spec(
        dir.path(),
        "c",
        serde_json::json!({"name": "cpu-cluster", "type": "amlcompute", "size": "Standard_NC6", "min_instances": 1, "max_instances": 6}),
    );
    fails(emu.amlc(&["update", "-f", &resized]), 1, "can only be set at creation: properties.properties.vmSize");

    // An instance: idle shutdown changes through its own action; the size cannot change.
    let shown: serde_json::Value =
        serde_json::from_str(&ok(emu.amlc(&["show", "ci-running", "-o", "json"]))).expect("json");
    let size = shown["properties"]["properties"]["vmSize"].as_str().unwrap_or("Standard_DS3_v2").to_string();
    let idle = write_spec(
        dir.path(),
        "ci",
        serde_json::json!({"name": "ci-running", "type": "computeinstance", "size": size,
            "ssh_public_access_enabled": true, "idle_time_before_shutdown_minutes": 45}),
    );
    let out = ok(emu.amlc(&["update", "-f", &idle]));
    assert!(out.contains("~ properties.properties.idleTimeBeforeShutdown") && out.contains("updated"), "{out}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(emu.amlc(&["show", "ci-running", "-o", "json"]))).expect("json");
    assert_eq!(shown["properties"]["properties"]["idleTimeBeforeShutdown"], "PT45M");
    let bigger = write_spec(
        dir.path(),
        "ci2",
        serde_json::json!({"name": "ci-running", "type": "computeinstance", "size": "Standard_DS4_v2", "ssh_public_access_enabled": true}),
    );
    fails(emu.amlc(&["update", "-f", &bigger]), 1, "can only be set at creation: properties.properties.vmSize");
}

#[test]
fn faults_do_not_lose_or_duplicate_creates() {
    let mut config = fast();
    config.faults = FaultConfig {
        throttle_every: Some(4),
        server_error_rate: 0.15,
        retry_after_secs: 0,
        drop_every: Some(7),
        ..FaultConfig::default()
    };
    let emu = Emu::start(config);
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..3 {
        let name = format!("storm-{}", ["a", "b", "c"][i]);
        let spec =
            write_spec(dir.path(), &name, serde_json::json!({"name": name, "type": "amlcompute", "max_instances": 1}));
        let out = ok(emu.amlc(&["create", "-f", &spec]));
        assert!(out.contains("is ready"), "{out}");
    }
    let list = computes(&emu);
    for suffix in ["a", "b", "c"] {
        let count = list.iter().filter(|c| c["name"] == format!("storm-{suffix}")).count();
        assert_eq!(count, 1, "storm-{suffix} exists exactly once");
    }
}

#[test]
fn secrets_never_printed_or_logged() {
    let emu = Emu::start(fast());
    let dir = tempfile::tempdir().expect("tempdir");
    let password = "Pw-5f4dcc3b5aa765d61d8327deb882cf99";
    let spec = write_spec(
        dir.path(),
        "sec",
        serde_json::json!({"name": "sec", "type": "amlcompute", "max_instances": 1,
            "ssh_settings": {"admin_username": "u", "admin_password": password}}),
    );
    let trace = [("AMLC_LOG", "trace")];
    let mut all = String::new();
    for args in [
        vec!["create", "-f", &spec, "--dry-run"],
        vec!["create", "-f", &spec, "--dry-run", "-o", "json"],
        vec!["create", "-f", &spec],
        vec!["show", "sec", "-o", "json"],
        vec!["list", "-o", "json"],
    ] {
        let output = amlc_in(&emu.base, &args, &trace);
        let (out, err) = text(&output);
        all.push_str(&out);
        all.push_str(&err);
    }
    assert!(all.contains("ARM response"), "trace logging was on");
    assert!(all.contains("<redacted>"), "the dry run masks the password");
    assert!(!all.contains(password), "the password leaked");
    assert!(!all.contains("Bearer "), "an Authorization header leaked");
    // --show-secrets is the explicit way to see it.
    let shown = ok(emu.amlc(&["create", "-f", &spec, "--dry-run", "--show-secrets", "-n", "sec2"]));
    assert!(shown.contains(password));
}

#[test]
fn nothing_configured_is_a_usage_error_with_a_way_forward() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Command::new(amlc_tests::amlc_bin())
        .args(["compute", "list"])
        .current_dir(dir.path())
        .env_remove("AMLC_ARM_ENDPOINT")
        .env_remove("AMLC_WORKSPACE")
        .env_remove("AMLC_RESOURCE_GROUP")
        .env_remove("AMLC_SUBSCRIPTION")
        .output()
        .expect("runs");
    // Skip the check if something on this machine already serves the default emulator port.
    if output.status.success() {
        eprintln!("SKIPPED: an emulator is listening at the default address");
        return;
    }
    fails(output, 2, "no Azure ML workspace configured");
}

/// Listing 1000 computes end to end; printed, not asserted (a benchmark, not a timed test).
#[test]
fn list_thousand_computes_timing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state.json");
    // Seed through the emulator's own state file format: create once, then copy the record 1000 times.
    let mut config = fast();
    config.seed_computes = false;
    config.state_file = Some(state.clone());
    config.page_size = 100;
    let emu = Emu::start(config);
    let spec = write_spec(
        dir.path(),
        "one",
        serde_json::json!({"name": "benchzero", "type": "amlcompute", "max_instances": 1}),
    );
    ok(emu.amlc(&["create", "-f", &spec, "--no-wait"]));
    drop(emu);
    let Ok(text) = std::fs::read_to_string(&state) else {
        eprintln!("SKIPPED: the emulator wrote no state file");
        return;
    };
    let Some(grown) = grow_state(&text, 1000) else {
        eprintln!("SKIPPED: unknown state file layout");
        return;
    };
    std::fs::write(&state, grown).expect("write state");
    let mut config = fast();
    config.seed_computes = false;
    config.state_file = Some(state);
    config.page_size = 100;
    let emu = Emu::start(config);
    let started = Instant::now();
    let out = ok(emu.amlc(&["list", "-o", "json"]));
    let elapsed = started.elapsed();
    let n = serde_json::from_str::<Vec<serde_json::Value>>(&out).map(|v| v.len()).unwrap_or(0);
    eprintln!("BENCH list {n} computes end to end (process start included): {elapsed:?}");
    assert_eq!(n, 1000);
}

/// Copies the one compute record of an emulator state file until there are `n`, renaming each copy.
fn grow_state(text: &str, n: usize) -> Option<String> {
    let mut state: serde_json::Value = serde_json::from_str(text).ok()?;
    let text = state.to_string();
    if !text.contains("\"benchzero\"") {
        return None;
    }
    // Find the array or map that holds the record named benchzero, wherever the emulator keeps it.
    fn grow(value: &mut serde_json::Value, n: usize) -> bool {
        match value {
            serde_json::Value::Array(items)
                if items.iter().any(|i| i.to_string().contains("\"benchzero\"")) && items.len() == 1 =>
            {
                let template = items[0].to_string();
                *items = (0..n)
                    .filter_map(|i| serde_json::from_str(&template.replace("benchzero", &format!("bench{i}x"))).ok())
                    .collect();
                true
            }
            serde_json::Value::Array(items) => items.iter_mut().any(|i| grow(i, n)),
            serde_json::Value::Object(map) if map.len() == 1 && map.keys().all(|k| k.contains("benchzero")) => {
                let (key, template) = map.iter().next().map(|(k, v)| (k.clone(), v.to_string())).unwrap_or_default();
                *map = (0..n)
                    .filter_map(|i| {
                        let name = format!("bench{i}x");
                        let value = serde_json::from_str(&template.replace("benchzero", &name)).ok()?;
                        Some((key.replace("benchzero", &name), value))
                    })
                    .collect();
                true
            }
            serde_json::Value::Object(map) => map.values_mut().any(|v| grow(v, n)),
            _ => false,
        }
    }
    grow(&mut state, n).then(|| state.to_string())
}

/// Every instance and cluster sample of azureml-examples passes the pre-flight against the emulator (or, for a
/// region the emulator does not serve, fails it with a region finding), and the attach samples are sent to attach.
#[test]
fn official_samples_through_the_preflight() {
    let Some(shared) = amlc_tests::shared_dir("official_samples_through_the_preflight") else { return };
    let emu = Emu::start(fast());
    let dir = shared.join("reference/samples/yaml/azureml-examples");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("samples").flatten().map(|e| e.path()).collect();
    entries.sort();
    let mut checked = 0;
    for path in entries {
        let file = path.display().to_string();
        let spec_text = std::fs::read_to_string(&path).unwrap_or_default();
        let output = emu.amlc(&["create", "-f", &file, "--dry-run", "-o", "json"]);
        let (out, err) = text(&output);
        if err.contains("error(s) in the spec; nothing was sent") {
            // Samples with errors (template placeholders such as <SUBSCRIPTION_ID>) are stopped before anything is
            // sent, exactly when `amlc check` reports errors for them.
            assert_eq!(output.status.code(), Some(2), "{file}: {err}");
            let check = Command::new(amlc_tests::amlc_bin()).args(["check", &file]).output().expect("check runs");
            assert_eq!(check.status.code(), Some(1), "{file}: create refused it but check found no error");
            continue;
        }
        if ["synapsespark", "virtualmachine", "kubernetes"].iter().any(|t| spec_text.contains(&format!("type: {t}"))) {
            assert_eq!(output.status.code(), Some(2), "{file}: {err}");
            assert!(err.contains("amlc compute attach"), "{file}: {err}");
        } else {
            let printed: serde_json::Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("{file}: {e}\n{out}\n{err}"));
            let failed: Vec<String> = printed["preflight"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|f| f["ok"] == false)
                        .map(|f| f["check"].as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default();
            assert!(failed.is_empty() || failed == ["region"], "{file}: {failed:?}\n{out}");
            assert_eq!(printed["request"]["method"], "PUT");
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} samples reached the pre-flight");
    // A real YAML sample goes all the way.
    let basic = dir.join("instance-basic.yml").display().to_string();
    assert!(ok(emu.amlc(&["create", "-f", &basic])).contains("'basic-example-i' is ready (Running)"));
}

/// `list-sizes` shows the estimated Linux prices per hour, dedicated and low priority, from `estimatedVMPrices`.
#[test]
fn list_sizes_shows_prices_from_vm_sizes() {
    let emu = Emu::start(fast());
    let table = ok(emu.amlc(&["list-sizes", "--type", "amlcompute"]));
    let header = table.lines().next().unwrap_or_default();
    assert!(header.contains("USD/H_DEDICATED") && header.contains("USD/H_LOW_PRIORITY"), "{table}");
    let json = ok(emu.amlc(&["list-sizes", "-o", "json"]));
    let sizes: Vec<serde_json::Value> = serde_json::from_str(&json).expect("JSON list");
    let ds3 = sizes.iter().find(|s| s["name"] == "Standard_DS3_v2").cloned().unwrap_or_default();
    let prices = ds3["estimatedVMPrices"]["values"].as_array().cloned().unwrap_or_default();
    let price = |tier: &str| prices.iter().find(|p| p["vmTier"] == tier).and_then(|p| p["retailPrice"].as_f64());
    let (Some(dedicated), Some(low)) = (price("Standard"), price("LowPriority")) else {
        panic!("DS3 has both prices: {ds3}")
    };
    let row = table.lines().find(|l| l.starts_with("Standard_DS3_v2")).unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells.get(6..8), Some(&[dedicated.to_string().as_str(), low.to_string().as_str()][..]), "{row}");
}
