//! The emulator's state: computes per workspace and the long-running operations on them. Time drives every
//! change: a transition records when it ends, and [`State::settle`] applies whatever has ended by "now", so no
//! background task is needed and a state file written at any moment can be reloaded later.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A compute as the emulator holds it: what the client sent plus the service-owned fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Compute {
    /// ARM id of the workspace, as configured.
    pub workspace_id: String,
    pub name: String,
    /// Canonical `computeType` (`ComputeInstance`, `AmlCompute`, `Kubernetes`, …).
    pub compute_type: String,
    pub location: String,
    pub tags: Option<Value>,
    pub identity: Option<Value>,
    pub sku: Option<Value>,
    pub description: Option<String>,
    pub resource_id: Option<String>,
    pub disable_local_auth: Option<bool>,
    /// The type-specific `properties.properties` as sent, secrets included (they are redacted when rendered).
    pub props: Value,
    pub provisioning_state: String,
    pub provisioning_errors: Option<Vec<Value>>,
    /// Compute-instance `state`; `None` for other types.
    pub state: Option<String>,
    pub last_operation: Option<LastOperation>,
    pub pending: Option<Pending>,
    pub created_ms: u64,
    pub modified_ms: u64,
    /// When the cluster allocation or instance state last changed.
    pub state_changed_ms: u64,
}

impl Compute {
    pub fn is_instance(&self) -> bool {
        self.compute_type == "ComputeInstance"
    }

    pub fn is_cluster(&self) -> bool {
        self.compute_type == "AmlCompute"
    }

    /// Attached computes wrap a resource the user owns (AKS, Arc, a VM, a Spark pool…); only detach applies to them.
    pub fn is_attached(&self) -> bool {
        !self.is_instance() && !self.is_cluster()
    }

    /// The name of the operation in flight, if any.
    pub fn busy_with(&self) -> Option<&str> {
        self.pending.as_ref().map(|p| p.operation.as_str())
    }
}

/// `lastOperation` of a compute instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LastOperation {
    pub name: String,
    pub time_ms: u64,
    pub status: String,
    pub trigger: String,
}

impl LastOperation {
    /// An operation a user asked for, as the service reports it (`operationTrigger: User`).
    pub fn by_user(name: &str, time_ms: u64, status: &str) -> LastOperation {
        LastOperation { name: name.to_string(), time_ms, status: status.to_string(), trigger: "User".to_string() }
    }
}

/// A change in flight: what the compute becomes when `until_ms` is reached.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// `Create`, `Update`, `Start`, `Stop`, `Restart`, `Delete`, `Detach`.
    pub operation: String,
    pub until_ms: u64,
    pub provisioning_state: Option<String>,
    pub state: Option<String>,
    /// The compute disappears (delete, detach).
    pub remove: bool,
    /// `lastOperation.operationStatus` once done (`Succeeded`, `StartFailed`, …).
    pub last_operation_status: Option<String>,
    pub provisioning_errors: Option<Vec<Value>>,
    /// A new `properties.properties` to apply (PATCH of scale settings).
    pub props: Option<Value>,
}

impl Pending {
    /// An operation that changes nothing but its own end time; callers set what it changes with struct update.
    pub fn new(operation: &str, until_ms: u64) -> Pending {
        Pending {
            operation: operation.to_string(),
            until_ms,
            provisioning_state: None,
            state: None,
            remove: false,
            last_operation_status: None,
            provisioning_errors: None,
            props: None,
        }
    }
}

/// A long-running operation as its status URLs report it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Operation {
    pub id: String,
    pub subscription_id: String,
    pub location: String,
    pub start_ms: u64,
    pub end_ms: u64,
    /// `None` on success; the ARM error object on failure.
    pub error: Option<Value>,
    /// HTTP status the `Location` URL gives on failure.
    pub failure_status: u16,
}

impl Operation {
    pub fn status(&self, now: u64) -> &'static str {
        if now < self.end_ms {
            "InProgress"
        } else if self.error.is_some() {
            "Failed"
        } else {
            "Succeeded"
        }
    }
}

/// Operations are kept this long after they end, then forgotten.
const OPERATION_RETENTION_MS: u64 = 6 * 60 * 60 * 1000;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    /// Keyed by `lowercase(workspace id) + "\n" + lowercase(name)`, so a workspace's computes are contiguous and sorted.
    pub computes: BTreeMap<String, Compute>,
    pub operations: HashMap<String, Operation>,
    /// Workspace-level vCPU limits set through `updateQuotas`, keyed by `lowercase(workspace id) + "\n" + family`.
    #[serde(default)]
    pub workspace_quotas: BTreeMap<String, u64>,
}

pub fn quota_key(workspace_id: &str, family: &str) -> String {
    format!("{}\n{family}", workspace_id.to_ascii_lowercase())
}

pub fn compute_key(workspace_id: &str, name: &str) -> String {
    format!("{}\n{}", workspace_id.to_ascii_lowercase(), name.to_ascii_lowercase())
}

impl State {
    /// Applies every transition that has ended by `now`. Returns whether anything changed.
    pub fn settle(&mut self, now: u64) -> bool {
        let mut changed = false;
        let mut removed = Vec::new();
        for (key, compute) in self.computes.iter_mut() {
            let Some(pending) = compute.pending.as_ref() else { continue };
            if pending.until_ms > now {
                continue;
            }
            changed = true;
            let Some(p) = compute.pending.take() else { continue };
            if p.remove {
                removed.push(key.clone());
                continue;
            }
            if let Some(ps) = p.provisioning_state {
                compute.provisioning_state = ps;
            }
            if let Some(s) = p.state {
                compute.state = Some(s);
                compute.state_changed_ms = p.until_ms;
            }
            if let Some(errors) = p.provisioning_errors {
                compute.provisioning_errors = Some(errors);
            }
            if let Some(props) = p.props {
                compute.props = props;
                compute.state_changed_ms = p.until_ms;
            }
            if let (Some(status), Some(last)) = (p.last_operation_status, compute.last_operation.as_mut()) {
                last.status = status;
            }
            compute.modified_ms = p.until_ms;
        }
        for key in removed {
            self.computes.remove(&key);
        }
        let before = self.operations.len();
        self.operations.retain(|_, op| op.end_ms.saturating_add(OPERATION_RETENTION_MS) > now);
        changed || before != self.operations.len()
    }

    pub fn get(&self, workspace_id: &str, name: &str) -> Option<&Compute> {
        self.computes.get(&compute_key(workspace_id, name))
    }

    pub fn get_mut(&mut self, workspace_id: &str, name: &str) -> Option<&mut Compute> {
        self.computes.get_mut(&compute_key(workspace_id, name))
    }

    pub fn insert(&mut self, compute: Compute) {
        self.computes.insert(compute_key(&compute.workspace_id, &compute.name), compute);
    }

    /// The computes of one workspace, in name order.
    pub fn in_workspace<'a>(&'a self, workspace_id: &str) -> impl Iterator<Item = &'a Compute> + 'a {
        let prefix = format!("{}\n", workspace_id.to_ascii_lowercase());
        self.computes.range(prefix.clone()..).take_while(move |(k, _)| k.starts_with(&prefix)).map(|(_, c)| c)
    }

    pub fn add_operation(&mut self, op: Operation) {
        self.operations.insert(op.id.clone(), op);
    }

    /// Reads a state file; a missing file is an empty state.
    pub fn load(path: &Path) -> std::io::Result<State> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes the state atomically (temporary file, then rename), so a crash never leaves half a file. The file
    /// holds attach passwords and keys as the requests sent them: it is readable by its owner only.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        use std::io::Write;
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("json.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            options.mode(0o600);
            let mut file = options.open(&tmp)?;
            // A leftover temporary file keeps its old mode through `open`: narrow it explicitly.
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            file.write_all(&bytes)?;
        }
        #[cfg(not(unix))]
        options.open(&tmp)?.write_all(&bytes)?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn instance(name: &str) -> Compute {
        Compute {
            workspace_id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w"
                .to_string(),
            name: name.to_string(),
            compute_type: "ComputeInstance".to_string(),
            location: "eastus".to_string(),
            tags: None,
            identity: None,
            sku: None,
            description: None,
            resource_id: None,
            disable_local_auth: None,
            props: json!({}),
            provisioning_state: "Creating".to_string(),
            provisioning_errors: None,
            state: Some("Creating".to_string()),
            last_operation: Some(LastOperation::by_user("Create", 0, "InProgress")),
            pending: Some(Pending {
                provisioning_state: Some("Succeeded".to_string()),
                state: Some("Running".to_string()),
                last_operation_status: Some("Succeeded".to_string()),
                ..Pending::new("Create", 100)
            }),
            created_ms: 0,
            modified_ms: 0,
            state_changed_ms: 0,
        }
    }

    #[test]
    fn transitions_apply_when_their_time_comes() {
        let mut state = State::default();
        let c = instance("ci1");
        let ws = c.workspace_id.clone();
        state.insert(c);
        assert!(!state.settle(99));
        assert_eq!(state.get(&ws, "CI1").map(|c| c.provisioning_state.as_str()), Some("Creating"));
        assert!(state.settle(100));
        let c = state.get(&ws, "ci1");
        assert_eq!(c.and_then(|c| c.state.as_deref()), Some("Running"));
        assert_eq!(c.and_then(|c| c.last_operation.as_ref()).map(|l| l.status.as_str()), Some("Succeeded"));
        if let Some(c) = state.get_mut(&ws, "ci1") {
            c.pending = Some(Pending { remove: true, ..Pending::new("Delete", 200) });
        }
        state.settle(200);
        assert!(state.get(&ws, "ci1").is_none());
    }

    #[test]
    fn workspace_listing_is_scoped_and_sorted() {
        let mut state = State::default();
        for n in ["b", "a", "c"] {
            state.insert(instance(n));
        }
        let mut other = instance("z");
        other.workspace_id.push('2');
        state.insert(other);
        let ws = instance("x").workspace_id;
        let names: Vec<_> = state.in_workspace(&ws).map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[test]
    fn state_file_round_trip() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.json");
        let mut state = State::default();
        state.insert(instance("ci1"));
        assert!(state.save(&path).is_ok());
        let loaded = State::load(&path).ok();
        assert_eq!(loaded.map(|s| s.computes.len()), Some(1));
        assert_eq!(State::load(&dir.path().join("missing.json")).ok().map(|s| s.computes.len()), Some(0));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).ok();
            assert_eq!(mode, Some(0o600), "the state file holds secrets");
        }
    }
}
