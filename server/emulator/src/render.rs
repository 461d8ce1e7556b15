//! Turns stored computes and workspaces into the JSON ARM returns: the `ComputeResource` envelope with the
//! service-owned fields filled in (states, node counts, endpoints, applications) and every secret removed.

use serde_json::{json, Map, Value};

use crate::arm::timestamp;
use crate::config::WorkspaceSeed;
use crate::store::Compute;

/// What the renderer needs besides the compute.
pub struct RenderContext<'a> {
    pub ssh_endpoint: Option<&'a (String, u16)>,
    pub ssh_user: Option<&'a str>,
}

/// A deterministic pseudo-address per compute, so repeated GETs agree.
fn address_octets(name: &str) -> (u8, u8) {
    let h = name.bytes().fold(2166136261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619));
    ((h % 200) as u8 + 20, ((h >> 8) % 250) as u8 + 2)
}

fn bool_prop(props: &Value, key: &str, default: bool) -> bool {
    props.get(key).and_then(Value::as_bool).unwrap_or(default)
}

pub fn compute_id(c: &Compute) -> String {
    format!("{}/computes/{}", c.workspace_id, c.name)
}

/// `ComputeResource` as GET returns it.
pub fn compute_json(c: &Compute, ctx: &RenderContext) -> Value {
    let inner = match c.compute_type.as_str() {
        "ComputeInstance" => instance_props(c, ctx),
        "AmlCompute" => cluster_props(c, ctx),
        "VirtualMachine" => redact_vm(&c.props),
        "Kubernetes" => kubernetes_props(&c.props),
        _ => c.props.clone(),
    };
    let mut properties = Map::new();
    properties.insert("computeType".into(), json!(c.compute_type));
    properties.insert("computeLocation".into(), json!(c.location));
    properties.insert("provisioningState".into(), json!(c.provisioning_state));
    properties.insert("description".into(), json!(c.description));
    properties.insert("createdOn".into(), json!(timestamp(c.created_ms)));
    properties.insert("modifiedOn".into(), json!(timestamp(c.modified_ms)));
    properties.insert("resourceId".into(), json!(c.resource_id));
    properties.insert("provisioningErrors".into(), json!(c.provisioning_errors));
    properties.insert("isAttachedCompute".into(), json!(c.is_attached()));
    properties.insert("disableLocalAuth".into(), json!(c.disable_local_auth.unwrap_or(false)));
    properties.insert("properties".into(), inner);
    let mut out = Map::new();
    out.insert("id".into(), json!(compute_id(c)));
    out.insert("name".into(), json!(c.name));
    out.insert("type".into(), json!("Microsoft.MachineLearningServices/workspaces/computes"));
    out.insert("location".into(), json!(c.location));
    out.insert("tags".into(), c.tags.clone().unwrap_or_else(|| json!({})));
    if let Some(identity) = &c.identity {
        out.insert("identity".into(), identity_json(identity, &c.name));
    }
    if let Some(sku) = &c.sku {
        out.insert("sku".into(), sku.clone());
    }
    out.insert(
        "systemData".into(),
        json!({
            "createdBy": "emulator@example.com",
            "createdByType": "User",
            "createdAt": timestamp(c.created_ms),
            "lastModifiedBy": "emulator@example.com",
            "lastModifiedByType": "User",
            "lastModifiedAt": timestamp(c.modified_ms),
        }),
    );
    out.insert("properties".into(), Value::Object(properties));
    Value::Object(out)
}

/// Adds the ids the service assigns to a system-assigned identity.
fn identity_json(identity: &Value, seed: &str) -> Value {
    let mut identity = identity.clone();
    let system = identity.get("type").and_then(Value::as_str).is_some_and(|t| t.contains("SystemAssigned"));
    if let (true, Some(obj)) = (system, identity.as_object_mut()) {
        let (a, b) = address_octets(seed);
        obj.insert("principalId".into(), json!(format!("00000000-0000-4000-8000-0000000{a:03}{b:03}")));
        obj.insert("tenantId".into(), json!("00000000-0000-0000-0000-000000000000"));
    }
    identity
}

fn object(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn instance_props(c: &Compute, ctx: &RenderContext) -> Value {
    let mut p = object(&c.props);
    let host_seed = address_octets(&c.name);
    let public_ip_enabled = bool_prop(&c.props, "enableNodePublicIp", true);
    let ssh_in = p.get("sshSettings").cloned().unwrap_or_else(|| json!({}));
    let access = ssh_in.get("sshPublicAccess").and_then(Value::as_str).unwrap_or("Disabled").to_string();
    let (public_ip, ssh_port) = match ctx.ssh_endpoint {
        Some((host, port)) => (host.clone(), *port),
        None => (format!("20.{}.{}.{}", host_seed.0, host_seed.1, 10), 50000),
    };
    let mut ssh = Map::new();
    ssh.insert("sshPublicAccess".into(), json!(access));
    ssh.insert("adminUserName".into(), json!(ctx.ssh_user.unwrap_or("azureuser")));
    ssh.insert("sshPort".into(), json!(ssh_port));
    if let Some(key) = ssh_in.get("adminPublicKey") {
        ssh.insert("adminPublicKey".into(), key.clone());
    }
    p.insert("sshSettings".into(), Value::Object(ssh));
    p.insert(
        "connectivityEndpoints".into(),
        json!({
            "publicIpAddress": if public_ip_enabled { json!(public_ip) } else { Value::Null },
            "privateIpAddress": format!("10.0.{}.{}", host_seed.0, host_seed.1),
        }),
    );
    p.entry("applicationSharingPolicy").or_insert_with(|| json!("Shared"));
    p.entry("computeInstanceAuthorizationType").or_insert_with(|| json!("personal"));
    p.entry("vmSize").or_insert_with(|| json!("STANDARD_DS3_V2"));
    p.insert("applications".into(), Value::Array(applications(c)));
    p.insert(
        "createdBy".into(),
        json!({"userName": "emulator@example.com", "userOrgId": "00000000-0000-0000-0000-000000000000", "userId": "00000000-0000-0000-0000-000000000001"}),
    );
    p.insert(
        "osImageMetadata".into(),
        json!({"currentImageVersion": "25.10.27", "latestImageVersion": "25.10.27", "isLatestOsImageVersion": true}),
    );
    p.insert("errors".into(), Value::Null);
    p.insert("state".into(), json!(c.state.as_deref().unwrap_or("Unknown")));
    if let Some(last) = &c.last_operation {
        p.insert(
            "lastOperation".into(),
            json!({
                "operationName": last.name,
                "operationTime": timestamp(last.time_ms),
                "operationStatus": last.status,
                "operationTrigger": last.trigger,
            }),
        );
    }
    Value::Object(p)
}

/// The web applications an instance offers: the built-in ones plus one per custom service endpoint.
fn applications(c: &Compute) -> Vec<Value> {
    let host = format!("{}.{}.instances.azureml.ms", c.name.to_ascii_lowercase(), c.location);
    let mut apps = vec![
        json!({"displayName": "Jupyter", "endpointUri": format!("https://{host}/tree/")}),
        json!({"displayName": "Jupyter Lab", "endpointUri": format!("https://{host}/lab")}),
        json!({"displayName": "RStudio", "endpointUri": format!("https://{host}/rstudio/")}),
        json!({"displayName": "VS Code (Web)", "endpointUri": format!("https://{host}/vscode/")}),
    ];
    for service in c.props.get("customServices").and_then(Value::as_array).into_iter().flatten() {
        let name = service.get("name").and_then(Value::as_str).unwrap_or("custom");
        for endpoint in service.get("endpoints").and_then(Value::as_array).into_iter().flatten() {
            if let Some(port) = endpoint.get("published").and_then(Value::as_u64) {
                let host = format!("{}-{port}.{}.instances.azureml.ms", c.name.to_ascii_lowercase(), c.location);
                apps.push(json!({"displayName": name, "endpointUri": format!("https://{host}")}));
            }
        }
    }
    apps
}

/// The most nodes the emulator materialises for one cluster, whatever the scale settings say.
const MAX_RENDERED_NODES: u64 = 1000;

/// Nodes of a cluster right now: `minNodeCount` idle nodes once provisioned.
pub fn cluster_node_count(c: &Compute) -> u64 {
    if c.provisioning_state != "Succeeded" && c.provisioning_state != "Updating" {
        return 0;
    }
    c.props.pointer("/scaleSettings/minNodeCount").and_then(Value::as_u64).unwrap_or(0).min(MAX_RENDERED_NODES)
}

fn cluster_props(c: &Compute, ctx: &RenderContext) -> Value {
    let mut p = object(&c.props);
    let nodes = cluster_node_count(c);
    let resizing = c.busy_with().is_some_and(|op| op == "Create" || op == "Update");
    p.entry("vmSize").or_insert_with(|| json!("STANDARD_DS3_V2"));
    p.entry("vmPriority").or_insert_with(|| json!("Dedicated"));
    p.entry("osType").or_insert_with(|| json!("Linux"));
    p.entry("isolatedNetwork").or_insert_with(|| json!(false));
    p.entry("enableNodePublicIp").or_insert_with(|| json!(true));
    // A cluster created with `NotSpecified` (open unless in a VNet) is reported after creation as what it became:
    // the service shows only Enabled or Disabled.
    let access = p.get("remoteLoginPortPublicAccess").and_then(Value::as_str).unwrap_or("NotSpecified");
    let in_vnet = p.get("subnet").is_some_and(|s| !s.is_null());
    let reported = match access {
        "Enabled" | "Disabled" => access,
        _ if in_vnet => "Disabled",
        _ => "Enabled",
    };
    p.insert("remoteLoginPortPublicAccess".into(), json!(reported));
    if let Some(creds) = p.get_mut("userAccountCredentials").and_then(Value::as_object_mut) {
        creds.remove("adminUserPassword");
        if let Some(user) = ctx.ssh_user {
            creds.insert("adminUserName".into(), json!(user));
        }
    }
    p.insert("allocationState".into(), json!(if resizing { "Resizing" } else { "Steady" }));
    p.insert("allocationStateTransitionTime".into(), json!(timestamp(c.state_changed_ms)));
    p.insert("errors".into(), Value::Null);
    p.insert("currentNodeCount".into(), json!(nodes));
    p.insert("targetNodeCount".into(), json!(nodes));
    p.insert(
        "nodeStateCounts".into(),
        json!({
            "idleNodeCount": nodes,
            "runningNodeCount": 0,
            "preparingNodeCount": 0,
            "unusableNodeCount": 0,
            "leavingNodeCount": 0,
            "preemptedNodeCount": 0,
        }),
    );
    Value::Object(p)
}

/// The nodes `listNodes` reports for a cluster.
pub fn cluster_nodes(c: &Compute, ctx: &RenderContext) -> Vec<Value> {
    let public = bool_prop(&c.props, "enableNodePublicIp", true);
    let (a, b) = address_octets(&c.name);
    (0..cluster_node_count(c))
        .map(|i| {
            let (host, port) = match ctx.ssh_endpoint {
                Some((host, port)) => (host.clone(), u64::from(*port)),
                None => (format!("20.{a}.{b}.{}", 10 + i % 200), 50000 + i),
            };
            json!({
                "nodeId": format!("tvm-{a:03}{b:03}_{}-20261126t000000z", i + 1),
                "privateIpAddress": format!("10.0.{a}.{}", 4 + i % 250),
                "publicIpAddress": if public { json!(host) } else { Value::Null },
                "port": port,
                "nodeState": "idle",
                "runId": Value::Null,
            })
        })
        .collect()
}

fn redact_vm(props: &Value) -> Value {
    let mut p = object(props);
    if let Some(admin) = p.get_mut("administratorAccount").and_then(Value::as_object_mut) {
        admin.remove("password");
        admin.remove("privateKeyData");
    }
    Value::Object(p)
}

fn kubernetes_props(props: &Value) -> Value {
    let mut p = object(props);
    p.entry("namespace").or_insert_with(|| json!("default"));
    p.entry("extensionInstanceReleaseTrain").or_insert_with(|| json!("stable"));
    // Connection strings are secrets: the service never returns their values.
    p.insert("relayConnectionString".into(), Value::Null);
    p.insert("serviceBusConnectionString".into(), Value::Null);
    p.entry("extensionPrincipalId").or_insert(Value::Null);
    p.entry("vcName").or_insert(Value::Null);
    Value::Object(p)
}

/// The workspace resource as GET returns it.
pub fn workspace_json(ws: &WorkspaceSeed, base_url: &str) -> Value {
    let rg_id = format!("/subscriptions/{}/resourceGroups/{}/providers", ws.subscription_id, ws.resource_group);
    let (a, b) = address_octets(&ws.name);
    json!({
        "id": ws.arm_id(),
        "name": ws.name,
        "type": "Microsoft.MachineLearningServices/workspaces",
        "location": ws.location,
        "tags": {},
        "kind": "Default",
        "sku": {"name": "Basic", "tier": "Basic"},
        "identity": {"type": "SystemAssigned", "principalId": format!("00000000-0000-4000-9000-0000000{a:03}{b:03}"), "tenantId": "00000000-0000-0000-0000-000000000000"},
        "systemData": {"createdBy": "emulator@example.com", "createdByType": "User", "createdAt": "2026-01-01T00:00:00Z", "lastModifiedBy": "emulator@example.com", "lastModifiedByType": "User", "lastModifiedAt": "2026-01-01T00:00:00Z"},
        "properties": {
            "friendlyName": ws.name,
            "description": "Served by the amlc emulator",
            "provisioningState": "Succeeded",
            "workspaceId": format!("00000000-0000-4000-a000-0000000{a:03}{b:03}"),
            "storageAccount": format!("{rg_id}/Microsoft.Storage/storageAccounts/{}sa", ws.name.to_ascii_lowercase()),
            "keyVault": format!("{rg_id}/Microsoft.KeyVault/vaults/{}-kv", ws.name.to_ascii_lowercase()),
            "applicationInsights": format!("{rg_id}/Microsoft.Insights/components/{}-ai", ws.name.to_ascii_lowercase()),
            "discoveryUrl": format!("{base_url}/discovery/workspaces/{}", ws.name),
            "mlFlowTrackingUri": format!("azureml://{}.api.azureml.ms/mlflow/v1.0{}", ws.location, ws.arm_id()),
            "hbiWorkspace": false,
            "publicNetworkAccess": "Enabled",
            "v1LegacyMode": false,
            "enableDataIsolation": false,
        },
    })
}
