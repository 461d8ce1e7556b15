//! Demo computes for `--seed`: a running and a stopped instance, a cluster with one idle node, an attached
//! Kubernetes cluster and an attached VM, all settled (no operation in flight), in the first workspace.

use serde_json::{json, Value};

use crate::config::WorkspaceSeed;
use crate::store::{Compute, LastOperation, State};

fn compute(ws: &WorkspaceSeed, name: &str, compute_type: &str, props: Value, now: u64) -> Compute {
    Compute {
        workspace_id: ws.arm_id(),
        name: name.to_string(),
        compute_type: compute_type.to_string(),
        location: ws.location.clone(),
        tags: Some(json!({"purpose": "amlc emulator demo"})),
        identity: None,
        sku: None,
        description: None,
        resource_id: None,
        disable_local_auth: None,
        props,
        provisioning_state: "Succeeded".to_string(),
        provisioning_errors: None,
        state: None,
        last_operation: None,
        pending: None,
        created_ms: now,
        modified_ms: now,
        state_changed_ms: now,
    }
}

fn instance(ws: &WorkspaceSeed, name: &str, state: &str, last: &str, now: u64) -> Compute {
    let mut c = compute(
        ws,
        name,
        "ComputeInstance",
        json!({
            "vmSize": "Standard_DS3_v2",
            "sshSettings": {"sshPublicAccess": "Enabled", "adminPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmulatorDemoKeyOnlyForShow demo@amlc"},
            "idleTimeBeforeShutdown": "PT60M",
            "enableNodePublicIp": true,
            "enableSSO": true,
        }),
        now,
    );
    c.description = Some(format!("Demo compute instance ({})", state.to_ascii_lowercase()));
    c.state = Some(state.to_string());
    c.disable_local_auth = Some(false);
    c.last_operation = Some(LastOperation::by_user(last, now, "Succeeded"));
    c
}

/// Adds the demo computes to the first workspace.
pub fn add_demo_computes(state: &mut State, workspaces: &[WorkspaceSeed], now: u64) {
    let Some(ws) = workspaces.first() else { return };
    let rg_prefix = format!("/subscriptions/{}/resourceGroups/{}/providers", ws.subscription_id, ws.resource_group);
    state.insert(instance(ws, "ci-running", "Running", "Start", now));
    state.insert(instance(ws, "ci-stopped", "Stopped", "Stop", now));
    let mut cluster = compute(
        ws,
        "cpu-cluster",
        "AmlCompute",
        json!({
            "vmSize": "Standard_DS3_v2",
            "vmPriority": "Dedicated",
            "osType": "Linux",
            "scaleSettings": {"minNodeCount": 1, "maxNodeCount": 4, "nodeIdleTimeBeforeScaleDown": "PT2M"},
            "remoteLoginPortPublicAccess": "Enabled",
            "userAccountCredentials": {"adminUserName": "azureuser"},
            "enableNodePublicIp": true,
        }),
        now,
    );
    cluster.description = Some("Demo CPU cluster".to_string());
    state.insert(cluster);
    let mut k8s = compute(
        ws,
        "k8s-attached",
        "Kubernetes",
        json!({"namespace": "azureml", "defaultInstanceType": "defaultinstancetype"}),
        now,
    );
    k8s.resource_id = Some(format!("{rg_prefix}/Microsoft.ContainerService/managedClusters/demo-aks"));
    k8s.description = Some("Demo attached AKS cluster".to_string());
    state.insert(k8s);
    let mut vm = compute(
        ws,
        "vm-attached",
        "VirtualMachine",
        json!({
            "virtualMachineSize": "Standard_D4s_v3",
            "sshPort": 22,
            "address": "10.1.0.4",
            "administratorAccount": {"username": "azureuser", "password": "demo-password-not-real"},
        }),
        now,
    );
    vm.resource_id = Some(format!("{rg_prefix}/Microsoft.Compute/virtualMachines/demo-vm"));
    vm.description = Some("Demo attached virtual machine".to_string());
    state.insert(vm);
}

/// Adds `count` attached Kubernetes computes to the first workspace (listing benchmarks).
pub fn add_bulk_computes(state: &mut State, workspaces: &[WorkspaceSeed], count: usize, now: u64) {
    let Some(ws) = workspaces.first() else { return };
    let rg_prefix = format!("/subscriptions/{}/resourceGroups/{}/providers", ws.subscription_id, ws.resource_group);
    for i in 1..=count {
        let name = format!("bulk-{i:05}");
        let mut c = compute(ws, &name, "Kubernetes", json!({"namespace": "default"}), now);
        c.resource_id = Some(format!("{rg_prefix}/Microsoft.ContainerService/managedClusters/{name}"));
        state.insert(c);
    }
}
