//! What the azure crate builds REST bodies from: `Analysis.value` is the document as PyYAML
//! loads it, `Analysis.normalized` is it after the CLI's load step.

use amlc_analysis::{analyze, ComputeType};
use serde_json::json;

#[test]
fn value_is_pyyaml_and_normalized_is_the_cli_load_step() {
    let text = "type: AmlCompute\nname: c1\ntier: Low_Priority\nmin_instances: \"0\"\nmax_instances: 2.0\nenable_node_public_ip: yes\nstate: Running\nprovisioning_state: Succeeded\n";
    let a = analyze(text);
    assert_eq!(a.compute_type, Some(ComputeType::AmlCompute));
    assert_eq!(
        a.value,
        Some(
            json!({"type": "AmlCompute", "name": "c1", "tier": "Low_Priority", "min_instances": "0", "max_instances": 2.0,
            "enable_node_public_ip": true, "state": "Running", "provisioning_state": "Succeeded"})
        )
    );
    // `state` is not an amlcompute key at all: it stays (and is reported as unknown);
    // `provisioning_state` is read-only for every type: dropped.
    assert_eq!(
        a.normalized,
        Some(
            json!({"type": "amlcompute", "name": "c1", "tier": "low_priority", "min_instances": 0, "max_instances": 2,
            "enable_node_public_ip": true, "state": "Running"})
        )
    );
    let codes: Vec<&str> = a.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"AMLC022"), "{codes:?}");
    assert!(codes.contains(&"AMLC027"), "{codes:?}");
}

#[test]
fn kubernetes_namespace_default_is_inserted() {
    let text = "type: kubernetes\nname: k1\nresource_id: /subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c\n";
    let a = analyze(text);
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    assert_eq!(a.normalized.as_ref().and_then(|v| v.get("namespace")), Some(&json!("default")));
}
