//! Finding the workspace the way `MLClient.from_config` does: `.azureml/config.json` and its older names, searched
//! pair by pair while walking up at most 20 parent directories, accepting the three-key form or the `Scope` form.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::AzureError;

/// Subscription, resource group and workspace: everything an ARM compute URL needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRef {
    pub subscription_id: String,
    pub resource_group: String,
    pub workspace_name: String,
}

impl WorkspaceRef {
    pub fn new(
        subscription_id: impl Into<String>,
        resource_group: impl Into<String>,
        workspace_name: impl Into<String>,
    ) -> Self {
        WorkspaceRef {
            subscription_id: subscription_id.into(),
            resource_group: resource_group.into(),
            workspace_name: workspace_name.into(),
        }
    }

    /// `/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/…`
    pub fn arm_path(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            self.subscription_id, self.resource_group, self.workspace_name
        )
    }

    /// Parses the `Scope` form, taking path segments 2, 4 and 8 as the SDK does.
    pub fn from_scope(scope: &str) -> Option<WorkspaceRef> {
        let parts: Vec<&str> = scope.split('/').collect();
        let get = |i: usize| parts.get(i).map(|s| s.to_string()).filter(|s| !s.is_empty());
        Some(WorkspaceRef { subscription_id: get(2)?, resource_group: get(4)?, workspace_name: get(8)? })
    }
}

/// Where a workspace reference was found, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    pub workspace: WorkspaceRef,
    pub path: PathBuf,
}

/// The (directory, file) pairs in the SDK's order; the walk up happens inside each pair.
const SEARCH_DIRS: [Option<&str>; 3] = [Some(".azureml"), Some("aml_config"), None];
const FILE_NAMES: [&str; 2] = ["config.json", "project.json"];
const MAX_PARENT_LEVELS: usize = 20;

/// Looks for a workspace config starting at `start` (a file is read directly; a directory starts the search).
/// `Ok(None)` means nothing was found; a found but broken file is an error naming it.
pub fn discover(start: &Path) -> Result<Option<Discovered>, AzureError> {
    if start.is_file() {
        return read_config(start).map(Some);
    }
    for dir in SEARCH_DIRS {
        for file in FILE_NAMES {
            let mut current = Some(start.to_path_buf());
            let mut level = 0;
            while let Some(base) = current {
                let candidate = match dir {
                    Some(dir) => base.join(dir).join(file),
                    None => base.join(file),
                };
                if candidate.is_file() {
                    return read_config(&candidate).map(Some);
                }
                if level >= MAX_PARENT_LEVELS {
                    break;
                }
                level += 1;
                current = base.parent().map(Path::to_path_buf);
            }
        }
    }
    Ok(None)
}

/// Reads one config file in either form.
pub fn read_config(path: &Path) -> Result<Discovered, AzureError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AzureError::Config(format!("cannot read workspace config {}: {e}", path.display())))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| AzureError::Config(format!("workspace config {} is not valid JSON: {e}", path.display())))?;
    let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string).filter(|s| !s.is_empty());
    let workspace = if let Some(scope) = field("Scope") {
        WorkspaceRef::from_scope(&scope)
    } else {
        match (field("subscription_id"), field("resource_group"), field("workspace_name")) {
            (Some(s), Some(g), Some(w)) => Some(WorkspaceRef::new(s, g, w)),
            _ => None,
        }
    };
    let workspace = workspace.ok_or_else(|| {
        AzureError::Config(format!(
            "workspace config {} does not seem to contain the required parameters (subscription_id, resource_group, \
             workspace_name, or Scope)",
            path.display()
        ))
    })?;
    Ok(Discovered { workspace, path: path.to_path_buf() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).ok();
        }
        std::fs::write(path, text).ok();
    }

    fn config(ws: &str) -> String {
        format!(r#"{{"subscription_id":"sub","resource_group":"rg","workspace_name":"{ws}"}}"#)
    }

    #[test]
    fn azureml_dir_higher_up_beats_bare_config_here() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let deep = root.join("a").join("b");
        write(&root.join(".azureml").join("config.json"), &config("outer"));
        write(&deep.join("config.json"), &config("inner"));
        let found = discover(&deep).ok().flatten().map(|d| d.workspace.workspace_name);
        assert_eq!(found.as_deref(), Some("outer"));
    }

    #[test]
    fn search_order_of_pairs() {
        // (dir, file) written, expected winner: each row adds one lower-priority file next to a higher one.
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[(".azureml/config.json", "a"), (".azureml/project.json", "b")], "a"),
            (&[(".azureml/project.json", "b"), ("aml_config/config.json", "c")], "b"),
            (&[("aml_config/config.json", "c"), ("aml_config/project.json", "d")], "c"),
            (&[("aml_config/project.json", "d"), ("config.json", "e")], "d"),
            (&[("config.json", "e"), ("project.json", "f")], "e"),
            (&[("project.json", "f")], "f"),
        ];
        for (files, winner) in cases {
            let dir = tempfile::tempdir().expect("tempdir");
            for (path, ws) in *files {
                write(&dir.path().join(path), &config(ws));
            }
            let found = discover(dir.path()).ok().flatten().map(|d| d.workspace.workspace_name);
            assert_eq!(found.as_deref(), Some(*winner), "{files:?}");
        }
    }

    #[test]
    fn scope_form_and_explicit_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("custom.json");
        write(
            &file,
            r#"{"Scope":"/subscriptions/s1/resourceGroups/g1/providers/Microsoft.MachineLearningServices/workspaces/w1"}"#,
        );
        let found = discover(&file).ok().flatten().map(|d| d.workspace);
        assert_eq!(found, Some(WorkspaceRef::new("s1", "g1", "w1")));
    }

    #[test]
    fn incomplete_config_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(&dir.path().join(".azureml/config.json"), r#"{"subscription_id":"s"}"#);
        let err = discover(dir.path()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("required parameters") && err.contains("config.json"), "{err}");
    }

    #[test]
    fn nothing_found_is_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The temp dir's ancestors (/tmp, /) carry no config on a clean machine.
        if let Ok(Some(found)) = discover(dir.path()) {
            assert!(!found.path.starts_with(dir.path()));
        }
    }
}
