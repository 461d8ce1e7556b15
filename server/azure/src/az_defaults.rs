//! The Azure CLI's own defaults, the last place a workspace is looked for: the `[defaults]` section of the az config
//! file (`az configure --defaults group=… workspace=…`) and the default subscription of the signed-in az account
//! (`azureProfile.json`). Both live in `$AZURE_CONFIG_DIR`, else `~/.azure`.

use std::path::{Path, PathBuf};

/// What the az CLI's files choose; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AzDefaults {
    pub group: Option<String>,
    pub workspace: Option<String>,
    pub subscription: Option<String>,
}

/// The az configuration folder: `$AZURE_CONFIG_DIR`, else `~/.azure`.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("AZURE_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".azure"))
}

/// Reads the defaults from `dir` (missing or unreadable files choose nothing).
pub fn read(dir: &Path) -> AzDefaults {
    let mut out = AzDefaults::default();
    if let Ok(text) = std::fs::read_to_string(dir.join("config")) {
        let mut in_defaults = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_defaults = line.eq_ignore_ascii_case("[defaults]");
                continue;
            }
            if !in_defaults || line.starts_with(['#', ';']) {
                continue;
            }
            if let Some((key, value)) = line.split_once('=').or_else(|| line.split_once(':')) {
                let value = value.trim().to_string();
                if value.is_empty() {
                    continue;
                }
                match key.trim().to_ascii_lowercase().as_str() {
                    "group" => out.group = Some(value),
                    "workspace" => out.workspace = Some(value),
                    _ => {}
                }
            }
        }
    }
    // azureProfile.json is written with a byte-order mark.
    if let Ok(bytes) = std::fs::read(dir.join("azureProfile.json")) {
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
        if let Ok(profile) = serde_json::from_slice::<serde_json::Value>(bytes) {
            out.subscription = profile["subscriptions"]
                .as_array()
                .and_then(|subs| subs.iter().find(|s| s["isDefault"] == true))
                .and_then(|s| s["id"].as_str())
                .map(str::to_string);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_the_default_subscription() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("config"),
            "[core]\noutput = json\n[defaults]\ngroup = my-rg\nworkspace=my-ws\nlocation =\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("azureProfile.json"),
            "\u{feff}{\"subscriptions\": [{\"id\": \"a\", \"isDefault\": false}, {\"id\": \"b\", \"isDefault\": true}]}",
        )
        .expect("write");
        let found = read(dir.path());
        assert_eq!(
            found,
            AzDefaults { group: Some("my-rg".into()), workspace: Some("my-ws".into()), subscription: Some("b".into()) }
        );
        assert_eq!(read(&dir.path().join("missing")), AzDefaults::default());
    }
}
