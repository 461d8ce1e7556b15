//! SSH resolution for every front end: the compute is read, its type and owner checked, and the user, host and
//! port worked out (the rules for one instance or one node are in `crate::ssh`).

use super::run::read;
use super::{Code, Refusal};
use crate::client::ArmClient;
use crate::discovery::WorkspaceRef;
use crate::models::ComputeNode;
use crate::ssh::Target;

/// What to connect to; for a cluster also the chosen node and every node.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub target: Target,
    pub node: Option<String>,
    pub nodes: Vec<ComputeNode>,
}

/// The choices a front end collects.
#[derive(Clone, Debug, Default)]
pub struct Ask<'a> {
    pub user: Option<&'a str>,
    pub node: Option<&'a str>,
    pub private: bool,
}

fn unavailable(refusal: crate::ssh::Refusal) -> Refusal {
    Refusal::new(Code::SshUnavailable, refusal.message).hint(refusal.hint)
}

pub async fn resolve(client: &ArmClient, ws: &WorkspaceRef, name: &str, ask: &Ask<'_>) -> Result<Resolved, Refusal> {
    let compute = read(client, ws, name).await?;
    if compute.is_instance() {
        // A personal instance admits only its assigned user; say so instead of letting ssh fail on the key.
        if let (Some(owner), Some(me)) = (compute.assigned_user_object_id(), client.token_claim("oid").await) {
            if !owner.eq_ignore_ascii_case(&me) {
                return Err(Refusal::new(
                    Code::SshUnavailable,
                    format!(
                        "'{name}' is a personal instance assigned to another user (object id {owner}); you are {me}"
                    ),
                )
                .hint("ask its owner, or create your own instance"));
            }
        }
        let target = crate::ssh::instance_target(&compute, ask.user, ask.private).map_err(unavailable)?;
        return Ok(Resolved { target, node: None, nodes: Vec::new() });
    }
    if compute.is_cluster() {
        let user = crate::ssh::cluster_user(&compute, ask.user).map_err(unavailable)?;
        let nodes = client.list_nodes(ws, name).await?;
        let (target, node) =
            crate::ssh::cluster_node_target(&compute, &nodes, user, ask.node, ask.private).map_err(unavailable)?;
        return Ok(Resolved { target, node: Some(node), nodes });
    }
    Err(super::table::ssh_wrong_type(&compute))
}
