//! The emulator on its own runtime, so end-to-end tests stay plain `#[test]`s that run the binary synchronously,
//! and `amlc compute …` run against it.

use std::process::{Command, Output};

use amlc_emulator::{EmulatorConfig, RunningEmulator};

pub struct Emu {
    runtime: tokio::runtime::Runtime,
    running: Option<RunningEmulator>,
    pub base: String,
}

impl Emu {
    pub fn start(config: EmulatorConfig) -> Emu {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
        let running = runtime
            .block_on(amlc_emulator::start(config, "127.0.0.1:0".parse().expect("addr")))
            .expect("emulator starts");
        let base = running.base_url();
        Emu { runtime, running: Some(running), base }
    }

    /// `amlc compute ARGS` against this emulator.
    pub fn amlc(&self, args: &[&str]) -> Output {
        amlc_compute(&self.base, args, &[])
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}

/// `amlc compute ARGS` against `base`, polling fast, outside the checkout (so no developer's
/// `.azureml/config.json` is found by walking up) and without the `AMLC_*` workspace variables of the caller.
pub fn amlc_compute(base: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let bin = crate::amlc_bin();
    assert!(bin.exists(), "{} is missing: run `cargo build -p amlc` first", bin.display());
    let mut command = Command::new(bin);
    // Global options go first: anything after a `--` in `args` belongs to the remote command.
    command.arg("compute").args(["--poll-interval", "0.05"]);
    if !args.contains(&"--timeout") {
        command.args(["--timeout", "60"]);
    }
    command.args(args);
    command.env("AMLC_ARM_ENDPOINT", base).env_remove("AMLC_LOG").current_dir(std::env::temp_dir());
    for var in ["AMLC_WORKSPACE", "AMLC_RESOURCE_GROUP", "AMLC_SUBSCRIPTION", "AMLC_COMPUTE_API_VERSION"] {
        command.env_remove(var);
    }
    // The developer's own az defaults must not choose a workspace for the tests.
    command.env("AZURE_CONFIG_DIR", std::env::temp_dir().join("amlc-tests-no-az-config"));
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("amlc runs")
}
