//! `amlc compute ssh NAME`: work out user, host and port (an instance's connectivity endpoints and SSH settings, a
//! cluster node from listNodes), refuse clearly when SSH cannot work, then run the system `ssh`, print the command,
//! or write a Host entry to the ssh config.

use std::path::{Path, PathBuf};

use amlc_azure::ComputeResource;

use amlc_azure::home::Platform;

use super::args::SshArgs;
use super::ops::{fetch, name as name_of};
use super::output::line;
use super::{ssh_program, Ctx, Failure, Outcome};

pub use amlc_azure::ssh::Target;

pub use amlc_azure::body::expand_home;

fn instance_target(c: &ComputeResource, args: &SshArgs) -> Result<Target, Failure> {
    amlc_azure::ssh::instance_target(c, args.user.as_deref(), args.private)
        .map_err(|refusal| Failure::new(refusal.message).hint(refusal.hint))
}

/// A cluster node, chosen by `--node` or the first reachable one; the logic is `amlc_azure::ssh`'s, shared with
/// the language server.
async fn cluster_target(ctx: &Ctx, c: &ComputeResource, args: &SshArgs) -> Result<Target, Failure> {
    let refused = |refusal: amlc_azure::ssh::Refusal| Failure::new(refusal.message).hint(refusal.hint);
    let user = amlc_azure::ssh::cluster_user(c, args.user.as_deref()).map_err(refused)?;
    let nodes = ctx.client.list_nodes(&ctx.ws, &c.name).await?;
    amlc_azure::ssh::cluster_node_target(c, &nodes, user, args.node.as_deref(), args.private)
        .map(|(target, _)| target)
        .map_err(refused)
}

/// The ssh arguments (without the program name).
pub fn ssh_argv(target: &Target, args: &SshArgs) -> Vec<String> {
    let mut argv = vec!["-p".to_string(), target.port.to_string()];
    if let Some(identity) = &args.identity {
        argv.push("-i".into());
        argv.push(identity.display().to_string());
    }
    for option in &args.ssh_options {
        argv.push("-o".into());
        argv.push(option.clone());
    }
    argv.push(format!("{}@{}", target.user, target.host));
    if !args.command.is_empty() {
        argv.push("--".into());
        argv.extend(args.command.iter().cloned());
    }
    argv
}

/// The config text with the `Host amlc-NAME` block replaced (or added).
pub fn with_host_entry(existing: &str, alias: &str, target: &Target, identity: Option<&Path>) -> String {
    let mut kept = Vec::new();
    let mut skipping = false;
    for line in existing.lines() {
        let trimmed = line.trim();
        if let Some(hosts) = trimmed.strip_prefix("Host ").or_else(|| trimmed.strip_prefix("Host\t")) {
            skipping = hosts.split_whitespace().any(|h| h == alias);
        } else if trimmed.starts_with("Match ") {
            skipping = false;
        }
        if !skipping {
            kept.push(line.to_string());
        }
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let mut out = kept.join("\n");
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "Host {alias}\n    HostName {}\n    User {}\n    Port {}\n",
        target.host, target.user, target.port
    ));
    if let Some(identity) = identity {
        out.push_str(&format!("    IdentityFile {}\n", identity.display()));
    }
    out
}

pub async fn ssh(ctx: &Ctx, args: &SshArgs) -> Outcome {
    let name = name_of(&args.name)?;
    let compute = fetch(ctx, name).await?;
    let target = if compute.is_instance() {
        // A personal instance admits only its assigned user; say so instead of letting ssh fail on the key.
        if let (Some(owner), Some(me)) = (compute.assigned_user_object_id(), ctx.client.token_claim("oid").await) {
            if !owner.eq_ignore_ascii_case(&me) {
                return Err(Failure::new(format!(
                    "'{name}' is a personal instance assigned to another user (object id {owner}); you are {me}"
                ))
                .hint("ask its owner, or create your own instance"));
            }
        }
        instance_target(&compute, args)?
    } else if compute.is_cluster() {
        cluster_target(ctx, &compute, args).await?
    } else {
        return Err(Failure::new(format!(
            "'{name}' is a {}; amlc connects to compute instances and cluster nodes only",
            compute.compute_type()
        )));
    };
    if args.write_config {
        let path = PathBuf::from(expand_home(&args.ssh_config));
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        let alias = format!("amlc-{name}");
        let text = with_host_entry(&existing, &alias, &target, args.identity.as_deref());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure::new(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&path, text).map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
        return line(&format!("wrote Host {alias} to {}; connect with `ssh {alias}`", path.display()));
    }
    let argv = ssh_argv(&target, args);
    if args.print {
        let words: Vec<String> = std::iter::once("ssh".to_string())
            .chain(argv.iter().map(|w| ssh_program::quote(w, Platform::CURRENT)))
            .collect();
        return line(&words.join(" "));
    }
    let program = ssh_program::current();
    let status = std::process::Command::new(&program).args(&argv).status().map_err(|e| {
        Failure::new(format!("cannot run {program}: {e}"))
            .hint("install an OpenSSH client, or use --print to see the command")
    })?;
    match status.code() {
        Some(0) => Ok(()),
        Some(code) => Err(Failure {
            message: format!("ssh exited with status {code}"),
            hint: None,
            code: code.clamp(1, 255) as u8,
        }),
        None => Err(Failure::new("ssh was terminated by a signal")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target { user: "azureuser".into(), host: "10.0.0.1".into(), port: 50000 }
    }

    #[test]
    fn host_entry_is_added_then_replaced() {
        let start = "Host other\n    HostName a\n";
        let once = with_host_entry(start, "amlc-ci", &target(), None);
        assert!(once.starts_with("Host other\n    HostName a\n\nHost amlc-ci\n    HostName 10.0.0.1\n"));
        let moved = Target { host: "10.0.0.2".into(), ..target() };
        let twice = with_host_entry(&once, "amlc-ci", &moved, Some(Path::new("/k")));
        assert_eq!(twice.matches("Host amlc-ci").count(), 1);
        assert!(twice.contains("HostName 10.0.0.2") && !twice.contains("HostName 10.0.0.1"));
        assert!(twice.contains("IdentityFile /k") && twice.contains("Host other"));
    }
}
