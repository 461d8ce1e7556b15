//! Which documents amlc serves. A YAML document is a compute spec when its text says so (a compute
//! `$schema`, the modeline, a top-level compute `type`: `amlc_spec::looks_like_compute_spec`) or when
//! its path matches one of the user's `amlc.specGlobs`. Everything else (workflows, Kubernetes
//! manifests) gets nothing from amlc, so it cannot add noise next to other YAML tools.

use tower_lsp::lsp_types::Url;

/// The settings and workspace folders that decide, with the text, whether a document is a spec.
#[derive(Clone, Debug, Default)]
pub struct Detector {
    pub spec_globs: Vec<String>,
    pub workspace_folders: Vec<Url>,
}

impl Detector {
    pub fn is_spec(&self, uri: &Url, language_id: &str, text: &str) -> bool {
        if !is_yaml(uri, language_id) {
            return false;
        }
        self.matches_glob(uri) || amlc_spec::looks_like_compute_spec(text)
    }

    fn matches_glob(&self, uri: &Url) -> bool {
        if self.spec_globs.is_empty() || uri.scheme() != "file" {
            return false;
        }
        let path = uri.path();
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let relative: Vec<&str> = self
            .workspace_folders
            .iter()
            .filter_map(|folder| {
                let root = folder.path().trim_end_matches('/');
                path.strip_prefix(root)?.strip_prefix('/')
            })
            .collect();
        self.spec_globs.iter().any(|glob| {
            if !glob.contains('/') {
                return glob_match(glob, file_name);
            }
            if glob.starts_with('/') {
                return glob_match(glob, path);
            }
            relative.iter().any(|rel| glob_match(glob, rel)) || glob_match(&format!("**/{glob}"), path)
        })
    }
}

fn is_yaml(uri: &Url, language_id: &str) -> bool {
    if language_id.eq_ignore_ascii_case("yaml") || language_id.eq_ignore_ascii_case("azure-pipelines") {
        return true;
    }
    let path = uri.path().to_ascii_lowercase();
    path.ends_with(".yml") || path.ends_with(".yaml")
}

/// Matches a path against a glob with `*` (within one segment), `**` (any number of segments),
/// `?` (one character) and `{a,b}` alternatives. Paths use `/`.
pub fn glob_match(glob: &str, path: &str) -> bool {
    if let Some(open) = glob.find('{') {
        if let Some(close) = glob[open..].find('}') {
            let close = open + close;
            return glob[open + 1..close]
                .split(',')
                .any(|alt| glob_match(&format!("{}{alt}{}", &glob[..open], &glob[close + 1..]), path));
        }
    }
    let glob: Vec<char> = glob.chars().collect();
    let path: Vec<char> = path.chars().collect();
    match_from(&glob, &path)
}

fn match_from(glob: &[char], path: &[char]) -> bool {
    match glob.first() {
        None => path.is_empty(),
        Some('*') if glob.get(1) == Some(&'*') => {
            // `**/` may match nothing, or any prefix ending in `/`; a trailing `**` matches the rest.
            let rest = if glob.get(2) == Some(&'/') { &glob[3..] } else { &glob[2..] };
            if match_from(rest, path) {
                return true;
            }
            (0..path.len()).any(|i| path[i] == '/' && match_from(rest, &path[i + 1..]))
                || (rest.is_empty() && !path.is_empty())
        }
        Some('*') => {
            let rest = &glob[1..];
            for i in 0..=path.len() {
                if match_from(rest, &path[i..]) {
                    return true;
                }
                if path.get(i) == Some(&'/') {
                    break;
                }
            }
            false
        }
        Some('?') => path.first().is_some_and(|c| *c != '/') && match_from(&glob[1..], &path[1..]),
        Some(c) => path.first() == Some(c) && match_from(&glob[1..], &path[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let cases = [
            ("**/compute/*.yml", "compute/a.yml", true),
            ("**/compute/*.yml", "x/y/compute/a.yml", true),
            ("**/compute/*.yml", "x/compute/sub/a.yml", false),
            ("*.yml", "a.yml", true),
            ("*.yml", "a.yaml", false),
            ("*.{yml,yaml}", "a.yaml", true),
            ("infra/**", "infra/a/b.yml", true),
            ("a?.yml", "ab.yml", true),
            ("a?.yml", "a/.yml", false),
        ];
        for (glob, path, expected) in cases {
            assert_eq!(glob_match(glob, path), expected, "{glob} vs {path}");
        }
    }

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    #[test]
    fn which_documents() {
        let detector = Detector {
            spec_globs: vec!["ops/compute/*.yml".into()],
            workspace_folders: vec![url("file:///w/one"), url("file:///w/two/")],
        };
        let cases = [
            ("file:///w/one/a.yml", "yaml", "type: amlcompute\n", true),
            ("file:///w/one/a.yml", "yaml", "on: push\njobs: {}\n", false),
            ("file:///w/one/a.yml", "yaml", "apiVersion: v1\nkind: Pod\n", false),
            ("file:///w/two/ops/compute/x.yml", "yaml", "name: x\n", true),
            ("file:///w/three/ops/compute/x.yml", "yaml", "name: x\n", true),
            ("file:///w/one/other/x.yml", "yaml", "name: x\n", false),
            ("untitled:Untitled-1", "yaml", "type: computeinstance\n", true),
            ("file:///w/one/a.json", "json", "type: amlcompute\n", false),
        ];
        for (uri, language, text, expected) in cases {
            assert_eq!(detector.is_spec(&url(uri), language, text), expected, "{uri} {text:?}");
        }
    }
}
