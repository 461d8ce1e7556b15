//! A binary built for another target and the program that runs it here: the Windows build under wine, the
//! Linux arm64 build under qemu-user. scripts/test-cross.sh sets `AMLC_CROSS_BIN` (the binary) and
//! `AMLC_CROSS_RUNNER` (the runner's words, e.g. `qemu-aarch64 -L /usr/aarch64-linux-gnu`); without them the
//! cross tests skip visibly, as a plain `cargo test` has no cross build to run.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cross {
    pub bin: PathBuf,
    runner: Vec<String>,
}

impl Cross {
    /// The cross-built binary from the environment, or `None` after a visible `SKIPPED` line.
    pub fn from_env(test_name: &str) -> Option<Cross> {
        let Some(bin) = std::env::var_os("AMLC_CROSS_BIN").filter(|b| !b.is_empty()) else {
            eprintln!("SKIPPED {test_name}: AMLC_CROSS_BIN is not set (scripts/test-cross.sh runs these tests)");
            return None;
        };
        let runner = std::env::var("AMLC_CROSS_RUNNER").unwrap_or_default();
        let cross = Cross { bin: PathBuf::from(bin), runner: runner.split_whitespace().map(String::from).collect() };
        assert!(cross.bin.is_file(), "AMLC_CROSS_BIN {} does not exist", cross.bin.display());
        Some(cross)
    }

    /// Whether the binary is a Windows one (its paths have drive letters and backslashes).
    pub fn is_windows(&self) -> bool {
        self.bin.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("exe"))
    }

    /// A command that runs the binary through its runner.
    pub fn command(&self) -> Command {
        match self.runner.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(&self.bin);
                command
            }
            None => Command::new(&self.bin),
        }
    }

    /// How the binary names a host path: as is on Linux; under wine, where the host's `/` is drive `Z:`, with
    /// the drive letter and backslashes a Windows user's paths have.
    pub fn path(&self, host: &Path) -> String {
        let text = host.display().to_string();
        if self.is_windows() {
            format!("Z:{}", text.replace('/', "\\"))
        } else {
            text
        }
    }

    /// The `file:` URI an editor on the binary's system sends for a host path: VS Code on Windows writes
    /// `file:///z%3A/…`, with the drive in lower case and its colon escaped.
    pub fn uri(&self, host: &Path) -> String {
        let encoded = host.display().to_string().replace(' ', "%20");
        if self.is_windows() {
            format!("file:///z%3A{encoded}")
        } else {
            format!("file://{encoded}")
        }
    }
}
