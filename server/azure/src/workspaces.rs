//! What a workspace picker needs from ARM: the subscriptions the signed-in account can see and the Azure ML
//! workspaces in one of them, each list followed through `nextLink` to its end.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::ArmClient;
use crate::discovery::WorkspaceRef;
use crate::error::AzureError;

/// api-version of `GET /subscriptions` (Microsoft.Resources, not Azure ML: a different provider with its own
/// versions). 2022-12-01 is the newest stable one for that type.
pub const SUBSCRIPTIONS_API_VERSION: &str = "2022-12-01";

/// One subscription of `GET /subscriptions`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub subscription_id: String,
    #[serde(default)]
    pub display_name: String,
    /// `Enabled`, `Warned`, `PastDue`, `Disabled` or `Deleted`.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub tenant_id: Option<String>,
}

/// One workspace of a subscription's list, with where it lives.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceListing {
    pub subscription_id: String,
    pub resource_group: String,
    pub workspace_name: String,
    pub location: String,
    pub id: String,
}

impl WorkspaceListing {
    pub fn reference(&self) -> WorkspaceRef {
        WorkspaceRef::new(&self.subscription_id, &self.resource_group, &self.workspace_name)
    }

    /// Reads the resource group from the ARM id
    /// (`/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name}`);
    /// `None` when the id does not have that shape.
    fn from_resource(raw: &RawWorkspace) -> Option<WorkspaceListing> {
        let parts: Vec<&str> = raw.id.split('/').collect();
        let at = |i: usize, want: &str| parts.get(i).is_some_and(|p| p.eq_ignore_ascii_case(want));
        if parts.len() < 9 || !at(1, "subscriptions") || !at(3, "resourceGroups") || !at(7, "workspaces") {
            return None;
        }
        let name = if raw.name.is_empty() { parts[8] } else { raw.name.as_str() };
        Some(WorkspaceListing {
            subscription_id: parts[2].to_string(),
            resource_group: parts[4].to_string(),
            workspace_name: name.to_string(),
            location: raw.location.clone(),
            id: raw.id.clone(),
        })
    }
}

#[derive(Deserialize)]
struct RawWorkspace {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    location: String,
}

impl ArmClient {
    /// The subscriptions the credential can see (`GET /subscriptions`), following `nextLink`.
    pub async fn list_subscriptions(&self) -> Result<Vec<Subscription>, AzureError> {
        let url = self.url(&["subscriptions"], SUBSCRIPTIONS_API_VERSION, &[])?;
        self.collect_pages(Method::GET, url, "value").await
    }

    /// The Azure ML workspaces of a subscription, sorted by resource group then name; entries whose id has not
    /// the workspace shape are skipped (they cannot be addressed).
    pub async fn list_workspaces(&self, subscription: &str) -> Result<Vec<WorkspaceListing>, AzureError> {
        let path = ["subscriptions", subscription, "providers", "Microsoft.MachineLearningServices", "workspaces"];
        let url = self.url(&path, &self.options().workspace_api_version, &[])?;
        let raw: Vec<RawWorkspace> = self.collect_pages(Method::GET, url, "value").await?;
        let mut out: Vec<WorkspaceListing> = raw.iter().filter_map(WorkspaceListing::from_resource).collect();
        out.sort_by_key(|w| (w.resource_group.to_ascii_lowercase(), w.workspace_name.to_ascii_lowercase()));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_reads_the_resource_group_from_the_id() {
        let cases = [
            (
                "/subscriptions/s1/resourceGroups/rg-a/providers/Microsoft.MachineLearningServices/workspaces/w1",
                "w1",
                Some(("s1", "rg-a", "w1")),
            ),
            // The name field wins over the id's last segment; ARM casing of segments varies.
            ("/SUBSCRIPTIONS/s1/resourcegroups/RG/providers/x/WORKSPACES/w1", "W-One", Some(("s1", "RG", "W-One"))),
            ("/subscriptions/s1/providers/Microsoft.MachineLearningServices/workspaces/w1", "w1", None),
            ("", "w1", None),
        ];
        for (id, name, want) in cases {
            let raw = RawWorkspace { id: id.to_string(), name: name.to_string(), location: "eastus".into() };
            let got = WorkspaceListing::from_resource(&raw);
            let got = got
                .as_ref()
                .map(|w| (w.subscription_id.as_str(), w.resource_group.as_str(), w.workspace_name.as_str()));
            assert_eq!(got, want, "{id}");
        }
    }
}
