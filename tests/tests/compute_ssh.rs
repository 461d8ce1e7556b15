//! `amlc compute ssh NAME -- echo ok` against a real OpenSSH server: the test starts sshd on a random loopback port
//! with a throwaway host key and client key, the emulator reports that endpoint for every instance and node, and
//! the command must print `ok`. Skips visibly without /usr/sbin/sshd, and fails instead under CI=true.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use amlc_emulator::EmulatorConfig;
use amlc_tests::emulator::Emu;

const SSHD: &str = "/usr/sbin/sshd";

struct Sshd {
    child: Child,
    port: u16,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .stdout(Stdio::null())
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success(), "ssh-keygen failed");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

fn start_sshd(dir: &Path, client_key: &Path) -> Sshd {
    let host_key = dir.join("host_key");
    keygen(&host_key);
    let authorized = dir.join("authorized_keys");
    std::fs::copy(client_key.with_extension("pub"), &authorized).expect("authorized_keys");
    // sshd insists on its privilege-separation directory even for a test instance.
    let _ = std::fs::create_dir_all("/run/sshd");
    let port = free_port();
    let config = dir.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPidFile {}\nStrictModes no\n\
             UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n\
             PermitRootLogin prohibit-password\nLogLevel ERROR\n",
            host_key.display(),
            authorized.display(),
            dir.join("sshd.pid").display()
        ),
    )
    .expect("sshd_config");
    let child = Command::new(SSHD)
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&config)
        .stdout(Stdio::null())
        // sshd -e logs the readiness probe's bare TCP connect as an error; keep its log out of the test output.
        .stderr(std::fs::File::create(dir.join("sshd.log")).map(Stdio::from).unwrap_or_else(|_| Stdio::null()))
        .spawn()
        .expect("sshd starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "sshd did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Sshd { child, port }
}

fn sshd_available(test: &str) -> bool {
    if Path::new(SSHD).exists() {
        return true;
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{test}: {SSHD} is missing and CI=true requires it");
    eprintln!("SKIPPED {test}: {SSHD} not installed (apt-get install -y openssh-server)");
    false
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn emulator(ssh_port: u16) -> Emu {
    emulator_as(ssh_port, None)
}

fn emulator_as(ssh_port: u16, ssh_user: Option<&str>) -> Emu {
    Emu::start(EmulatorConfig {
        op_duration: Duration::from_millis(200),
        seed_computes: true,
        log_requests: false,
        ssh_endpoint: Some(("127.0.0.1".to_string(), ssh_port)),
        ssh_user: ssh_user.map(str::to_string),
        ..EmulatorConfig::default()
    })
}

fn amlc(base: &str, args: &[&str]) -> Output {
    amlc_in(base, args, &std::env::temp_dir())
}

fn amlc_in(base: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(amlc_tests::amlc_bin())
        .arg("compute")
        .args(args)
        .env("AMLC_ARM_ENDPOINT", base)
        .current_dir(dir)
        .env_remove("AMLC_WORKSPACE")
        .env_remove("AMLC_RESOURCE_GROUP")
        .env_remove("AMLC_SUBSCRIPTION")
        .env("AZURE_CONFIG_DIR", std::env::temp_dir().join("amlc-tests-no-az-config"))
        .stdin(Stdio::null())
        .output()
        .expect("amlc runs")
}

fn ssh_args<'a>(name: &'a str, user: &'a str, key: &'a str) -> Vec<&'a str> {
    vec![
        "ssh",
        name,
        "--user",
        user,
        "-i",
        key,
        "--ssh-option",
        "StrictHostKeyChecking=no",
        "--ssh-option",
        "UserKnownHostsFile=/dev/null",
        "--ssh-option",
        "BatchMode=yes",
        "--ssh-option",
        "LogLevel=ERROR",
        "--",
        "echo",
        "ok",
    ]
}

#[test]
fn ssh_runs_a_command_on_an_instance_and_a_cluster_node() {
    if !sshd_available("ssh_runs_a_command_on_an_instance_and_a_cluster_node") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let key: PathBuf = dir.path().join("id_ed25519");
    keygen(&key);
    let sshd = start_sshd(dir.path(), &key);
    let emu = emulator(sshd.port);
    let user = whoami();
    let key_text = key.display().to_string();

    for name in ["ci-running", "cpu-cluster"] {
        let output = amlc(&emu.base, &ssh_args(name, &user, &key_text));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.trim() == "ok",
            "{name}: status {:?}\nstdout: {stdout}\nstderr: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    // --print shows the same resolution without connecting.
    let printed = amlc(&emu.base, &["ssh", "ci-running", "--print"]);
    assert!(String::from_utf8_lossy(&printed.stdout).contains(&format!("-p {} -- azureuser@127.0.0.1", sshd.port)));

    // --write-config adds one Host entry, and replaces it on a second run.
    let config = dir.path().join("ssh_config");
    for _ in 0..2 {
        let written =
            amlc(&emu.base, &["ssh", "ci-running", "--write-config", "--ssh-config", &config.display().to_string()]);
        assert!(written.status.success());
    }
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    assert_eq!(text.matches("Host \"amlc-ci-running\"").count(), 1, "{text}");
    assert!(text.contains(&format!("Port {}", sshd.port)));

    // A stopped instance is refused with the way forward.
    let stopped = amlc(&emu.base, &ssh_args("ci-stopped", &user, &key_text));
    assert_eq!(stopped.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stopped.stderr).contains("amlc compute start ci-stopped"));
}

/// An `adminUserName` that is an ssh option (from a hostile or broken ARM response) never reaches ssh, a printed
/// command or an ssh config: amlc refuses it before running anything. Needs no sshd: nothing may connect.
#[test]
fn a_hostile_login_user_is_refused_everywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("ssh_config");
    let config_arg = config.display().to_string();
    for user in ["-oProxyCommand=touch PWNED", "u\n    ProxyCommand touch PWNED"] {
        let emu = emulator_as(1, Some(user));
        for args in [
            vec!["ssh", "ci-running", "--", "true"],
            vec!["ssh", "ci-running", "--print"],
            vec!["ssh", "ci-running", "--write-config", "--ssh-config", &config_arg],
        ] {
            let output = amlc_in(&emu.base, &args, dir.path());
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(stderr.contains("is not a user name Azure creates"), "{args:?}: {stderr}");
            assert!(output.stdout.is_empty(), "{args:?} printed {:?}", String::from_utf8_lossy(&output.stdout));
        }
    }
    let made: Vec<_> = std::fs::read_dir(dir.path()).expect("read dir").filter_map(Result::ok).collect();
    assert!(made.is_empty(), "files appeared: {:?}", made.iter().map(|e| e.file_name()).collect::<Vec<_>>());
}
