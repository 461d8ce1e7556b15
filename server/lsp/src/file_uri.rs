//! The path inside a `file:` URI, spelt the same whichever system the editor runs on, so spec globs match the
//! folder names a user sees. VS Code on Windows sends `file:///c%3A/Users/Ada%20Lovelace/ops/a.yml`: the drive's
//! colon and every space percent-encoded, the drive letter in lower case, while a workspace folder may arrive as
//! `file:///C:/Users/…`. This decodes the escapes and gives `c:/Users/Ada Lovelace/ops/a.yml` for both.
//! Plain string work on the URI, so the Windows forms are tested on every system.

use percent_encoding::percent_decode_str;
use tower_lsp::lsp_types::Url;

/// The decoded path of a `file:` URI with `/` separators, a Windows drive as `x:` (lower case, without the
/// leading `/`), and no trailing `/` except for a root; `None` for other schemes and for paths that are not UTF-8.
pub fn file_path(uri: &Url) -> Option<String> {
    if uri.scheme() != "file" {
        return None;
    }
    let decoded = percent_decode_str(uri.path()).decode_utf8().ok()?;
    let mut path = decoded.replace('\\', "/");
    let bytes = path.as_bytes();
    if bytes.len() >= 3 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b':' {
        path = format!("{}{}", path[1..2].to_ascii_lowercase(), &path[2..]);
    }
    // A UNC share (`file://server/share/x`) keeps its host in front, as Windows names it.
    if let Some(host) = uri.host_str().filter(|h| !h.is_empty()) {
        path = format!("//{host}{path}");
    }
    while path.len() > 1 && path.ends_with('/') && !path.ends_with(":/") {
        path.pop();
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_unix_uris() {
        let cases = [
            ("file:///c%3A/Users/Ada%20Lovelace/ops/a.yml", Some("c:/Users/Ada Lovelace/ops/a.yml")),
            ("file:///C:/Users/Ada%20Lovelace/ops/", Some("c:/Users/Ada Lovelace/ops")),
            ("file:///d%3a/", Some("d:/")),
            ("file:///c%3A/x/%C3%A9t%C3%A9.yml", Some("c:/x/été.yml")),
            ("file://fileserver/share/specs/a.yml", Some("//fileserver/share/specs/a.yml")),
            ("file:///home/ada/my%20specs/a.yml", Some("/home/ada/my specs/a.yml")),
            ("file:///", Some("/")),
            ("untitled:Untitled-1", None),
            ("file:///x/%FF.yml", None),
        ];
        for (uri, expected) in cases {
            assert_eq!(file_path(&Url::parse(uri).expect("test URL")).as_deref(), expected, "{uri}");
        }
    }
}
