//! The checks made before a create, update or attach is sent, shared by `amlc compute create|attach` and the
//! language server's `amlc.compute.create|attach`: is the name free (or, for an update, which fields change and
//! whether any of them can only be set at creation), is the size offered in the region and for the type, is there
//! vCPU quota for `max_instances` × the size's vCPUs, and is the resource already attached under another name
//! (Azure ML documents that a second attachment breaks the first).

use serde_json::Value;

use crate::body::{self, RequestBody};
use crate::client::ArmClient;
use crate::discovery::WorkspaceRef;
use crate::error::AzureError;
use crate::models::{ComputeResource, SECRET_KEYS};

/// What the caller is about to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    /// A new compute; an existing name is a finding (the CLI's `create`: use `update`).
    Create,
    /// A new compute, or an update of the one with that name (the editor's Create lens).
    CreateOrUpdate,
    Attach,
}

/// One pre-flight finding.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub ok: bool,
    pub message: String,
}

impl Finding {
    fn ok(check: &'static str, message: String) -> Finding {
        Finding { check, ok: true, message }
    }

    fn fail(check: &'static str, message: String) -> Finding {
        Finding { check, ok: false, message }
    }
}

/// One field an update changes, on the path ARM reports it (`properties.properties.scaleSettings.maxNodeCount`).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub path: String,
    pub now: Value,
    pub new: Value,
    /// False for a field that can only be set at creation.
    pub updatable: bool,
}

/// The pre-flight's outcome.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// The compute already holding the name, for an update.
    pub existing: Option<ComputeResource>,
    /// What an update changes (empty for a create).
    pub changes: Vec<Change>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| !f.ok)
    }

    /// The failed findings in one sentence each, `; `-joined, for an error message.
    pub fn problems(&self) -> String {
        self.findings
            .iter()
            .filter(|f| !f.ok)
            .map(|f| format!("{}: {}", f.check, f.message))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// True when the request is an update that changes nothing.
    pub fn unchanged(&self) -> bool {
        self.existing.is_some() && self.changes.is_empty()
    }
}

/// Runs the checks that fit `intent`. ARM failures other than an unusable region are returned as errors.
pub async fn run(
    client: &ArmClient,
    ws: &WorkspaceRef,
    request: &RequestBody,
    intent: Intent,
) -> Result<Report, AzureError> {
    let mut report = Report::default();
    let name = &request.name;
    let existing = client.get_compute(ws, name).await?;
    match (&existing, intent) {
        (None, _) => report.findings.push(Finding::ok("name", format!("'{name}' is free in the workspace"))),
        (Some(c), Intent::Create | Intent::Attach) => report.findings.push(Finding::fail(
            "name",
            format!(
                "'{name}' already exists ({}, {}); a PUT would overwrite it. To change it use `amlc compute update -f SPEC`, or pick another name",
                c.compute_type(),
                c.status()
            ),
        )),
        (Some(c), Intent::CreateOrUpdate) => {
            update_findings(c, request, &mut report);
            report.existing = existing;
            // Size and quota were checked when the compute was made, and the size cannot change.
            return Ok(report);
        }
    }
    if intent == Intent::Attach {
        attach_findings(client, ws, request, &mut report).await?;
        return Ok(report);
    }
    size_and_quota_findings(client, ws, request, &mut report).await?;
    Ok(report)
}

fn update_findings(existing: &ComputeResource, request: &RequestBody, report: &mut Report) {
    let name = &request.name;
    let kind = existing.compute_type();
    if !request.compute_type.eq_ignore_ascii_case(kind) {
        report.findings.push(Finding::fail(
            "name",
            format!("'{name}' is a {kind}, the spec describes a {}; the type cannot change", request.compute_type),
        ));
        return;
    }
    report.changes = diff(existing, request);
    let refused: Vec<&str> = report.changes.iter().filter(|c| !c.updatable).map(|c| c.path.as_str()).collect();
    if refused.is_empty() {
        let what = if report.changes.is_empty() {
            "nothing changes".to_string()
        } else {
            let paths: Vec<&str> = report.changes.iter().map(|c| c.path.as_str()).collect();
            format!("changes {}", paths.join(", "))
        };
        report.findings.push(Finding::ok("update", format!("'{name}' exists ({kind}); the update {what}")));
    } else {
        report.findings.push(Finding::fail(
            "update",
            format!(
                "'{name}' exists and these settings can only be set at creation: {}. Revert them in the spec, or delete and recreate the compute",
                refused.join(", ")
            ),
        ));
    }
}

async fn attach_findings(
    client: &ArmClient,
    ws: &WorkspaceRef,
    request: &RequestBody,
    report: &mut Report,
) -> Result<(), AzureError> {
    let name = &request.name;
    let Some(resource_id) = request.body["properties"]["resourceId"].as_str() else { return Ok(()) };
    let computes = client.list_computes(ws).await?;
    let holder = computes.iter().find(|c| {
        c.name != *name && c.properties.resource_id.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(resource_id))
    });
    report.findings.push(match holder {
        Some(c) => Finding::fail(
            "resource",
            format!(
                "{resource_id} is already attached as '{}'; a second attachment breaks the first. Use '{}' or detach it first",
                c.name, c.name
            ),
        ),
        None => Finding::ok("resource", "the resource is not attached under another name".into()),
    });
    Ok(())
}

async fn size_and_quota_findings(
    client: &ArmClient,
    ws: &WorkspaceRef,
    request: &RequestBody,
    report: &mut Report,
) -> Result<(), AzureError> {
    let findings = &mut report.findings;
    let location = request.body["location"].as_str().unwrap_or_default().to_string();
    let inner = &request.body["properties"]["properties"];
    let size_name = inner["vmSize"].as_str().unwrap_or_default().to_string();
    let sizes = match client.list_vm_sizes(&ws.subscription_id, &location).await {
        Ok(sizes) => sizes,
        // A region the subscription cannot use is itself a finding, not a crash of the dry run.
        Err(AzureError::Arm(e)) if (400..500).contains(&e.status) => {
            findings.push(Finding::fail("region", format!("cannot use region '{location}': {e}")));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let Some(size) = sizes.iter().find(|s| s.name.eq_ignore_ascii_case(&size_name)) else {
        let mut offered: Vec<&str> =
            sizes.iter().filter(|s| s.supports(request.compute_type)).map(|s| s.name.as_str()).collect();
        offered.truncate(8);
        let offered =
            if offered.is_empty() { String::new() } else { format!("; offered there: {}", offered.join(", ")) };
        findings.push(Finding::fail("size", format!("{size_name} is not offered in {location}{offered}")));
        return Ok(());
    };
    if !size.supports(request.compute_type) {
        findings.push(Finding::fail("size", format!("{} cannot be used for {}", size.name, request.compute_type)));
        return Ok(());
    }
    let low_priority = inner["vmPriority"] == "LowPriority";
    if low_priority && size.low_priority_capable == Some(false) {
        findings.push(Finding::fail("size", format!("{} has no low-priority VMs", size.name)));
        return Ok(());
    }
    findings.push(Finding::ok("size", format!("{} is offered in {location}", size.name)));
    let nodes = inner["scaleSettings"]["maxNodeCount"].as_i64().unwrap_or(1);
    let need = size.v_cpus.unwrap_or(0) * nodes;
    let family = size.family.clone().unwrap_or_default();
    let usages = client.list_usages(&ws.subscription_id, &location).await?;
    // Low-priority cores come from the regional low-priority pool; dedicated cores from the family's quota.
    let row = if low_priority {
        usages.iter().find(|u| u.name_value().to_ascii_lowercase().contains("lowpriority"))
    } else {
        usages.iter().find(|u| u.name_value().eq_ignore_ascii_case(&family))
    };
    findings.push(match row {
        Some(u) => {
            let free = u.limit - u.current_value;
            let what = if low_priority { "low-priority".to_string() } else { family.clone() };
            Finding {
                check: "quota",
                ok: need <= free,
                message: format!(
                    "needs {need} vCPUs ({nodes} × {} {}) of {what}: {} of {} in use, {free} free",
                    size.v_cpus.unwrap_or(0),
                    size.name,
                    u.current_value,
                    u.limit
                ),
            }
        }
        None => Finding::ok("quota", format!("no usage figures for {family}; not checked")),
    });
    Ok(())
}

/// The fields `request` would change on `existing`, compared on the paths ARM reports back. Secrets and the
/// location are not returned by GET, so they cannot be compared; nor can a value the service resolves.
pub fn diff(existing: &ComputeResource, request: &RequestBody) -> Vec<Change> {
    let kind = existing.compute_type();
    let current = serde_json::to_value(existing).unwrap_or(Value::Null);
    let mut wanted = Vec::new();
    leaves("", &request.body, &mut wanted);
    let mut changes = Vec::new();
    for (path, new) in wanted {
        // `NotSpecified` lets the service decide, and it reports what it decided (`Enabled` or `Disabled`).
        if SECRET_KEYS.iter().any(|k| path.ends_with(k)) || path == "location" || new == "NotSpecified" {
            continue;
        }
        let updatable = body::is_updatable(kind, &path);
        match lookup(&current, &path) {
            Some(now) if !same(now, &new) => changes.push(Change { path, now: now.clone(), new, updatable }),
            // An updatable setting the compute does not have yet is a change too.
            None if updatable => changes.push(Change { path, now: Value::Null, new, updatable }),
            _ => {}
        }
    }
    changes
}

/// Leaf paths of a JSON value (`a.b.c` → value).
fn leaves(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                leaves(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out);
            }
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |v, k| v.get(k))
}

/// Equality that ignores case where ARM normalises it (sizes, enum values).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cluster(size: &str, max: i64, description: &str) -> ComputeResource {
        serde_json::from_value(
            json!({"name": "c", "properties": {"computeType": "AmlCompute", "description": description,
            "properties": {"vmSize": size, "scaleSettings": {"maxNodeCount": max, "minNodeCount": 0}}}}),
        )
        .unwrap_or_default()
    }

    fn request(size: &str, max: i64, description: &str) -> RequestBody {
        RequestBody {
            name: "c".into(),
            compute_type: "AmlCompute",
            body: json!({"location": "eastus", "properties": {"computeType": "AmlCompute", "description": description,
                "properties": {"vmSize": size, "scaleSettings": {"maxNodeCount": max, "minNodeCount": 0}}}}),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn diff_separates_updatable_from_create_only_fields() {
        type Case<'a> = (&'a str, i64, &'a str, &'a [(&'a str, bool)]);
        let cases: [Case<'_>; 4] = [
            ("STANDARD_DS3_V2", 2, "d", &[]),
            ("Standard_DS3_v2", 4, "d", &[("properties.properties.scaleSettings.maxNodeCount", true)]),
            ("Standard_DS4_v2", 2, "d", &[("properties.properties.vmSize", false)]),
            ("Standard_DS3_v2", 2, "new", &[("properties.description", true)]),
        ];
        let existing = cluster("Standard_DS3_v2", 2, "d");
        for (size, max, description, expected) in cases {
            let changes = diff(&existing, &request(size, max, description));
            let got: Vec<(&str, bool)> = changes.iter().map(|c| (c.path.as_str(), c.updatable)).collect();
            assert_eq!(got, expected.to_vec(), "{size} {max} {description}");
        }
    }

    #[test]
    fn an_update_refusing_create_only_fields_names_them() {
        let existing = cluster("Standard_DS3_v2", 2, "d");
        let mut report = Report::default();
        update_findings(&existing, &request("Standard_DS4_v2", 2, "d"), &mut report);
        assert!(report.failed());
        assert!(report.problems().contains("properties.properties.vmSize"), "{}", report.problems());
        let mut report = Report::default();
        update_findings(&existing, &request("Standard_DS3_v2", 3, "d"), &mut report);
        assert!(!report.failed(), "{}", report.problems());
    }
}
