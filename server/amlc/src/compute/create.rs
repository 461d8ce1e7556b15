//! create, attach and update: read the spec, run the pre-flight (name free or a permitted update, size offered in
//! the region for the type, vCPU quota for max_instances, resource not attached under another name), print it and
//! the exact body for --dry-run, then send and wait until the compute is ready.

use std::path::Path;

use amlc_azure::body::{self, BodyContext, RequestBody};
use amlc_azure::models::{redact_secrets, ScaleSettings};
use amlc_azure::{Check, ComputeResource};
use serde_json::Value;

use super::args::{SpecArgs, UpdateArgs};
use super::ops::{fetch, name as name_of};
use super::output::line;
use super::{spinner, Ctx, Failure, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Create,
    Attach,
}

/// One pre-flight finding.
#[derive(Debug, serde::Serialize)]
pub struct Finding {
    pub check: &'static str,
    pub ok: bool,
    pub message: String,
}

/// Reads a spec file into the value PyYAML would give.
///
/// The YAML loader belongs to the spec engine (`amlc_spec`); until its value output is wired in here, specs are
/// accepted in JSON form, which is also valid YAML.
fn read_spec(path: &Path) -> Result<Value, Failure> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::usage(format!("{}: this build reads specs written in JSON-compatible YAML only ({e})", path.display()))
    })
}

fn build_body(
    ctx: &Ctx,
    spec: &Value,
    spec_path: &Path,
    location: &str,
    name: Option<&str>,
) -> Result<RequestBody, Failure> {
    let base = spec_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let read = move |file: &str| -> Result<String, String> {
        let expanded = super::ssh::expand_home(file);
        let path = if Path::new(&expanded).is_absolute() { expanded.into() } else { base.join(expanded) };
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    };
    let mut spec = spec.clone();
    if let (Some(name), Some(map)) = (name, spec.as_object_mut()) {
        map.insert("name".into(), Value::String(name.to_string()));
    }
    let ctx_body = BodyContext { workspace: &ctx.ws, workspace_location: location, read_file: &read };
    body::build(&spec, &ctx_body).map_err(|e| Failure::usage(format!("{}: {e}", spec_path.display())))
}

pub async fn create(ctx: &Ctx, args: &SpecArgs, mode: Mode) -> Outcome {
    let spec = read_spec(&args.file)?;
    let location = super::ops::workspace_location(ctx).await?;
    let request = build_body(ctx, &spec, &args.file, &location, args.name.as_deref())?;
    match (mode, request.is_attach()) {
        (Mode::Create, true) => {
            return Err(Failure::usage(format!("a {} compute is attached, not created", request.compute_type))
                .hint(format!("use `amlc compute attach -f {}`", args.file.display())))
        }
        (Mode::Attach, false) => {
            return Err(Failure::usage(format!("a {} compute is created, not attached", request.compute_type))
                .hint(format!("use `amlc compute create -f {}`", args.file.display())))
        }
        _ => {}
    }
    for warning in &request.warnings {
        eprintln!("warning: {warning}");
    }
    let findings = preflight(ctx, &request, mode).await?;
    let failed = findings.iter().any(|f| !f.ok);
    if args.dry_run {
        print_dry_run(ctx, &request, &findings, args.show_secrets)?;
        return if failed { Err(Failure::new("the pre-flight found problems (see above)")) } else { Ok(()) };
    }
    if failed {
        for f in findings.iter().filter(|f| !f.ok) {
            eprintln!("pre-flight {}: {}", f.check, f.message);
        }
        return Err(Failure::new(format!("not sending the request for '{}': the pre-flight failed", request.name)));
    }
    let name = request.name.clone();
    let op =
        ctx.client.begin_create_or_update(&ctx.ws, &name, &request.body).await.map_err(|e| quota_words(e, &request))?;
    if args.no_wait {
        return line(&format!("{} of '{name}' accepted", if mode == Mode::Attach { "attach" } else { "create" }));
    }
    let verb = if mode == Mode::Attach { "attach" } else { "create" };
    let (bar, wait) = spinner(ctx, &format!("{verb} {name}"));
    let instance = request.compute_type == "ComputeInstance";
    let result = async {
        ctx.client.wait(&op, &wait).await?;
        ctx.client.wait_for_compute(&ctx.ws, &name, &format!("{verb} {name}"), &wait, |c| ready(c, instance)).await
    }
    .await;
    bar.finish_and_clear();
    let compute = result.map_err(|e| quota_words(e, &request))?;
    let status = compute.as_ref().map(|c| c.status()).unwrap_or_default();
    line(&format!("'{name}' is ready ({status})"))
}

/// A new compute is ready when provisioning succeeded and, for an instance, it is Running.
fn ready(compute: Option<&ComputeResource>, instance: bool) -> Check {
    let Some(c) = compute else { return Check::Continue };
    match c.provisioning_state() {
        Some("Failed") | Some("Canceled") => {
            let errors = c.properties.provisioning_errors.as_ref().map(|e| Value::Array(e.clone()).to_string());
            Check::Fail(format!(
                "provisioning of '{}' failed{}",
                c.name,
                errors.map(|e| format!(": {e}")).unwrap_or_default()
            ))
        }
        Some("Succeeded") if !instance => Check::Done,
        Some("Succeeded") => match c.state() {
            Some("Running") => Check::Done,
            Some(s @ ("CreateFailed" | "SetupFailed" | "UserSetupFailed" | "Unusable")) => {
                Check::Fail(format!("'{}' ended in state {s}", c.name))
            }
            _ => Check::Continue,
        },
        _ => Check::Continue,
    }
}

/// A quota failure gets the figures behind it when the usages can be read.
fn quota_words(error: amlc_azure::AzureError, request: &RequestBody) -> Failure {
    let quota = matches!(error.arm().map(|a| a.kind()), Some(amlc_azure::ErrorKind::Quota));
    let mut failure = Failure::from(error);
    if quota {
        failure.hint = Some(format!(
            "{} See current use and limits with `amlc compute list-usage`, or try a smaller size than {} or fewer nodes.",
            failure.hint.unwrap_or_default(),
            request.body["properties"]["properties"]["vmSize"].as_str().unwrap_or("this size")
        ));
    }
    failure
}

async fn preflight(ctx: &Ctx, request: &RequestBody, mode: Mode) -> Result<Vec<Finding>, Failure> {
    let mut findings = Vec::new();
    let name = &request.name;
    let existing = ctx.client.get_compute(&ctx.ws, name).await?;
    match &existing {
        None => findings.push(Finding { check: "name", ok: true, message: format!("'{name}' is free in the workspace") }),
        Some(c) => findings.push(Finding {
            check: "name",
            ok: false,
            message: format!(
                "'{name}' already exists ({}, {}); a PUT would overwrite it. To change it use `amlc compute update -f SPEC`, or pick another name",
                c.compute_type(),
                c.status()
            ),
        }),
    }
    if mode == Mode::Attach {
        if let Some(resource_id) = request.body["properties"]["resourceId"].as_str() {
            let computes = ctx.client.list_computes(&ctx.ws).await?;
            let holder = computes.iter().find(|c| {
                c.name != *name
                    && c.properties.resource_id.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(resource_id))
            });
            findings.push(match holder {
                Some(c) => Finding {
                    check: "resource",
                    ok: false,
                    message: format!(
                        "{resource_id} is already attached as '{}'; a second attachment breaks the first. Use '{}' or detach it first",
                        c.name, c.name
                    ),
                },
                None => Finding { check: "resource", ok: true, message: "the resource is not attached under another name".into() },
            });
        }
        return Ok(findings);
    }
    let location = request.body["location"].as_str().unwrap_or_default().to_string();
    let size_name = request.body["properties"]["properties"]["vmSize"].as_str().unwrap_or_default().to_string();
    let sizes = ctx.client.list_vm_sizes(&ctx.ws.subscription_id, &location).await?;
    let Some(size) = sizes.iter().find(|s| s.name.eq_ignore_ascii_case(&size_name)) else {
        let mut offered: Vec<&str> =
            sizes.iter().filter(|s| s.supports(request.compute_type)).map(|s| s.name.as_str()).collect();
        offered.truncate(8);
        findings.push(Finding {
            check: "size",
            ok: false,
            message: format!(
                "{size_name} is not offered in {location}{}",
                if offered.is_empty() { String::new() } else { format!("; offered there: {}", offered.join(", ")) }
            ),
        });
        return Ok(findings);
    };
    if !size.supports(request.compute_type) {
        findings.push(Finding {
            check: "size",
            ok: false,
            message: format!("{} cannot be used for {}", size.name, request.compute_type),
        });
        return Ok(findings);
    }
    let low_priority = request.body["properties"]["properties"]["vmPriority"] == "LowPriority";
    if low_priority && size.low_priority_capable == Some(false) {
        findings.push(Finding { check: "size", ok: false, message: format!("{} has no low-priority VMs", size.name) });
        return Ok(findings);
    }
    findings.push(Finding { check: "size", ok: true, message: format!("{} is offered in {location}", size.name) });
    let nodes = request.body["properties"]["properties"]["scaleSettings"]["maxNodeCount"].as_i64().unwrap_or(1);
    let need = size.v_cpus.unwrap_or(0) * nodes;
    let family = size.family.clone().unwrap_or_default();
    let usages = ctx.client.list_usages(&ctx.ws.subscription_id, &location).await?;
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
        None => Finding { check: "quota", ok: true, message: format!("no usage figures for {family}; not checked") },
    });
    Ok(findings)
}

fn print_dry_run(ctx: &Ctx, request: &RequestBody, findings: &[Finding], show_secrets: bool) -> Outcome {
    let body = if show_secrets { request.body.clone() } else { redact_secrets(&request.body) };
    let url = format!(
        "{}{}/computes/{}?api-version={}",
        ctx.client.options().endpoint.as_str().trim_end_matches('/'),
        ctx.ws.arm_path(),
        request.name,
        ctx.client.options().compute_api_version
    );
    match ctx.output {
        super::args::OutputFormat::Json => super::output::json(&serde_json::json!({
            "preflight": findings, "request": {"method": "PUT", "url": url, "body": body}, "warnings": request.warnings,
        })),
        super::args::OutputFormat::Table => {
            line("Pre-flight:")?;
            for f in findings {
                line(&format!("  [{}] {}: {}", if f.ok { "ok" } else { "FAIL" }, f.check, f.message))?;
            }
            line(&format!("Request: PUT {url}"))?;
            line(&serde_json::to_string_pretty(&body).unwrap_or_default())
        }
    }
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

pub async fn update(ctx: &Ctx, args: &UpdateArgs) -> Outcome {
    let (name, desired) = match &args.file {
        Some(file) => {
            let spec = read_spec(file)?;
            let location = super::ops::workspace_location(ctx).await?;
            let request = build_body(ctx, &spec, file, &location, args.name.get())?;
            (request.name.clone(), Some(request))
        }
        None => (name_of(&args.name)?.to_string(), None),
    };
    let existing = fetch(ctx, &name).await?;
    let current = serde_json::to_value(&existing).unwrap_or(Value::Null);
    // The changes the spec asks for, compared on the paths ARM reports back.
    let mut changes: Vec<(String, Value, Value)> = Vec::new();
    if let Some(request) = &desired {
        if !request.compute_type.eq_ignore_ascii_case(existing.compute_type()) {
            return Err(Failure::new(format!(
                "'{name}' is a {}, the spec describes a {}; the type cannot change",
                existing.compute_type(),
                request.compute_type
            )));
        }
        let mut wanted = Vec::new();
        leaves("", &request.body, &mut wanted);
        for (path, value) in wanted {
            // Secrets and write-only settings are not returned by GET, so they cannot be compared.
            if amlc_azure::models::SECRET_KEYS.iter().any(|k| path.ends_with(k)) || path == "location" {
                continue;
            }
            match lookup(&current, &path) {
                Some(now) if !same(now, &value) => changes.push((path, now.clone(), value)),
                _ => {}
            }
        }
    }
    let mut scale = existing.scale_settings().unwrap_or_default();
    let mut scale_changed = false;
    for (flag, field) in
        [(args.min_instances, "min"), (args.max_instances, "max"), (args.idle_time_before_scale_down, "idle")]
    {
        if let Some(v) = flag {
            scale_changed = true;
            match field {
                "min" => scale.min_node_count = Some(v),
                "max" => scale.max_node_count = v,
                _ => scale.node_idle_time_before_scale_down = Some(body::iso_duration(v)),
            }
        }
    }
    let allowed = body::updatable_paths(existing.compute_type());
    let refused: Vec<&(String, Value, Value)> =
        changes.iter().filter(|(p, _, _)| !allowed.contains(&p.as_str())).collect();
    for (path, now, new) in &changes {
        let mark = if allowed.contains(&path.as_str()) { "~" } else { "!" };
        line(&format!("{mark} {path}: {now} -> {new}"))?;
        if path.starts_with("properties.properties.scaleSettings.") {
            scale_changed = true;
            let v = new.clone();
            match path.rsplit('.').next() {
                Some("minNodeCount") => scale.min_node_count = v.as_i64(),
                Some("maxNodeCount") => scale.max_node_count = v.as_i64().unwrap_or(scale.max_node_count),
                Some("nodeIdleTimeBeforeScaleDown") => {
                    scale.node_idle_time_before_scale_down = v.as_str().map(str::to_string)
                }
                _ => {}
            }
        }
    }
    if !refused.is_empty() {
        let paths: Vec<&str> = refused.iter().map(|(p, _, _)| p.as_str()).collect();
        return Err(Failure::new(format!(
            "these settings of '{name}' can only be set at creation: {}",
            paths.join(", ")
        ))
        .hint(format!(
            "delete and recreate the compute to change them (`amlc compute delete {name}`), or revert them in the spec"
        )));
    }
    if scale_changed && !existing.is_cluster() {
        return Err(Failure::usage(format!(
            "'{name}' is a {}; only clusters have scale settings",
            existing.compute_type()
        )));
    }
    let other_changes = changes.iter().any(|(p, _, _)| !p.starts_with("properties.properties.scaleSettings."));
    if !scale_changed && !other_changes {
        return line(&format!("'{name}' already matches; nothing to update"));
    }
    if args.dry_run {
        return line(&format!("would update '{name}' (dry run)"));
    }
    if other_changes {
        // Description and tags: the only way is a full PUT of the desired body, which is what the SDK does.
        let Some(request) = &desired else { return Ok(()) };
        let op = ctx.client.begin_create_or_update(&ctx.ws, &name, &request.body).await?;
        finish(ctx, args.no_wait, &name, op).await?;
    }
    if scale_changed {
        let op = ctx.client.begin_update_scale(&ctx.ws, &name, &ScaleSettings { ..scale }).await?;
        finish(ctx, args.no_wait, &name, op).await?;
    }
    line(&format!("'{name}' updated"))
}

async fn finish(ctx: &Ctx, no_wait: bool, name: &str, op: amlc_azure::Operation) -> Outcome {
    if no_wait {
        return Ok(());
    }
    let (bar, wait) = spinner(ctx, &format!("update {name}"));
    let result = async {
        ctx.client.wait(&op, &wait).await?;
        ctx.client.wait_for_compute(&ctx.ws, name, &format!("update {name}"), &wait, |c| ready(c, false)).await
    }
    .await;
    bar.finish_and_clear();
    result.map(|_| ()).map_err(Failure::from)
}

/// Equality that ignores case where ARM normalises it (sizes, enum values).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}
