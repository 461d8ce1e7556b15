//! create, attach and update: read the spec, run the pre-flight (name free or a permitted update, size offered in
//! the region for the type, vCPU quota for max_instances, resource not attached under another name), print it and
//! the exact body for --dry-run, then send and wait until the compute is ready.

use std::io::IsTerminal;
use std::path::Path;

use amlc_analysis::Severity;
use amlc_azure::body::{self, RequestBody};
use amlc_azure::models::redact_secrets;
use amlc_azure::workflow::{self, Code, Params, Refusal};
use serde_json::Value;

use crate::check::{self, FileReport};

use super::args::{SpecArgs, UpdateArgs};
use super::ops::{fetch, name as name_of};
use super::output::line;
use super::{spinner, Ctx, Failure, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Create,
    Attach,
}

pub use amlc_azure::preflight::Finding;
use amlc_azure::preflight::Intent;

/// Reads a spec file with the spec engine: errors it finds stop here (the CLI would reject the file too), warnings
/// are shown, and the body is built from the value after the CLI's own load step (`normalized`).
/// With a `mode`, a spec for the other command is refused first: "use attach" is the one thing to fix then.
fn read_spec(path: &Path, mode: Option<Mode>) -> Result<Value, Failure> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let analysis = amlc_analysis::analyze(&text);
    if let (Some(mode), Some(kind)) = (mode, analysis.compute_type) {
        // The one thing to fix first: the other command.
        wrong_command(mode, kind.is_attached(), kind.as_str(), path)?;
    }
    let loaded = workflow::spec::load(&analysis, None);
    // Errors and warnings only: notes and hints are for the editor and `amlc check`, not for a create.
    let diagnostics = analysis
        .diagnostics
        .iter()
        .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
        .cloned()
        .collect();
    let report = FileReport {
        name: check::inputs::exact_name(path),
        uri: check::inputs::uri_of(path),
        index: amlc_analysis::LineIndex::new(&text),
        secrets: analysis.secret_ranges(),
        text,
        diagnostics,
        attachment: None,
    };
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    // Best effort: a closed stderr must not turn a valid spec into a failed create.
    let _ = check::render::human_diagnostics(&mut stderr.lock(), &report, color);
    loaded.map_err(|refusal| spec_failure(path, refusal))
}

/// A refusal about a spec file, named by its path (as the editor names it).
fn spec_failure(path: &Path, refusal: Refusal) -> Failure {
    let mut failure = Failure::from(refusal);
    failure.message = format!("{}: {}", path.display(), failure.message);
    failure
}

/// Create and attach are different commands (the workflow's rule and words).
fn wrong_command(mode: Mode, attached: bool, compute_type: &str, file: &Path) -> Result<(), Failure> {
    workflow::spec::wrong_command(mode == Mode::Attach, attached, compute_type)
        .map_err(|refusal| spec_failure(file, refusal))
}

fn build_body(
    ctx: &Ctx,
    spec: &Value,
    spec_path: &Path,
    location: &str,
    name: Option<&str>,
) -> Result<RequestBody, Failure> {
    let base = spec_path.parent().map(Path::to_path_buf).unwrap_or_default();
    body::build_for_file(spec, name, &base, &ctx.ws, location)
        .map_err(|e| Failure::usage(format!("{}: {e}", spec_path.display())))
}

pub async fn create(ctx: &Ctx, args: &SpecArgs, mode: Mode) -> Outcome {
    let spec = read_spec(&args.file, Some(mode))?;
    let location = super::ops::workspace_location(ctx).await?;
    let request = build_body(ctx, &spec, &args.file, &location, args.name.as_deref())?;
    wrong_command(mode, request.is_attach(), request.compute_type, &args.file)?;
    for warning in &request.warnings {
        eprintln!("warning: {}", amlc_azure::shell::visible(&warning.to_string()));
    }
    let findings = preflight(ctx, &request, mode).await?;
    let failed = findings.iter().any(|f| !f.ok);
    if args.dry_run {
        print_dry_run(ctx, &request, &findings, args.show_secrets)?;
        return if failed { Err(Failure::new("the pre-flight found problems (see above)")) } else { Ok(()) };
    }
    if failed {
        for f in findings.iter().filter(|f| !f.ok) {
            eprintln!("pre-flight {}: {}", f.check, amlc_azure::shell::visible(&f.message));
        }
        return Err(Failure::new(format!("not sending the request for '{}': the pre-flight failed", request.name)));
    }
    let started = match workflow::put::begin(&ctx.client, &ctx.ws, &request, &ctx.wait).await {
        Ok(started) => started,
        Err(refusal) => return Err(quota_words(ctx, refusal, &request).await),
    };
    if args.no_wait {
        return super::output::outcome(ctx.output, &request.name, "accepted", &started.accepted().message);
    }
    let (bar, wait) = spinner(ctx, &started.title());
    let result = started.finish(&ctx.client, &ctx.ws, &wait).await;
    bar.finish_and_clear();
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(refusal) => return Err(quota_words(ctx, refusal, &request).await),
    };
    if let (super::args::OutputFormat::Json, Some(c)) = (ctx.output, &outcome.compute) {
        return super::output::json(c);
    }
    super::output::outcome(ctx.output, &request.name, "done", &outcome.message)
}

/// A quota failure gets the figures behind it (current use and limit of the size's family) when they can be read.
async fn quota_words(ctx: &Ctx, refusal: Refusal, request: &RequestBody) -> Failure {
    let quota = refusal.code == Code::Azure && refusal.message.to_ascii_lowercase().contains("quota");
    let mut failure = Failure::from(refusal);
    if !quota {
        return failure;
    }
    let size = request.body["properties"]["properties"]["vmSize"].as_str().unwrap_or_default().to_string();
    let location = request.body["location"].as_str().unwrap_or_default().to_string();
    let mut figures = String::new();
    if let Ok(sizes) = ctx.client.list_vm_sizes(&ctx.ws.subscription_id, &location).await {
        if let Some(family) = sizes.iter().find(|s| s.name.eq_ignore_ascii_case(&size)).and_then(|s| s.family.clone()) {
            if let Ok(usages) = ctx.client.list_usages(&ctx.ws.subscription_id, &location).await {
                if let Some(u) = usages.iter().find(|u| u.name_value().eq_ignore_ascii_case(&family)) {
                    figures = format!(" {family} in {location}: {} of {} vCPUs in use.", u.current_value, u.limit);
                }
            }
        }
    }
    failure.hint = Some(format!(
        "{}{figures} Try a smaller size than {size} or fewer nodes, or see all figures with `amlc compute list-usage`.",
        failure.hint.unwrap_or_default()
    ));
    failure
}

/// The shared pre-flight (`amlc_azure::preflight`): the CLI's create refuses an existing name (update is its own
/// command), attach checks the name and the resource.
async fn preflight(ctx: &Ctx, request: &RequestBody, mode: Mode) -> Result<Vec<Finding>, Failure> {
    let intent = match mode {
        Mode::Create => Intent::Create,
        Mode::Attach => Intent::Attach,
    };
    Ok(amlc_azure::preflight::run(&ctx.client, &ctx.ws, request, intent).await?.findings)
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
        super::args::OutputFormat::Yaml => super::output::yaml(&serde_json::json!({
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

pub async fn update(ctx: &Ctx, args: &UpdateArgs) -> Outcome {
    let flags = Params {
        min_nodes: args.min_instances,
        max_nodes: args.max_instances,
        idle_seconds: args.idle_time_before_scale_down,
        ..Params::default()
    };
    let Some(file) = &args.file else {
        let name = name_of(&args.name)?;
        if let Some(minutes) = args.idle_shutdown_minutes {
            // An instance's idle shutdown: the workflow's setIdleShutdown.
            if flags != Params::default() {
                return Err(Failure::usage(
                    "--idle-shutdown-minutes (an instance) cannot be combined with a cluster's scale flags",
                ));
            }
            let params = Params { minutes: Some(minutes), ..Params::default() };
            if args.dry_run {
                (workflow::run::row("setIdleShutdown")?.arguments)(name, &params)?;
                return super::output::outcome(
                    ctx.output,
                    name,
                    "dry-run",
                    &format!("would update '{name}' (dry run)"),
                );
            }
            return super::ops::perform(ctx, "setIdleShutdown", name, &params, args.no_wait).await;
        }
        // Scale flags alone: the workflow's updateScale, whose arguments are checked before any request.
        let row = workflow::run::row("updateScale")?;
        (row.arguments)(name, &flags)?;
        if args.dry_run {
            let compute = fetch(ctx, name).await?;
            if let Some(unchanged) = workflow::run::judge(row, &compute, &flags)? {
                return super::output::outcome(ctx.output, name, "unchanged", &unchanged.message);
            }
            return super::output::outcome(ctx.output, name, "dry-run", &format!("would update '{name}' (dry run)"));
        }
        return super::ops::perform(ctx, "updateScale", name, &flags, args.no_wait).await;
    };
    let (name, desired) = {
        let spec = read_spec(file, None)?;
        let location = super::ops::workspace_location(ctx).await?;
        let request = build_body(ctx, &spec, file, &location, args.name.get())?;
        (request.name.clone(), Some(request))
    };
    let existing = fetch(ctx, &name).await?;
    let kind = existing.compute_type().to_string();
    // The changes the spec asks for, compared on the paths ARM reports back.
    let mut changes: Vec<(String, Value, Value)> = Vec::new();
    if let Some(request) = &desired {
        if !request.compute_type.eq_ignore_ascii_case(&kind) {
            return Err(Failure::new(format!(
                "'{name}' is {}, the spec describes {}; the type cannot change",
                amlc_analysis::advice::with_article(&kind),
                amlc_analysis::advice::with_article(request.compute_type)
            )));
        }
        changes = amlc_azure::preflight::diff(&existing, request).into_iter().map(|c| (c.path, c.now, c.new)).collect();
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
    if scale_changed && !existing.is_cluster() {
        return Err(Failure::usage(format!(
            "'{name}' is {}; only clusters have scale settings",
            amlc_analysis::advice::with_article(&kind)
        )));
    }
    let mut envelope_changed = false;
    let mut idle: Option<String> = None;
    let mut services: Option<Vec<Value>> = None;
    let mut refused = Vec::new();
    for (path, now, new) in &changes {
        let updatable = body::is_updatable(&kind, path);
        // One change per line, in the spec's own keys and values.
        let key = amlc_azure::spec_of::spec_key(path);
        let (was, will) = (amlc_azure::spec_of::spec_value(path, now), amlc_azure::spec_of::spec_value(path, new));
        let change = format!("{} {key}: {was} -> {will}", if updatable { "~" } else { "!" });
        // Under -o json stdout holds only the outcome's JSON; the changes go to stderr.
        if ctx.output == super::args::OutputFormat::Table {
            line(&change)?;
        } else {
            eprintln!("{change}");
        }
        if !updatable {
            refused.push(path.clone());
        } else if let Some(field) = path.strip_prefix("properties.properties.scaleSettings.") {
            scale_changed = true;
            match field {
                "minNodeCount" => scale.min_node_count = new.as_i64(),
                "maxNodeCount" => scale.max_node_count = new.as_i64().unwrap_or(scale.max_node_count),
                _ => scale.node_idle_time_before_scale_down = new.as_str().map(str::to_string),
            }
        } else if path == "properties.properties.idleTimeBeforeShutdown" {
            idle = new.as_str().map(str::to_string);
        } else if path == "properties.properties.customServices" {
            services = new.as_array().cloned();
        } else {
            envelope_changed = true;
        }
    }
    if !refused.is_empty() {
        let keys: Vec<String> = refused.iter().map(|p| amlc_azure::spec_of::spec_key(p)).collect();
        return Err(Failure::new(format!(
            "these settings of '{name}' can only be set at creation: {}",
            keys.join(", ")
        ))
        .hint(amlc_analysis::advice::create_only_hint(
            &kind,
            &name,
            &refused.iter().map(String::as_str).collect::<Vec<_>>(),
            args.file.as_deref().and_then(|f| f.to_str()),
        )));
    }
    let idle_minutes = match &idle {
        Some(text) => Some(
            amlc_analysis::formats::duration::seconds(text)
                .filter(|s| s % 60.0 == 0.0 && *s / 60.0 <= f64::from(u32::MAX))
                .map(|s| (s / 60.0) as u32)
                .ok_or_else(|| Failure::usage(format!("idle shutdown '{text}' must be whole minutes (PT{{n}}M)")))?,
        ),
        None => None,
    };
    if scale_changed {
        amlc_analysis::limits::check_node_range(scale.min_node_count.unwrap_or(0), scale.max_node_count).map_err(
            |problem| {
                Failure::from(
                    Refusal::new(Code::InvalidArgument, format!("cannot scale '{name}': {problem}"))
                        .hint("nothing was sent"),
                )
            },
        )?;
    }
    if !scale_changed && !envelope_changed && idle.is_none() && services.is_none() {
        return super::output::outcome(
            ctx.output,
            &name,
            "unchanged",
            &format!("'{name}' already matches; nothing to update"),
        );
    }
    if args.dry_run {
        return super::output::outcome(ctx.output, &name, "dry-run", &format!("would update '{name}' (dry run)"));
    }
    if envelope_changed {
        // Description and tags of a cluster: the only way is a full PUT of the desired body, as the SDK does.
        if let Some(request) = &desired {
            let op = ctx.client.begin_create_or_update(&ctx.ws, &name, &request.body).await?;
            finish(ctx, args.no_wait, &name, op).await?;
        }
    }
    if scale_changed {
        let op = ctx.client.begin_update_scale(&ctx.ws, &name, &scale).await?;
        finish(ctx, args.no_wait, &name, op).await?;
    }
    if let Some(minutes) = idle_minutes {
        ctx.client.update_idle_shutdown(&ctx.ws, &name, minutes).await?;
    }
    if let Some(services) = &services {
        ctx.client.update_custom_services(&ctx.ws, &name, services).await?;
    }
    super::output::outcome(ctx.output, &name, "updated", &format!("'{name}' updated"))
}

async fn finish(ctx: &Ctx, no_wait: bool, name: &str, op: amlc_azure::Operation) -> Outcome {
    if no_wait {
        return Ok(());
    }
    let (bar, wait) = spinner(ctx, &format!("update {name}"));
    let result = amlc_azure::actions::wait_ready(&ctx.client, &ctx.ws, name, false, &op, &wait).await;
    bar.finish_and_clear();
    result.map(|_| ()).map_err(Failure::from)
}
