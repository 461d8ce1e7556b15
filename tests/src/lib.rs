//! Shared helpers for the end-to-end tests: where the built binary is, where `../shared` is,
//! and how a test skips (or, under CI, fails) when that shared material is absent.

use std::path::PathBuf;

/// The workspace root (the folder holding the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// The path of the `amlc` binary that Cargo built for this test run.
pub fn amlc_bin() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    target.join(profile).join(format!("amlc{}", std::env::consts::EXE_SUFFIX))
}

/// `../shared` beside the checkout, if present. Absent in a user's clone: the caller skips with a
/// visible message. Under CI (`CI=true`) its absence is a failure, so a broken CI set-up cannot pass silently.
pub fn shared_dir(test_name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("AMLC_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("..").join("shared"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test_name}: {} is missing, and CI=true requires it", dir.display());
    }
    eprintln!("SKIPPED {test_name}: {} is absent (it ships beside the repository, not in it)", dir.display());
    None
}
