//! Which ssh `amlc compute ssh` runs, and how it prints that command for the user's shell. On Windows the OpenSSH
//! client is `ssh.exe` in `%SystemRoot%\System32\OpenSSH`, an optional feature that adds itself to `PATH`, but a
//! shell started before it was installed, or a trimmed `PATH`, misses it; and a printed command is pasted into
//! PowerShell or cmd, which do not take POSIX single quotes. The rules take the platform and the environment as
//! arguments, so Linux tests cover Windows.

use std::path::Path;

use amlc_azure::home::Platform;

/// The program to run: `AMLC_SSH` when set; `ssh` when `PATH` has it; on Windows, else, the system's own OpenSSH
/// client; `ssh` otherwise (running it then fails with a message that says what to install).
pub fn program(platform: Platform, var: impl Fn(&str) -> Option<String>, exists: impl Fn(&Path) -> bool) -> String {
    if let Some(explicit) = var("AMLC_SSH").filter(|v| !v.trim().is_empty()) {
        return explicit;
    }
    if platform == Platform::Windows {
        let on_path = var("PATH").is_some_and(|path| {
            path.split(';').any(|dir| !dir.is_empty() && exists(&Path::new(dir.trim_matches('"')).join("ssh.exe")))
        });
        if !on_path {
            let root = var("SystemRoot").unwrap_or_else(|| r"C:\Windows".into());
            let system = format!(r"{}\System32\OpenSSH\ssh.exe", root.trim_end_matches('\\'));
            if exists(Path::new(&system)) {
                return system;
            }
        }
    }
    "ssh".into()
}

/// This process's ssh program.
pub fn current() -> String {
    program(Platform::CURRENT, |name| std::env::var(name).ok(), Path::is_file)
}

/// Quotes a word for the platform's shell when needed: as `amlc_azure::shell` quotes for POSIX shells, or on
/// Windows in double quotes (which PowerShell and cmd both take; a `"` inside is escaped the way Windows programs
/// split their command line).
pub fn quote(word: &str, platform: Platform) -> String {
    match platform {
        Platform::Unix => amlc_azure::shell::quote(word).into_owned(),
        Platform::Windows if !word.is_empty() && !word.contains(['"', ' ', '\t']) => word.to_string(),
        Platform::Windows => format!("\"{}\"", word.replace('"', "\\\"")),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn which_ssh_runs() {
        let system = PathBuf::from(r"C:\Windows\System32\OpenSSH\ssh.exe");
        let only_system = |p: &Path| p == system;
        let path = [("PATH", r"C:\Windows\system32;C:\Windows"), ("SystemRoot", r"C:\Windows")];
        assert_eq!(program(Platform::Windows, env(&path), only_system), system.display().to_string());
        // On PATH (here a quoted Git for Windows folder): plain `ssh`, as the user's shell would pick it.
        let git = [("PATH", r#"C:\Windows;"C:\Program Files\Git\usr\bin""#), ("SystemRoot", r"C:\Windows")];
        let git_ssh = |p: &Path| p == Path::new(r"C:\Program Files\Git\usr\bin").join("ssh.exe") || p == system;
        assert_eq!(program(Platform::Windows, env(&git), git_ssh), "ssh");
        assert_eq!(program(Platform::Windows, env(&path), |_| false), "ssh");
        let explicit = [("AMLC_SSH", r"D:\tools\ssh.exe"), ("PATH", "")];
        assert_eq!(program(Platform::Windows, env(&explicit), only_system), r"D:\tools\ssh.exe");
        assert_eq!(program(Platform::Unix, env(&[("PATH", "/usr/bin")]), |_| false), "ssh");
    }

    #[test]
    fn quoting_per_shell() {
        assert_eq!(quote("azureuser@1.2.3.4", Platform::Unix), "azureuser@1.2.3.4");
        assert_eq!(quote("echo it's", Platform::Unix), r"'echo it'\''s'");
        assert_eq!(quote(r"C:\Users\ada\.ssh\id_ed25519", Platform::Windows), r"C:\Users\ada\.ssh\id_ed25519");
        assert_eq!(quote(r"C:\Users\Ada Lovelace\key", Platform::Windows), r#""C:\Users\Ada Lovelace\key""#);
        assert_eq!(quote(r#"say "hi""#, Platform::Windows), r#""say \"hi\"""#);
        assert_eq!(quote("", Platform::Windows), r#""""#);
    }
}
