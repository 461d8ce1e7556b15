//! vCPU quota: what each compute reserves (an instance one node, a cluster `maxNodeCount` nodes, of its size's
//! family) and the check a create or scale-up must pass, per subscription and region.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::arm::ArmError;
use crate::catalog::{self, VmSize};
use crate::config::WorkspaceSeed;
use crate::store::{compute_key, Compute, State};

/// Reserved vCPUs of one compute in its region: (family, vCPUs, low priority).
pub fn reserved(c: &Compute) -> Option<(&'static str, u64, bool)> {
    if !(c.is_instance() || c.is_cluster()) || c.provisioning_state == "Failed" {
        return None;
    }
    let size = catalog::size_in(&c.location, vm_size(&c.props))?;
    let nodes = if c.is_cluster() { max_nodes(&c.props) } else { 1 };
    Some((size.family, u64::from(size.vcpus).saturating_mul(nodes), is_low_priority(&c.props)))
}

pub fn vm_size(props: &Value) -> &str {
    props.get("vmSize").and_then(Value::as_str).unwrap_or("STANDARD_DS3_V2")
}

pub fn max_nodes(props: &Value) -> u64 {
    props.pointer("/scaleSettings/maxNodeCount").and_then(Value::as_u64).unwrap_or(4)
}

pub fn is_low_priority(props: &Value) -> bool {
    props.get("vmPriority").and_then(Value::as_str).is_some_and(|p| p.eq_ignore_ascii_case("LowPriority"))
}

/// vCPUs in use in one subscription and region, skipping the compute at `exclude_key` (the one being replaced).
#[derive(Debug, Default)]
pub struct Usage {
    pub by_family: BTreeMap<&'static str, u64>,
    pub dedicated: u64,
    pub low_priority: u64,
}

pub fn usage(state: &State, subscription_id: &str, location: &str, exclude_key: Option<&str>) -> Usage {
    let prefix = format!("/subscriptions/{}/", subscription_id.to_ascii_lowercase());
    let mut u = Usage::default();
    for (key, c) in &state.computes {
        if exclude_key == Some(key.as_str()) || !key.starts_with(&prefix) || !c.location.eq_ignore_ascii_case(location)
        {
            continue;
        }
        if let Some((family, vcpus, low)) = reserved(c) {
            if low {
                u.low_priority = u.low_priority.saturating_add(vcpus);
            } else {
                u.dedicated = u.dedicated.saturating_add(vcpus);
                let f = u.by_family.entry(family).or_default();
                *f = f.saturating_add(vcpus);
            }
        }
    }
    u
}

/// Dedicated vCPUs of one family reserved in one workspace.
pub fn workspace_family_use(state: &State, workspace_id: &str, family: &str, exclude_key: Option<&str>) -> u64 {
    state
        .in_workspace(workspace_id)
        .filter(|c| exclude_key != Some(compute_key(&c.workspace_id, &c.name).as_str()))
        .filter_map(reserved)
        .filter(|(f, _, low)| *f == family && !*low)
        .fold(0u64, |acc, (_, v, _)| acc.saturating_add(v))
}

/// Refuses a compute whose nodes would not fit in the family or regional quota.
pub fn check(
    state: &State,
    ws: &WorkspaceSeed,
    name: &str,
    location: &str,
    size: &VmSize,
    nodes: u64,
    low_priority: bool,
) -> Result<(), ArmError> {
    let key = compute_key(&ws.arm_id(), name);
    let u = usage(state, &ws.subscription_id, location, Some(&key));
    let needed = u64::from(size.vcpus).saturating_mul(nodes);
    let refuse = |what: String, limit: u64, used: u64| {
        Err(ArmError::bad_request(
            "QuotaExceeded",
            format!(
                "The specified subscription has a {what} vCPU quota of {limit} in {location}, with {used} vCPUs already in use, and cannot accommodate {nodes} requested node(s) of {} which map to {needed} vCPUs. Request a quota increase, choose another size, or lower the node count.",
                size.name
            ),
        ))
    };
    if low_priority {
        if u.low_priority.saturating_add(needed) > catalog::TOTAL_LOW_PRIORITY_LIMIT {
            return refuse("total low-priority".to_string(), catalog::TOTAL_LOW_PRIORITY_LIMIT, u.low_priority);
        }
        return Ok(());
    }
    if let Some(&ws_limit) = state.workspace_quotas.get(&crate::store::quota_key(&ws.arm_id(), size.family)) {
        let ws_used = workspace_family_use(state, &ws.arm_id(), size.family, Some(&key));
        if ws_used.saturating_add(needed) > ws_limit {
            return refuse(
                format!("workspace '{}' {}", ws.name, catalog::family_display(size.family)),
                ws_limit,
                ws_used,
            );
        }
    }
    let family_used = u.by_family.get(size.family).copied().unwrap_or(0);
    let family_limit = catalog::family_limit(size.family);
    if family_used.saturating_add(needed) > family_limit {
        return refuse(catalog::family_display(size.family), family_limit, family_used);
    }
    if u.dedicated.saturating_add(needed) > catalog::TOTAL_DEDICATED_LIMIT {
        return refuse("total dedicated".to_string(), catalog::TOTAL_DEDICATED_LIMIT, u.dedicated);
    }
    Ok(())
}
