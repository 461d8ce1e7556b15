//! The user's home folder, and `~` in paths a user writes (an ssh key in a spec, `--ssh-config`). Windows keeps it
//! in `%USERPROFILE%` (where the az CLI keeps `.azure` and OpenSSH keeps `.ssh`) and usually has no `HOME`; a `HOME`
//! that Git Bash or MSYS sets there is a Unix-style path Windows programs cannot open, so Windows reads
//! `USERPROFILE` first. The rule takes the platform and the environment as arguments, so Linux tests cover Windows.

use std::path::PathBuf;

/// Which home-folder rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    Windows,
    Unix,
}

impl Platform {
    pub const CURRENT: Platform = if cfg!(windows) { Platform::Windows } else { Platform::Unix };

    fn separator(self) -> char {
        match self {
            Platform::Windows => '\\',
            Platform::Unix => '/',
        }
    }
}

/// The home folder from the environment `var`: `USERPROFILE` (then `HOME`) on Windows, `HOME` elsewhere.
pub fn home_from(platform: Platform, var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let names: &[&str] = match platform {
        Platform::Windows => &["USERPROFILE", "HOME"],
        Platform::Unix => &["HOME"],
    };
    names.iter().filter_map(|name| var(name)).find(|value| !value.trim().is_empty())
}

/// This process's home folder.
pub fn home_dir() -> Option<PathBuf> {
    home_from(Platform::CURRENT, |name| std::env::var(name).ok()).map(PathBuf::from)
}

/// `~`, `~/x` (and on Windows `~\x`) with the home folder in front, in the platform's separators; any other path
/// unchanged, as is `~` when there is no home folder.
pub fn expand_with(path: &str, platform: Platform, home: Option<&str>) -> String {
    let rest = match path.strip_prefix('~') {
        Some("") => "",
        Some(rest) if rest.starts_with('/') || (platform == Platform::Windows && rest.starts_with('\\')) => &rest[1..],
        _ => return path.to_string(),
    };
    let Some(home) = home else { return path.to_string() };
    let sep = platform.separator();
    let home = home.trim_end_matches(['/', sep]);
    if rest.is_empty() {
        return home.to_string();
    }
    let rest = if platform == Platform::Windows { rest.replace('/', "\\") } else { rest.to_string() };
    format!("{home}{sep}{rest}")
}

/// `~/x` → the home folder's `x`, for paths a spec or a flag names.
pub fn expand_home(path: &str) -> String {
    let home = home_from(Platform::CURRENT, |name| std::env::var(name).ok());
    expand_with(path, Platform::CURRENT, home.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn windows_reads_userprofile_first_and_unix_reads_home() {
        let both = [("HOME", "/c/Users/ada"), ("USERPROFILE", r"C:\Users\ada")];
        assert_eq!(home_from(Platform::Windows, env(&both)).as_deref(), Some(r"C:\Users\ada"));
        assert_eq!(home_from(Platform::Unix, env(&both)).as_deref(), Some("/c/Users/ada"));
        assert_eq!(home_from(Platform::Windows, env(&[("HOME", r"D:\home")])).as_deref(), Some(r"D:\home"));
        assert_eq!(home_from(Platform::Windows, env(&[("USERPROFILE", " ")])), None);
        assert_eq!(home_from(Platform::Unix, env(&[("USERPROFILE", r"C:\Users\ada")])), None);
    }

    #[test]
    fn tilde_expansion_per_platform() {
        let win = Some(r"C:\Users\Ada Lovelace");
        let cases = [
            (r"~\.ssh\id_ed25519.pub", Platform::Windows, win, r"C:\Users\Ada Lovelace\.ssh\id_ed25519.pub"),
            ("~/.ssh/config", Platform::Windows, win, r"C:\Users\Ada Lovelace\.ssh\config"),
            ("~", Platform::Windows, Some("C:\\Users\\ada\\"), r"C:\Users\ada"),
            (r"D:\keys\k.pub", Platform::Windows, win, r"D:\keys\k.pub"),
            ("~/.ssh/config", Platform::Unix, Some("/home/ada/"), "/home/ada/.ssh/config"),
            (r"~\x", Platform::Unix, Some("/home/ada"), r"~\x"),
            ("~other/x", Platform::Unix, Some("/home/ada"), "~other/x"),
            ("~/x", Platform::Unix, None, "~/x"),
            ("keys/k.pub", Platform::Unix, Some("/home/ada"), "keys/k.pub"),
        ];
        for (path, platform, home, expected) in cases {
            assert_eq!(expand_with(path, platform, home), expected, "{path} on {platform:?}");
        }
    }
}
