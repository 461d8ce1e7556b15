//! The table of compute actions: one [`ActionRow`] per action. A row says which computes and states allow the
//! action (its verdict), how the request is sent, which state ends it, and the words for a successful end. Adding
//! an action is one row here plus its `send` function.
//!
//! The verdicts follow the service's state table for compute instances. Where the service is known to refuse (start
//! outside `Stopped`), the action is refused before anything is sent, with the fitting next step. Where the table is
//! only derived (no published source), the action is sent when asked for and the service's own answer is shown,
//! but the editor does not offer it in menus ([`Verdict::Try`]).

use futures::future::BoxFuture;
use serde::Serialize;
use serde_json::Value;

use amlc_analysis::{advice, limits};

use super::{Code, Params, Refusal};
use crate::body::iso_duration;
use crate::client::{ArmClient, Operation};
use crate::discovery::WorkspaceRef;
use crate::error::AzureError;
use crate::models::{ComputeResource, ScaleSettings, UnderlyingResourceAction};

/// What a row says about an action on one compute in its current state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed, and offered in menus.
    Offer,
    /// Sent when asked for (the service decides), not offered in menus.
    Try,
    /// Already as asked: nothing to send; the words say so.
    Unchanged(String),
    /// Not allowed; nothing is sent.
    Refuse(Refusal),
}

/// Sends an action's request; `None` when the request itself completes the action (no operation to follow).
/// What sending a request gives: the operation to follow, or `None` when the answer already settled it.
pub type Sending<'a> = BoxFuture<'a, Result<Option<Operation>, AzureError>>;

pub type SendFn = for<'a> fn(&'a ArmClient, &'a WorkspaceRef, &'a ComputeResource, &'a Params) -> Sending<'a>;

/// The state that ends an action, checked on every read of the compute after its operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// An instance in this state (`Running`, `Stopped`).
    State(&'static str),
    /// The compute no longer listed.
    Gone,
    /// Provisioning succeeded (a cluster after a scale update).
    Provisioned,
    /// Nothing to wait for: the request's answer is the end.
    Immediate,
}

/// One action.
pub struct ActionRow {
    /// The action's name in the protocol (`amlc.compute.<id>`, `actions` of a summary) and on the command line.
    pub id: &'static str,
    /// The progress title's verb ("Starting ci-1").
    pub title: &'static str,
    /// Checks the arguments before any request (the compute's name is given for the words).
    pub arguments: fn(&str, &Params) -> Result<(), Refusal>,
    /// Whether the action applies to this compute now.
    pub verdict: fn(&ComputeResource, &Params) -> Verdict,
    /// How it is sent; `None` for actions that only read (ssh).
    pub send: Option<SendFn>,
    pub settle: Settle,
    /// The words once the compute is as asked.
    pub done: fn(&ComputeResource, Option<&ComputeResource>, &Params) -> String,
}

/// Every action, in the order menus list them.
pub static ACTIONS: &[ActionRow] = &[
    ActionRow {
        id: "start",
        title: "Starting",
        arguments: no_arguments,
        verdict: start_verdict,
        send: Some(send_start),
        settle: Settle::State("Running"),
        done: state_words,
    },
    ActionRow {
        id: "stop",
        title: "Stopping",
        arguments: no_arguments,
        verdict: stop_verdict,
        send: Some(send_stop),
        settle: Settle::State("Stopped"),
        done: stopped_words,
    },
    ActionRow {
        id: "restart",
        title: "Restarting",
        arguments: no_arguments,
        verdict: restart_verdict,
        send: Some(send_restart),
        settle: Settle::State("Running"),
        done: state_words,
    },
    ActionRow {
        id: "delete",
        title: "Deleting",
        arguments: no_arguments,
        verdict: delete_verdict,
        send: Some(send_delete),
        settle: Settle::Gone,
        done: |c, _, _| format!("'{}' deleted", c.name),
    },
    ActionRow {
        id: "detach",
        title: "Detaching",
        arguments: no_arguments,
        verdict: detach_verdict,
        send: Some(send_detach),
        settle: Settle::Gone,
        done: |c, _, _| format!("'{}' detached; the {} itself is kept", c.name, c.compute_type()),
    },
    ActionRow {
        id: "ssh",
        title: "Connecting to",
        arguments: no_arguments,
        verdict: ssh_verdict,
        send: None,
        settle: Settle::Immediate,
        done: |c, _, _| format!("SSH to '{}'", c.name),
    },
    ActionRow {
        id: "setIdleShutdown",
        title: "Setting idle shutdown of",
        arguments: idle_arguments,
        verdict: idle_verdict,
        send: Some(send_idle),
        settle: Settle::Immediate,
        done: |c, _, p| format!("'{}' now shuts down after {} idle minutes", c.name, p.minutes.unwrap_or_default()),
    },
    ActionRow {
        id: "enableSso",
        title: "Setting single sign-on of",
        arguments: no_arguments,
        verdict: sso_verdict,
        send: Some(send_sso),
        settle: Settle::Immediate,
        done: |c, _, p| {
            let state = if p.enable_sso.unwrap_or(true) { "enabled" } else { "disabled" };
            format!("single sign-on of '{}' is {state}", c.name)
        },
    },
    ActionRow {
        id: "updateScale",
        title: "Scaling",
        arguments: scale_arguments,
        verdict: scale_verdict,
        send: Some(send_scale),
        settle: Settle::Provisioned,
        done: scale_words,
    },
];

/// The row of an action.
pub fn row(id: &str) -> Option<&'static ActionRow> {
    ACTIONS.iter().find(|row| row.id == id)
}

/// The actions menus offer for a compute in its current state.
pub fn offered(compute: &ComputeResource) -> Vec<&'static str> {
    ACTIONS
        .iter()
        .filter(|row| (row.verdict)(compute, &Params::default()) == Verdict::Offer)
        .map(|row| row.id)
        .collect()
}

/// Whether a compute is in a state that ends by itself (an instance starting, a cluster scaling, a provisioning
/// under way), so a view of it should be read again soon.
pub fn busy(c: &ComputeResource) -> bool {
    if c.state().is_some_and(|s| TRANSIENT.contains(&s)) {
        return true;
    }
    if matches!(c.provisioning_state(), Some("Creating" | "Updating" | "Deleting")) {
        return true;
    }
    matches!((c.current_node_count(), c.target_node_count()), (Some(now), Some(target)) if now != target)
}

/// The limits an editor's inputs need, so it keeps no copy of the service's rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Idle shutdown of an instance, in minutes.
    pub idle_shutdown_minutes: Range,
    /// Node counts of a cluster (the same bounds hold for the minimum and the maximum, and minimum ≤ maximum).
    pub nodes: Range,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Range {
    pub min: i64,
    /// `None`: no upper bound.
    pub max: Option<i64>,
}

impl Limits {
    pub fn get() -> Limits {
        Limits {
            idle_shutdown_minutes: Range {
                min: *limits::IDLE_SHUTDOWN_MINUTES.start(),
                max: Some(*limits::IDLE_SHUTDOWN_MINUTES.end()),
            },
            nodes: Range { min: limits::MIN_NODES, max: None },
        }
    }
}

// ---- Verdicts ----------------------------------------------------------------------------------------------------

/// States an instance leaves by itself.
const TRANSIENT: [&str; 8] =
    ["Starting", "Stopping", "Restarting", "Creating", "SettingUp", "UserSettingUp", "Resizing", "Deleting"];
const RUNNING: [&str; 2] = ["Running", "JobRunning"];

/// Types amlc lists but does not act on (legacy computes managed elsewhere).
fn managed_elsewhere(c: &ComputeResource) -> Option<Refusal> {
    const ACTED_ON: [&str; 5] = ["ComputeInstance", "AmlCompute", "Kubernetes", "VirtualMachine", "SynapseSpark"];
    (!ACTED_ON.iter().any(|t| t.eq_ignore_ascii_case(c.compute_type()))).then(|| {
        Refusal::new(
            Code::WrongType,
            format!("'{}' is a {}: amlc lists this type but does not act on it", c.name, c.compute_type()),
        )
        .hint("manage it in Azure ML studio")
    })
}

fn state(c: &ComputeResource) -> &str {
    c.state().unwrap_or("Unknown")
}

/// Start, stop and restart apply to instances only; a cluster gets the way to scale instead.
fn instance_only(c: &ComputeResource, verb: &str) -> Option<Refusal> {
    if c.is_instance() {
        return None;
    }
    let name = &c.name;
    let hint = if c.is_cluster() {
        format!(
            "a cluster scales with its node counts: `amlc compute update {name} --min-instances 0 --max-instances N`"
        )
    } else {
        "start, stop and restart apply to compute instances only".to_string()
    };
    Some(
        Refusal::new(
            Code::WrongType,
            format!("cannot {verb} '{name}': it is {}", advice::with_article(c.compute_type())),
        )
        .hint(hint),
    )
}

fn settling(c: &ComputeResource, verb: &str) -> Refusal {
    let name = &c.name;
    Refusal::new(Code::WrongState, format!("cannot {verb} '{name}' while it is {}", state(c)))
        .hint(format!("wait until it settles (`amlc compute show {name}`), then try again"))
}

fn start_verdict(c: &ComputeResource, _: &Params) -> Verdict {
    if let Some(refusal) = instance_only(c, "start") {
        return Verdict::Refuse(refusal);
    }
    let name = &c.name;
    match state(c) {
        "Stopped" => Verdict::Offer,
        "Unknown" => Verdict::Try,
        s if RUNNING.contains(&s) => Verdict::Unchanged(format!(
            "'{name}' is already {s}; nothing to do (to restart it: `amlc compute restart {name}`)"
        )),
        s if TRANSIENT.contains(&s) => Verdict::Refuse(settling(c, "start")),
        s => {
            // The service allows start from Stopped only.
            let hint = match s {
                "Unusable" => format!("an Unusable instance may recover with `amlc compute restart {name}`"),
                "CreateFailed" => format!("delete and recreate it: `amlc compute delete {name}`"),
                _ => "start is only allowed from the Stopped state".to_string(),
            };
            Verdict::Refuse(Refusal::new(Code::WrongState, format!("cannot start '{name}' while it is {s}")).hint(hint))
        }
    }
}

fn stop_verdict(c: &ComputeResource, _: &Params) -> Verdict {
    if let Some(refusal) = instance_only(c, "stop") {
        return Verdict::Refuse(refusal);
    }
    match state(c) {
        "Stopped" => {
            Verdict::Unchanged(format!("'{}' is already Stopped; nothing to do ({})", c.name, stopped_note(c)))
        }
        s if RUNNING.contains(&s) => Verdict::Offer,
        _ => Verdict::Try,
    }
}

fn restart_verdict(c: &ComputeResource, _: &Params) -> Verdict {
    if let Some(refusal) = instance_only(c, "restart") {
        return Verdict::Refuse(refusal);
    }
    let name = &c.name;
    match state(c) {
        // The service names restart as the way out of Unusable.
        "Running" | "JobRunning" | "Unusable" | "SetupFailed" | "UserSetupFailed" => Verdict::Offer,
        // The service answers a restart of a stopped instance with "only allowed in Running"; start is the way.
        "Stopped" => Verdict::Refuse(
            Refusal::new(Code::WrongState, format!("cannot restart '{name}': it is Stopped"))
                .hint(format!("start it with `amlc compute start {name}`")),
        ),
        _ => Verdict::Try,
    }
}

fn delete_verdict(c: &ComputeResource, _: &Params) -> Verdict {
    if let Some(refusal) = managed_elsewhere(c) {
        return Verdict::Refuse(refusal);
    }
    let name = &c.name;
    if c.is_attached() {
        // Deleting an attached compute would delete the customer's cluster, VM or pool.
        return Verdict::Refuse(
            Refusal::new(
                Code::Attached,
                format!(
                    "'{name}' is an attached {}; deleting it would delete the underlying resource, which Azure ML does not own",
                    c.compute_type()
                ),
            )
            .hint(format!("detach it instead: `amlc compute detach {name}`")),
        );
    }
    match state(c) {
        "Deleting" => Verdict::Try,
        _ => Verdict::Offer,
    }
}

fn detach_verdict(c: &ComputeResource, _: &Params) -> Verdict {
    if let Some(refusal) = managed_elsewhere(c) {
        return Verdict::Refuse(refusal);
    }
    if c.is_attached() {
        return Verdict::Offer;
    }
    let name = &c.name;
    Verdict::Refuse(
        Refusal::new(
            Code::NotAttached,
            format!("'{name}' is a {} created by Azure ML, not an attached compute", c.compute_type()),
        )
        .hint(format!("to remove it, delete it: `amlc compute delete {name}`")),
    )
}

fn ssh_verdict(c: &ComputeResource, _: &Params) -> Verdict {
    let refused = |r: crate::ssh::Refusal| Verdict::Refuse(Refusal::new(Code::SshUnavailable, r.message).hint(r.hint));
    if c.is_instance() {
        // An instance without a public address is still reachable from its network (`--private`).
        return match crate::ssh::instance_target(c, None, false) {
            Ok(_) => Verdict::Offer,
            Err(r) => match crate::ssh::instance_target(c, None, true) {
                Ok(_) => Verdict::Offer,
                Err(_) => refused(r),
            },
        };
    }
    if c.is_cluster() {
        return match crate::ssh::cluster_user(c, None) {
            Ok(_) => Verdict::Offer,
            Err(r) => refused(r),
        };
    }
    Verdict::Refuse(ssh_wrong_type(c))
}

/// SSH asked of a compute that has no machine of its own to log in to.
pub(super) fn ssh_wrong_type(c: &ComputeResource) -> Refusal {
    Refusal::new(
        Code::WrongType,
        format!("'{}' is a {}; amlc connects to compute instances and cluster nodes only", c.name, c.compute_type()),
    )
    .hint("SSH is offered for compute instances and cluster nodes")
}

fn idle_verdict(c: &ComputeResource, _: &Params) -> Verdict {
    if !c.is_instance() {
        return Verdict::Refuse(
            Refusal::new(
                Code::WrongType,
                format!("cannot set idle shutdown of '{}': it is {}", c.name, advice::with_article(c.compute_type())),
            )
            .hint("idle shutdown applies to compute instances; a cluster releases idle nodes after its idle time before scale down"),
        );
    }
    match state(c) {
        "Running" | "JobRunning" | "Stopped" => Verdict::Offer,
        _ => Verdict::Try,
    }
}

fn scale_verdict(c: &ComputeResource, p: &Params) -> Verdict {
    if !c.is_cluster() {
        return Verdict::Refuse(
            Refusal::new(
                Code::WrongType,
                format!("'{}' is a {}; only clusters have scale settings", c.name, c.compute_type()),
            )
            .hint("a compute instance is started and stopped instead"),
        );
    }
    if *p == Params::default() {
        return Verdict::Offer;
    }
    let scale = merged_scale(c, p);
    if let Err(problem) = limits::check_node_range(scale.min_node_count.unwrap_or(0), scale.max_node_count) {
        return Verdict::Refuse(scale_refusal(&c.name, &problem));
    }
    if c.scale_settings().as_ref() == Some(&scale) {
        return Verdict::Unchanged(format!("'{}' already has these scale settings; nothing to do", c.name));
    }
    Verdict::Offer
}

// ---- Arguments ---------------------------------------------------------------------------------------------------

fn no_arguments(_: &str, _: &Params) -> Result<(), Refusal> {
    Ok(())
}

fn sso_verdict(c: &ComputeResource, _: &Params) -> Verdict {
    if !c.is_instance() {
        return Verdict::Refuse(Refusal::new(
            Code::WrongType,
            format!(
                "'{}' is {}; single sign-on is a setting of compute instances only",
                c.name,
                advice::with_article(c.compute_type())
            ),
        ));
    }
    match state(c) {
        "Running" | "JobRunning" | "Stopped" => Verdict::Offer,
        _ => Verdict::Try,
    }
}

fn idle_arguments(name: &str, p: &Params) -> Result<(), Refusal> {
    let range = limits::IDLE_SHUTDOWN_MINUTES;
    match p.minutes {
        Some(m) if range.contains(&m) => Ok(()),
        Some(m) => Err(Refusal::new(
            Code::InvalidArgument,
            format!(
                "cannot set idle shutdown of '{name}' to {m} minutes: the service accepts {} to {} minutes (3 days)",
                range.start(),
                range.end()
            ),
        )
        .hint("nothing was sent")),
        None => Err(Refusal::new(Code::InvalidArgument, format!("no idle shutdown time given for '{name}'"))
            .hint("give the minutes, from 15 to 4320")),
    }
}

fn scale_refusal(name: &str, problem: &str) -> Refusal {
    Refusal::new(Code::InvalidArgument, format!("cannot scale '{name}': {problem}")).hint("nothing was sent")
}

/// What can be checked without reading the cluster: each given count, and the pair when both are given.
fn scale_arguments(name: &str, p: &Params) -> Result<(), Refusal> {
    if p.min_nodes.is_none() && p.max_nodes.is_none() && p.idle_seconds.is_none() {
        return Err(Refusal::new(Code::InvalidArgument, format!("nothing to change on '{name}'"))
            .hint("give a minimum or maximum node count, or an idle time before scale down"));
    }
    let min = p.min_nodes.unwrap_or(limits::MIN_NODES);
    let max = p.max_nodes.unwrap_or(min.max(limits::MIN_NODES));
    limits::check_node_range(min, max).map_err(|problem| scale_refusal(name, &problem))?;
    if let Some(idle) = p.idle_seconds.filter(|s| *s < 0) {
        return Err(scale_refusal(
            name,
            &format!("the idle time before scale down is {idle} seconds; it cannot be negative"),
        ));
    }
    Ok(())
}

/// The cluster's scale settings with the given values put in.
pub fn merged_scale(c: &ComputeResource, p: &Params) -> ScaleSettings {
    let mut scale = c.scale_settings().unwrap_or_default();
    if let Some(min) = p.min_nodes {
        scale.min_node_count = Some(min);
    }
    if let Some(max) = p.max_nodes {
        scale.max_node_count = max;
    }
    if let Some(idle) = p.idle_seconds {
        scale.node_idle_time_before_scale_down = Some(iso_duration(idle));
    }
    scale
}

// ---- Words -------------------------------------------------------------------------------------------------------

fn state_words(before: &ComputeResource, after: Option<&ComputeResource>, _: &Params) -> String {
    let status = after.map(ComputeResource::status).unwrap_or_else(|| "Unknown".into());
    format!("'{}' is {status}", before.name)
}

/// After a stop: the state, then what a stopped instance still costs (for this instance's quota setting) and what
/// ends every charge. The command line and the editor both say this, so nobody takes a stopped instance for free.
fn stopped_words(before: &ComputeResource, after: Option<&ComputeResource>, p: &Params) -> String {
    let note = stopped_note(after.unwrap_or(before));
    format!("{}; note: {note}; {}", state_words(before, after, p), advice::delete_to_stop_all_charges(&before.name))
}

/// What this stopped instance still costs: its cores stay held unless it was created to release them.
fn stopped_note(c: &ComputeResource) -> String {
    let releases = c.properties.properties.as_ref().and_then(|p| p.get("releaseQuotaOnStop")).and_then(Value::as_bool);
    advice::stopped_instance_note(releases == Some(true))
}

fn scale_words(before: &ComputeResource, after: Option<&ComputeResource>, p: &Params) -> String {
    let scale = after.and_then(ComputeResource::scale_settings).unwrap_or_else(|| merged_scale(before, p));
    format!("'{}' scales between {} and {} nodes", before.name, scale.min_node_count.unwrap_or(0), scale.max_node_count)
}

// ---- Sending -----------------------------------------------------------------------------------------------------

fn send_start<'a>(client: &'a ArmClient, ws: &'a WorkspaceRef, c: &'a ComputeResource, _: &'a Params) -> Sending<'a> {
    Box::pin(async move { client.begin_start(ws, &c.name).await.map(Some) })
}

fn send_stop<'a>(client: &'a ArmClient, ws: &'a WorkspaceRef, c: &'a ComputeResource, _: &'a Params) -> Sending<'a> {
    Box::pin(async move { client.begin_stop(ws, &c.name).await.map(Some) })
}

fn send_restart<'a>(client: &'a ArmClient, ws: &'a WorkspaceRef, c: &'a ComputeResource, _: &'a Params) -> Sending<'a> {
    Box::pin(async move { client.begin_restart(ws, &c.name).await.map(Some) })
}

fn send_delete<'a>(client: &'a ArmClient, ws: &'a WorkspaceRef, c: &'a ComputeResource, _: &'a Params) -> Sending<'a> {
    Box::pin(async move { client.begin_delete(ws, &c.name, UnderlyingResourceAction::Delete).await.map(Some) })
}

fn send_detach<'a>(client: &'a ArmClient, ws: &'a WorkspaceRef, c: &'a ComputeResource, _: &'a Params) -> Sending<'a> {
    Box::pin(async move { client.begin_delete(ws, &c.name, UnderlyingResourceAction::Detach).await.map(Some) })
}

fn send_sso<'a>(client: &'a ArmClient, ws: &'a WorkspaceRef, c: &'a ComputeResource, p: &'a Params) -> Sending<'a> {
    Box::pin(async move { client.enable_sso(ws, &c.name, p.enable_sso.unwrap_or(true)).await.map(|()| None) })
}

fn send_idle<'a>(client: &'a ArmClient, ws: &'a WorkspaceRef, c: &'a ComputeResource, p: &'a Params) -> Sending<'a> {
    Box::pin(async move {
        let minutes = u32::try_from(p.minutes.unwrap_or_default()).unwrap_or_default();
        client.update_idle_shutdown(ws, &c.name, minutes).await.map(|()| None)
    })
}

fn send_scale<'a>(client: &'a ArmClient, ws: &'a WorkspaceRef, c: &'a ComputeResource, p: &'a Params) -> Sending<'a> {
    Box::pin(async move { client.begin_update_scale(ws, &c.name, &merged_scale(c, p)).await.map(Some) })
}

/// Whether a read of the compute after a lost answer shows that the action took effect.
pub fn landed(row: &ActionRow, before: &ComputeResource, now: Option<&ComputeResource>, p: &Params) -> bool {
    match (row.settle, now) {
        (Settle::Gone, None) => true,
        (Settle::Gone, Some(c)) => c.provisioning_state() == Some("Deleting") || c.state() == Some("Deleting"),
        (_, None) => false,
        (Settle::State(target), Some(c)) => c.state() == Some(target) || c.state() != before.state(),
        (Settle::Provisioned, Some(c)) => c.scale_settings() == Some(merged_scale(before, p)),
        (Settle::Immediate, Some(c)) => {
            let value = serde_json::to_value(c).unwrap_or(Value::Null);
            let idle = value.pointer("/properties/properties/idleTimeBeforeShutdown").and_then(Value::as_str);
            p.minutes.is_some_and(|m| idle == Some(format!("PT{m}M").as_str()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compute(kind: &str, state: Option<&str>, attached: Option<bool>) -> ComputeResource {
        let mut props = json!({"scaleSettings": {"minNodeCount": 1, "maxNodeCount": 4}});
        if let Some(state) = state {
            props = json!({"state": state, "sshSettings": {"sshPublicAccess": "Enabled"}, "connectivityEndpoints": {"publicIpAddress": "20.0.0.1"}});
        }
        let mut value = json!({"name": "c", "properties": {"computeType": kind, "properties": props}});
        if let Some(attached) = attached {
            value["properties"]["isAttachedCompute"] = json!(attached);
        }
        serde_json::from_value(value).unwrap_or_default()
    }

    #[test]
    fn menus_follow_the_state_table() {
        let cases: &[(&str, Option<&str>, &[&str])] = &[
            ("ComputeInstance", Some("Running"), &["stop", "restart", "delete", "ssh", "setIdleShutdown", "enableSso"]),
            ("ComputeInstance", Some("Stopped"), &["start", "delete", "setIdleShutdown", "enableSso"]),
            ("ComputeInstance", Some("Starting"), &["delete"]),
            ("ComputeInstance", Some("Unusable"), &["restart", "delete"]),
            ("AmlCompute", None, &["delete", "updateScale"]),
            ("Kubernetes", None, &["detach"]),
            ("HDInsight", None, &[]),
        ];
        for (kind, state, expected) in cases {
            assert_eq!(offered(&compute(kind, *state, None)), *expected, "{kind} {state:?}");
        }
    }

    #[test]
    fn scale_checks_before_and_after_reading() {
        let p = Params { min_nodes: Some(5), max_nodes: Some(3), ..Params::default() };
        let refusal = scale_arguments("cpu", &p).err();
        assert_eq!(refusal.as_ref().map(|r| r.code), Some(Code::InvalidArgument));
        assert!(refusal.is_some_and(|r| r.message.contains("(5) is greater than the maximum (3)")));
        let zero = Params { min_nodes: Some(0), max_nodes: Some(0), ..Params::default() };
        assert_eq!(scale_arguments("cpu", &zero), Ok(()), "max_instances 0 is allowed, as `amlc check` allows it");
        let cluster = compute("AmlCompute", None, None);
        let only_min = Params { min_nodes: Some(9), ..Params::default() };
        assert!(
            matches!(scale_verdict(&cluster, &only_min), Verdict::Refuse(r) if r.message.contains("(9) is greater than the maximum (4)"))
        );
        let same = Params { min_nodes: Some(1), max_nodes: Some(4), ..Params::default() };
        assert!(matches!(scale_verdict(&cluster, &same), Verdict::Unchanged(_)));
    }

    #[test]
    fn attached_computes_are_detached_never_deleted() {
        let k8s = compute("Kubernetes", None, Some(true));
        assert!(matches!(delete_verdict(&k8s, &Params::default()), Verdict::Refuse(r) if r.code == Code::Attached));
        let cluster = compute("AmlCompute", None, Some(false));
        assert!(
            matches!(detach_verdict(&cluster, &Params::default()), Verdict::Refuse(r) if r.code == Code::NotAttached)
        );
    }
}
