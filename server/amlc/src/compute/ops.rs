//! The simple subcommands: show, list, list-nodes, list-sizes, list-usage, and the actions of the workflow's table
//! (start, stop, restart, delete, detach, scale, idle shutdown), which `amlc_azure::workflow` checks, sends and waits
//! for; this module asks for confirmation and prints.

use std::io::{BufRead, IsTerminal, Write};

use amlc_azure::workflow::{self, Begun, Params};
use amlc_azure::ComputeResource;

use super::args::{ActionArgs, ListArgs, NameArg, RemoveArgs, SizesArgs, UsageArgs};
use super::output::{either, opt, outcome};
use super::{spinner, Ctx, Failure, Outcome};

pub fn name(arg: &NameArg) -> Result<&str, Failure> {
    arg.get().ok_or_else(|| Failure::usage("a compute NAME is required"))
}

/// GET a compute, or the workflow's not-found refusal.
pub async fn fetch(ctx: &Ctx, name: &str) -> Result<ComputeResource, Failure> {
    Ok(workflow::run::read(&ctx.client, &ctx.ws, name).await?)
}

/// YAML type names and REST names, case-insensitive, to the REST `computeType`.
pub fn rest_type(kind: &str) -> String {
    match kind.to_ascii_lowercase().as_str() {
        "amlcompute" | "cluster" => "AmlCompute".into(),
        "computeinstance" | "instance" => "ComputeInstance".into(),
        "kubernetes" => "Kubernetes".into(),
        "virtualmachine" => "VirtualMachine".into(),
        "synapsespark" => "SynapseSpark".into(),
        _ => kind.to_string(),
    }
}

/// The REST type of a `--type` value, or a usage error that names the types.
fn known_type(kind: &str) -> Result<String, Failure> {
    let wanted = rest_type(kind);
    const KNOWN: [&str; 5] = ["AmlCompute", "ComputeInstance", "Kubernetes", "VirtualMachine", "SynapseSpark"];
    if KNOWN.contains(&wanted.as_str()) {
        return Ok(wanted);
    }
    Err(Failure::usage(format!(
        "unknown compute type '{kind}'; use one of amlcompute, computeinstance, kubernetes, virtualmachine, synapsespark"
    )))
}

fn nodes_text(c: &ComputeResource) -> String {
    match (c.current_node_count(), c.scale_settings()) {
        (Some(cur), Some(scale)) => format!("{cur} ({}-{})", scale.min_node_count.unwrap_or(0), scale.max_node_count),
        (None, Some(scale)) => format!("- ({}-{})", scale.min_node_count.unwrap_or(0), scale.max_node_count),
        _ => "-".into(),
    }
}

fn row(c: &ComputeResource) -> Vec<String> {
    vec![c.name.clone(), c.compute_type().to_string(), c.status(), opt(c.vm_size()), nodes_text(c), opt(c.region())]
}

const COMPUTE_HEADERS: [&str; 6] = ["NAME", "TYPE", "STATE", "SIZE", "NODES", "LOCATION"];

pub async fn list(ctx: &Ctx, args: &ListArgs) -> Outcome {
    let mut computes = ctx.client.list_computes(&ctx.ws).await?;
    if let Some(kind) = &args.kind {
        let wanted = known_type(kind)?;
        computes.retain(|c| c.compute_type().eq_ignore_ascii_case(&wanted));
    }
    if args.mine {
        super::mine::retain_mine(ctx, &mut computes).await?;
    }
    let rows = computes.iter().map(row).collect();
    either(ctx.output, &computes, &COMPUTE_HEADERS, rows)
}

pub async fn list_nodes(ctx: &Ctx, arg: &NameArg) -> Outcome {
    let name = name(arg)?;
    let compute = fetch(ctx, name).await?;
    if !compute.is_cluster() {
        return Err(Failure::new(format!(
            "'{name}' is {}; only compute clusters (AmlCompute) have nodes to list",
            amlc_analysis::advice::with_article(compute.compute_type())
        )));
    }
    let nodes = ctx.client.list_nodes(&ctx.ws, name).await?;
    let rows = nodes
        .iter()
        .map(|n| {
            vec![
                n.node_id.clone(),
                opt(n.node_state.clone()),
                opt(n.public_ip_address.clone()),
                opt(n.private_ip_address.clone()),
                opt(n.port),
                opt(n.run_id.clone()),
            ]
        })
        .collect();
    either(ctx.output, &nodes, &["NODE", "STATE", "PUBLIC_IP", "PRIVATE_IP", "PORT", "RUN"], rows)
}

pub async fn workspace_location(ctx: &Ctx) -> Result<String, Failure> {
    Ok(ctx.client.get_workspace(&ctx.ws).await?.location)
}

pub async fn list_sizes(ctx: &Ctx, args: &SizesArgs) -> Outcome {
    let location = match &args.location {
        Some(l) => l.clone(),
        None => workspace_location(ctx).await?,
    };
    let mut sizes = ctx.client.list_vm_sizes(&ctx.ws.subscription_id, &location).await?;
    if let Some(kind) = &args.kind {
        let wanted = rest_type(kind);
        sizes.retain(|s| s.supports(&wanted));
    }
    let rows = sizes
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                opt(s.family.clone()),
                opt(s.v_cpus),
                opt(s.gpus),
                opt(s.memory_gb),
                opt(s.low_priority_capable),
                // Estimated Linux retail prices per hour (`estimatedVMPrices`), blank when the service gave none.
                opt(s.retail_price("Standard")),
                opt(s.retail_price("LowPriority")),
            ]
        })
        .collect();
    let currency = sizes.iter().find_map(|s| s.price_currency()).unwrap_or("USD").to_ascii_uppercase();
    let dedicated = format!("{currency}/H_DEDICATED");
    let low = format!("{currency}/H_LOW_PRIORITY");
    let header = ["NAME", "FAMILY", "VCPUS", "GPUS", "MEMORY_GB", "LOW_PRIORITY", dedicated.as_str(), low.as_str()];
    either(ctx.output, &sizes, &header, rows)
}

pub async fn list_usage(ctx: &Ctx, args: &UsageArgs) -> Outcome {
    let location = match &args.location {
        Some(l) => l.clone(),
        None => workspace_location(ctx).await?,
    };
    let usages = ctx.client.list_usages(&ctx.ws.subscription_id, &location).await?;
    let rows = usages
        .iter()
        .map(|u| {
            vec![
                u.name.localized_value.clone().unwrap_or_else(|| u.name_value().to_string()),
                u.current_value.to_string(),
                u.limit.to_string(),
                opt(u.unit.clone()),
            ]
        })
        .collect();
    either(ctx.output, &usages, &["NAME", "CURRENT", "LIMIT", "UNIT"], rows)
}

/// start, stop and restart: the workflow checks, sends and waits (`amlc_azure::workflow`).
pub async fn action(ctx: &Ctx, args: &ActionArgs, id: &str) -> Outcome {
    let name = name(&args.name)?;
    perform(ctx, id, name, &Params::default(), args.no_wait).await
}

/// Runs one action of the workflow's table and prints its outcome: the compute as JSON with `-o json`, else the
/// workflow's words.
pub async fn perform(ctx: &Ctx, id: &str, name: &str, params: &Params, no_wait: bool) -> Outcome {
    let started = match workflow::begin(&ctx.client, &ctx.ws, id, name, params, &ctx.wait).await? {
        Begun::Unchanged(done) => return outcome(ctx.output, name, "unchanged", &done.message),
        Begun::Started(started) => started,
    };
    if no_wait {
        return outcome(ctx.output, name, "accepted", &started.accepted().message);
    }
    let (bar, wait) = spinner(ctx, &started.title());
    // The operation ending is not the end: this waits for the state that was asked for.
    let result = started.finish(&ctx.client, &ctx.ws, &wait).await;
    bar.finish_and_clear();
    let done = result?;
    if let (super::args::OutputFormat::Json, Some(c)) = (ctx.output, &done.compute) {
        return super::output::json(c);
    }
    outcome(ctx.output, name, "done", &done.message)
}

/// Asks on the terminal; without one, only `--yes` proceeds.
fn confirm(question: &str) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage("refusing to ask for confirmation without a terminal").hint("pass --yes to confirm"));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| Failure::new(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// delete and detach: refusals first (an attached compute is never deleted), then the confirmation, then the
/// workflow.
pub async fn remove(ctx: &Ctx, args: &RemoveArgs, id: &str) -> Outcome {
    let name = name(&args.name)?;
    let compute = workflow::run::read(&ctx.client, &ctx.ws, name).await?;
    let row = workflow::run::row(id)?;
    if let Some(unchanged) = workflow::run::judge(row, &compute, &Params::default())? {
        return outcome(ctx.output, name, "unchanged", &unchanged.message);
    }
    if !args.yes {
        let kind = compute.compute_type();
        let what = if id == "delete" {
            format!("Delete {kind} '{name}' and its VMs? Its local disks are lost.")
        } else {
            format!("Detach {kind} '{name}' from the workspace? The resource itself is kept.")
        };
        if !confirm(&what)? {
            return Err(Failure::new("not confirmed; nothing was changed"));
        }
    }
    perform(ctx, id, name, &Params::default(), args.no_wait).await
}
