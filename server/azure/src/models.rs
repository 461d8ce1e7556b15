//! Typed views of the ARM compute resources the client reads. Fields the tools use are typed; the type-specific
//! `properties.properties` stay a JSON value with typed accessors, so unknown or newer fields survive a round trip.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A compute resource as ARM returns it (GET, list, PUT response).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ComputeResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<serde_json::Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Value>,
    #[serde(default)]
    pub properties: ComputeProperties,
}

/// The envelope `properties` common to every compute type.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ComputeProperties {
    #[serde(default)]
    pub compute_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_errors: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_attached_compute: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_local_auth: Option<bool>,
    /// Type-specific settings (`ComputeInstanceProperties`, `AmlComputeProperties`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Value>,
}

/// Compute types whose underlying resource belongs to someone else: they can only be detached, never deleted.
pub const ATTACH_ONLY_TYPES: [&str; 7] =
    ["Kubernetes", "VirtualMachine", "SynapseSpark", "HDInsight", "Databricks", "DataLakeAnalytics", "AKS"];

impl ComputeResource {
    fn inner(&self, key: &str) -> Option<&Value> {
        self.properties.properties.as_ref()?.get(key)
    }

    fn inner_str(&self, key: &str) -> Option<&str> {
        self.inner(key)?.as_str()
    }

    pub fn compute_type(&self) -> &str {
        &self.properties.compute_type
    }

    pub fn is_instance(&self) -> bool {
        self.compute_type().eq_ignore_ascii_case("ComputeInstance")
    }

    pub fn is_cluster(&self) -> bool {
        self.compute_type().eq_ignore_ascii_case("AmlCompute")
    }

    /// True when the service says the compute is attached, or its type can only be attached. `AKS` computes may be
    /// created by Azure ML (legacy) — then `isAttachedCompute` is false and delete is legitimate.
    pub fn is_attached(&self) -> bool {
        match self.properties.is_attached_compute {
            Some(attached) => attached,
            None => ATTACH_ONLY_TYPES.iter().any(|t| t.eq_ignore_ascii_case(self.compute_type())),
        }
    }

    pub fn provisioning_state(&self) -> Option<&str> {
        self.properties.provisioning_state.as_deref()
    }

    /// The compute-instance state (`Running`, `Stopped`, …); `None` for other types.
    pub fn state(&self) -> Option<&str> {
        self.inner_str("state")
    }

    pub fn vm_size(&self) -> Option<&str> {
        self.inner_str("vmSize")
    }

    /// The region the compute runs in: `computeLocation` first (what the SDK reads), then `location`.
    pub fn region(&self) -> Option<&str> {
        self.properties.compute_location.as_deref().or(self.location.as_deref())
    }

    /// Scale settings of a cluster.
    pub fn scale_settings(&self) -> Option<ScaleSettings> {
        serde_json::from_value(self.inner("scaleSettings")?.clone()).ok()
    }

    /// Current node count of a cluster.
    pub fn current_node_count(&self) -> Option<i64> {
        self.inner("currentNodeCount")?.as_i64()
    }

    /// Target node count of a cluster (what it is scaling to).
    pub fn target_node_count(&self) -> Option<i64> {
        self.inner("targetNodeCount")?.as_i64()
    }

    /// A cluster's nodes by state (`nodeStateCounts`): idle, running, preparing, unusable, leaving, preempted.
    pub fn node_state_counts(&self) -> Option<NodeStateCounts> {
        serde_json::from_value(self.inner("nodeStateCounts")?.clone()).ok()
    }

    /// The web applications of a compute instance (`applications`: JupyterLab, Jupyter, RStudio, VS Code web,
    /// custom ones), as display name and endpoint.
    pub fn applications(&self) -> Vec<Application> {
        self.inner("applications").and_then(|a| serde_json::from_value(a.clone()).ok()).unwrap_or_default()
    }

    /// A one-word status for listings: the CI state, a cluster's allocation state, or the provisioning state.
    pub fn status(&self) -> String {
        if let Some(state) = self.state() {
            return state.to_string();
        }
        if let Some(alloc) = self.inner_str("allocationState") {
            if self.provisioning_state() == Some("Succeeded") {
                return alloc.to_string();
            }
        }
        self.provisioning_state().unwrap_or("Unknown").to_string()
    }

    /// SSH settings of a compute instance.
    pub fn instance_ssh(&self) -> Option<InstanceSsh> {
        serde_json::from_value(self.inner("sshSettings")?.clone()).ok()
    }

    /// `connectivityEndpoints` of a compute instance.
    pub fn connectivity(&self) -> Option<ConnectivityEndpoints> {
        serde_json::from_value(self.inner("connectivityEndpoints")?.clone()).ok()
    }

    /// `remoteLoginPortPublicAccess` of a cluster.
    pub fn remote_login_access(&self) -> Option<&str> {
        self.inner_str("remoteLoginPortPublicAccess")
    }

    /// The admin user name of a cluster (`userAccountCredentials.adminUserName`).
    pub fn cluster_admin_user(&self) -> Option<&str> {
        self.inner("userAccountCredentials")?.get("adminUserName")?.as_str()
    }

    /// The user object id a personal compute instance is assigned to.
    pub fn assigned_user_object_id(&self) -> Option<&str> {
        self.inner("personalComputeInstanceSettings")?.get("assignedUser")?.get("objectId")?.as_str()
    }

    /// The object id of the user who created an instance (`createdBy.userId`).
    pub fn created_by_user_id(&self) -> Option<&str> {
        self.inner("createdBy")?.get("userId")?.as_str()
    }

    /// Whether the user with object id `me` created this compute or is the one it is assigned to (the studio's
    /// "my computes" filter; `amlc compute list --mine` and the editor's tree filter).
    pub fn is_owned_by(&self, me: &str) -> bool {
        [self.created_by_user_id(), self.assigned_user_object_id()]
            .into_iter()
            .flatten()
            .any(|id| id.trim().eq_ignore_ascii_case(me.trim()))
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ScaleSettings {
    #[serde(default)]
    pub max_node_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_node_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_idle_time_before_scale_down: Option<String>,
}

/// `nodeStateCounts` of a cluster.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NodeStateCounts {
    #[serde(default)]
    pub idle_node_count: i64,
    #[serde(default)]
    pub running_node_count: i64,
    #[serde(default)]
    pub preparing_node_count: i64,
    #[serde(default)]
    pub unusable_node_count: i64,
    #[serde(default)]
    pub leaving_node_count: i64,
    #[serde(default)]
    pub preempted_node_count: i64,
}

/// One web application of a compute instance.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub endpoint_uri: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSsh {
    #[serde(default)]
    pub ssh_public_access: Option<String>,
    #[serde(default)]
    pub admin_user_name: Option<String>,
    #[serde(default)]
    pub ssh_port: Option<u16>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ConnectivityEndpoints {
    #[serde(default)]
    pub public_ip_address: Option<String>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
}

/// One node of a cluster (`listNodes`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ComputeNode {
    #[serde(default)]
    pub node_id: String,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub public_ip_address: Option<String>,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub node_state: Option<String>,
    #[serde(default)]
    pub run_id: Option<String>,
}

/// A VM size offered in a region (`vmSizes`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VmSize {
    pub name: String,
    #[serde(default)]
    pub family: Option<String>,
    #[serde(default, rename = "vCPUs")]
    pub v_cpus: Option<i64>,
    #[serde(default)]
    pub gpus: Option<i64>,
    #[serde(default, rename = "memoryGB")]
    pub memory_gb: Option<f64>,
    #[serde(default)]
    pub low_priority_capable: Option<bool>,
    #[serde(default)]
    pub supported_compute_types: Option<Vec<String>>,
    #[serde(default, rename = "estimatedVMPrices", skip_serializing_if = "Option::is_none")]
    pub estimated_vm_prices: Option<Value>,
}

impl VmSize {
    /// Whether this size may be used for `compute_type` (the SDK filters the same way, client-side).
    pub fn supports(&self, compute_type: &str) -> bool {
        match &self.supported_compute_types {
            Some(types) => types.iter().any(|t| t.eq_ignore_ascii_case(compute_type)),
            None => true,
        }
    }

    /// The estimated Linux retail price per hour for a VM tier (`Standard`, `LowPriority`, `Spot`), when the
    /// service gave one (`estimatedVMPrices.values[]`).
    pub fn retail_price(&self, vm_tier: &str) -> Option<f64> {
        self.estimated_vm_prices.as_ref()?.get("values")?.as_array()?.iter().find_map(|price| {
            let linux = price.get("osType").and_then(Value::as_str).is_some_and(|os| os.eq_ignore_ascii_case("Linux"));
            let tier = price.get("vmTier").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case(vm_tier));
            if linux && tier {
                price.get("retailPrice").and_then(Value::as_f64)
            } else {
                None
            }
        })
    }

    /// The currency of the estimated prices (`USD`), when there are prices.
    pub fn price_currency(&self) -> Option<&str> {
        self.estimated_vm_prices.as_ref()?.get("billingCurrency")?.as_str()
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UsageName {
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub localized_value: Option<String>,
}

/// One quota usage row (`usages`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, rename = "type")]
    pub usage_type: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub current_value: i64,
    #[serde(default)]
    pub limit: i64,
    #[serde(default)]
    pub name: UsageName,
}

impl Usage {
    pub fn name_value(&self) -> &str {
        self.name.value.as_deref().unwrap_or("")
    }
}

/// The workspace resource, of which the tools need the location.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub location: String,
}

/// `listKeys` output. Holds secrets, so `Debug` hides the content; read it with [`ComputeSecrets::expose`].
#[derive(Clone)]
pub struct ComputeSecrets(Value);

impl ComputeSecrets {
    pub fn new(value: Value) -> Self {
        ComputeSecrets(value)
    }

    pub fn expose(&self) -> &Value {
        &self.0
    }
}

impl fmt::Debug for ComputeSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ComputeSecrets(<redacted>)")
    }
}

/// What `DELETE` does with the underlying resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnderlyingResourceAction {
    Delete,
    Detach,
}

impl UnderlyingResourceAction {
    pub fn as_str(self) -> &'static str {
        match self {
            UnderlyingResourceAction::Delete => "Delete",
            UnderlyingResourceAction::Detach => "Detach",
        }
    }
}

/// Keys under `properties.properties` and elsewhere whose values are secrets; used to mask bodies before showing them.
pub const SECRET_KEYS: [&str; 6] =
    ["adminUserPassword", "password", "privateKeyData", "userKubeConfig", "adminKubeConfig", "databricksAccessToken"];

/// A copy of `value` with every secret member replaced by a placeholder, for `--dry-run` and logs.
pub fn redact_secrets(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    if SECRET_KEYS.contains(&k.as_str()) && !v.is_null() {
                        (k.clone(), Value::String("<redacted>".into()))
                    } else {
                        (k.clone(), redact_secrets(v))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_secrets).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A REST example from ../shared, or `None` (with the suite's skip-or-fail rule) where it is absent.
    fn shared_or_skip(name: &str) -> Option<Value> {
        let dir = amlc_testkit::shared_dir("models")?.join("reference/rest/2025-12-01/examples/Compute");
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        serde_json::from_str(&text).ok()
    }

    #[test]
    fn reads_instance_example() {
        let Some(example) = shared_or_skip("get/ComputeInstance.json") else { return };
        let body = example["responses"]["200"]["body"].clone();
        let compute: ComputeResource = serde_json::from_value(body).expect("parses");
        assert!(compute.is_instance());
        assert_eq!(compute.state(), Some("Running"));
        assert_eq!(compute.vm_size(), Some("STANDARD_NC6"));
        let ssh = compute.instance_ssh().unwrap_or_default();
        assert_eq!((ssh.admin_user_name.as_deref(), ssh.ssh_port), (Some("azureuser"), Some(22)));
        assert_eq!(compute.connectivity().and_then(|c| c.public_ip_address).as_deref(), Some("10.0.0.1"));
        let apps = compute.applications();
        assert_eq!(apps.first().map(|a| a.display_name.as_str()), Some("Jupyter"));
        assert!(apps.first().is_some_and(|a| a.endpoint_uri.starts_with("https://")));
        assert!(!compute.is_attached());
    }

    #[test]
    fn reads_cluster_and_kubernetes_examples() {
        let Some(aml) = shared_or_skip("get/AmlCompute.json") else { return };
        let compute: ComputeResource = serde_json::from_value(aml["responses"]["200"]["body"].clone()).expect("parses");
        assert!(compute.is_cluster());
        assert!(compute.scale_settings().is_some());
        assert_eq!(compute.node_state_counts().map(|n| n.idle_node_count), Some(0));
        let Some(k8s) = shared_or_skip("get/KubernetesCompute.json") else { return };
        let compute: ComputeResource = serde_json::from_value(k8s["responses"]["200"]["body"].clone()).expect("parses");
        assert!(compute.is_attached(), "a Kubernetes compute is attached");
    }

    #[test]
    fn prices_are_read_per_tier_for_linux() {
        let size: VmSize = serde_json::from_value(serde_json::json!({"name": "Standard_DS3_v2",
            "estimatedVMPrices": {"billingCurrency": "USD", "unitOfMeasure": "OneHour", "values": [
                {"retailPrice": 0.5, "osType": "Windows", "vmTier": "Standard"},
                {"retailPrice": 0.293, "osType": "Linux", "vmTier": "Standard"},
                {"retailPrice": 0.0586, "osType": "Linux", "vmTier": "LowPriority"}]}}))
        .unwrap_or_default();
        assert_eq!(size.retail_price("Standard"), Some(0.293));
        assert_eq!(size.retail_price("LowPriority"), Some(0.0586));
        assert_eq!(size.retail_price("Spot"), None);
        assert_eq!(size.price_currency(), Some("USD"));
        assert_eq!(VmSize::default().retail_price("Standard"), None);
    }

    #[test]
    fn redaction_masks_nested_secrets() {
        let body = serde_json::json!({"properties": {"properties": {"administratorAccount": {"username": "u", "password": "p4ss"},
            "userAccountCredentials": {"adminUserPassword": "x"}}}});
        let text = redact_secrets(&body).to_string();
        assert!(!text.contains("p4ss") && !text.contains("\"x\""));
        assert!(text.contains("\"u\""));
        assert!(!format!("{:?}", ComputeSecrets::new(body)).contains("p4ss"));
    }
}
