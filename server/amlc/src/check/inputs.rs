//! Turns the paths on the command line into inputs: files as given, directories walked for YAML
//! files that look like compute specs (others are counted as skipped), `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::Input;

pub struct Collected {
    pub files: Vec<Input>,
    /// YAML files found while walking that do not look like compute specs.
    pub skipped: usize,
}

/// Folders no one keeps compute specs in, and that can be huge.
const IGNORED_DIRS: [&str; 5] = ["node_modules", "target", ".git", ".venv", "__pycache__"];

pub fn collect(paths: &[PathBuf], stdin_name: &str) -> Result<Collected, String> {
    let mut collected = Collected { files: Vec::new(), skipped: 0 };
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            let bytes = std::io::stdin().read_to_end(&mut bytes).map(|_| bytes).map_err(|e| e.to_string());
            collected.files.push(Input { name: stdin_name.to_owned(), bytes });
        } else if path.is_dir() {
            walk(path, &mut collected);
        } else if path.exists() {
            collected.files.push(read(path));
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    Ok(collected)
}

fn walk(root: &Path, collected: &mut Collected) {
    let entries = walkdir::WalkDir::new(root).sort_by_file_name().into_iter().filter_entry(|entry| {
        let name = entry.file_name().to_string_lossy();
        entry.depth() == 0 || !(entry.file_type().is_dir() && IGNORED_DIRS.contains(&name.as_ref()))
    });
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let name = error.path().map(|p| p.display().to_string()).unwrap_or_else(|| root.display().to_string());
                collected.files.push(Input { name, bytes: Err(error.to_string()) });
                continue;
            }
        };
        if !entry.file_type().is_file() || !is_yaml(entry.path()) {
            continue;
        }
        let input = read(entry.path());
        // Unreadable files and non-UTF-8 files are reported: the user asked for this tree.
        let looks = match &input.bytes {
            Ok(bytes) => std::str::from_utf8(bytes).map_or(true, amlc_spec::looks_like_compute_spec),
            Err(_) => true,
        };
        if looks {
            collected.files.push(input);
        } else {
            collected.skipped += 1;
        }
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("yml") || ext.eq_ignore_ascii_case("yaml"))
}

fn read(path: &Path) -> Input {
    Input { name: path.display().to_string(), bytes: std::fs::read(path).map_err(|e| e.to_string()) }
}
