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
            let bytes = read_limited(std::io::stdin().lock());
            let uri = percent_encode(stdin_name.as_bytes());
            collected.files.push(Input { name: stdin_name.to_owned(), uri, bytes });
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
    // Links are followed (a linked spec is checked like any other; skipping it would pass CI on nothing), and
    // walkdir stops at a link back to an ancestor, which is reported as a loop.
    let entries =
        walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter().filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0 || !(entry.file_type().is_dir() && IGNORED_DIRS.contains(&name.as_ref()))
        });
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(root);
                collected.files.push(Input {
                    name: exact_name(path),
                    uri: uri_of(path),
                    bytes: Err(walk_error(&error)),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() || !is_yaml(entry.path()) {
            continue;
        }
        let input = read(entry.path());
        // Unreadable files and non-UTF-8 files are reported: the user asked for this tree.
        let looks = match &input.bytes {
            Ok(bytes) => std::str::from_utf8(bytes).map_or(true, amlc_analysis::looks_like_compute_spec),
            Err(_) => true,
        };
        if looks {
            collected.files.push(input);
        } else {
            collected.skipped += 1;
        }
    }
}

/// A walk error in words; links that lead back into themselves say "symlink loop".
fn walk_error(error: &walkdir::Error) -> String {
    if let Some(ancestor) = error.loop_ancestor() {
        return format!("symlink loop: it leads back to {}", ancestor.display());
    }
    // ELOOP: a link to itself, or a chain too long to resolve.
    let eloop = if cfg!(target_os = "linux") { 40 } else { 62 };
    if error.io_error().and_then(std::io::Error::raw_os_error) == Some(eloop) {
        return "symlink loop: the link resolves to itself".into();
    }
    error.to_string()
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("yml") || ext.eq_ignore_ascii_case("yaml"))
}

/// Reads a file, a device or a FIFO through the same limit as stdin.
fn read(path: &Path) -> Input {
    let bytes = std::fs::File::open(path).map_err(|e| e.to_string()).and_then(read_limited);
    Input { name: exact_name(path), uri: uri_of(path), bytes }
}

/// The path as text, exactly: bytes that are not UTF-8 are written `\xNN` instead of being replaced by `�`, so
/// two different files never print the same name.
pub fn exact_name(path: &Path) -> String {
    match path.to_str() {
        Some(name) => name.to_owned(),
        None => {
            let bytes = path_bytes(path);
            let mut out = String::new();
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            out
        }
    }
}

/// The path as a URI reference: `/`-separated, every byte outside RFC 3986's unreserved set percent-encoded (so
/// spaces, `#`, `%` and non-UTF-8 bytes survive a SARIF viewer's parse exactly).
pub fn uri_of(path: &Path) -> String {
    let bytes = path_bytes(path);
    let bytes: Vec<u8> = bytes.iter().map(|&b| if cfg!(windows) && b == b'\\' { b'/' } else { b }).collect();
    percent_encode(&bytes)
}

fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    std::borrow::Cow::Owned(path.to_string_lossy().into_owned().into_bytes())
}

/// Reads at most the core's size limit plus one byte, so `/dev/zero` or a huge pipe costs 16 MiB, not all the
/// memory there is; more than the limit is refused with the limit named.
fn read_limited(input: impl Read) -> Result<Vec<u8>, String> {
    let limit = amlc_analysis::syntax::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    input.take(limit as u64 + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() > limit {
        return Err(format!("it is larger than {} MiB, the most amlc reads for a compute spec", limit >> 20));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless input is cut at the limit plus one byte and refused, instead of filling memory.
    #[cfg(unix)]
    #[test]
    fn names_and_uris_are_exact() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(OsStr::from_bytes(b"specs/my cluster#1%\xff.yml"));
        assert_eq!(uri_of(path), "specs/my%20cluster%231%25%FF.yml");
        assert_eq!(exact_name(path), "specs/my cluster#1%\\xff.yml");
        assert_eq!(uri_of(Path::new("specs/é.yml")), "specs/%C3%A9.yml");
    }

    #[test]
    fn endless_input_is_read_only_to_the_limit() {
        let endless = std::io::repeat(b'a');
        let refused = read_limited(endless);
        assert!(refused.is_err_and(|e| e.contains("larger than 16 MiB")));
        let limit = amlc_analysis::syntax::MAX_FILE_BYTES;
        assert_eq!(read_limited(std::io::repeat(b'a').take(limit as u64)).map(|b| b.len()), Ok(limit));
    }
}
