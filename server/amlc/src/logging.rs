//! Where logs go and what they may hold: every log line passes a redaction that masks passwords, tokens, keys
//! and `Bearer` credentials whatever crate or level wrote it (trace included), and a log file is created
//! readable by its owner only.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// A key that names a secret, then its separator (JSON, YAML, a header or `key=value`, possibly inside an
/// escaped JSON string), then the value up to the next delimiter.
static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)((?:admin_?password|admin_?user_?password|password|passwd|secret|client_?secret|access_?token|refresh_?token|id_?token|token|authorization|shared_?key|primary_?key|secondary_?key|account_?key|private_?key|ssh_?key_?value|sas)\\?"?\s*[:=]\s*\\?"?(?:bearer\s+|basic\s+)?)([^\s"\\,}\]]+)|(bearer\s+)([A-Za-z0-9._~+/=-]+)"#,
    )
    .expect("the redaction pattern compiles")
});

/// A log line with every secret value replaced by `***`.
pub fn redact(line: &str) -> String {
    SECRET
        .replace_all(line, |c: &regex::Captures| match (c.get(1), c.get(3)) {
            (Some(key), _) => format!("{}***", key.as_str()),
            (None, Some(bearer)) => format!("{}***", bearer.as_str()),
            _ => "***".to_string(),
        })
        .into_owned()
}

/// Installs the `tracing` subscriber for `filter`, writing to `log_file` (created 0600) or stderr.
pub fn init(filter: EnvFilter, log_file: Option<&Path>) -> io::Result<()> {
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false);
    let installed = match log_file {
        Some(path) => builder.with_writer(Redacting(Mutex::new(private_file(path)?))).try_init(),
        None => builder.with_writer(Redacting(Mutex::new(io::stderr()))).try_init(),
    };
    installed.map_err(|e| io::Error::other(e.to_string()))
}

/// Opens a file for appending, created (or narrowed to) owner read/write only: logs may name paths, users and
/// compute names even once secrets are masked.
pub fn private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// A writer maker whose writers redact each formatted event (the fmt layer writes an event in one call).
struct Redacting<W>(Mutex<W>);

struct Line<'a, W>(&'a Mutex<W>);

impl<'a, W: Write + 'a> MakeWriter<'a> for Redacting<W> {
    type Writer = Line<'a, W>;

    fn make_writer(&'a self) -> Self::Writer {
        Line(&self.0)
    }
}

impl<W: Write> Write for Line<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = redact(&String::from_utf8_lossy(buf));
        let mut inner = self.0.lock().unwrap_or_else(|e| e.into_inner());
        inner.write_all(text.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_every_shape() {
        let cases = [
            (r#"{"token":"eyJ0eXAi.abc","expiresOn":1}"#, "eyJ0eXAi"),
            (r#"text: "ssh_settings:\n  admin_password: S3cret!x\n""#, "S3cret"),
            ("Authorization: Bearer eyJhbGciOi.xyz", "eyJhbGciOi"),
            (r#"{\"adminUserPassword\":\"P4ss\"}"#, "P4ss"),
            ("client_secret=abc123&x=1", "abc123"),
            (r#""accessToken": "tok-1""#, "tok-1"),
        ];
        for (line, secret) in cases {
            let masked = redact(line);
            assert!(!masked.contains(secret), "{line} -> {masked}");
            assert!(masked.contains("***"), "{line} -> {masked}");
        }
        assert_eq!(redact("name: ci-1 size: Standard_DS3_v2"), "name: ci-1 size: Standard_DS3_v2");
    }

    #[cfg(unix)]
    #[test]
    fn log_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("amlc.log");
        std::fs::write(&path, "old\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        drop(private_file(&path).expect("open"));
        let mode = std::fs::metadata(&path).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
