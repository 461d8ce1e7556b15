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
use crate::models::{ComputeResource, VmSize, SECRET_KEYS};
use crate::spec_of;
use amlc_analysis::advice;
use amlc_analysis::formats::arm_id;

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
        (Some(c), Intent::Create) => report.findings.push(Finding::fail(
            "name",
            format!(
                "'{name}' already exists ({}, {}); a PUT would overwrite it. To change it, run `amlc compute update -f` with this spec, or pick another name",
                c.compute_type(),
                c.status()
            ),
        )),
        // An attachment is never updated in place: the answer is always detach, then attach again.
        (Some(c), Intent::Attach) => report.findings.push(Finding::fail(
            "name",
            format!(
                "'{name}' already exists ({}, {}); pick another name, or {}",
                c.compute_type(),
                c.status(),
                if c.is_attached() {
                    advice::reattach_hint(name, None)
                } else {
                    format!("remove it first (`amlc compute delete {name}`)")
                }
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
            format!(
                "'{name}' is {}, the spec describes {}; the type cannot change",
                advice::with_article(kind),
                advice::with_article(request.compute_type)
            ),
        ));
        return;
    }
    report.changes = diff(existing, request);
    let refused_paths: Vec<&str> = report.changes.iter().filter(|c| !c.updatable).map(|c| c.path.as_str()).collect();
    // Said in the spec's own keys (`tier`, not `properties.properties.vmPriority`).
    let refused: Vec<String> = refused_paths.iter().map(|p| spec_of::spec_key(p)).collect();
    if refused.is_empty() {
        let what = if report.changes.is_empty() {
            "nothing changes".to_string()
        } else {
            let paths: Vec<String> = report.changes.iter().map(|c| spec_of::spec_key(&c.path)).collect();
            format!("changes {}", paths.join(", "))
        };
        report.findings.push(Finding::ok("update", format!("'{name}' exists ({kind}); the update {what}")));
    } else {
        let hint = advice::create_only_hint(kind, name, &refused_paths, None);
        report.findings.push(Finding::fail(
            "update",
            format!(
                "'{name}' exists and these settings can only be set at creation: {}. {}",
                refused.join(", "),
                capitalise(&hint)
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
    // Compared as ARM compares ids: another spelling (case, blanks, a trailing `/`) is the same resource.
    let holder = computes.iter().find(|c| {
        !c.name.eq_ignore_ascii_case(name)
            && c.properties.resource_id.as_deref().is_some_and(|r| arm_id::same(r, resource_id))
    });
    report.findings.push(match holder {
        Some(c) => Finding::fail("resource", advice::already_attached(resource_id.trim(), &c.name)),
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
        let nearest = nearest_sizes(&size_name, &sizes, request.compute_type, 5);
        let offered = if nearest.is_empty() {
            String::new()
        } else {
            format!("; nearest there by cores, memory and GPUs: {}", nearest.join(", "))
        };
        findings.push(Finding::fail(
            "size",
            format!(
                "{size_name} is not offered in {location}{offered}. Every size offered there: `amlc compute list-sizes -l {location}`"
            ),
        ));
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
            let per_node = size.v_cpus.unwrap_or(0);
            let mut message = format!(
                "needs {need} vCPUs ({nodes} × {per_node} {}) of {what}: {} of {} in use, {free} free",
                size.name, u.current_value, u.limit
            );
            if need > free {
                message.push_str(&quota_next_steps(free, per_node, nodes, &location));
            }
            Finding { check: "quota", ok: need <= free, message }
        }
        None => Finding::ok("quota", format!("no usage figures for {family}; not checked")),
    });
    Ok(())
}

/// What to do when the quota is short: fewer nodes when some fit, a smaller size, freeing cores, or more quota.
fn quota_next_steps(free: i64, per_node: i64, nodes: i64, location: &str) -> String {
    let fitting = if per_node > 0 { free.max(0) / per_node } else { 0 };
    let fewer =
        if nodes > 1 && fitting >= 1 { format!("set `max_instances: {fitting}` (what fits), ") } else { String::new() };
    format!(
        ". To go ahead: {fewer}pick a size with fewer cores, free cores by stopping or scaling down other compute (`amlc compute list-usage -l {location}` shows the figures), or request more quota for the family in the Azure portal (Quotas)"
    )
}

/// The `count` offered sizes closest to `wanted` by vCPUs, memory and GPUs (the wanted size's figures come from
/// amlc's built-in table; a size it does not know is matched by name), each with its figures.
fn nearest_sizes(wanted: &str, offered: &[VmSize], compute_type: &str, count: usize) -> Vec<String> {
    let target = amlc_analysis::sizes::find(wanted).or_else(|| amlc_analysis::sizes::suggest(wanted));
    let mut usable: Vec<&VmSize> = offered.iter().filter(|s| s.supports(compute_type)).collect();
    let distance = |s: &VmSize| -> f64 {
        match target {
            Some(t) => {
                let cores = (s.v_cpus.unwrap_or(0) as f64 - t.vcpus as f64).abs() / (t.vcpus.max(1) as f64);
                let memory = (s.memory_gb.unwrap_or(0.0) - t.memory_gib as f64).abs() / (t.memory_gib.max(1.0) as f64);
                // A GPU where none was asked for (or none where one was) is the biggest difference of all.
                let gpus = (s.gpus.unwrap_or(0) - t.gpus as i64).abs() as f64 * 4.0;
                cores + memory + gpus
            }
            None => {
                let common = s.name.bytes().zip(wanted.bytes()).take_while(|(a, b)| a.eq_ignore_ascii_case(b)).count();
                -(common as f64)
            }
        }
    };
    usable.sort_by(|a, b| distance(a).total_cmp(&distance(b)).then_with(|| a.name.cmp(&b.name)));
    usable
        .into_iter()
        .take(count)
        .map(|s| {
            let gpus = match s.gpus.unwrap_or(0) {
                0 => String::new(),
                n => format!(", {n} GPU{}", if n == 1 { "" } else { "s" }),
            };
            format!("{} ({} vCPUs, {} GB{gpus})", s.name, s.v_cpus.unwrap_or(0), s.memory_gb.unwrap_or(0.0))
        })
        .collect()
}

/// `revert …` → `Revert …`.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
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
            // An updatable setting the compute does not have yet is a change too, and so are schedules: the
            // service reports the ones an instance has, so an absent one is an attempt to add it.
            None if updatable || path.contains(".schedules") => {
                changes.push(Change { path, now: Value::Null, new, updatable })
            }
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

/// Whether the reported value `a` matches the requested `b`, ignoring case where ARM normalises it (sizes, enum
/// values) and the read-only fields the service adds to objects it reports (a schedule's `id` and status).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => y.iter().all(|(k, q)| x.get(k).is_some_and(|p| same(p, q))),
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
        assert!(report.problems().contains("set at creation: size."), "{}", report.problems());
        let mut report = Report::default();
        update_findings(&existing, &request("Standard_DS3_v2", 3, "d"), &mut report);
        assert!(!report.failed(), "{}", report.problems());
    }

    fn size(name: &str, cores: i64, memory: f64, gpus: i64) -> VmSize {
        serde_json::from_value(json!({"name": name, "vCPUs": cores, "memoryGB": memory, "gpus": gpus}))
            .unwrap_or_default()
    }

    #[test]
    fn nearest_sizes_follow_cores_memory_and_gpus() {
        let offered = [
            size("Standard_NC6s_v3", 6, 112.0, 1),
            size("Standard_A1", 1, 1.75, 0),
            size("Standard_D4s_v3", 4, 16.0, 0),
            size("Standard_DS12_v2", 4, 28.0, 0),
            size("Standard_D2s_v3", 2, 8.0, 0),
        ];
        let names = |wanted: &str| -> Vec<String> {
            nearest_sizes(wanted, &offered, "AmlCompute", 2)
                .iter()
                .map(|s| s.split(' ').next().unwrap_or_default().to_string())
                .collect()
        };
        assert_eq!(names("Standard_DS3_v2"), ["Standard_D4s_v3", "Standard_D2s_v3"]);
        assert_eq!(names("Standard_NC12s_v3"), ["Standard_NC6s_v3", "Standard_DS12_v2"]);
        assert!(nearest_sizes("Standard_DS3_v2", &offered, "AmlCompute", 1)[0].contains("(4 vCPUs, 16 GB)"));
    }

    #[test]
    fn a_short_quota_says_what_fits_and_what_to_do() {
        let next = quota_next_steps(10, 4, 8, "eastus");
        assert!(next.contains("`max_instances: 2`") && next.contains("amlc compute list-usage -l eastus"), "{next}");
        assert!(!quota_next_steps(2, 4, 1, "eastus").contains("max_instances"));
    }

    #[test]
    fn an_update_of_an_attachment_leads_to_detach_then_attach() {
        let existing: ComputeResource = serde_json::from_value(json!({"name": "k", "properties": {
            "computeType": "Kubernetes", "resourceId": "/r", "properties": {"namespace": "a"}}}))
        .unwrap_or_default();
        let request = RequestBody {
            name: "k".into(),
            compute_type: "Kubernetes",
            body: json!({"properties": {"computeType": "Kubernetes", "resourceId": "/r", "properties": {"namespace": "b"}}}),
            warnings: Vec::new(),
        };
        let mut report = Report::default();
        update_findings(&existing, &request, &mut report);
        let problems = report.problems();
        assert!(problems.contains("amlc compute detach k") && problems.contains("attach it again"), "{problems}");
        assert!(!problems.contains("delete"), "{problems}");
    }
}
