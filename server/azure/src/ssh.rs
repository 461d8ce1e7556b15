//! SSH to a compute, the pure part: where to connect (user, host, port) from an instance's SSH settings and
//! connectivity endpoints or a cluster's login settings and the node `listNodes` reported, or why SSH cannot work.
//! Shared by `amlc compute ssh` and the language server's `amlc.compute.sshCommand`; running ssh and listing
//! the nodes stay with the callers.

use crate::shell::quote;
use crate::{ComputeNode, ComputeResource};

/// Where to connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub user: String,
    pub host: String,
    pub port: u16,
}

impl Target {
    /// `ssh`'s arguments for this target: the port, the caller's `options`, then `--` (so nothing from Azure's
    /// answer can be read as an option) and `user@host`. The command line and the editor both build on this.
    pub fn ssh_args(&self, options: &[String]) -> Vec<String> {
        let mut argv = vec!["-p".to_string(), self.port.to_string()];
        argv.extend(options.iter().cloned());
        argv.push("--".into());
        argv.push(format!("{}@{}", self.user, self.host));
        argv
    }

    /// A target whose user and host are what Azure can return, never an ssh option or a second word: they come
    /// from an ARM response, and `ssh` would read `-oProxyCommand=…` as an option that runs a command.
    pub fn checked(user: String, host: String, port: u16) -> Result<Target, Refusal> {
        if !valid_user(&user) {
            return Err(Refusal::new(format!(
                "the login user {} is not a user name Azure creates; amlc will not pass it to ssh",
                quote(&user)
            ))
            .hint("a login user is 1 to 64 letters, digits, '_', '-' or '.', not starting with '-' or '.'; give one with --user"));
        }
        if !valid_host(&host) {
            return Err(Refusal::new(format!(
                "the address {} is not an IP address or host name; amlc will not pass it to ssh",
                quote(&host)
            ))
            .hint("the address comes from Azure's answer; see it with `amlc compute show` and the compute's name"));
        }
        Ok(Target { user, host, port })
    }
}

/// A Linux login name as Azure accepts one for an administrator: letters, digits, `_`, `-`, `.`, at most 64,
/// starting with a letter, a digit or `_`.
pub fn valid_user(user: &str) -> bool {
    let mut chars = user.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && user.len() <= 64
}

/// An IPv4 or IPv6 address, or a DNS name (labels of letters, digits and inner hyphens).
pub fn valid_host(host: &str) -> bool {
    if host.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    host.len() <= 253 && host.split('.').all(label)
}

/// Why SSH cannot work, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub hint: String,
}

impl Refusal {
    fn new(message: String) -> Refusal {
        Refusal { message, hint: String::new() }
    }

    fn hint(mut self, hint: impl Into<String>) -> Refusal {
        self.hint = hint.into();
        self
    }
}

/// The SSH port for an address. The port Azure reports (an instance's `sshSettings.sshPort`, a node's `port` from
/// listNodes) goes with the public address: the nodes of a cluster share one public address and are told apart by
/// that port (50000, 50001, …), a translation made in front of the machines. The private address reaches the machine
/// itself, whose SSH daemon listens on the standard port, for instances and cluster nodes alike.
pub fn port(reported: Option<u16>, private: bool) -> u16 {
    if private {
        STANDARD_PORT
    } else {
        reported.unwrap_or(STANDARD_PORT)
    }
}

const STANDARD_PORT: u16 = 22;

/// Where to connect to a compute instance, from its SSH settings and connectivity endpoints; refused in plain
/// words when SSH cannot work (disabled at creation, not Running, no public address).
pub fn instance_target(c: &ComputeResource, user: Option<&str>, private: bool) -> Result<Target, Refusal> {
    let name = &c.name;
    let state = c.state().unwrap_or("Unknown");
    let ssh = c.instance_ssh().unwrap_or_default();
    if !ssh.ssh_public_access.as_deref().is_some_and(|a| a.eq_ignore_ascii_case("Enabled")) {
        return Err(Refusal::new(format!("SSH is disabled on '{name}': it was created without public SSH access"))
            .hint(
            "SSH access can only be chosen at creation: recreate the instance with `ssh_public_access_enabled: true` \
             and `ssh_settings.ssh_key_value`, or use the terminal in the studio or VS Code",
        ));
    }
    match state {
        "Running" | "JobRunning" => {}
        "Stopped" => {
            return Err(Refusal::new(format!("'{name}' is Stopped"))
                .hint(format!("start it first: `amlc compute start {}`, then connect again", quote(name))))
        }
        other => {
            return Err(Refusal::new(format!("'{name}' is {other}; SSH needs it Running"))
                .hint(format!("wait and check with `amlc compute show {}`", quote(name))))
        }
    }
    let endpoints = c.connectivity().unwrap_or_default();
    let host = if private { endpoints.private_ip_address.clone() } else { endpoints.public_ip_address.clone() };
    let Some(host) = host.filter(|h| !h.is_empty()) else {
        let private = endpoints.private_ip_address.unwrap_or_else(|| "-".into());
        return Err(Refusal::new(format!(
            "'{name}' has no public IP address (created with enable_node_public_ip: false)"
        ))
        .hint(format!("from inside its virtual network, connect to the private address {private} with --private")));
    };
    let user = user.map(str::to_string).or(ssh.admin_user_name).unwrap_or_else(|| "azureuser".into());
    Target::checked(user, host, port(ssh.ssh_port, private))
}

/// The login user of a cluster's nodes, or why nobody can log in; checked before listing the nodes.
pub fn cluster_user(c: &ComputeResource, user: Option<&str>) -> Result<String, Refusal> {
    let name = &c.name;
    if c.remote_login_access().is_some_and(|a| a.eq_ignore_ascii_case("Disabled")) {
        return Err(Refusal::new(format!(
            "SSH is disabled on the nodes of '{name}' (ssh_public_access_enabled: false)"
        ))
        .hint("it can only be chosen at creation; recreate the cluster to enable it"));
    }
    match user.map(str::to_string).or(c.cluster_admin_user().map(str::to_string)) {
        Some(user) => Ok(user),
        None => {
            Err(Refusal::new(format!("'{name}' was created without ssh_settings, so its nodes have no login user"))
                .hint("recreate it with ssh_settings.admin_username and a key or password"))
        }
    }
}

/// Where to connect to a node of a cluster: the node named by `node_id`, else the first with an address of the
/// asked kind. listNodes reports the NAT port of a public address; a private address is reached on 22.
pub fn cluster_node_target(
    c: &ComputeResource,
    nodes: &[ComputeNode],
    user: String,
    node_id: Option<&str>,
    private: bool,
) -> Result<(Target, String), Refusal> {
    let name = &c.name;
    let Some(first) = nodes.first() else {
        return Err(Refusal::new(format!("'{name}' has no nodes right now")).hint(format!(
            "nodes exist while jobs run or with min_instances > 0 (`amlc compute update {name} --min-instances 1`)"
        )));
    };
    let node = match node_id {
        Some(id) => nodes.iter().find(|n| n.node_id == id).ok_or_else(|| {
            Refusal::new(format!("'{name}' has no node '{id}'"))
                .hint(format!("see them with `amlc compute list-nodes {}`", quote(name)))
        })?,
        None => nodes
            .iter()
            .find(|n| if private { n.private_ip_address.is_some() } else { n.public_ip_address.is_some() })
            .unwrap_or(first),
    };
    let host = if private { node.private_ip_address.clone() } else { node.public_ip_address.clone() };
    let Some(host) = host.filter(|h| !h.is_empty()) else {
        return Err(Refusal::new(format!("node {} of '{name}' has no public IP address", node.node_id)).hint(format!(
            "from inside its virtual network, connect to {} with --private",
            node.private_ip_address.clone().unwrap_or_else(|| "its private address".into())
        )));
    };
    let port = port(node.port, private);
    Ok((Target::checked(user, host, port)?, node.node_id.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cluster(access: &str, user: Option<&str>) -> ComputeResource {
        let mut props = json!({"remoteLoginPortPublicAccess": access});
        if let Some(user) = user {
            props["userAccountCredentials"] = json!({"adminUserName": user});
        }
        serde_json::from_value(json!({"name": "gpu", "properties": {"computeType": "AmlCompute", "properties": props}}))
            .unwrap_or_default()
    }

    fn node(id: &str, public: Option<&str>, port: u16) -> ComputeNode {
        ComputeNode {
            node_id: id.into(),
            private_ip_address: Some(format!("10.0.0.{port}")),
            public_ip_address: public.map(str::to_string),
            port: Some(port),
            ..ComputeNode::default()
        }
    }

    #[test]
    fn hostile_users_and_hosts_are_refused() {
        for user in ["-oProxyCommand=touch x", "a b", "u\n    ProxyCommand x", "", ".x", "a@b", &"a".repeat(65)] {
            assert!(!valid_user(user), "{user:?}");
            let refused = Target::checked(user.to_string(), "10.0.0.1".into(), 22);
            assert!(refused.is_err_and(|r| r.message.contains("not a user name")), "{user:?}");
        }
        for user in ["azureuser", "a", "_svc", "first.last-2"] {
            assert!(valid_user(user), "{user:?}");
        }
        for host in ["-oProxyCommand=x", "1.2.3.4 -p 1", "a..b", "", "host\nx", "a_b.com", "-a.com"] {
            assert!(!valid_host(host), "{host:?}");
        }
        for host in ["10.0.0.1", "::1", "fe80::1", "ci-1.eastus.instances.azureml.ms", "localhost"] {
            assert!(valid_host(host), "{host:?}");
        }
        let c = cluster("Enabled", Some("azureuser"));
        let hostile = [ComputeNode { public_ip_address: Some("-oProxyCommand=x".into()), ..node("a", None, 1) }];
        assert!(cluster_node_target(&c, &hostile, "u".into(), None, false).is_err());
    }

    #[test]
    fn cluster_login_and_node_choice() {
        assert_eq!(cluster_user(&cluster("Enabled", Some("azureuser")), None), Ok("azureuser".to_string()));
        assert_eq!(cluster_user(&cluster("Enabled", Some("azureuser")), Some("me")), Ok("me".to_string()));
        assert!(
            cluster_user(&cluster("Disabled", Some("azureuser")), None).is_err_and(|r| r.message.contains("disabled"))
        );
        assert!(
            cluster_user(&cluster("Enabled", None), None).is_err_and(|r| r.message.contains("without ssh_settings"))
        );
        let c = cluster("Enabled", Some("azureuser"));
        let nodes = [node("a", None, 50000), node("b", Some("20.1.1.1"), 50001)];
        let pick = |id: Option<&str>, private: bool| {
            cluster_node_target(&c, &nodes, "u".into(), id, private).map(|(t, id)| (t.host, t.port, id))
        };
        assert_eq!(pick(None, false), Ok(("20.1.1.1".into(), 50001, "b".into())), "the first node with a public IP");
        assert_eq!(pick(Some("a"), true), Ok(("10.0.0.50000".into(), 22, "a".into())));
        assert!(pick(Some("a"), false).is_err_and(|r| r.message.contains("no public IP")));
        assert!(pick(Some("zz"), false).is_err_and(|r| r.message.contains("no node 'zz'")));
        assert!(cluster_node_target(&c, &[], "u".into(), None, false).is_err_and(|r| r.message.contains("no nodes")));
    }
}
