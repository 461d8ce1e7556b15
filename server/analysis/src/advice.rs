//! Advice every face gives in the same words: what a stopped instance still costs, the attach rule, and what can
//! change on an instance after creation. The checker, hover, the cost lens, the CLI and the pre-flight all read it
//! from here, so the editor and the terminal never tell a user two different things.

/// What a stopped compute instance still costs. Stopping ends the compute-hour charge only: the OS disk, the
/// public IP and the standard load balancer stay billed, and the cores stay counted against quota unless the
/// instance was created with `release_quota_on_stop: true`.
pub fn stopped_instance_note(release_quota_on_stop: bool) -> String {
    let quota = if release_quota_on_stop {
        "its cores are released from quota (`release_quota_on_stop`)"
    } else {
        "its cores stay counted against quota unless it was created with `release_quota_on_stop: true`"
    };
    format!("a stopped instance is not free: the compute-hour charge stops, but its disk, public IP and load balancer are still billed, and {quota}")
}

/// The cost lens's short form of [`stopped_instance_note`].
pub const STOPPED_STILL_BILLS_SHORT: &str = "while stopped, disk, public IP and load balancer still bill";

/// The one action that ends every charge of an instance, for the last words of a stop.
pub fn delete_to_stop_all_charges(name: &str) -> String {
    format!("only deleting it ends every charge (`amlc compute delete {name}`)")
}

/// Why an instance's schedules cannot be changed by an update, and what to do instead.
pub const SCHEDULES_FIXED: &str = "an instance's schedules are set when it is created: neither `az ml compute update` nor the SDK can change them afterwards. To change them, create a new instance from the edited spec (and delete the old one), or use idle shutdown instead (`idle_time_before_shutdown_minutes` can be changed with an update)";

/// The attach rule: a resource is attached once, and its attachment's settings change only by detaching it and
/// attaching it again. Every hint about an attached compute ends here, so hints never send a user round in a loop.
/// `spec` is the spec file's path when the caller knows it.
pub fn reattach_hint(name: &str, spec: Option<&str>) -> String {
    let attach = match spec {
        Some(path) => format!("`amlc compute attach -f {path}`"),
        None => "`amlc compute attach -f` with the edited spec file".to_string(),
    };
    format!(
        "an attachment's settings cannot be changed in place: detach it (`amlc compute detach {name}`), then attach it again ({attach}); the resource itself is kept"
    )
}

/// How to change create-only settings of a compute Azure ML created (not attached).
pub fn recreate_hint(name: &str) -> String {
    format!("revert them in the spec, or delete the compute (`amlc compute delete {name}`) and create it again from the spec")
}

/// The create-only hint for a compute of REST type `kind`: re-attach for attached types, recreate otherwise;
/// with the schedules sentence when schedules are among the refused settings.
pub fn create_only_hint(kind: &str, name: &str, refused_paths: &[&str], spec: Option<&str>) -> String {
    let attached = matches!(kind.to_ascii_lowercase().as_str(), "kubernetes" | "virtualmachine" | "synapsespark");
    let base = if attached { reattach_hint(name, spec) } else { recreate_hint(name) };
    if refused_paths.iter().any(|p| p.contains("schedules")) {
        format!("{SCHEDULES_FIXED}. Otherwise {base}")
    } else {
        base
    }
}

/// A resource already attached under another name.
pub fn already_attached(resource_id: &str, holder: &str) -> String {
    format!(
        "{resource_id} is already attached as '{holder}'; a second attachment of one resource breaks the first. Use '{holder}', or to change its settings detach '{holder}' (`amlc compute detach {holder}`) and attach it again"
    )
}

/// `an AmlCompute`, `a ComputeInstance`: a type name with the article it takes.
pub fn with_article(word: &str) -> String {
    let vowel = word.chars().next().is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attached_computes_always_end_at_detach_then_attach() {
        for kind in ["Kubernetes", "VirtualMachine", "SynapseSpark"] {
            let hint = create_only_hint(kind, "k", &["properties.resourceId"], Some("k.yml"));
            assert!(hint.contains("amlc compute detach k") && hint.contains("attach -f k.yml"), "{hint}");
            assert!(!hint.contains("delete"), "{hint}");
        }
        let hint =
            create_only_hint("ComputeInstance", "ci", &["properties.properties.schedules.computeStartStop"], None);
        assert!(hint.starts_with("an instance's schedules are set when it is created"), "{hint}");
        assert!(!hint.contains("NAME"), "{hint}");
    }

    #[test]
    fn articles() {
        assert_eq!(with_article("AmlCompute"), "an AmlCompute");
        assert_eq!(with_article("ComputeInstance"), "a ComputeInstance");
    }

    #[test]
    fn stopped_instances_still_bill() {
        let note = stopped_instance_note(false);
        assert!(note.contains("disk, public IP and load balancer") && note.contains("release_quota_on_stop"), "{note}");
        assert!(stopped_instance_note(true).contains("released from quota"));
    }
}
