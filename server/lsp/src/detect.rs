//! Which documents amlc serves. A YAML document is a compute spec when its text says so (a compute
//! `$schema`, the modeline, a top-level compute `type`: `amlc_analysis::looks_like_compute_spec`) or when
//! its path matches one of the user's `amlc.specGlobs`. Everything else (workflows, Kubernetes
//! manifests) gets nothing from amlc, so it cannot add noise next to other YAML tools. Globs match the decoded
//! path (`file_uri`), so folders with spaces and Windows drives match as the user wrote them.

use globset::GlobBuilder;
use tower_lsp::lsp_types::Url;

use crate::file_uri::file_path;

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
        self.matches_glob(uri) || amlc_analysis::looks_like_compute_spec(text)
    }

    fn matches_glob(&self, uri: &Url) -> bool {
        if self.spec_globs.is_empty() {
            return false;
        }
        let Some(path) = file_path(uri) else { return false };
        let path = path.as_str();
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let roots: Vec<String> = self.workspace_folders.iter().filter_map(file_path).collect();
        let relative: Vec<&str> =
            roots.iter().filter_map(|root| path.strip_prefix(root.trim_end_matches('/'))?.strip_prefix('/')).collect();
        self.spec_globs.iter().any(|glob| {
            // Users on Windows may write `ops\compute\*.yml`; the paths here use `/`.
            let glob = glob.replace('\\', "/");
            if !glob.contains('/') {
                return glob_match(&glob, file_name);
            }
            if glob.starts_with('/') {
                return glob_match(&glob, path);
            }
            if glob.get(1..3) == Some(":/") {
                // A drive-absolute glob; drives compare in lower case, as `file_path` spells them.
                return glob_match(&format!("{}{}", glob[..1].to_ascii_lowercase(), &glob[1..]), path);
            }
            relative.iter().any(|rel| glob_match(&glob, rel)) || glob_match(&format!("**/{glob}"), path)
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

/// Matches a path against a glob with `*` (within one segment), `**` (any number of segments), `?` (one
/// character), `[…]` classes and `{a,b}` alternatives. Paths use `/`. A glob that does not parse matches nothing.
pub fn glob_match(glob: &str, path: &str) -> bool {
    GlobBuilder::new(glob).literal_separator(true).build().is_ok_and(|glob| glob.compile_matcher().is_match(path))
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
            ("my specs/*.yml", "my specs/a.yml", true),
            ("[ab].yml", "b.yml", true),
            ("{unclosed", "{unclosed", false),
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

    #[test]
    fn windows_uris_and_folders_with_spaces() {
        let detector = Detector {
            spec_globs: vec!["ops/compute/*.yml".into(), r"infra\specs\*.yaml".into(), "C:/shared/**/*.yml".into()],
            // VS Code may spell the folder with an upper-case, unescaped drive and its documents with `c%3A`.
            workspace_folders: vec![url("file:///C:/Users/Ada%20Lovelace/My%20Project")],
        };
        let cases = [
            ("file:///c%3A/Users/Ada%20Lovelace/My%20Project/ops/compute/gpu.yml", true),
            ("file:///c%3A/Users/Ada%20Lovelace/My%20Project/infra/specs/a.yaml", true),
            ("file:///c%3A/Users/Ada%20Lovelace/My%20Project/ops/other/gpu.yml", false),
            ("file:///C%3A/shared/x/y/z.yml", true),
            ("file:///d%3A/shared/x/y/z.yml", false),
            ("file:///home/ada/my%20specs/ops/compute/a.yml", true),
        ];
        for (uri, expected) in cases {
            assert_eq!(detector.is_spec(&url(uri), "yaml", "name: x\n"), expected, "{uri}");
        }
    }
}
