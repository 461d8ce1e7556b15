//! `amlc check` driven as a user drives it: the built binary on real files, its output and exit codes.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use amlc_tests::{amlc_bin, workspace_root};
use serde_json::Value;

fn check(args: &[&str], cwd: &Path) -> Output {
    Command::new(amlc_bin()).arg("check").args(args).current_dir(cwd).output().expect("run amlc check")
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

fn errors_in(file: &Value) -> usize {
    file["diagnostics"].as_array().map_or(0, |ds| ds.iter().filter(|d| d["severity"] == "error").count())
}

#[test]
fn examples_good_specs_have_no_errors_and_bad_ones_do() {
    let root = workspace_root();
    let output = check(&["--format", "json", "examples"], &root);
    let files = json_lines(&output);
    assert!(files.len() >= 8, "expected every example spec reported, got {}", files.len());
    for file in &files {
        let path = file["path"].as_str().expect("path is a string");
        assert!(!path.ends_with("not-a-spec.yml"), "a non-spec YAML file was checked: {path}");
        if path.contains("good") {
            assert_eq!(errors_in(file), 0, "{path} should be clean: {file}");
        } else {
            assert!(errors_in(file) > 0, "{path} holds deliberate mistakes but none was reported");
        }
    }
    assert_eq!(output.status.code(), Some(1), "errors in examples/bad mean exit code 1");
}

#[test]
fn walking_a_folder_skips_yaml_that_is_not_a_compute_spec_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("workflow.yml"), "on: [push]\njobs: {}\n").unwrap();
    std::fs::write(dir.path().join("values.yaml"), "replicas: 2\n").unwrap();
    std::fs::create_dir(dir.path().join("node_modules")).unwrap();
    std::fs::write(dir.path().join("node_modules/c.yml"), "type: amlcompute\nname: x\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "type: amlcompute\n").unwrap();
    let output = check(&["--color", "never", "."], dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("checked 0 files (2 YAML files skipped: not compute specs)"), "{stdout}");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn two_specs_attaching_one_resource_under_two_names_are_both_reported() {
    let dir = tempfile::tempdir().unwrap();
    let aks = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";
    let spec = |name: &str, id: &str| format!("type: kubernetes\nname: {name}\nresource_id: \"{id}\"\n");
    std::fs::write(dir.path().join("a.yml"), spec("k8s-a", aks)).unwrap();
    // Another spelling of the same id: ARM reads it as the same resource.
    std::fs::write(dir.path().join("b.yml"), spec("k8s-b", &format!("{}/ ", aks.to_uppercase()))).unwrap();
    std::fs::write(dir.path().join("c.yml"), spec("k8s-c", &aks.replace("/aks", "/other"))).unwrap();
    let output = check(&["--format", "json", "."], dir.path());
    let files = json_lines(&output);
    let codes = |file: &str| -> Vec<String> {
        let f = files.iter().find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(file))).expect(file);
        f["diagnostics"].as_array().map_or(Vec::new(), |ds| ds.iter().map(|d| d["code"].to_string()).collect())
    };
    assert_eq!(codes("a.yml"), ["\"AMLC061\""], "{files:?}");
    assert_eq!(codes("b.yml"), ["\"AMLC061\""], "{files:?}");
    assert!(codes("c.yml").is_empty(), "{files:?}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_for_that_file_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.yml"), b"type: amlcompute\nname: \xff\xfe\n").unwrap();
    let output = check(&["--format", "json", "bad.yml"], dir.path());
    let files = json_lines(&output);
    assert_eq!(files.len(), 1);
    let diagnostic = &files[0]["diagnostics"][0];
    assert_eq!(diagnostic["code"], "AMLC010");
    assert_eq!(diagnostic["range"]["start"]["line"], 1);
    assert_eq!(diagnostic["range"]["start"]["column"], 6);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = check(&["no-such-spec.yml"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-spec.yml: no such file or directory"));
    let output = check(&["--format", "xml"], dir.path());
    assert_eq!(output.status.code(), Some(2), "an unknown format is a usage error");
}

#[test]
fn stdin_is_read_with_the_name_given() {
    let mut child = Command::new(amlc_bin())
        .args(["check", "--format", "json", "--stdin-filename", "spec.yml", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn amlc");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"name: cpu\ntype: amlcompute\nmax_instances: 2\n").unwrap();
    let output = child.wait_with_output().unwrap();
    let files = json_lines(&output);
    assert_eq!(files[0]["path"], "spec.yml");
    assert!(files[0]["diagnostics"].is_array());
}

#[test]
fn sarif_output_is_a_valid_sarif_log_with_one_based_regions() {
    let root = workspace_root();
    let output = check(&["--format", "sarif", "examples/bad"], &root);
    let log: Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty(), "bad examples must produce results");
    for result in results {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1);
        let rule = result["ruleId"].as_str().unwrap();
        assert!(log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().iter().any(|r| r["id"] == rule));
    }
}

#[test]
fn a_password_in_a_spec_never_appears_in_any_output_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let password = "Zq7-not-in-logs!";
    let spec = format!(
        "type: virtualmachine\nname: my-vm\nresource_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm\nssh_settings:\n  admin_username: azureuser\n  admin_password: {password}   # the plaintext-password warning points here\n"
    );
    std::fs::write(dir.path().join("vm.yml"), spec).expect("write");
    for format in ["human", "json", "sarif"] {
        let output = check(&["--format", format, "--color", "always", "vm.yml"], dir.path());
        let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(all.contains("AMLC070"), "{format}: the warning is reported: {all}");
        assert!(!all.contains(password), "{format} output shows the password:\n{all}");
    }
}

#[test]
fn the_editor_templates_are_specs_with_only_their_placeholders_to_fill() {
    let root = workspace_root();
    let output = check(&["--format", "json", "extension/templates"], &root);
    let files = json_lines(&output);
    assert_eq!(files.len(), 5, "one template per compute type: {files:?}");
    for file in &files {
        let path = file["path"].as_str().unwrap_or_default();
        let codes: Vec<&str> = file["diagnostics"]
            .as_array()
            .map_or(Vec::new(), |ds| ds.iter().filter_map(|d| d["code"].as_str()).collect());
        // Created types are ready to use; attached ones name a resource only the user knows.
        let attached =
            ["kubernetes", "virtualmachine", "synapsespark"].iter().any(|t| path.ends_with(&format!("{t}.yml")));
        let expected: &[&str] = if attached { &["AMLC041"] } else { &[] };
        assert_eq!(codes, expected, "{path}");
    }
}

/// `/dev/zero` is read only up to the size limit and refused with the limit named, instead of filling memory.
#[cfg(unix)]
#[test]
fn an_endless_device_is_refused_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let output = check(&["--color", "never", "/dev/zero"], dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("larger than 16 MiB"), "{stdout}");
}

/// A FIFO named on the command line is read (through the same limit) like a file.
#[cfg(unix)]
#[test]
fn a_fifo_is_read_like_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("spec.yml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED a_fifo_is_read_like_a_file: mkfifo is not available");
        return;
    }
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "type: amlcompute\nname: from-a-fifo\nmax_instances: -1\n"))
    };
    let output = check(&["--format", "json", "spec.yml"], dir.path());
    writer.join().expect("writer").expect("written");
    let files = json_lines(&output);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(errors_in(&files[0]) > 0, "max_instances: -1 is reported: {}", files[0]);
}

/// Linked specs in a folder are checked, not skipped into a "checked 0 files" pass; a loop says so.
#[cfg(unix)]
#[test]
fn symlinks_in_a_folder_are_followed_and_loops_reported() {
    let dir = tempfile::tempdir().unwrap();
    let real = tempfile::tempdir().unwrap();
    std::fs::write(real.path().join("cluster.yml"), "type: amlcompute\nname: linked\nmax_instances: -1\n").unwrap();
    std::os::unix::fs::symlink(real.path().join("cluster.yml"), dir.path().join("cluster.yml")).unwrap();
    let output = check(&["--format", "json", "."], dir.path());
    let files = json_lines(&output);
    assert_eq!(files.len(), 1, "the linked spec is checked: {files:?}");
    assert_eq!(output.status.code(), Some(1));

    std::os::unix::fs::symlink(dir.path(), dir.path().join("again")).unwrap();
    std::os::unix::fs::symlink("self.yml", dir.path().join("self.yml")).unwrap();
    let output = check(&["--color", "never", "."], dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("symlink loop").count(), 2, "{stdout}");
    assert_eq!(output.status.code(), Some(1), "{stdout}");
}

/// SARIF names each file by a percent-encoded URI reference, and a file name that is not UTF-8 is reported
/// exactly (its bytes escaped, never replaced).
#[cfg(unix)]
#[test]
fn sarif_uris_are_percent_encoded_and_odd_names_exact() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"my cluster#\xff.yml");
    std::fs::write(dir.path().join(name), "type: amlcompute\nname: c\nmax_instances: -1\n").unwrap();
    let output = check(&["--format", "sarif", "."], dir.path());
    let sarif: Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "./my%20cluster%23%FF.yml", "{sarif}");
    let output = check(&["--format", "json", "."], dir.path());
    let files = json_lines(&output);
    assert_eq!(files[0]["path"], "./my cluster#\\xff.yml");
}
