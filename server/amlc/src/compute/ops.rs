//! The simple subcommands: show, list, list-nodes, list-sizes, list-usage, start/stop/restart and delete/detach,
//! each with a state check first so a wrong-state request gets a fitting suggestion instead of a service error.

use std::io::{BufRead, IsTerminal, Write};

use amlc_azure::{ComputeResource, UnderlyingResourceAction};

use super::args::{ActionArgs, ListArgs, NameArg, RemoveArgs, SizesArgs, UsageArgs};
use super::output::{either, line, opt, outcome};
use super::{spinner, Ctx, Failure, Outcome};

pub fn name(arg: &NameArg) -> Result<&str, Failure> {
    arg.get().ok_or_else(|| Failure::usage("a compute NAME is required"))
}

/// GET a compute, or a not-found failure that says how to find the right name.
pub async fn fetch(ctx: &Ctx, name: &str) -> Result<ComputeResource, Failure> {
    match ctx.client.get_compute(&ctx.ws, name).await? {
        Some(c) => Ok(c),
        None => Err(Failure::new(format!("no compute named '{name}' in workspace '{}'", ctx.ws.workspace_name))
            .hint("list them with `amlc compute list`")),
    }
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
            amlc_spec::advice::with_article(compute.compute_type())
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

pub use amlc_azure::actions::PowerAction as Action;

pub async fn action(ctx: &Ctx, args: &ActionArgs, action: Action) -> Outcome {
    let name = name(&args.name)?;
    let compute = fetch(ctx, name).await?;
    let verb = action.verb();
    if !compute.is_instance() {
        let hint = if compute.is_cluster() {
            format!("a cluster scales with its node counts; to let it release every node when idle: `amlc compute update {name} --min-instances 0`")
        } else {
            "start, stop and restart apply to compute instances only".to_string()
        };
        return Err(Failure::new(format!(
            "cannot {verb} '{name}': it is {}",
            amlc_spec::advice::with_article(compute.compute_type())
        ))
        .hint(hint));
    }
    let state = compute.state().unwrap_or("Unknown").to_string();
    // Refuse early where the state table (facts §11) is backed by the service, with the action that fits.
    match (action, state.as_str()) {
        (Action::Start, "Running" | "JobRunning") => {
            return outcome(
                ctx.output,
                name,
                "unchanged",
                &format!("'{name}' is already {state}; nothing to do (to restart it: `amlc compute restart {name}`)"),
            )
        }
        (Action::Stop, "Stopped") => {
            let note = super::advice::stopped_note(&compute);
            return outcome(
                ctx.output,
                name,
                "unchanged",
                &format!("'{name}' is already Stopped; nothing to do ({note})"),
            );
        }
        (
            Action::Start | Action::Restart,
            "Stopping" | "Starting" | "Restarting" | "Creating" | "Deleting" | "Resizing",
        ) => {
            return Err(Failure::new(format!("cannot {verb} '{name}' while it is {state}"))
                .hint(format!("wait until it settles (`amlc compute show {name}`), then retry")))
        }
        (Action::Restart, "Stopped") => {
            return Err(Failure::new(format!("cannot restart '{name}': it is Stopped"))
                .hint(format!("start it with `amlc compute start {name}`")))
        }
        (Action::Start, s) if s != "Stopped" && s != "Unknown" => {
            let hint = if s == "Unusable" {
                format!("an Unusable instance may recover with `amlc compute restart {name}`")
            } else if s == "CreateFailed" {
                format!("delete and recreate it: `amlc compute delete {name}`")
            } else {
                "start is only allowed from the Stopped state".to_string()
            };
            return Err(Failure::new(format!("cannot start '{name}' while it is {s}")).hint(hint));
        }
        _ => {}
    }
    let op = amlc_azure::actions::begin_power(&ctx.client, &ctx.ws, name, action).await?;
    if args.no_wait {
        return outcome(ctx.output, name, "accepted", &format!("{verb} of '{name}' accepted"));
    }
    let (bar, wait) = spinner(ctx, &format!("{verb} {name}"));
    // The operation succeeding is not the end: this waits for the state that was asked for.
    let result = amlc_azure::actions::wait_power(&ctx.client, &ctx.ws, name, action, &op, &wait).await;
    bar.finish_and_clear();
    let compute = result.map_err(|e| explain_with_state(e, action, name))?;
    if let (super::args::OutputFormat::Json, Some(c)) = (ctx.output, &compute) {
        return super::output::json(c);
    }
    let state = compute.as_ref().map(|c| c.status()).unwrap_or_default();
    if action == Action::Stop {
        return line(&super::advice::stopped_line(name, &state, compute.as_ref()));
    }
    line(&format!("'{name}' is {state}"))
}

/// Adds the fitting action to a wrong-state failure reported by the service.
fn explain_with_state(error: amlc_azure::AzureError, action: Action, name: &str) -> Failure {
    let disk_full = matches!(error.arm().map(|a| a.kind()), Some(amlc_azure::ErrorKind::DiskFull));
    let wrong_state = matches!(error.arm().map(|a| a.kind()), Some(amlc_azure::ErrorKind::WrongState { .. }));
    let mut failure = Failure::from(error);
    if wrong_state && action == Action::Start {
        failure.hint = Some(format!(
            "it is not Stopped; check with `amlc compute show {name}`, or restart it with `amlc compute restart {name}`"
        ));
    }
    if disk_full {
        failure.hint = failure.hint.map(|h| format!("{h} Or restart it: `amlc compute restart {name}`."));
    }
    failure
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

pub async fn remove(ctx: &Ctx, args: &RemoveArgs, how: UnderlyingResourceAction) -> Outcome {
    let name = name(&args.name)?;
    let compute = fetch(ctx, name).await?;
    let kind = compute.compute_type().to_string();
    match how {
        UnderlyingResourceAction::Delete if compute.is_attached() => {
            return Err(Failure::new(format!(
                "'{name}' is an attached {kind}; deleting it would delete the underlying resource, which Azure ML does not own"
            ))
            .hint(format!("detach it instead: `amlc compute detach {name}`")))
        }
        UnderlyingResourceAction::Detach if !compute.is_attached() => {
            return Err(Failure::new(format!("'{name}' is {} created by Azure ML, not an attached compute", amlc_spec::advice::with_article(&kind)))
                .hint(format!("to remove it, delete it: `amlc compute delete {name}`")))
        }
        _ => {}
    }
    let verb = how.as_str().to_ascii_lowercase();
    if !args.yes {
        let what = match how {
            UnderlyingResourceAction::Delete => {
                format!("Delete {kind} '{name}' and its VMs? Its local disks are lost.")
            }
            UnderlyingResourceAction::Detach => {
                format!("Detach {kind} '{name}' from the workspace? The resource itself is kept.")
            }
        };
        if !confirm(&what)? {
            return Err(Failure::new("not confirmed; nothing was changed"));
        }
    }
    let op = ctx.client.begin_delete(&ctx.ws, name, how).await?;
    if args.no_wait {
        return outcome(ctx.output, name, "accepted", &format!("{verb} of '{name}' accepted"));
    }
    let (bar, wait) = spinner(ctx, &format!("{verb} {name}"));
    let result = amlc_azure::actions::wait_gone(&ctx.client, &ctx.ws, name, how, &op, &wait).await;
    bar.finish_and_clear();
    result?;
    let done = if how == UnderlyingResourceAction::Delete { "deleted" } else { "detached" };
    outcome(ctx.output, name, done, &format!("'{name}' {done}"))
}
