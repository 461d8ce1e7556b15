//! `amlc compute show NAME`: the table names what users look for (state, size, tier, nodes, addresses, idle
//! shutdown, schedules, applications, assigned user); `-o json` is ARM's resource; `-o yaml` is the compute as
//! the CLI v2 spec that describes it, which `amlc check` accepts and `amlc compute create -f` builds again.

use amlc_azure::spec_of::{spec_of, to_yaml};
use amlc_azure::ComputeResource;
use serde_json::Value;

use super::args::{NameArg, OutputFormat};
use super::ops::{fetch, name};
use super::output::{line, opt, table};
use super::{Ctx, Outcome};

pub async fn show(ctx: &Ctx, arg: &NameArg) -> Outcome {
    let compute = fetch(ctx, name(arg)?).await?;
    match ctx.output {
        OutputFormat::Json => super::output::json(&compute),
        OutputFormat::Yaml => {
            let text = to_yaml(&spec_of(&compute));
            line(text.trim_end())
        }
        OutputFormat::Table => table(&["FIELD", "VALUE"], &rows(&compute)),
    }
}

fn inner<'a>(compute: &'a ComputeResource, path: &str) -> Option<&'a Value> {
    let start = compute.properties.properties.as_ref()?;
    path.split('.').try_fold(start, |v, k| v.get(k)).filter(|v| !v.is_null())
}

fn text(v: Option<&Value>) -> Option<String> {
    v.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
}

fn rows(compute: &ComputeResource) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut add = |k: &str, v: String| rows.push(vec![k.to_string(), v]);
    add("name", compute.name.clone());
    add("type", compute.compute_type().into());
    add("state", compute.status());
    add("provisioning", opt(compute.provisioning_state()));
    add("location", opt(compute.region()));
    if let Some(id) = &compute.properties.resource_id {
        add("resource_id", id.clone());
    }
    if compute.is_attached() {
        add("attached", "true".into());
        return rows;
    }
    add("size", opt(compute.vm_size()));
    if compute.is_cluster() {
        add("tier", opt(text(inner(compute, "vmPriority"))));
        let nodes = match (compute.current_node_count(), compute.scale_settings()) {
            (cur, Some(s)) => format!("{} (min {}, max {})", opt(cur), s.min_node_count.unwrap_or(0), s.max_node_count),
            (cur, None) => opt(cur),
        };
        add("nodes", nodes);
        let idle = compute.scale_settings().and_then(|s| s.node_idle_time_before_scale_down);
        add("idle scale-down", opt(idle));
        add("ssh", opt(compute.remote_login_access()));
    }
    if compute.is_instance() {
        let ips = compute
            .connectivity()
            .map(|c| format!("public {}, private {}", opt(c.public_ip_address), opt(c.private_ip_address)));
        add("ip addresses", opt(ips));
        add("idle shutdown", opt(text(inner(compute, "idleTimeBeforeShutdown"))));
        let schedules = inner(compute, "schedules.computeStartStop").and_then(Value::as_array).map(|s| {
            s.iter()
                .map(|s| {
                    let action = text(s.get("action")).unwrap_or_default().to_ascii_lowercase();
                    let when = text(s.get("cron").and_then(|c| c.get("expression")))
                        .map(|e| format!("cron {e}"))
                        .or_else(|| text(s.get("recurrence").and_then(|r| r.get("frequency"))))
                        .unwrap_or_default();
                    format!("{action} {when}").trim().to_string()
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        add("schedules", schedules.filter(|s| !s.is_empty()).unwrap_or_else(|| "-".into()));
        let apps: Vec<String> = compute.applications().iter().map(|a| a.display_name.clone()).collect();
        add("applications", if apps.is_empty() { "-".into() } else { apps.join(", ") });
        add("assigned user", opt(compute.assigned_user_object_id()));
        add("ssh", opt(compute.instance_ssh().and_then(|s| s.ssh_public_access)));
        add("sso", opt(text(inner(compute, "enableSSO"))));
    }
    if let Some(errors) = &compute.properties.provisioning_errors {
        for e in errors {
            add("error", e.to_string());
        }
    }
    rows
}
