//! Shared helpers for the end-to-end tests: where the built binary is, where `../shared` is,
//! and how a test skips (or, under CI, fails) when that shared material is absent.

use std::path::PathBuf;

pub mod cross;
pub mod emulator;
pub mod lsp;

pub use amlc_testkit::{shared_dir, workspace_root};

/// The path of the `amlc` binary that Cargo built for this test run.
pub fn amlc_bin() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    target.join(profile).join(format!("amlc{}", std::env::consts::EXE_SUFFIX))
}
