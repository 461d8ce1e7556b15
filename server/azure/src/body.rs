//! Spec → REST request body: the PUT body `az ml compute create/attach` sends for a compute YAML, built from the
//! spec as PyYAML loads it (a `serde_json::Value`). The mapping is the SDK's, key by key with its defaults, and is
//! checked against the bodies the official SDK produced for the sample specs.

use serde_json::{json, Map, Value};

use crate::discovery::WorkspaceRef;

/// What the body needs besides the spec: the workspace (for subnet ids built from a bare name), its location (for
/// every type but amlcompute), and a way to read local files (`ssh_private_key_file` of a VM attach is uploaded).
pub struct BodyContext<'a> {
    pub workspace: &'a WorkspaceRef,
    pub workspace_location: &'a str,
    pub read_file: &'a dyn Fn(&str) -> Result<String, String>,
}

/// A built request.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// The compute name: the last URL segment, not part of the body.
    pub name: String,
    /// REST `computeType`.
    pub compute_type: &'static str,
    pub body: Value,
    /// What the SDK would warn about (ignored `location`, deprecated keys).
    pub warnings: Vec<String>,
}

impl RequestBody {
    /// Attach types reference a resource someone else owns; the others are created by Azure ML.
    pub fn is_attach(&self) -> bool {
        matches!(self.compute_type, "Kubernetes" | "VirtualMachine" | "SynapseSpark")
    }
}

/// Why no body could be built. The text is written for the person who wrote the spec.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BodyError(pub String);

fn err<T>(text: impl Into<String>) -> Result<T, BodyError> {
    Err(BodyError(text.into()))
}

/// Reads a spec value with the types the SDK's schema accepts.
struct Spec<'a>(&'a Map<String, Value>);

impl<'a> Spec<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    fn str(&self, key: &str) -> Result<Option<&'a str>, BodyError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => err(format!("'{key}' must be a string")),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, BodyError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => err(format!("'{key}' must be true or false")),
        }
    }

    fn int(&self, key: &str) -> Result<Option<i64>, BodyError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.as_i64() {
                Some(i) if !v.is_boolean() => Ok(Some(i)),
                _ => err(format!("'{key}' must be an integer")),
            },
        }
    }

    fn map(&self, key: &str) -> Result<Option<Spec<'a>>, BodyError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(Spec(m))),
            Some(_) => err(format!("'{key}' must be a mapping")),
        }
    }

    fn list(&self, key: &str) -> Result<&'a [Value], BodyError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => err(format!("'{key}' must be a list")),
        }
    }
}

fn as_spec<'a>(value: &'a Value, what: &str) -> Result<Spec<'a>, BodyError> {
    match value {
        Value::Object(m) => Ok(Spec(m)),
        _ => err(format!("{what} must be a mapping")),
    }
}

pub use crate::home::expand_home;

/// The request for a spec file's loaded value, as `amlc compute create|attach -f FILE` and the language server's
/// `amlc.compute.create|attach` both send it: `name` (a `--name` flag) replaces the spec's, and files the spec
/// names (an ssh public key) are read relative to the spec's folder `base`, with `~/` expanded.
pub fn build_for_file(
    spec: &Value,
    name: Option<&str>,
    base: &std::path::Path,
    workspace: &WorkspaceRef,
    workspace_location: &str,
) -> Result<RequestBody, BodyError> {
    let read = |file: &str| -> Result<String, String> {
        let expanded = expand_home(file);
        let path = if std::path::Path::new(&expanded).is_absolute() { expanded.into() } else { base.join(expanded) };
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    };
    let mut spec = spec.clone();
    if let (Some(name), Some(map)) = (name, spec.as_object_mut()) {
        map.insert("name".into(), Value::String(name.to_string()));
    }
    build(&spec, &BodyContext { workspace, workspace_location, read_file: &read })
}

/// Builds the PUT body for `spec`.
pub fn build(spec: &Value, ctx: &BodyContext<'_>) -> Result<RequestBody, BodyError> {
    let spec = as_spec(spec, "the spec")?;
    let Some(kind) = spec.str("type")? else {
        return err("Unknown compute type: the spec has no 'type'");
    };
    let name = match spec.str("name")? {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => return err("the spec has no 'name'"),
    };
    let mut warnings = Vec::new();
    let lower = kind.to_ascii_lowercase();
    let (compute_type, properties) = match lower.as_str() {
        "computeinstance" => ("ComputeInstance", instance(&spec, ctx, &mut warnings)?),
        "amlcompute" => ("AmlCompute", cluster(&spec, ctx)?),
        "kubernetes" => ("Kubernetes", kubernetes(&spec, ctx)?),
        "virtualmachine" => ("VirtualMachine", virtual_machine(&spec, ctx)?),
        "synapsespark" => ("SynapseSpark", synapse(&spec)?),
        _ => return err(format!("Unknown compute type: {kind}")),
    };
    let location = if compute_type == "AmlCompute" {
        spec.str("location")?.unwrap_or(ctx.workspace_location).to_string()
    } else {
        if spec.get("location").is_some() {
            warnings.push(format!(
                "'location' is not supported for compute type {lower} and will not be used; the workspace location '{}' is used.",
                ctx.workspace_location
            ));
        }
        ctx.workspace_location.to_string()
    };
    let mut body = Map::new();
    body.insert("location".into(), Value::String(location));
    body.insert("properties".into(), properties);
    if let Some(identity) = identity(&spec)? {
        body.insert("identity".into(), identity);
    }
    if let Some(tags) = spec.map("tags")? {
        for (key, value) in tags.0 {
            if !value.is_string() {
                return err(format!("tags.{key}: Not a valid string."));
            }
        }
        body.insert("tags".into(), Value::Object(tags.0.clone()));
    }
    Ok(RequestBody { name, compute_type, body: Value::Object(body), warnings })
}

/// `properties` envelope with the description first, as the SDK orders it.
fn envelope(spec: &Spec<'_>, compute_type: &str) -> Result<Map<String, Value>, BodyError> {
    let mut props = Map::new();
    if let Some(description) = spec.str("description")? {
        props.insert("description".into(), json!(description));
    }
    props.insert("computeType".into(), json!(compute_type));
    Ok(props)
}

fn identity(spec: &Spec<'_>) -> Result<Option<Value>, BodyError> {
    let Some(identity) = spec.map("identity")? else { return Ok(None) };
    let Some(kind) = identity.str("type")? else { return err("identity.type is required") };
    let rest = match kind.to_ascii_lowercase().as_str() {
        "system_assigned" => "SystemAssigned",
        "user_assigned" => "UserAssigned",
        "none" => "None",
        "system_assigned,user_assigned" => "SystemAssigned,UserAssigned",
        other => {
            return err(format!(
                "identity.type: Value '{other}' passed is not in set ['system_assigned', 'user_assigned', 'none', 'system_assigned,user_assigned']"
            ))
        }
    };
    let mut out = Map::new();
    out.insert("type".into(), json!(rest));
    let users = identity.list("user_assigned_identities")?;
    if !users.is_empty() {
        let mut map = Map::new();
        for user in users {
            let user = as_spec(user, "identity.user_assigned_identities[]")?;
            match user.str("resource_id")? {
                Some(id) => {
                    map.insert(id.to_string(), json!({}));
                }
                None => return err("identity.user_assigned_identities[].resource_id is required"),
            }
        }
        out.insert("userAssignedIdentities".into(), Value::Object(map));
    }
    Ok(Some(Value::Object(out)))
}

/// `network_settings` → `subnet.id`: a full ARM id as-is, or a bare subnet name inside `vnet_name` of the workspace's
/// subscription and resource group.
fn subnet(spec: &Spec<'_>, ws: &WorkspaceRef) -> Result<Option<Value>, BodyError> {
    let Some(net) = spec.map("network_settings")? else { return Ok(None) };
    let subnet = net.str("subnet")?;
    let vnet = net.str("vnet_name")?;
    match (subnet, vnet) {
        (None, None) => Ok(None),
        (None, Some(_)) => err("Subnet is required when vnet name is specified."),
        (Some(s), _) if s.to_ascii_lowercase().starts_with("/subscriptions/") => Ok(Some(json!({"id": s}))),
        (Some(s), Some(v)) => Ok(Some(json!({"id": format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/virtualNetworks/{v}/subnets/{s}",
            ws.subscription_id, ws.resource_group
        )}))),
        // The SDK would build `…/virtualNetworks/None/subnets/<name>` here, which the service rejects later.
        (Some(s), None) => err(format!(
            "network_settings.subnet '{s}' is a bare name: add network_settings.vnet_name or give the full ARM subnet id"
        )),
    }
}

fn instance(spec: &Spec<'_>, ctx: &BodyContext<'_>, warnings: &mut Vec<String>) -> Result<Value, BodyError> {
    let mut inner = Map::new();
    inner.insert("vmSize".into(), json!(spec.str("size")?.unwrap_or("STANDARD_DS3_V2")));
    if let Some(subnet) = subnet(spec, ctx.workspace)? {
        inner.insert("subnet".into(), subnet);
    }
    let public = spec.bool("ssh_public_access_enabled")?;
    let ssh_block = spec.map("ssh_settings")?;
    let key = match &ssh_block {
        Some(ssh) => ssh.str("ssh_key_value")?,
        None => None,
    };
    // The SDK sends `sshSettings` for any `ssh_settings` block, also one holding only read-only keys
    // (`admin_username`, `ssh_port`), with access Disabled unless the spec enables it.
    if public.is_some() || ssh_block.is_some() {
        let mut ssh = Map::new();
        ssh.insert("sshPublicAccess".into(), json!(if public == Some(true) { "Enabled" } else { "Disabled" }));
        if let Some(key) = key {
            ssh.insert("adminPublicKey".into(), json!(key));
        }
        inner.insert("sshSettings".into(), Value::Object(ssh));
    }
    if let Some(owner) = spec.map("create_on_behalf_of")? {
        let mut user = Map::new();
        if let Some(object) = owner.str("user_object_id")? {
            user.insert("objectId".into(), json!(object));
        }
        if let Some(tenant) = owner.str("user_tenant_id")? {
            user.insert("tenantId".into(), json!(tenant));
        }
        inner.insert("personalComputeInstanceSettings".into(), json!({"assignedUser": user}));
    }
    match spec.int("idle_time_before_shutdown_minutes")? {
        Some(minutes) if minutes != 0 => {
            inner.insert("idleTimeBeforeShutdown".into(), json!(format!("PT{minutes}M")));
        }
        _ => {
            if let Some(legacy) = spec.str("idle_time_before_shutdown")? {
                warnings.push("The property 'idle_time_before_shutdown' is deprecated.".into());
                inner.insert("idleTimeBeforeShutdown".into(), json!(legacy));
            }
        }
    }
    let flag = |key: &str, default: bool| -> Result<Value, BodyError> { Ok(json!(spec.bool(key)?.unwrap_or(default))) };
    inner.insert("enableNodePublicIp".into(), flag("enable_node_public_ip", true)?);
    inner.insert("enableSSO".into(), flag("enable_sso", true)?);
    inner.insert("enableRootAccess".into(), flag("enable_root_access", true)?);
    inner.insert("releaseQuotaOnStop".into(), flag("release_quota_on_stop", false)?);
    inner.insert("enableOSPatching".into(), flag("enable_os_patching", false)?);
    inner.insert("applicationSharingPolicy".into(), json!("Shared"));
    inner.insert("computeInstanceAuthorizationType".into(), json!("personal"));
    if let Some(schedules) = spec.map("schedules")? {
        let mut list = Vec::new();
        for item in schedules.list("compute_start_stop")? {
            list.push(schedule(&as_spec(item, "schedules.compute_start_stop[]")?)?);
        }
        inner.insert("schedules".into(), json!({"computeStartStop": list}));
    }
    if let Some(scripts) = spec.map("setup_scripts")? {
        let mut out = Map::new();
        if let Some(s) = scripts.map("startup_script")? {
            out.insert("startupScript".into(), script(&s, "startup_script")?);
        }
        if let Some(s) = scripts.map("creation_script")? {
            out.insert("creationScript".into(), script(&s, "creation_script")?);
        }
        inner.insert("setupScripts".into(), json!({"scripts": out}));
    }
    let apps = spec.list("custom_applications")?;
    if !apps.is_empty() {
        inner.insert("customServices".into(), Value::Array(custom_services(apps)?));
    }
    let mut props = envelope(spec, "ComputeInstance")?;
    props.insert("properties".into(), Value::Object(inner));
    props.insert("disableLocalAuth".into(), json!(public != Some(true)));
    Ok(Value::Object(props))
}

fn schedule(item: &Spec<'_>) -> Result<Value, BodyError> {
    let Some(action) = item.str("action")? else { return err("schedules.compute_start_stop[].action is required") };
    if !matches!(action.to_ascii_lowercase().as_str(), "start" | "stop") {
        return err(format!("schedules action: Value '{action}' passed is not in set ['start', 'stop']"));
    }
    let Some(trigger) = item.map("trigger")? else { return err("schedules.compute_start_stop[].trigger is required") };
    let Some(kind) = trigger.str("type")? else { return err("trigger.type is required") };
    let mut out = Map::new();
    // The SDK sends action and state as written (lower-case is accepted by the service).
    out.insert("action".into(), json!(action));
    out.insert("status".into(), json!(item.str("state")?.unwrap_or("Enabled")));
    let mut body = Map::new();
    let trigger_type = match kind.to_ascii_lowercase().as_str() {
        "cron" => {
            let Some(expression) = trigger.str("expression")? else { return err("a cron trigger needs 'expression'") };
            body.insert("expression".into(), json!(expression));
            "Cron"
        }
        "recurrence" => {
            let Some(frequency) = trigger.str("frequency")? else {
                return err("a recurrence trigger needs 'frequency'");
            };
            body.insert("frequency".into(), json!(frequency));
            if let Some(interval) = trigger.int("interval")? {
                body.insert("interval".into(), json!(interval));
            }
            if let Some(pattern) = trigger.map("schedule")? {
                let mut s = Map::new();
                for (from, to) in [("hours", "hours"), ("minutes", "minutes"), ("week_days", "weekDays")] {
                    if let Some(v) = pattern.get(from) {
                        s.insert(to.into(), v.clone());
                    }
                }
                body.insert("schedule".into(), Value::Object(s));
            }
            "Recurrence"
        }
        other => return err(format!("trigger.type: Value '{other}' passed is not in set ['cron', 'recurrence']")),
    };
    if let Some(start) = trigger.get("start_time") {
        body.insert("startTime".into(), start.clone());
    }
    body.insert("timeZone".into(), json!(trigger.str("time_zone")?.unwrap_or("UTC")));
    // The SDK repeats triggerType inside the trigger object; kept so the body equals the CLI's.
    body.insert("triggerType".into(), json!(trigger_type));
    out.insert("triggerType".into(), json!(trigger_type));
    out.insert(if trigger_type == "Cron" { "cron" } else { "recurrence" }.into(), Value::Object(body));
    Ok(Value::Object(out))
}

fn script(s: &Spec<'_>, what: &str) -> Result<Value, BodyError> {
    let Some(path) = s.str("path")? else { return err(format!("setup_scripts.{what}.path is required")) };
    let mut out = Map::new();
    out.insert("scriptSource".into(), json!("workspaceStorage"));
    out.insert("scriptData".into(), json!(path));
    if let Some(command) = s.str("command")? {
        out.insert("scriptArguments".into(), json!(command));
    }
    // The SDK would send "Nonem" for a missing timeout; omitting it lets the service apply its default instead.
    if let Some(timeout) = s.int("timeout_minutes")? {
        out.insert("timeout".into(), json!(format!("{timeout}m")));
    }
    Ok(Value::Object(out))
}

fn custom_services(apps: &[Value]) -> Result<Vec<Value>, BodyError> {
    let mut names = Vec::new();
    let mut published_ports = Vec::new();
    let mut out = Vec::new();
    for app in apps {
        let app = as_spec(app, "custom_applications[]")?;
        let Some(name) = app.str("name")? else { return err("custom_applications[].name is required") };
        if names.contains(&name) {
            return err("Value of application_name must be unique across all custom applications.");
        }
        names.push(name);
        let kind = app.str("type")?.unwrap_or("docker");
        if !kind.eq_ignore_ascii_case("docker") {
            return err(format!("custom_applications[].type: Value '{kind}' passed is not in set ['docker']"));
        }
        let mut service = Map::new();
        service.insert("name".into(), json!(name));
        let reference = match app.map("image")? {
            Some(image) => image.str("reference")?,
            None => None,
        };
        let mut image = Map::new();
        image.insert("type".into(), json!("docker"));
        if let Some(reference) = reference {
            image.insert("reference".into(), json!(reference));
        }
        service.insert("image".into(), Value::Object(image));
        let mut endpoints = Vec::new();
        for endpoint in app.list("endpoints")? {
            let endpoint = as_spec(endpoint, "custom_applications[].endpoints[]")?;
            let (Some(target), Some(published)) = (endpoint.int("target")?, endpoint.int("published")?) else {
                return err("custom_applications[].endpoints[] needs both target and published");
            };
            for port in [target, published] {
                if !(1025 < port && port < 65535) {
                    return err(format!(
                        "custom application port {port} must be between 1025 and 65535 (both excluded)"
                    ));
                }
            }
            if published_ports.contains(&published) {
                return err(format!("published port {published} is used by more than one custom application"));
            }
            published_ports.push(published);
            endpoints.push(json!({"name": "connect", "target": target, "published": published, "protocol": "http"}));
        }
        service.insert("endpoints".into(), Value::Array(endpoints));
        if let Some(vars) = app.map("environment_variables")? {
            let vars: Map<String, Value> =
                vars.0.iter().map(|(k, v)| (k.clone(), json!({"type": "local", "value": v}))).collect();
            service.insert("environmentVariables".into(), Value::Object(vars));
        }
        let mounts = app.list("bind_mounts")?;
        if !mounts.is_empty() {
            let mut volumes = Vec::new();
            for mount in mounts {
                let mount = as_spec(mount, "custom_applications[].bind_mounts[]")?;
                volumes.push(json!({"type": "bind", "readOnly": false, "source": mount.str("source")?, "target": mount.str("target")?}));
            }
            service.insert("volumes".into(), Value::Array(volumes));
        }
        service.insert("docker".into(), json!({"privileged": true}));
        service.insert("type".into(), json!("docker"));
        out.push(Value::Object(service));
    }
    Ok(out)
}

/// `idle_time_before_scale_down` seconds → ISO-8601 the way Python's isodate prints a timedelta.
pub fn iso_duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (h, m, s) = (rest / 3600, (rest % 3600) / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if rest > 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if s > 0 {
            out.push_str(&format!("{s}S"));
        }
    }
    if out == "P" {
        out.push_str("0D");
    }
    out
}

fn cluster(spec: &Spec<'_>, ctx: &BodyContext<'_>) -> Result<Value, BodyError> {
    let mut inner = Map::new();
    inner.insert("vmSize".into(), json!(spec.str("size")?.unwrap_or("STANDARD_DS3_V2")));
    if let Some(tier) = spec.str("tier")? {
        let priority = match tier.to_ascii_lowercase().as_str() {
            "dedicated" => "Dedicated",
            "low_priority" => "LowPriority",
            other => return err(format!("tier: Value '{other}' passed is not in set ['low_priority', 'dedicated']")),
        };
        inner.insert("vmPriority".into(), json!(priority));
    }
    let ssh = spec.map("ssh_settings")?;
    if let Some(ssh) = &ssh {
        let Some(user) = ssh.str("admin_username")? else {
            return err("ssh_settings.admin_username is required when ssh_settings is given");
        };
        let mut creds = Map::new();
        creds.insert("adminUserName".into(), json!(user));
        if let Some(password) = ssh.str("admin_password")? {
            creds.insert("adminUserPassword".into(), json!(password));
        }
        if let Some(key) = ssh.str("ssh_key_value")? {
            creds.insert("adminUserSshPublicKey".into(), json!(key));
        }
        inner.insert("userAccountCredentials".into(), Value::Object(creds));
    }
    let mut scale = Map::new();
    scale.insert("maxNodeCount".into(), json!(spec.int("max_instances")?.unwrap_or(4)));
    scale.insert("minNodeCount".into(), json!(spec.int("min_instances")?.unwrap_or(0)));
    match spec.int("idle_time_before_scale_down")?.unwrap_or(120) {
        0 => {}
        seconds => {
            scale.insert("nodeIdleTimeBeforeScaleDown".into(), json!(iso_duration(seconds)));
        }
    }
    inner.insert("scaleSettings".into(), Value::Object(scale));
    if let Some(subnet) = subnet(spec, ctx.workspace)? {
        inner.insert("subnet".into(), subnet);
    }
    let access = match spec.bool("ssh_public_access_enabled")? {
        Some(true) => "Enabled",
        Some(false) => "Disabled",
        None => "NotSpecified",
    };
    inner.insert("remoteLoginPortPublicAccess".into(), json!(access));
    inner.insert("enableNodePublicIp".into(), json!(spec.bool("enable_node_public_ip")?.unwrap_or(true)));
    inner.insert("osType".into(), json!("Linux"));
    let mut props = envelope(spec, "AmlCompute")?;
    props.insert("properties".into(), Value::Object(inner));
    props.insert("disableLocalAuth".into(), json!(ssh.is_none()));
    Ok(Value::Object(props))
}

fn resource_id<'a>(spec: &Spec<'a>, kind: &str) -> Result<&'a str, BodyError> {
    match spec.str("resource_id")? {
        Some(id) if !id.is_empty() => Ok(id),
        _ => err(format!("'resource_id' is required to attach {} compute", amlc_analysis::advice::with_article(kind))),
    }
}

fn kubernetes(spec: &Spec<'_>, ctx: &BodyContext<'_>) -> Result<Value, BodyError> {
    let id = resource_id(spec, "kubernetes")?;
    let mut inner = match spec.map("properties")? {
        Some(p) => p.0.clone(),
        None => Map::new(),
    };
    inner.insert("namespace".into(), json!(spec.str("namespace")?.unwrap_or("default")));
    let mut props = Map::new();
    if let Some(description) = spec.str("description")? {
        props.insert("description".into(), json!(description));
    }
    props.insert("resourceId".into(), json!(id));
    props.insert("computeLocation".into(), json!(ctx.workspace_location));
    props.insert("properties".into(), Value::Object(inner));
    props.insert("computeType".into(), json!("Kubernetes"));
    Ok(Value::Object(props))
}

fn virtual_machine(spec: &Spec<'_>, ctx: &BodyContext<'_>) -> Result<Value, BodyError> {
    let id = resource_id(spec, "virtualmachine")?;
    let Some(ssh) = spec.map("ssh_settings")? else {
        return err("'ssh_settings' is required to attach a virtual machine");
    };
    let mut account = Map::new();
    if let Some(user) = ssh.str("admin_username")? {
        account.insert("username".into(), json!(user));
    }
    if let Some(password) = ssh.str("admin_password")? {
        account.insert("password".into(), json!(password));
    }
    if let Some(file) = ssh.str("ssh_private_key_file")? {
        let key =
            (ctx.read_file)(file).map_err(|e| BodyError(format!("cannot read ssh_private_key_file '{file}': {e}")))?;
        account.insert("privateKeyData".into(), json!(key));
    }
    let mut props = Map::new();
    if let Some(description) = spec.str("description")? {
        props.insert("description".into(), json!(description));
    }
    props.insert(
        "properties".into(),
        json!({"sshPort": ssh.int("ssh_port")?.unwrap_or(22), "administratorAccount": account}),
    );
    props.insert("resourceId".into(), json!(id));
    props.insert("computeType".into(), json!("VirtualMachine"));
    Ok(Value::Object(props))
}

fn synapse(spec: &Spec<'_>) -> Result<Value, BodyError> {
    let id = resource_id(spec, "synapsespark")?;
    let mut props = envelope(spec, "SynapseSpark")?;
    props.insert("resourceId".into(), json!(id));
    Ok(Value::Object(props))
}

/// Body paths that may change on an existing compute: a cluster's scale settings
/// (PATCH), description and tags (a full PUT, as the SDK does for clusters), and an instance's idle shutdown and
/// custom applications (their own action endpoints). Everything else is create-only. A path matches itself and
/// everything below it.
pub fn updatable_paths(compute_type: &str) -> &'static [&'static str] {
    match compute_type {
        "AmlCompute" => &["properties.properties.scaleSettings", "properties.description", "tags"],
        "ComputeInstance" => &["properties.properties.idleTimeBeforeShutdown", "properties.properties.customServices"],
        _ => &[],
    }
}

/// Whether `path` is at or below one of `allowed`.
pub fn is_updatable(compute_type: &str, path: &str) -> bool {
    updatable_paths(compute_type).iter().any(|a| path == *a || path.starts_with(&format!("{a}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_with<'a>(ws: &'a WorkspaceRef, read: &'a dyn Fn(&str) -> Result<String, String>) -> BodyContext<'a> {
        BodyContext { workspace: ws, workspace_location: "eastus", read_file: read }
    }

    #[test]
    fn iso_durations_match_isodate() {
        for (seconds, expected) in
            [(120, "PT2M"), (1800, "PT30M"), (3661, "PT1H1M1S"), (59, "PT59S"), (86_400, "P1D"), (90_061, "P1DT1H1M1S")]
        {
            assert_eq!(iso_duration(seconds), expected, "{seconds}");
        }
    }

    #[test]
    fn refusals_in_plain_words() {
        let ws = WorkspaceRef::new("s", "g", "w");
        let read = |_: &str| -> Result<String, String> { Err("no files".into()) };
        let ctx = ctx_with(&ws, &read);
        let cases = [
            (json!({"name": "x"}), "no 'type'"),
            (json!({"name": "x", "type": "managed"}), "Unknown compute type: managed"),
            (json!({"type": "amlcompute"}), "no 'name'"),
            (json!({"name": "x", "type": "amlcompute", "tier": "spot"}), "not in set ['low_priority', 'dedicated']"),
            (json!({"name": "x", "type": "amlcompute", "network_settings": {"vnet_name": "v"}}), "Subnet is required"),
            (
                json!({"name": "x", "type": "amlcompute", "ssh_settings": {"admin_password": "p"}}),
                "admin_username is required",
            ),
            (json!({"name": "x", "type": "virtualmachine", "resource_id": "/r"}), "'ssh_settings' is required"),
            (json!({"name": "x", "type": "kubernetes"}), "'resource_id' is required"),
            (json!({"name": "x", "type": "amlcompute", "tags": {"a": 1}}), "Not a valid string"),
            (
                json!({"name": "x", "type": "computeinstance", "custom_applications": [
                {"name": "a", "endpoints": [{"target": 1025, "published": 2000}]}]}),
                "between 1025 and 65535",
            ),
            (
                json!({"name": "x", "type": "computeinstance", "custom_applications": [
                {"name": "a", "endpoints": [{"target": 2000, "published": 2000}]},
                {"name": "b", "endpoints": [{"target": 2001, "published": 2000}]}]}),
                "more than one",
            ),
            (
                json!({"name": "x", "type": "virtualmachine", "resource_id": "/r",
                "ssh_settings": {"admin_username": "u", "ssh_private_key_file": "/nope"}}),
                "cannot read ssh_private_key_file",
            ),
        ];
        for (spec, expected) in cases {
            let got = build(&spec, &ctx).err().map(|e| e.0).unwrap_or_default();
            assert!(got.contains(expected), "{spec}: {got}");
        }
    }

    #[test]
    fn case_insensitive_enums_and_private_key_upload() {
        let ws = WorkspaceRef::new("s", "g", "w");
        let read = |path: &str| -> Result<String, String> { Ok(format!("KEY FROM {path}")) };
        let ctx = ctx_with(&ws, &read);
        let built = build(
            &json!({"name": "c", "type": "AmlCompute", "tier": "Low_Priority", "idle_time_before_scale_down": 0}),
            &ctx,
        );
        let body = built.map(|b| b.body).unwrap_or_default();
        assert_eq!(body["properties"]["properties"]["vmPriority"], "LowPriority");
        assert!(body["properties"]["properties"]["scaleSettings"].get("nodeIdleTimeBeforeScaleDown").is_none());
        let vm = json!({"name": "v", "type": "virtualmachine", "resource_id": "/r", "location": "westus",
            "ssh_settings": {"admin_username": "u", "ssh_private_key_file": "~/.ssh/id"}});
        let built = build(&vm, &ctx).ok();
        let body = built.as_ref().map(|b| b.body.clone()).unwrap_or_default();
        assert_eq!(body["properties"]["properties"]["administratorAccount"]["privateKeyData"], "KEY FROM ~/.ssh/id");
        assert_eq!(body["location"], "eastus", "location is ignored for attach types");
        assert_eq!(built.map(|b| b.warnings.len()), Some(1));
    }

    #[test]
    fn an_instance_ssh_block_of_read_only_keys_still_sends_disabled_access() {
        let ws = WorkspaceRef::new("s", "g", "w");
        let read = |_: &str| -> Result<String, String> { Err("no files".into()) };
        let ctx = ctx_with(&ws, &read);
        let cases = [
            (json!({"admin_username": "azureuser", "ssh_port": 22}), Some(json!({"sshPublicAccess": "Disabled"}))),
            (json!({}), Some(json!({"sshPublicAccess": "Disabled"}))),
        ];
        for (ssh, want) in cases {
            let spec = json!({"name": "ci", "type": "computeinstance", "ssh_settings": ssh});
            let body = build(&spec, &ctx).map(|b| b.body).unwrap_or_default();
            assert_eq!(body["properties"]["properties"].get("sshSettings").cloned(), want, "{spec}");
        }
        let bare = build(&json!({"name": "ci", "type": "computeinstance"}), &ctx).map(|b| b.body).unwrap_or_default();
        assert!(bare["properties"]["properties"].get("sshSettings").is_none());
    }
}
