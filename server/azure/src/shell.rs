//! Text that leaves amlc for a shell, a terminal or an ssh config: words quoted so a shell reads them as one
//! argument each, and control characters written as visible escapes. ARM responses and compute names are not
//! trusted; the CLI and the language server print and copy through these functions only.

use std::borrow::Cow;
use std::fmt::Write as _;

/// A word for a POSIX shell: left bare when it holds only characters no shell treats specially, in single
/// quotes otherwise, and in `$'…'` (bash, zsh, ksh, busybox and newer dash) when it holds control characters,
/// so the printed line shows no raw escape sequence and still pastes as the same word.
pub fn quote(word: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=@:,+%".contains(c);
    if !word.is_empty() && word.chars().all(plain) && !word.starts_with('=') {
        return Cow::Borrowed(word);
    }
    if !word.chars().any(char::is_control) {
        return Cow::Owned(format!("'{}'", word.replace('\'', r"'\''")));
    }
    let mut out = String::from("$'");
    for c in word.chars() {
        match c {
            '\'' => out.push_str(r"\'"),
            '\\' => out.push_str(r"\\"),
            c if c.is_control() => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('\'');
    Cow::Owned(out)
}

/// Words joined into one command line, each quoted.
pub fn join<S: AsRef<str>>(words: &[S]) -> String {
    words.iter().map(|w| quote(w.as_ref())).collect::<Vec<_>>().join(" ")
}

/// Text for a terminal or a table: control characters (escape sequences, carriage returns, line breaks, C1
/// controls) written as `\x1b`-style escapes, so a name cannot clear the screen or forge a line.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`visible`], for a message of several lines: its own line breaks stay, everything else is escaped.
pub fn visible_lines(text: &str) -> String {
    text.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

/// A value for an ssh config line, in double quotes (ssh's only quoting); `None` when it cannot be written
/// safely (a double quote or a control character, which no quoting in that file can carry).
pub fn ssh_config_value(value: &str) -> Option<String> {
    if value.is_empty() || value.chars().any(|c| c == '"' || c.is_control()) {
        return None;
    }
    Some(format!("\"{value}\""))
}

fn push_escape(out: &mut String, c: char) {
    let code = c as u32;
    let _ = if code <= 0xff { write!(out, "\\x{code:02x}") } else { write!(out, "\\u{{{code:x}}}") };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_each_word_one_argument() {
        assert_eq!(quote("azureuser@1.2.3.4"), "azureuser@1.2.3.4");
        assert_eq!(quote("echo it's"), r"'echo it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("x; rm -rf ~"), "'x; rm -rf ~'");
        assert_eq!(quote("$(touch x)"), "'$(touch x)'");
        assert_eq!(quote("a\x1b[2Jb'"), r"$'a\x1b[2Jb\''");
        assert_eq!(join(&["amlc", "compute", "stop", "x; rm -rf ~"]), "amlc compute stop 'x; rm -rf ~'");
    }

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(visible("ci-1"), "ci-1");
        assert_eq!(visible("a\x1b[2Jb\r\n\u{9b}"), r"a\x1b[2Jb\x0d\x0a\x9b");
        assert_eq!(visible_lines("one\ntwo\x07"), "one\ntwo\\x07");
    }

    #[test]
    fn ssh_config_values_are_quoted_or_refused() {
        assert_eq!(ssh_config_value("/home/me/.ssh/id key").as_deref(), Some("\"/home/me/.ssh/id key\""));
        assert_eq!(ssh_config_value("u\n    ProxyCommand touch x"), None);
        assert_eq!(ssh_config_value("a\"b"), None);
    }
}
