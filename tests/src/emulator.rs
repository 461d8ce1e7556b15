//! The ARM emulator on its own runtime, for end-to-end tests that stay plain `#[test]`s and run a binary
//! synchronously against it over loopback.

use amlc_emulator::{EmulatorConfig, RunningEmulator};

pub struct Emulator {
    runtime: tokio::runtime::Runtime,
    running: Option<RunningEmulator>,
    /// `http://127.0.0.1:PORT`, an ephemeral port.
    pub base: String,
}

impl Emulator {
    pub fn start(config: EmulatorConfig) -> Emulator {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
        let running = runtime
            .block_on(amlc_emulator::start(config, "127.0.0.1:0".parse().expect("addr")))
            .expect("emulator starts");
        let base = running.base_url();
        Emulator { runtime, running: Some(running), base }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}
