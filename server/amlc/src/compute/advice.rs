//! The CLI's last words after a stop: the shared advice on what a stopped instance still costs, filled in with the
//! instance's own `releaseQuotaOnStop`.

use amlc_azure::ComputeResource;

/// Whether the instance releases its cores from quota while stopped.
fn releases_quota(compute: &ComputeResource) -> bool {
    compute.properties.properties.as_ref().and_then(|p| p.get("releaseQuotaOnStop")).and_then(|v| v.as_bool())
        == Some(true)
}

/// What a stopped instance still costs, for this instance.
pub fn stopped_note(compute: &ComputeResource) -> String {
    amlc_spec::advice::stopped_instance_note(releases_quota(compute))
}

/// `'ci' is Stopped; note: …; only deleting it ends every charge (…)`.
pub fn stopped_line(name: &str, state: &str, compute: Option<&ComputeResource>) -> String {
    let note = match compute {
        Some(c) => stopped_note(c),
        None => amlc_spec::advice::stopped_instance_note(false),
    };
    format!("'{name}' is {state}; note: {note}; {}", amlc_spec::advice::delete_to_stop_all_charges(name))
}
