//! Rules the CLI does not check but the service does, or that protect the user, and Azure ML's
//! cost and safety guidance. They read the normalized value (what the
//! CLI would send) and point at ranges from the tree.
//!
//! Two kinds, so a keystroke in a large spec costs the same as in a small one: most rules read a
//! few top-level keys and simply run on every analysis; the rules that visit every value or list
//! item run per block: they visit only what lies under the analysis' scope (the edited block, or
//! the whole document) and each diagnostic they give is owned by the path it is about, so an edit
//! elsewhere keeps it. The check across items (duplicate names and ports) reads a few words per item.

use crate::fixes::remove_entry_fix;
use crate::formats::arm_id::{self, ResourceType};
use crate::formats::placeholder::{find_angle, find_any};
use crate::formats::{cron, duration, schedule_time, ssh_key};
use crate::incremental::{touches, Owned};
use crate::line_index::line_start;
use crate::ranges::{slice, value_range};
use crate::syntax::{Document, Node, NodeKind, PathSegment, StepRef as Seg};
use crate::{advice, codes, sizes, timezones, ComputeType, Diagnostic, Fix, TextRange};
use serde_json::Value;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

struct Ctx<'a> {
    text: &'a str,
    doc: &'a Document,
    ctype: ComputeType,
    norm: &'a Value,
    /// Where per-block rules look: the edited block, or the root for a whole analysis.
    scope: &'a [PathSegment],
    diags: &'a mut Vec<Diagnostic>,
    /// What per-block rules found, each with the path that owns it.
    owned: &'a mut Vec<Owned>,
}

fn key(k: &str) -> PathSegment {
    PathSegment::Key(k.to_string())
}

fn path_of(keys: &[&str]) -> Vec<PathSegment> {
    keys.iter().map(|k| key(k)).collect()
}

impl<'a> Ctx<'a> {
    /// The normalized value at a path; borrowed from the value, not from `self`, so rules can
    /// push diagnostics while they hold it.
    fn get(&self, path: &[PathSegment]) -> Option<&'a Value> {
        let mut v: &'a Value = self.norm;
        for seg in path {
            v = match seg {
                PathSegment::Key(k) => v.get(k.as_str())?,
                PathSegment::Index(i) => v.get(*i)?,
            };
        }
        Some(v)
    }

    fn range(&self, path: &[PathSegment]) -> TextRange {
        value_range(self.doc, path)
    }

    fn key_range(&self, path: &[PathSegment]) -> TextRange {
        self.doc.entry_at(path).map_or_else(|| self.range(path), |e| e.key.range)
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// A per-block rule's diagnostic, owned by `path` (a value or list item the scope touches),
    /// which the rule judged as a whole.
    fn own(&mut self, path: Vec<PathSegment>, diag: Diagnostic) {
        self.owned.push(Owned { path, diag, whole: true });
    }

    /// Whether a per-block rule must look at the value or item at `path` in this analysis.
    fn in_scope(&self, path: &[PathSegment]) -> bool {
        touches(path, self.scope)
    }

    /// The items of the list at `list` that this analysis must look at, each with its path.
    fn items_in_scope(&self, list: &[&str]) -> Vec<(Vec<PathSegment>, &'a Value)> {
        let base = path_of(list);
        let Some(Value::Array(items)) = self.get(&base) else { return Vec::new() };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let mut path = base.clone();
                path.push(PathSegment::Index(i));
                (path, item)
            })
            .filter(|(path, _)| self.in_scope(path))
            .collect()
    }
}

/// One rule: what it is called, the codes it can emit, the compute types it applies to, and the
/// check itself. The docs page and the fixtures' completeness test read the same table.
pub struct Rule {
    pub name: &'static str,
    pub codes: &'static [&'static str],
    pub types: &'static [ComputeType],
    /// Runs per block (see the module's comment); otherwise on every analysis.
    pub per_block: bool,
    check: fn(&mut Ctx),
}

impl Rule {
    /// Whether the rule runs for a spec of this type.
    pub fn applies_to(&self, ctype: ComputeType) -> bool {
        self.types.contains(&ctype)
    }
}

const EVERY_TYPE: &[ComputeType] = &ComputeType::ALL;
const INSTANCE: &[ComputeType] = &[ComputeType::ComputeInstance];
const CLUSTER: &[ComputeType] = &[ComputeType::AmlCompute];
const VM: &[ComputeType] = &[ComputeType::VirtualMachine];
const CREATED: &[ComputeType] = &[ComputeType::ComputeInstance, ComputeType::AmlCompute];

/// Every rule, in the order they run (and so the order their diagnostics come out in).
pub static RULES: &[Rule] = &[
    Rule {
        name: "placeholders",
        codes: &[codes::PLACEHOLDER],
        types: EVERY_TYPE,
        per_block: true,
        check: placeholders,
    },
    Rule { name: "name_shape", codes: &[codes::NAME_SHAPE], types: EVERY_TYPE, per_block: false, check: name_shape },
    Rule {
        name: "resource_ids",
        codes: &[codes::PLACEHOLDER, codes::RESOURCE_ID],
        types: EVERY_TYPE,
        per_block: true,
        check: resource_ids,
    },
    Rule {
        name: "identity",
        codes: &[codes::USER_ASSIGNED_WITHOUT_IDS],
        types: EVERY_TYPE,
        per_block: false,
        check: identity,
    },
    Rule {
        name: "network",
        codes: &[codes::VNET_WITHOUT_SUBNET, codes::SUBNET_WITHOUT_VNET, codes::VNET_NAME_IGNORED],
        types: EVERY_TYPE,
        per_block: false,
        check: network,
    },
    Rule { name: "ssh_key", codes: &[codes::SSH_PUBLIC_KEY], types: EVERY_TYPE, per_block: false, check: ssh_key },
    Rule {
        name: "vm_ssh",
        codes: &[codes::SSH_PORT, codes::VM_SSH_REQUIRED],
        types: VM,
        per_block: false,
        check: vm_ssh,
    },
    Rule {
        name: "plaintext_password",
        codes: &[codes::PLAINTEXT_PASSWORD],
        types: EVERY_TYPE,
        per_block: false,
        check: plaintext_password,
    },
    Rule {
        name: "instance_ssh_access",
        codes: &[codes::SSH_SETTINGS_WITHOUT_ACCESS],
        types: INSTANCE,
        per_block: false,
        check: instance_ssh_access,
    },
    Rule {
        name: "cluster",
        codes: &[
            codes::NEGATIVE_VALUE,
            codes::MIN_GREATER_THAN_MAX,
            codes::MIN_INSTANCES_BILLING,
            codes::LOW_PRIORITY,
            codes::CLUSTER_SSH_OPEN,
        ],
        types: CLUSTER,
        per_block: false,
        check: cluster,
    },
    Rule {
        name: "instance_idle",
        codes: &[codes::IDLE_TIME, codes::DEPRECATED_KEY, codes::NO_IDLE_SHUTDOWN],
        types: INSTANCE,
        per_block: false,
        check: instance_idle,
    },
    Rule {
        name: "schedules",
        codes: &[codes::CRON, codes::TIME_ZONE, codes::SCHEDULE_VALUE],
        types: INSTANCE,
        per_block: true,
        check: schedules,
    },
    Rule {
        name: "custom_app_ports",
        codes: &[codes::CUSTOM_APP_PORT],
        types: INSTANCE,
        per_block: true,
        check: custom_app_ports,
    },
    Rule {
        name: "custom_app_duplicates",
        codes: &[codes::CUSTOM_APP_DUPLICATE],
        types: INSTANCE,
        per_block: false,
        check: custom_app_duplicates,
    },
    Rule { name: "gpu_cost", codes: &[codes::GPU_COST], types: CREATED, per_block: false, check: size_hints },
    Rule {
        name: "size_spelling",
        codes: &[codes::UNKNOWN_SIZE],
        types: EVERY_TYPE,
        per_block: false,
        check: size_spelling,
    },
    Rule {
        name: "on_behalf",
        codes: &[codes::NOT_A_GUID, codes::ON_BEHALF_INCOMPLETE],
        types: INSTANCE,
        per_block: false,
        check: on_behalf,
    },
];

/// Runs every rule that applies to the type.
pub(crate) fn run(
    text: &str,
    doc: &Document,
    ctype: ComputeType,
    norm: &Value,
    scope: &[PathSegment],
    diags: &mut Vec<Diagnostic>,
    owned: &mut Vec<Owned>,
) {
    let mut cx = Ctx { text, doc, ctype, norm, scope, diags, owned };
    for rule in RULES.iter().filter(|r| r.applies_to(ctype)) {
        (rule.check)(&mut cx);
    }
}

/// Finds `<SOMETHING>` (or an unclosed `<SOMETHING`) in every string value under the scope except
/// free text; each finding is owned by the value's path.
fn placeholders(cx: &mut Ctx) {
    fn visit<'t>(node: &'t Node, path: &mut Vec<Seg<'t>>, out: &mut Vec<Owned>, text: &str) {
        match &node.kind {
            NodeKind::Mapping(entries) => {
                for e in entries {
                    let k = e.key_text().unwrap_or("");
                    if k == "description" && path.is_empty() {
                        continue;
                    }
                    path.push(Seg::Key(k));
                    visit(&e.value, path, out, text);
                    path.pop();
                }
            }
            NodeKind::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    visit(item, path, out, text);
                    path.pop();
                }
            }
            NodeKind::Scalar(s) => {
                if !s.text.contains('<') {
                    return;
                }
                if let Some((at, len)) = find_angle(&s.text) {
                    let token = &s.text[at..at + len];
                    // Point at the placeholder itself when the source spells the value verbatim.
                    let range = token_range(text, node.range, token);
                    let owner = Seg::owned(path);
                    let diag = Diagnostic::new(
                        codes::PLACEHOLDER,
                        format!(
                            "`{}` still holds the template placeholder `{token}`; replace it with the real value",
                            dotted(&owner)
                        ),
                        range,
                    );
                    out.push(Owned { path: owner, diag, whole: false });
                }
            }
            NodeKind::Alias(_) => {}
        }
    }
    // Free text at the top level is not a value to fill in.
    if cx.scope.first() == Some(&key("description")) {
        return;
    }
    let Some(node) = cx.doc.lookup(cx.scope) else { return };
    // A value can only hold `<` if the source spells one or a double-quoted escape makes one. Most
    // specs have neither, and then the walk over every value (milliseconds at 50k lines) is skipped.
    // memchr, not `str::contains` with a char set, which decodes the text a character at a time.
    if memchr::memchr2(b'<', b'\\', slice(cx.text, node.range).as_bytes()).is_none() {
        return;
    }
    let mut path = Seg::of(cx.scope);
    visit(node, &mut path, cx.owned, cx.text);
}

fn name_shape(cx: &mut Ctx) {
    let path = path_of(&["name"]);
    let Some(Value::String(name)) = cx.get(&path) else { return };
    if find_angle(name).is_some() {
        return;
    }
    let (min, max) = if cx.ctype == ComputeType::ComputeInstance { (3, 24) } else { (2, 24) };
    let len = name.chars().count();
    let problem = if len < min || len > max {
        Some(format!("is {len} characters long; a {} name needs {min}–{max}", cx.ctype))
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("must start with a letter".to_string())
    } else if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
        Some(format!("contains `{bad}`; only letters, digits and `-` are allowed"))
    } else if name.contains('-')
        && !name.rsplit('-').next().is_some_and(|tail| tail.chars().any(|c| c.is_ascii_alphabetic()))
    {
        Some("ends in `-` or `-<digits>`; a letter must follow the last `-`".to_string())
    } else {
        None
    };
    if let Some(problem) = problem {
        let range = cx.range(&path);
        let mut d = Diagnostic::new(
            codes::NAME_SHAPE,
            format!("the compute name `{name}` {problem} (the service refuses it)"),
            range,
        );
        let fixed: String = name.chars().map(|c| if c == '_' || c == '.' { '-' } else { c }).collect();
        if fixed != *name && len >= min && len <= max && fixed.starts_with(|c: char| c.is_ascii_alphabetic()) {
            d = d.with_fix(Fix::replace(format!("Rename to `{fixed}`"), range, fixed, false));
        }
        cx.push(d);
    }
}

/// The resource-id fields of a spec and the resource types each must name.
fn id_fields(cx: &Ctx) -> Vec<(Vec<PathSegment>, &'static [ResourceType])> {
    const VM: &[ResourceType] = &[arm_id::VIRTUAL_MACHINE];
    const KUBERNETES: &[ResourceType] = &[arm_id::AKS_CLUSTER, arm_id::ARC_CLUSTER];
    const SPARK: &[ResourceType] = &[arm_id::SYNAPSE_SPARK_POOL];
    const IDENTITY: &[ResourceType] = &[arm_id::USER_ASSIGNED_IDENTITY];
    const SUBNET: &[ResourceType] = &[arm_id::SUBNET];
    let mut out: Vec<(Vec<PathSegment>, &'static [ResourceType])> = Vec::new();
    let target = match cx.ctype {
        ComputeType::VirtualMachine => Some(VM),
        ComputeType::Kubernetes => Some(KUBERNETES),
        ComputeType::SynapseSpark => Some(SPARK),
        _ => None,
    };
    if let Some(kinds) = target {
        out.push((path_of(&["resource_id"]), kinds));
    }
    let identities = cx.get(&path_of(&["identity", "user_assigned_identities"])).and_then(Value::as_array);
    for i in 0..identities.map_or(0, Vec::len) {
        let mut path = path_of(&["identity", "user_assigned_identities"]);
        path.extend([PathSegment::Index(i), key("resource_id")]);
        out.push((path, IDENTITY));
    }
    // A subnet is an id when it is written as one (a bare name goes with `vnet_name`).
    let subnet = path_of(&["network_settings", "subnet"]);
    if cx.get(&subnet).and_then(Value::as_str).is_some_and(|s| s.trim_start().starts_with('/') || find_any(s).is_some())
    {
        out.push((subnet, SUBNET));
    }
    out
}

/// Every resource-id field: a template placeholder in any syntax is an error on the placeholder itself, and
/// otherwise the id must have ARM's shape and name the resource type the field takes.
fn resource_ids(cx: &mut Ctx) {
    for (path, kinds) in id_fields(cx) {
        if !cx.in_scope(&path) {
            continue;
        }
        let Some(Value::String(id)) = cx.get(&path) else { continue };
        let dotted = dotted(&path);
        if let Some((at, len)) = find_any(id) {
            // `<NAME>` is reported by the placeholder rule for every field; the other syntaxes only here.
            if !id[at..].starts_with('<') {
                let token = &id[at..at + len];
                let range = token_range(cx.text, cx.range(&path), token);
                let diag = Diagnostic::new(
                    codes::PLACEHOLDER,
                    format!(
                        "`{dotted}` still holds the template placeholder `{token}`; replace it with the real value"
                    ),
                    range,
                );
                cx.own(path, diag);
            }
            continue;
        }
        if let Some(problem) = arm_id::problem(id, kinds) {
            let range = cx.range(&path);
            cx.own(path, Diagnostic::new(codes::RESOURCE_ID, format!("`{dotted}` {problem}"), range));
        }
    }
}

/// `identity.user_assigned_identities.0.resource_id`.
fn dotted(path: &[PathSegment]) -> String {
    path.iter()
        .map(|s| match s {
            PathSegment::Key(k) => k.clone(),
            PathSegment::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The range of `token` inside the value at `range` when the source spells it verbatim, else the value's.
fn token_range(text: &str, range: TextRange, token: &str) -> TextRange {
    match slice(text, range).find(token) {
        Some(i) => TextRange::new(range.start + i as u32, range.start + (i + token.len()) as u32),
        None => range,
    }
}

fn identity(cx: &mut Ctx) {
    let Some(Value::Object(identity)) = cx.get(&path_of(&["identity"])) else { return };
    let kind = identity.get("type").and_then(Value::as_str).unwrap_or("");
    let ids: &[Value] =
        identity.get("user_assigned_identities").and_then(Value::as_array).map_or(&[], |v| v.as_slice());
    if kind.contains("user_assigned") && ids.is_empty() {
        let range = cx.range(&path_of(&["identity", "type"]));
        cx.push(Diagnostic::new(
            codes::USER_ASSIGNED_WITHOUT_IDS,
            "`identity.type` includes user_assigned but `user_assigned_identities` lists none; add the identities' resource ids",
            range,
        ));
    }
}

fn network(cx: &mut Ctx) {
    let Some(Value::Object(net)) = cx.get(&path_of(&["network_settings"])) else { return };
    let vnet = net.get("vnet_name").and_then(Value::as_str).map(str::to_string);
    let subnet = net.get("subnet").and_then(Value::as_str).map(str::to_string);
    match (vnet, subnet) {
        (Some(_), None) => {
            let range = cx.key_range(&path_of(&["network_settings", "vnet_name"]));
            cx.push(Diagnostic::new(
                codes::VNET_WITHOUT_SUBNET,
                "`vnet_name` without `subnet`: the CLI fails with \"Subnet is required when vnet name is specified\"; add `subnet`",
                range,
            ));
        }
        (None, Some(subnet)) if !subnet.trim_start().starts_with('/') => {
            let range = cx.range(&path_of(&["network_settings", "subnet"]));
            cx.push(Diagnostic::new(
                codes::SUBNET_WITHOUT_VNET,
                format!("the bare subnet name `{subnet}` needs `vnet_name`; without it the CLI sends `.../virtualNetworks/None/subnets/{subnet}`. Add `vnet_name` or give the full subnet resource id"),
                range,
            ));
        }
        (Some(_), Some(subnet)) if subnet.trim_start().starts_with('/') => {
            let path = path_of(&["network_settings", "vnet_name"]);
            let range = cx.key_range(&path);
            let mut d = Diagnostic::new(
                codes::VNET_NAME_IGNORED,
                "`subnet` is a full resource id, so the CLI ignores `vnet_name`; remove it",
                range,
            )
            .with_tag(crate::DiagnosticTag::Unnecessary);
            if let Some(entry) = cx.doc.entry_at(&path) {
                if let Some(fix) = remove_entry_fix(cx.text, entry, "Remove `vnet_name`") {
                    d = d.with_fix(fix);
                }
            }
            cx.push(d);
        }
        _ => {}
    }
}

/// `ssh_key_value` must be the text of an OpenSSH public key.
fn ssh_key(cx: &mut Ctx) {
    let key_path = path_of(&["ssh_settings", "ssh_key_value"]);
    if let Some(Value::String(k)) = cx.get(&key_path) {
        let k = k.clone();
        if find_angle(&k).is_none() && !ssh_key::is_public_key(&k) {
            let why = if k.contains("PRIVATE KEY") {
                "this is a private key; paste the public key (the `.pub` file) instead"
            } else if !k.contains(' ') && (k.contains('/') || k.contains('\\') || k.ends_with(".pub")) {
                "this looks like a file path; paste the key's text (the contents of the `.pub` file)"
            } else {
                "expected `ssh-rsa AAAA... comment` (or ssh-ed25519, ecdsa-sha2-...)"
            };
            let range = cx.range(&key_path);
            cx.push(Diagnostic::new(
                codes::SSH_PUBLIC_KEY,
                format!("`ssh_key_value` is not an OpenSSH public key: {why}"),
                range,
            ));
        }
    }
}

/// Attaching a VM needs `ssh_settings`, and its `ssh_port` is a TCP port.
fn vm_ssh(cx: &mut Ctx) {
    let has_ssh = matches!(cx.get(&path_of(&["ssh_settings"])), Some(Value::Object(_)));
    let port_path = path_of(&["ssh_settings", "ssh_port"]);
    if let Some(Value::Number(n)) = cx.get(&port_path) {
        if n.as_i64().is_none_or(|p| !(1..=65535).contains(&p)) {
            let range = cx.range(&port_path);
            cx.push(Diagnostic::new(
                codes::SSH_PORT,
                format!("`ssh_port` {n} is not a TCP port; use 1–65535 (usually 22)"),
                range,
            ));
        }
    }
    if !has_ssh {
        let range = cx.doc.root.entry("type").map_or(cx.doc.root.range, |e| e.key.range);
        cx.push(Diagnostic::new(
            codes::VM_SSH_REQUIRED,
            "attaching a virtualmachine needs `ssh_settings` (admin_username and a password or ssh_private_key_file); the CLI fails without it",
            range,
        ));
    }
}

/// A password in the file is sent to Azure in plain text.
fn plaintext_password(cx: &mut Ctx) {
    let pw_path = path_of(&["ssh_settings", "admin_password"]);
    if let Some(Value::String(_)) = cx.get(&pw_path) {
        let range = cx.range(&pw_path);
        let alt = if cx.ctype == ComputeType::VirtualMachine { "ssh_private_key_file" } else { "ssh_key_value" };
        cx.push(Diagnostic::new(
            codes::PLAINTEXT_PASSWORD,
            format!("`admin_password` is stored in this file in plain text and sent to Azure; prefer an SSH key (`{alt}`) and keep passwords out of version control"),
            range,
        ));
    }
}

/// On an instance, a key without public access enabled is unused.
fn instance_ssh_access(cx: &mut Ctx) {
    let ssh_path = path_of(&["ssh_settings"]);
    let key_path = path_of(&["ssh_settings", "ssh_key_value"]);
    if cx.get(&key_path).is_some() {
        let enabled = cx.get(&path_of(&["ssh_public_access_enabled"]));
        if enabled != Some(&Value::Bool(true)) {
            let range = cx.key_range(&ssh_path);
            let state = if enabled.is_some() { "is false" } else { "is not set" };
            let mut d = Diagnostic::new(
                codes::SSH_SETTINGS_WITHOUT_ACCESS,
                format!("`ssh_settings` has a key but `ssh_public_access_enabled` {state}, so SSH stays disabled and the key is unused; set `ssh_public_access_enabled: true` if you want SSH"),
                range,
            );
            if enabled.is_none() {
                if let Some(fix) = top_level_line_before(cx.text, range, "ssh_public_access_enabled: true", false) {
                    d = d.with_fix(fix);
                }
            }
            cx.push(d);
        }
    }
}

/// A fix that adds `line` (a top-level `key: value`) just above the key at `range`, when that key starts its line
/// (a key inside a flow mapping has no line of its own to insert before).
fn top_level_line_before(text: &str, range: TextRange, line: &str, preferred: bool) -> Option<Fix> {
    let at = line_start(text, range.start);
    (at == range.start)
        .then(|| Fix::replace(format!("Add `{line}`"), TextRange::empty(at), format!("{line}\n"), preferred))
}

fn as_i64(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_i64)
}

fn cluster(cx: &mut Ctx) {
    let min_p = path_of(&["min_instances"]);
    let max_p = path_of(&["max_instances"]);
    let idle_p = path_of(&["idle_time_before_scale_down"]);
    let min = as_i64(cx.get(&min_p));
    let max = as_i64(cx.get(&max_p));
    for (p, v, what) in [
        (&min_p, min, "min_instances"),
        (&max_p, max, "max_instances"),
        (&idle_p, as_i64(cx.get(&idle_p)), "idle_time_before_scale_down"),
    ] {
        if let Some(v) = v {
            if v < 0 {
                let range = cx.range(p);
                cx.push(Diagnostic::new(
                    codes::NEGATIVE_VALUE,
                    format!("`{what}` is {v}; it cannot be negative"),
                    range,
                ));
            }
        }
    }
    let effective_max = max.unwrap_or(crate::limits::DEFAULT_MAX_NODES);
    if let Some(min) = min {
        if min > effective_max && effective_max >= 0 && min >= 0 {
            let min_range = cx.range(&min_p);
            let mut d = Diagnostic::new(
                codes::MIN_GREATER_THAN_MAX,
                if max.is_some() {
                    format!("`min_instances` ({min}) is greater than `max_instances` ({effective_max}); the service refuses this, so swap or fix them")
                } else {
                    format!("`min_instances` ({min}) is greater than the default `max_instances` (4); set `max_instances` to at least {min}")
                },
                min_range,
            );
            if max.is_some() {
                let max_range = cx.range(&max_p);
                d = d.with_fix(Fix {
                    title: "Swap min_instances and max_instances".into(),
                    edits: vec![
                        crate::TextEdit { range: min_range, new_text: slice(cx.text, max_range).to_string() },
                        crate::TextEdit { range: max_range, new_text: slice(cx.text, min_range).to_string() },
                    ],
                    preferred: true,
                });
            }
            cx.push(d);
        } else if min > 0 {
            let range = cx.range(&min_p);
            cx.push(Diagnostic::new(
                codes::MIN_INSTANCES_BILLING,
                format!("`min_instances: {min}` keeps {min} node{} running and billed even when no job runs; use 0 unless you need instant starts", if min == 1 { "" } else { "s" }),
                range,
            ));
        }
    }
    if cx.get(&path_of(&["tier"])).and_then(Value::as_str) == Some("low_priority") {
        let range = cx.range(&path_of(&["tier"]));
        cx.push(Diagnostic::new(
            codes::LOW_PRIORITY,
            "low-priority nodes cost less but Azure can pre-empt them at any time; jobs must tolerate being restarted",
            range,
        ));
    }
    // SSH open by default: credentials set, access not decided, no VNet.
    let has_ssh = matches!(cx.get(&path_of(&["ssh_settings"])), Some(Value::Object(_)));
    let access_set = cx.get(&path_of(&["ssh_public_access_enabled"])).is_some();
    let in_vnet = cx.get(&path_of(&["network_settings", "subnet"])).is_some();
    if has_ssh && !access_set && !in_vnet {
        let range = cx.key_range(&path_of(&["ssh_settings"]));
        let mut d = Diagnostic::new(
            codes::CLUSTER_SSH_OPEN,
            "`ssh_public_access_enabled` is not set and the cluster is not in a VNet, so the service opens the nodes' SSH port to the internet; set `ssh_public_access_enabled: false` unless you need public SSH",
            range,
        );
        if let Some(fix) = top_level_line_before(cx.text, range, "ssh_public_access_enabled: false", true) {
            d = d.with_fix(fix);
        }
        cx.push(d);
    }
}

fn instance_idle(cx: &mut Ctx) {
    let min_p = path_of(&["idle_time_before_shutdown_minutes"]);
    let iso_p = path_of(&["idle_time_before_shutdown"]);
    let minutes = as_i64(cx.get(&min_p));
    if let Some(m) = minutes {
        if m != 0 && !crate::limits::IDLE_SHUTDOWN_MINUTES.contains(&m) {
            let range = cx.range(&min_p);
            cx.push(Diagnostic::new(
                codes::IDLE_TIME,
                format!("`idle_time_before_shutdown_minutes` is {m}; the service accepts 15 to 4320 minutes (3 days)"),
                range,
            ));
        }
    }
    if let Some(Value::String(iso)) = cx.get(&iso_p) {
        let iso = iso.clone();
        let key_range = cx.key_range(&iso_p);
        let value_range = cx.range(&iso_p);
        match duration::seconds(&iso).map(|s| s / 60.0) {
            None => cx.push(Diagnostic::new(
                codes::IDLE_TIME,
                format!("`idle_time_before_shutdown` must be an ISO-8601 duration such as PT30M, not `{iso}`; better, use `idle_time_before_shutdown_minutes: 30`"),
                value_range,
            )),
            Some(m) if !(*crate::limits::IDLE_SHUTDOWN_MINUTES.start() as f64..=*crate::limits::IDLE_SHUTDOWN_MINUTES.end() as f64).contains(&m) => cx.push(Diagnostic::new(
                codes::IDLE_TIME,
                format!("`idle_time_before_shutdown` is {m} minutes; the service accepts 15 minutes to 3 days"),
                value_range,
            )),
            Some(m) => {
                let mut d = Diagnostic::new(
                    codes::DEPRECATED_KEY,
                    if minutes.is_some() {
                        "`idle_time_before_shutdown` is deprecated and ignored because `idle_time_before_shutdown_minutes` is set; remove it".to_string()
                    } else {
                        format!("`idle_time_before_shutdown` is deprecated; write `idle_time_before_shutdown_minutes: {}`", m.round())
                    },
                    key_range,
                )
                .with_tag(crate::DiagnosticTag::Deprecated);
                if minutes.is_none() && m.fract() == 0.0 {
                    d = d.with_fix(Fix::replace(
                        "Use idle_time_before_shutdown_minutes",
                        TextRange::new(key_range.start, value_range.end),
                        format!("idle_time_before_shutdown_minutes: {}", m as i64),
                        true,
                    ));
                }
                cx.push(d);
            }
        }
    }
    // Cost: neither idle shutdown nor a stop schedule.
    let has_idle = minutes.is_some_and(|m| m > 0) || cx.get(&iso_p).is_some();
    let has_stop = cx
        .get(&path_of(&["schedules", "compute_start_stop"]))
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|s| s.get("action").and_then(Value::as_str) == Some("stop")));
    if !has_idle && !has_stop {
        let range = cx.doc.root.entry("type").map_or(cx.doc.root.range, |e| e.key.range);
        cx.push(Diagnostic::new(
            codes::NO_IDLE_SHUTDOWN,
            format!(
                "this instance has no `idle_time_before_shutdown_minutes` and no stop schedule, so it bills until someone stops it; consider `idle_time_before_shutdown_minutes: 60`. Even then, {}",
                advice::stopped_instance_note(cx.get(&path_of(&["release_quota_on_stop"])) == Some(&Value::Bool(true)))
            ),
            range,
        ));
    }
}

fn schedules(cx: &mut Ctx) {
    for (owner, item) in cx.items_in_scope(&["schedules", "compute_start_stop"]) {
        let mut tp = owner.clone();
        tp.push(key("trigger"));
        let Some(trigger) = item.get("trigger") else { continue };
        let ttype = trigger.get("type").and_then(Value::as_str).unwrap_or("");
        if ttype == "cron" {
            if let Some(expr) = trigger.get("expression").and_then(Value::as_str) {
                if let Some(problem) = cron::problem(expr) {
                    let mut p = tp.clone();
                    p.push(key("expression"));
                    let range = cx.range(&p);
                    cx.own(
                        owner.clone(),
                        Diagnostic::new(codes::CRON, format!("the cron expression `{expr}` {problem}"), range),
                    );
                }
            }
        }
        if let Some(tz) = trigger.get("time_zone").and_then(Value::as_str) {
            if !timezones::is_windows_time_zone(tz) {
                let mut p = tp.clone();
                p.push(key("time_zone"));
                let range = cx.range(&p);
                let hint = if tz.contains('/') {
                    " (that looks like an IANA name; e.g. America/Los_Angeles is `Pacific Standard Time`, Europe/Berlin is `W. Europe Standard Time`)"
                } else {
                    ""
                };
                cx.own(owner.clone(), Diagnostic::new(
                    codes::TIME_ZONE,
                    format!("`{tz}` is not a Windows time-zone name; schedules take names such as `UTC` or `Pacific Standard Time`{hint}"),
                    range,
                ));
            }
        }
        if let Some(start) = trigger.get("start_time").and_then(Value::as_str) {
            if !schedule_time::is_start_time(start) {
                let mut p = tp.clone();
                p.push(key("start_time"));
                let range = cx.range(&p);
                cx.own(owner.clone(), Diagnostic::new(
                    codes::SCHEDULE_VALUE,
                    format!("`start_time` `{start}` must be written as yyyy-MM-ddTHH:mm:ss without a zone (set the zone with `time_zone`)"),
                    range,
                ));
            }
        }
        for (field, hi) in [("hours", 23), ("minutes", 59)] {
            if let Some(Value::Array(vals)) = trigger.get("schedule").and_then(|s| s.get(field)) {
                for (j, v) in vals.iter().enumerate() {
                    if let Some(n) = v.as_i64() {
                        if !(0..=hi).contains(&n) {
                            let mut p = tp.clone();
                            p.extend([key("schedule"), key(field), PathSegment::Index(j)]);
                            let range = cx.range(&p);
                            cx.own(
                                owner.clone(),
                                Diagnostic::new(
                                    codes::SCHEDULE_VALUE,
                                    format!("{field} must be 0–{hi}, not {n}"),
                                    range,
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Each application's ports: 1026–65534, as the service requires.
fn custom_app_ports(cx: &mut Ctx) {
    for (owner, app) in cx.items_in_scope(&["custom_applications"]) {
        let Some(Value::Array(endpoints)) = app.get("endpoints") else { continue };
        for (j, ep) in endpoints.iter().enumerate() {
            for field in ["target", "published"] {
                let Some(port) = ep.get(field).and_then(Value::as_i64) else { continue };
                if port > 1025 && port < 65535 {
                    continue;
                }
                let mut p = owner.clone();
                p.extend([key("endpoints"), PathSegment::Index(j), key(field)]);
                let range = cx.range(&p);
                cx.own(
                    owner.clone(),
                    Diagnostic::new(
                        codes::CUSTOM_APP_PORT,
                        format!("{field} port {port} is out of range; custom application ports must be between 1026 and 65534"),
                        range,
                    ),
                );
            }
        }
    }
}

/// Names and published ports unique across the applications. The first user of each is found in
/// one pass that maps names and ports to their first application, not by comparing applications
/// pairwise: a generated spec holds thousands of them. It reads a few words per application of
/// the kept value, so it runs on every analysis.
fn custom_app_duplicates(cx: &mut Ctx) {
    let base = path_of(&["custom_applications"]);
    let Some(Value::Array(apps)) = cx.get(&base) else { return };
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut published: HashMap<i64, usize> = HashMap::new();
    for (i, app) in apps.iter().enumerate() {
        let at = |rest: &[PathSegment]| {
            let mut p = base.clone();
            p.push(PathSegment::Index(i));
            p.extend(rest.iter().cloned());
            p
        };
        if let Some(name) = app.get("name").and_then(Value::as_str) {
            if let Some(first) = earlier_use(&mut names, name, i) {
                let range = cx.range(&at(&[key("name")]));
                cx.push(Diagnostic::new(
                    codes::CUSTOM_APP_DUPLICATE,
                    format!(
                        "custom application name `{name}` is already used by application {first}; names must be unique"
                    ),
                    range,
                ));
            }
        }
        let Some(Value::Array(endpoints)) = app.get("endpoints") else { continue };
        for (j, ep) in endpoints.iter().enumerate() {
            let Some(port) = ep.get("published").and_then(Value::as_i64) else { continue };
            if let Some(first) = earlier_use(&mut published, port, i) {
                let range = cx.range(&at(&[key("endpoints"), PathSegment::Index(j), key("published")]));
                cx.push(Diagnostic::new(
                    codes::CUSTOM_APP_DUPLICATE,
                    format!("published port {port} is already used by application {first}; each published port must be unique"),
                    range,
                ));
            }
        }
    }
}

/// The application that used `key` before application `i`, or None after noting `i` as its first use.
fn earlier_use<K: std::hash::Hash + Eq>(seen: &mut HashMap<K, usize>, key: K, i: usize) -> Option<usize> {
    match seen.entry(key) {
        Entry::Occupied(first) => Some(*first.get()),
        Entry::Vacant(slot) => {
            slot.insert(i);
            None
        }
    }
}

/// A GPU size costs several times a CPU size.
fn size_hints(cx: &mut Ctx) {
    let p = path_of(&["size"]);
    let Some(Value::String(size)) = cx.get(&p) else { return };
    if sizes::is_gpu(size) {
        let detail = match sizes::find(size) {
            Some(s) => format!(" ({} × {})", s.gpus, s.gpu_model),
            None => String::new(),
        };
        let size = size.clone();
        let range = cx.range(&p);
        cx.push(Diagnostic::new(
            codes::GPU_COST,
            format!("`{size}` is a GPU size{detail}; GPU sizes cost several times a CPU size, so keep it only if the work needs a GPU"),
            range,
        ));
    }
}

/// A size that misspells one of the built-in table's (separators, case, a missing `Standard_`).
fn size_spelling(cx: &mut Ctx) {
    let p = path_of(&["size"]);
    let Some(Value::String(size)) = cx.get(&p) else { return };
    if find_angle(size).is_some() {
        return;
    }
    let Some(known) = sizes::suggest(size) else { return };
    let range = cx.range(&p);
    let size = size.clone();
    cx.push(
        Diagnostic::new(
            codes::UNKNOWN_SIZE,
            format!("`{size}` is not a VM size amlc knows; did you mean `{}`? (`amlc compute list-sizes` shows what the region offers)", known.name),
            range,
        )
        .with_fix(Fix::replace(format!("Change to `{}`", known.name), range, known.name, true)),
    );
}

/// Whether `s` is a GUID written as Azure writes them (8-4-4-4-12 hexadecimal digits).
pub fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.trim().split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `create_on_behalf_of`: both ids, each a GUID, with the command that prints the right value.
fn on_behalf(cx: &mut Ctx) {
    let base = path_of(&["create_on_behalf_of"]);
    let Some(Value::Object(ids)) = cx.get(&base) else { return };
    let object = ids.get("user_object_id").and_then(Value::as_str);
    let tenant = ids.get("user_tenant_id").and_then(Value::as_str);
    for (field, value) in [("user_object_id", object), ("user_tenant_id", tenant)] {
        let Some(value) = value else { continue };
        if is_guid(value) || find_angle(value).is_some() {
            continue;
        }
        let fix = match (field, value.contains('@')) {
            ("user_object_id", true) => format!(
                "`{value}` is an e-mail address, but the key takes the user's object id (a GUID); `az ad user show --id {value} --query id -o tsv` prints it"
            ),
            ("user_object_id", false) => "it takes the user's Microsoft Entra object id, a GUID such as `00000000-0000-0000-0000-000000000000`; `az ad user show --id EMAIL --query id -o tsv` prints it".to_string(),
            _ => "it takes the tenant id, a GUID, not a domain or an e-mail address; `az account show --query tenantId -o tsv` prints it".to_string(),
        };
        let mut p = base.clone();
        p.push(key(field));
        let range = cx.range(&p);
        cx.push(Diagnostic::new(
            codes::NOT_A_GUID,
            format!("`create_on_behalf_of.{field}` is not a GUID: {fix}"),
            range,
        ));
    }
    let missing = match (object, tenant) {
        (Some(_), None) => Some(("user_tenant_id", "the tenant id (`az account show --query tenantId -o tsv`)")),
        (None, Some(_)) => {
            Some(("user_object_id", "the user's object id (`az ad user show --id EMAIL --query id -o tsv`)"))
        }
        _ => None,
    };
    if let Some((field, what)) = missing {
        let range = cx.key_range(&base);
        cx.push(Diagnostic::new(
            codes::ON_BEHALF_INCOMPLETE,
            format!("`create_on_behalf_of` needs both `user_object_id` and `user_tenant_id`; add `{field}`: {what}"),
            range,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The source text under each placeholder diagnostic of `text`.
    fn placeholder_texts(text: &str) -> Vec<&str> {
        let analysis = crate::analyze(text);
        analysis.diagnostics.iter().filter(|d| d.code == codes::PLACEHOLDER).map(|d| slice(text, d.range)).collect()
    }

    #[test]
    fn placeholders_are_found_whether_spelled_or_escaped() {
        let spec = |size: &str| format!("type: amlcompute\nname: gpu-cluster\nsize: {size}\nmax_instances: 2\n");
        assert_eq!(placeholder_texts(&spec("<VM_SIZE>")), ["<VM_SIZE>"]);
        // `\x3c` is `<`: the source holds no `<`, but the value the CLI sends does.
        assert_eq!(placeholder_texts(&spec(r#""\x3cVM_SIZE>""#)), [r#""\x3cVM_SIZE>""#]);
        assert!(placeholder_texts(&spec("Standard_NC6s_v3")).is_empty());
    }

    /// Each rule, run alone over every fixture, emits only codes it declares, and each code it
    /// declares shows up from it on some fixture, so the table cannot drift from the checks.
    #[test]
    fn each_rule_emits_exactly_the_codes_it_declares() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut shown = std::collections::HashSet::new();
        for entry in std::fs::read_dir(&dir).expect("fixtures dir").filter_map(Result::ok) {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&path).expect("fixture")).into_owned();
            let analysis = crate::analyze(&text);
            let (Some(doc), Some(norm), Some(ctype)) =
                (&analysis.document, &analysis.normalized, analysis.compute_type)
            else {
                continue;
            };
            for rule in RULES.iter().filter(|r| r.applies_to(ctype)) {
                let (mut found, mut owned) = (Vec::new(), Vec::new());
                (rule.check)(&mut Ctx {
                    text: &text,
                    doc,
                    ctype,
                    norm,
                    scope: &[],
                    diags: &mut found,
                    owned: &mut owned,
                });
                // A per-block rule owns everything it finds; a rule of the other kind owns nothing.
                let misplaced = if rule.per_block { found.len() } else { owned.len() };
                assert_eq!(misplaced, 0, "rule {} reported {misplaced} diagnostics of the other kind", rule.name);
                for d in found.into_iter().chain(owned.into_iter().map(|o| o.diag)) {
                    assert!(
                        rule.codes.contains(&d.code),
                        "rule {} emitted undeclared {} on {}",
                        rule.name,
                        d.code,
                        path.display()
                    );
                    shown.insert((rule.name, d.code));
                }
            }
        }
        for rule in RULES {
            for code in rule.codes {
                assert!(shown.contains(&(rule.name, *code)), "no fixture shows rule {} emitting {code}", rule.name);
            }
        }
    }
}
