//! SSH to a compute instance, the pure part: where to connect (user, host, port) from the compute's SSH settings and
//! connectivity endpoints, or why SSH cannot work. Shared by `amlc compute ssh` and the language server's
//! `amlc.compute.sshCommand`; running ssh and listing cluster nodes stay with the callers.

use crate::ComputeResource;

/// Where to connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub user: String,
    pub host: String,
    pub port: u16,
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
                .hint(format!("start it first: `amlc compute start {name}`, then connect again")))
        }
        other => {
            return Err(Refusal::new(format!("'{name}' is {other}; SSH needs it Running"))
                .hint(format!("wait and check with `amlc compute show {name}`")))
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
    Ok(Target {
        user: user.map(str::to_string).or(ssh.admin_user_name).unwrap_or_else(|| "azureuser".into()),
        host,
        port: ssh.ssh_port.unwrap_or(22),
    })
}
