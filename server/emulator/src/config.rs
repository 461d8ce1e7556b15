//! What an emulator serves and how it misbehaves: the workspaces it hosts, how long operations take,
//! which faults it injects, where it keeps its state. Parsed from flags by the binary, built in code by tests.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// One workspace the emulator serves, addressed the way ARM addresses it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WorkspaceSeed {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    pub location: String,
}

impl Default for WorkspaceSeed {
    fn default() -> Self {
        WorkspaceSeed {
            subscription_id: "00000000-0000-0000-0000-000000000000".to_string(),
            resource_group: "rg".to_string(),
            name: "ws".to_string(),
            location: "eastus".to_string(),
        }
    }
}

impl WorkspaceSeed {
    pub fn new(subscription_id: &str, resource_group: &str, name: &str, location: &str) -> Self {
        WorkspaceSeed {
            subscription_id: subscription_id.to_string(),
            resource_group: resource_group.to_string(),
            name: name.to_string(),
            location: location.to_string(),
        }
    }

    /// The ARM id of the workspace, the prefix of every compute id in it.
    pub fn arm_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            self.subscription_id, self.resource_group, self.name
        )
    }

    /// ARM compares resource names case-insensitively.
    pub(crate) fn matches(&self, subscription_id: &str, resource_group: &str, name: &str) -> bool {
        self.subscription_id.eq_ignore_ascii_case(subscription_id)
            && self.resource_group.eq_ignore_ascii_case(resource_group)
            && self.name.eq_ignore_ascii_case(name)
    }
}

/// Why a `--workspace` value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSeedError(String);

impl fmt::Display for WorkspaceSeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WorkspaceSeedError {}

impl FromStr for WorkspaceSeed {
    type Err = WorkspaceSeedError;

    /// `subscription/resourceGroup/workspace[/location]`; the location defaults to `eastus`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('/').collect();
        let valid = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "-_.()".contains(c));
        if !(3..=4).contains(&parts.len()) || !parts.iter().all(valid) {
            return Err(WorkspaceSeedError(format!(
                "expected SUBSCRIPTION/RESOURCE_GROUP/WORKSPACE[/LOCATION] (letters, digits, - _ . ( ) only), got {s:?}"
            )));
        }
        let location = parts.get(3).copied().unwrap_or("eastus").to_ascii_lowercase();
        Ok(WorkspaceSeed::new(parts[0], parts[1], parts[2], &location))
    }
}

/// Faults injected into responses, so clients can prove they retry and recover. All off by default.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Every Nth request (counting all requests) is refused with 429 and a `Retry-After` header.
    pub throttle_every: Option<u64>,
    /// Fraction (0.0–1.0) of requests answered 500 or 503 instead of being served (deterministic sequence).
    pub server_error_rate: f64,
    /// Seconds sent in `Retry-After` on injected 429 and 503 responses.
    pub retry_after_secs: u64,
    /// Added before every response.
    pub delay: Duration,
    /// Every Nth request is served (its effect happens) and then the connection is dropped without a response:
    /// the hardest case for a client that must not repeat a create.
    pub drop_every: Option<u64>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            throttle_every: None,
            server_error_rate: 0.0,
            retry_after_secs: 1,
            delay: Duration::ZERO,
            drop_every: None,
        }
    }
}

/// Everything an emulator needs to start.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The workspaces served; requests to any other workspace get ARM's not-found errors.
    pub workspaces: Vec<WorkspaceSeed>,
    /// How long every long-running operation (create, start, stop, restart, delete, update) takes.
    pub op_duration: std::time::Duration,
    pub faults: FaultConfig,
    /// JSON file holding the computes, read at start and rewritten after every change, so a demo survives restarts.
    pub state_file: Option<PathBuf>,
    /// Add demo computes (running and stopped instances, a cluster, an attached Kubernetes and an attached VM)
    /// to the first workspace, unless the state file already holds computes.
    pub seed_computes: bool,
    /// Add this many attached Kubernetes computes (`bulk-00001`, …) to the first workspace at start, for
    /// benchmarks of listing; they use no quota. Ignored when the state file already holds computes.
    pub bulk_computes: usize,
    /// Items per page of `computes` lists (and other pageable lists) before a `nextLink` is given.
    pub page_size: usize,
    /// Host and port every compute instance and cluster node reports for SSH, so a test can point clients at a real sshd.
    pub ssh_endpoint: Option<(String, u16)>,
    /// The SSH user instances report (`sshSettings.adminUserName`, normally `azureuser`) and seeded clusters use,
    /// so an end-to-end test can log in to its own sshd.
    pub ssh_user: Option<String>,
    /// Log one line per request (method, path, status, time) through `tracing`. Headers are never logged.
    pub log_requests: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            workspaces: vec![WorkspaceSeed::default()],
            op_duration: Duration::from_secs(2),
            faults: FaultConfig::default(),
            state_file: None,
            seed_computes: false,
            bulk_computes: 0,
            page_size: 50,
            ssh_endpoint: None,
            ssh_user: None,
            log_requests: true,
        }
    }
}

/// Parses `HOST:PORT` (for `--ssh-endpoint`).
pub fn parse_host_port(s: &str) -> Result<(String, u16), String> {
    let (host, port) = s.rsplit_once(':').ok_or_else(|| format!("expected HOST:PORT, got {s:?}"))?;
    let port: u16 = port.parse().map_err(|_| format!("invalid port in {s:?}"))?;
    if host.is_empty() {
        return Err(format!("missing host in {s:?}"));
    }
    Ok((host.trim_start_matches('[').trim_end_matches(']').to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_flag_forms() {
        let cases = [
            ("s/r/w", Some(("s", "r", "w", "eastus"))),
            ("s/r/w/WestEurope", Some(("s", "r", "w", "westeurope"))),
            ("s/r", None),
            ("s//w", None),
            ("s/r/w/l/x", None),
            ("s/r w/x", None),
        ];
        for (input, want) in cases {
            let got = input.parse::<WorkspaceSeed>().ok();
            let want = want.map(|(s, r, w, l)| WorkspaceSeed::new(s, r, w, l));
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn host_port() {
        assert_eq!(parse_host_port("127.0.0.1:2222"), Ok(("127.0.0.1".to_string(), 2222)));
        assert_eq!(parse_host_port("[::1]:22"), Ok(("::1".to_string(), 22)));
        assert!(parse_host_port("nohost").is_err());
        assert!(parse_host_port(":22").is_err());
        assert!(parse_host_port("h:99999").is_err());
    }
}
