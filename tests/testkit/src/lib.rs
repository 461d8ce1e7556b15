//! One home for what every test suite in the workspace needs: where the checkout is, and where the reference
//! material in `../shared` is, with one rule for its absence (skip visibly; fail under `CI=true`).

use std::path::PathBuf;

/// The workspace root (the folder holding the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    let testkit = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    testkit.parent().and_then(|tests| tests.parent()).map(PathBuf::from).unwrap_or(testkit)
}

/// `../shared` beside the checkout (or `AMLC_SHARED_DIR`), if present. Absent in a user's clone: the caller skips,
/// and this prints a visible `SKIPPED` line. Under CI (`CI=true`) its absence is a failure, so a broken CI set-up
/// cannot pass silently.
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
