//! A live compute as the CLI v2 spec that describes it (`amlc compute show NAME -o yaml`, the editor's "Open as
//! Spec"): ARM's JSON mapped back to the spec's own keys, read-only state left out, so that `amlc check` accepts
//! the result and `amlc compute create -f` builds the same settings from it. Also the YAML text of such a value.

use serde_json::{json, Map, Value};

use amlc_analysis::ComputeType;

use crate::models::ComputeResource;

/// The spec of `compute` as a JSON value in the spec's key order.
pub fn spec_of(compute: &ComputeResource) -> Value {
    let inner = compute.properties.properties.clone().unwrap_or(Value::Null);
    let get =
        |path: &str| -> Option<&Value> { path.split('.').try_fold(&inner, |v, k| v.get(k)).filter(|v| !v.is_null()) };
    let mut spec = Map::new();
    let kind = compute.compute_type();
    let ctype = ComputeType::ALL.into_iter().find(|t| t.rest_name().eq_ignore_ascii_case(kind));
    let yaml_type = ctype.map_or_else(|| kind.to_ascii_lowercase(), |t| t.as_str().to_string());
    if let Some(t) = ctype {
        let url = format!("https://azuremlschemas.azureedge.net/latest/{}.schema.json", t.schema_stem());
        spec.insert("$schema".into(), json!(url));
    }
    spec.insert("name".into(), json!(compute.name));
    spec.insert("type".into(), json!(yaml_type));
    if let Some(d) = compute.properties.description.as_ref().filter(|d| !d.is_empty()) {
        spec.insert("description".into(), json!(d));
    }
    if let Some(id) = &compute.properties.resource_id {
        spec.insert("resource_id".into(), json!(id));
    }
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            spec.insert(key.into(), v);
        }
    };
    match kind {
        "ComputeInstance" => {
            put("size", get("vmSize").cloned());
            put(
                "idle_time_before_shutdown_minutes",
                get("idleTimeBeforeShutdown").and_then(iso_minutes).map(Value::from),
            );
            put("ssh_public_access_enabled", get("sshSettings.sshPublicAccess").and_then(enabled));
            put("ssh_settings", get("sshSettings.adminPublicKey").map(|k| json!({"ssh_key_value": k})));
            put("network_settings", get("subnet.id").map(|id| json!({"subnet": id})));
            put(
                "create_on_behalf_of",
                get("personalComputeInstanceSettings.assignedUser")
                    .map(|u| json!({"user_object_id": u.get("objectId"), "user_tenant_id": u.get("tenantId")})),
            );
            put(
                "schedules",
                get("schedules.computeStartStop")
                    .and_then(Value::as_array)
                    .filter(|s| !s.is_empty())
                    .map(|s| json!({"compute_start_stop": s.iter().map(schedule).collect::<Vec<_>>()})),
            );
            for (rest, key) in [
                ("enableNodePublicIp", "enable_node_public_ip"),
                ("enableSSO", "enable_sso"),
                ("enableRootAccess", "enable_root_access"),
                ("releaseQuotaOnStop", "release_quota_on_stop"),
                ("enableOSPatching", "enable_os_patching"),
            ] {
                put(key, get(rest).filter(|v| v.is_boolean()).cloned());
            }
        }
        "AmlCompute" => {
            put("location", compute.region().map(|r| json!(r)));
            put("size", get("vmSize").cloned());
            put(
                "tier",
                get("vmPriority")
                    .and_then(Value::as_str)
                    .map(|p| json!(if p.eq_ignore_ascii_case("LowPriority") { "low_priority" } else { "dedicated" })),
            );
            put("min_instances", get("scaleSettings.minNodeCount").cloned());
            put("max_instances", get("scaleSettings.maxNodeCount").cloned());
            put(
                "idle_time_before_scale_down",
                get("scaleSettings.nodeIdleTimeBeforeScaleDown").and_then(iso_seconds).map(Value::from),
            );
            put("ssh_public_access_enabled", get("remoteLoginPortPublicAccess").and_then(enabled));
            put("network_settings", get("subnet.id").map(|id| json!({"subnet": id})));
            put("enable_node_public_ip", get("enableNodePublicIp").filter(|v| v.is_boolean()).cloned());
        }
        "Kubernetes" => put("namespace", get("namespace").cloned()),
        _ => {}
    }
    if let Some(identity) = compute.identity.as_ref().and_then(identity) {
        spec.insert("identity".into(), identity);
    }
    if let Some(tags) = compute.tags.as_ref().filter(|t| !t.is_empty()) {
        spec.insert("tags".into(), Value::Object(tags.clone()));
    }
    Value::Object(spec)
}

fn enabled(v: &Value) -> Option<Value> {
    match v.as_str()? {
        s if s.eq_ignore_ascii_case("Enabled") => Some(json!(true)),
        s if s.eq_ignore_ascii_case("Disabled") => Some(json!(false)),
        _ => None,
    }
}

/// Seconds in an ISO-8601 duration (`PT1H30M`), whole seconds only.
fn iso_seconds(v: &Value) -> Option<i64> {
    let text = v.as_str()?.trim();
    let rest = text.strip_prefix(['P', 'p'])?;
    let (mut total, mut number, mut in_time) = (0i64, String::new(), false);
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            'T' => in_time = true,
            d if d.is_ascii_digit() => number.push(d),
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += n * match (unit, in_time) {
                    ('D', false) => 86_400,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
            }
        }
    }
    number.is_empty().then_some(total)
}

fn iso_minutes(v: &Value) -> Option<i64> {
    iso_seconds(v).filter(|s| s % 60 == 0).map(|s| s / 60)
}

/// One `computeStartStop` entry in the spec's keys.
fn schedule(s: &Value) -> Value {
    let lower = |v: Option<&Value>| v.and_then(Value::as_str).map(|t| json!(t.to_ascii_lowercase()));
    let mut out = Map::new();
    let mut add = |k: &str, v: Option<Value>| {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            out.insert(k.into(), v);
        }
    };
    add("action", lower(s.get("action")));
    add("state", lower(s.get("status")));
    let kind = s.get("triggerType").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
    let body = s.get(kind.as_str()).cloned().unwrap_or(Value::Null);
    let mut trigger = Map::new();
    trigger.insert("type".into(), json!(kind));
    for (rest, key) in
        [("expression", "expression"), ("startTime", "start_time"), ("timeZone", "time_zone"), ("interval", "interval")]
    {
        if let Some(v) = body.get(rest).filter(|v| !v.is_null()) {
            trigger.insert(key.into(), v.clone());
        }
    }
    if let Some(f) = body.get("frequency").and_then(Value::as_str) {
        trigger.insert("frequency".into(), json!(f.to_ascii_lowercase()));
    }
    if let Some(rs) = body.get("schedule").filter(|v| v.is_object()) {
        let mut sched = Map::new();
        for (rest, key) in [("hours", "hours"), ("minutes", "minutes")] {
            if let Some(v) = rs.get(rest).filter(|v| !v.is_null()) {
                sched.insert(key.into(), v.clone());
            }
        }
        if let Some(days) = rs.get("weekDays").and_then(Value::as_array) {
            let days: Vec<Value> =
                days.iter().filter_map(|d| d.as_str()).map(|d| json!(d.to_ascii_lowercase())).collect();
            sched.insert("week_days".into(), Value::Array(days));
        }
        trigger.insert("schedule".into(), Value::Object(sched));
    }
    add("trigger", Some(Value::Object(trigger)));
    Value::Object(out)
}

fn identity(identity: &Value) -> Option<Value> {
    let kind = identity.get("type").and_then(Value::as_str)?;
    let yaml = match kind.replace(' ', "").to_ascii_lowercase().as_str() {
        "systemassigned" => "system_assigned",
        "userassigned" => "user_assigned",
        "systemassigned,userassigned" => "system_assigned,user_assigned",
        _ => return None,
    };
    let mut out = Map::new();
    out.insert("type".into(), json!(yaml));
    if let Some(ids) = identity.get("userAssignedIdentities").and_then(Value::as_object) {
        let list: Vec<Value> = ids.keys().map(|id| json!({"resource_id": id})).collect();
        out.insert("user_assigned_identities".into(), Value::Array(list));
    }
    Some(Value::Object(out))
}

/// The spec key an update's REST path stands for (`properties.properties.vmPriority` → `tier`), so a diff speaks
/// the spec's language; a path with no spec key is returned as it is.
pub fn spec_key(path: &str) -> String {
    const INNER: &[(&str, &str)] = &[
        ("vmSize", "size"),
        ("vmPriority", "tier"),
        ("scaleSettings.maxNodeCount", "max_instances"),
        ("scaleSettings.minNodeCount", "min_instances"),
        ("scaleSettings.nodeIdleTimeBeforeScaleDown", "idle_time_before_scale_down"),
        ("idleTimeBeforeShutdown", "idle_time_before_shutdown_minutes"),
        ("customServices", "custom_applications"),
        ("schedules.computeStartStop", "schedules.compute_start_stop"),
        ("sshSettings.sshPublicAccess", "ssh_public_access_enabled"),
        ("sshSettings.adminPublicKey", "ssh_settings.ssh_key_value"),
        ("remoteLoginPortPublicAccess", "ssh_public_access_enabled"),
        ("subnet.id", "network_settings.subnet"),
        ("enableNodePublicIp", "enable_node_public_ip"),
        ("enableSSO", "enable_sso"),
        ("enableRootAccess", "enable_root_access"),
        ("releaseQuotaOnStop", "release_quota_on_stop"),
        ("enableOSPatching", "enable_os_patching"),
        ("personalComputeInstanceSettings.assignedUser.objectId", "create_on_behalf_of.user_object_id"),
        ("personalComputeInstanceSettings.assignedUser.tenantId", "create_on_behalf_of.user_tenant_id"),
        ("namespace", "namespace"),
    ];
    if let Some(rest) = path.strip_prefix("properties.properties.") {
        if let Some((_, key)) = INNER.iter().find(|(p, _)| *p == rest) {
            return (*key).to_string();
        }
    }
    match path {
        "properties.description" => "description".into(),
        "properties.resourceId" => "resource_id".into(),
        other => other.strip_prefix("properties.").filter(|_| other.starts_with("tags")).unwrap_or(other).to_string(),
    }
}

/// A value of an update's REST path as the spec writes it (`LowPriority` → `low_priority`, `PT2M` → `120` for
/// seconds, `Enabled` → `true`).
pub fn spec_value(path: &str, value: &Value) -> Value {
    let key = spec_key(path);
    match key.as_str() {
        "tier" => value
            .as_str()
            .map(|p| json!(if p.eq_ignore_ascii_case("LowPriority") { "low_priority" } else { "dedicated" }))
            .unwrap_or_else(|| value.clone()),
        "idle_time_before_scale_down" => iso_seconds(value).map(Value::from).unwrap_or_else(|| value.clone()),
        "idle_time_before_shutdown_minutes" => iso_minutes(value).map(Value::from).unwrap_or_else(|| value.clone()),
        "ssh_public_access_enabled" => enabled(value).unwrap_or_else(|| value.clone()),
        _ => value.clone(),
    }
}

/// `value` as block YAML. Strings are quoted (as JSON, which YAML reads the same) wherever YAML 1.1 would read
/// them as something else or could not read them plain.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    emit(value, 0, &mut out);
    out
}

fn emit(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                out.push_str(&format!("{pad}{}:", scalar_text(&Value::String(k.clone()))));
                child(v, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        // The first key on the dash's line, the rest under it.
                        let mut text = String::new();
                        emit(item, indent + 2, &mut text);
                        out.push(' ');
                        out.push_str(text.trim_start());
                    }
                    _ => child(item, indent, out),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar_text(other))),
    }
}

/// After `key:` or `-`: a scalar on the same line, a collection on the lines below.
fn child(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit(v, indent + 2, out);
        }
        _ => out.push_str(&format!(" {}\n", scalar_text(v))),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) if plain_ok(s) => s.clone(),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// Whether a string can stay unquoted and still load as the same string under YAML 1.1.
fn plain_ok(s: &str) -> bool {
    const WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ""];
    if WORDS.contains(&s.to_ascii_lowercase().as_str()) || s.trim() != s {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_ascii_digit() || first == '.' || first == '+' {
        return false;
    }
    !(s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.chars().any(|c| c.is_control()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_paths_in_the_spec_keys() {
        let cases = [
            ("properties.properties.vmPriority", json!("LowPriority"), "tier", json!("low_priority")),
            (
                "properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown",
                json!("PT2M"),
                "idle_time_before_scale_down",
                json!(120),
            ),
            (
                "properties.properties.idleTimeBeforeShutdown",
                json!("PT45M"),
                "idle_time_before_shutdown_minutes",
                json!(45),
            ),
            ("properties.description", json!("d"), "description", json!("d")),
            ("tags.team", json!("a"), "tags.team", json!("a")),
            ("properties.properties.unknownThing", json!(1), "properties.properties.unknownThing", json!(1)),
        ];
        for (path, value, key, shown) in cases {
            assert_eq!((spec_key(path), spec_value(path, &value)), (key.to_string(), shown), "{path}");
        }
    }

    #[test]
    fn yaml_text_quotes_what_yaml_would_misread() {
        let value = json!({"name": "ci", "on": "yes", "n": 5, "list": [{"a": 1, "b": "x: y"}, "007"], "empty": {}});
        assert_eq!(
            to_yaml(&value),
            "name: ci\n\"on\": \"yes\"\n\"n\": 5\nlist:\n  - a: 1\n    b: \"x: y\"\n  - \"007\"\nempty: {}\n"
        );
    }

    #[test]
    fn an_instance_maps_back_to_the_spec_keys() {
        let compute: ComputeResource = serde_json::from_value(json!({
            "name": "ci", "properties": {"computeType": "ComputeInstance", "properties": {
                "vmSize": "Standard_DS3_v2", "idleTimeBeforeShutdown": "PT60M", "state": "Running",
                "sshSettings": {"sshPublicAccess": "Disabled", "adminUserName": "azureuser"},
                "schedules": {"computeStartStop": [{"id": "x", "action": "Stop", "status": "Enabled", "triggerType": "Cron",
                    "cron": {"expression": "0 18 * * *", "timeZone": "UTC"}}]}}}}))
        .unwrap_or_default();
        let spec = spec_of(&compute);
        assert_eq!(spec["type"], "computeinstance");
        assert_eq!(spec["idle_time_before_shutdown_minutes"], 60);
        assert_eq!(spec["ssh_public_access_enabled"], false);
        assert!(spec.get("state").is_none());
        assert_eq!(
            spec["schedules"]["compute_start_stop"][0],
            json!({"action": "stop", "state": "enabled", "trigger": {"type": "cron", "expression": "0 18 * * *", "time_zone": "UTC"}})
        );
    }
}
