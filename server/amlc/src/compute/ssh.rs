//! `amlc compute ssh NAME`: work out user, host and port (an instance's connectivity endpoints and SSH settings, a
//! cluster node from listNodes), refuse clearly when SSH cannot work, then run the system `ssh`, print the command,
//! or write a Host entry to the ssh config.

use std::path::{Path, PathBuf};

use amlc_azure::workflow::ssh::Ask;

use amlc_azure::home::Platform;

use super::args::SshArgs;
use super::ops::name as name_of;
use super::output::line;
use super::{ssh_program, Ctx, Failure, Outcome};

pub use amlc_azure::ssh::Target;

pub use amlc_azure::body::expand_home;

/// The ssh arguments (without the program name).
pub fn ssh_argv(target: &Target, args: &SshArgs) -> Vec<String> {
    let mut options = Vec::new();
    if let Some(identity) = &args.identity {
        options.extend(["-i".to_string(), identity.display().to_string()]);
    }
    for option in &args.ssh_options {
        options.extend(["-o".to_string(), option.clone()]);
    }
    let mut argv = target.ssh_args(&options);
    argv.extend(args.command.iter().cloned());
    argv
}

/// The config text with the `Host amlc-NAME` block replaced (or added); every value in double quotes, and
/// refused when one cannot be quoted (a line break would start a directive of its own).
pub fn with_host_entry(
    existing: &str,
    alias: &str,
    target: &Target,
    identity: Option<&Path>,
) -> Result<String, Failure> {
    let quoted = |what: &str, value: &str| {
        amlc_azure::shell::ssh_config_value(value).ok_or_else(|| {
            Failure::new(format!(
                "cannot write the {what} {} to an ssh config: it holds a quote or a control character",
                amlc_azure::shell::quote(value)
            ))
        })
    };
    let host_line = format!("Host {}", quoted("alias", alias)?);
    let mut kept = Vec::new();
    let mut skipping = false;
    for line in existing.lines() {
        let trimmed = line.trim();
        if let Some(hosts) = trimmed.strip_prefix("Host ").or_else(|| trimmed.strip_prefix("Host\t")) {
            skipping = hosts.split_whitespace().any(|h| h.trim_matches('"') == alias);
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
        "{host_line}\n    HostName {}\n    User {}\n    Port {}\n",
        quoted("host", &target.host)?,
        quoted("user", &target.user)?,
        target.port
    ));
    if let Some(identity) = identity {
        out.push_str(&format!("    IdentityFile {}\n", quoted("identity file", &identity.display().to_string())?));
    }
    Ok(out)
}

pub async fn ssh(ctx: &Ctx, args: &SshArgs) -> Outcome {
    let name = name_of(&args.name)?;
    // Who and where: the workflow's SSH resolution, shared with the editor's SSH command.
    let ask = Ask { user: args.user.as_deref(), node: args.node.as_deref(), private: args.private };
    let target = amlc_azure::workflow::ssh::resolve(&ctx.client, &ctx.ws, name, &ask).await?.target;
    if args.write_config {
        let path = PathBuf::from(expand_home(&args.ssh_config));
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        let alias = format!("amlc-{name}");
        let text = with_host_entry(&existing, &alias, &target, args.identity.as_deref())?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure::new(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&path, text).map_err(|e| Failure::new(format!("cannot write {}: {e}", path.display())))?;
        let alias = amlc_azure::shell::quote(&alias);
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
            refusal: None,
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
        let once = with_host_entry(start, "amlc-ci", &target(), None).unwrap();
        assert!(once.starts_with("Host other\n    HostName a\n\nHost \"amlc-ci\"\n    HostName \"10.0.0.1\"\n"));
        let moved = Target { host: "10.0.0.2".into(), ..target() };
        let twice = with_host_entry(&once, "amlc-ci", &moved, Some(Path::new("/k j"))).unwrap();
        assert_eq!(twice.matches("Host \"amlc-ci\"").count(), 1);
        assert!(twice.contains("HostName \"10.0.0.2\"") && !twice.contains("10.0.0.1"));
        assert!(twice.contains("IdentityFile \"/k j\"") && twice.contains("Host other"));
    }

    #[test]
    fn a_line_break_never_reaches_the_config() {
        let hostile = Target { user: "u\n    ProxyCommand touch x".into(), ..target() };
        assert!(with_host_entry("", "amlc-ci", &hostile, None).is_err());
        assert!(with_host_entry("", "amlc-ci\nProxyCommand x", &target(), None).is_err());
    }

    #[test]
    fn destination_follows_the_end_of_options() {
        #[derive(clap::Parser)]
        struct Line {
            #[command(flatten)]
            ssh: SshArgs,
        }
        let args = <Line as clap::Parser>::parse_from(["ssh", "ci", "--", "true"]).ssh;
        let argv = ssh_argv(&target(), &args);
        let dash = argv.iter().position(|w| w == "--").unwrap();
        assert_eq!(&argv[dash + 1..], ["azureuser@10.0.0.1", "true"]);
    }
}
