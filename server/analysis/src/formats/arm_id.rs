//! ARM resource ids in one place: their shape, the resource type they name, and comparison as ARM makes it
//! (segments case-insensitive, surrounding blanks and a trailing `/` ignored). The checker, the pre-flight and
//! the emulator all read ids through this module, so a spelling cannot pass one face and fail another.

/// A resource type an id field must name: the provider namespace and the nested type names
/// (`Microsoft.Synapse` with `workspaces`, `bigDataPools`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub provider: &'static str,
    pub types: &'static [&'static str],
    /// What a user calls it: "an AKS cluster".
    pub what: &'static str,
}

impl ResourceType {
    /// `Microsoft.Synapse/workspaces/bigDataPools`.
    pub fn path(&self) -> String {
        std::iter::once(self.provider).chain(self.types.iter().copied()).collect::<Vec<_>>().join("/")
    }

    /// An example id of this type, with the parts a user fills in between angle brackets.
    pub fn example(&self) -> String {
        let mut out = format!("/subscriptions/<subscription>/resourceGroups/<group>/providers/{}", self.provider);
        for t in self.types {
            out.push_str(&format!("/{t}/<name>"));
        }
        out
    }
}

pub const VIRTUAL_MACHINE: ResourceType =
    ResourceType { provider: "Microsoft.Compute", types: &["virtualMachines"], what: "a virtual machine" };
pub const AKS_CLUSTER: ResourceType =
    ResourceType { provider: "Microsoft.ContainerService", types: &["managedClusters"], what: "an AKS cluster" };
pub const ARC_CLUSTER: ResourceType = ResourceType {
    provider: "Microsoft.Kubernetes",
    types: &["connectedClusters"],
    what: "an Azure Arc-enabled Kubernetes cluster",
};
pub const SYNAPSE_SPARK_POOL: ResourceType = ResourceType {
    provider: "Microsoft.Synapse",
    types: &["workspaces", "bigDataPools"],
    what: "a Synapse Spark pool",
};
pub const USER_ASSIGNED_IDENTITY: ResourceType = ResourceType {
    provider: "Microsoft.ManagedIdentity",
    types: &["userAssignedIdentities"],
    what: "a user-assigned managed identity",
};
pub const SUBNET: ResourceType =
    ResourceType { provider: "Microsoft.Network", types: &["virtualNetworks", "subnets"], what: "a subnet" };

/// An id split into its parts (borrowed from the text, trimmed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArmId<'a> {
    pub subscription: &'a str,
    pub resource_group: &'a str,
    pub provider: &'a str,
    /// `(type, name)` pairs, outermost first.
    pub resources: Vec<(&'a str, &'a str)>,
}

/// Why a text is not a resource id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// It does not start with `/subscriptions/`.
    NotAnId,
    /// A part is missing or empty (`resourceGroups//providers`), or the id stops early.
    Incomplete,
}

impl<'a> ArmId<'a> {
    /// Parses `/subscriptions/S/resourceGroups/G/providers/NS/TYPE/NAME[/TYPE/NAME…]`, ignoring blanks around it
    /// and one trailing `/`, as ARM does.
    pub fn parse(text: &'a str) -> Result<ArmId<'a>, ParseError> {
        let trimmed = text.trim();
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        let Some(rest) = trimmed.strip_prefix('/') else { return Err(ParseError::NotAnId) };
        let parts: Vec<&str> = rest.split('/').collect();
        if !parts.first().is_some_and(|p| p.eq_ignore_ascii_case("subscriptions")) {
            return Err(ParseError::NotAnId);
        }
        let fixed_ok = parts.len() >= 7
            && parts[2].eq_ignore_ascii_case("resourceGroups")
            && parts[4].eq_ignore_ascii_case("providers")
            && (parts.len() - 6) % 2 == 0;
        if !fixed_ok || parts.iter().any(|p| p.trim().is_empty()) {
            return Err(ParseError::Incomplete);
        }
        Ok(ArmId {
            subscription: parts[1],
            resource_group: parts[3],
            provider: parts[5],
            resources: parts[6..].chunks(2).map(|c| (c[0], c[1])).collect(),
        })
    }

    /// Whether this id names a resource of `kind` (case-insensitive, as ARM compares).
    pub fn is(&self, kind: &ResourceType) -> bool {
        self.provider.eq_ignore_ascii_case(kind.provider)
            && self.resources.len() == kind.types.len()
            && self.resources.iter().zip(kind.types).all(|((t, _), want)| t.eq_ignore_ascii_case(want))
    }

    /// The type the id names, `Microsoft.Storage/storageAccounts`.
    pub fn resource_type(&self) -> String {
        std::iter::once(self.provider).chain(self.resources.iter().map(|(t, _)| *t)).collect::<Vec<_>>().join("/")
    }

    /// The last resource's name.
    pub fn name(&self) -> &'a str {
        self.resources.last().map_or("", |(_, n)| n)
    }
}

/// The id as ARM compares it: trimmed, without a trailing `/`, lower-case. Two spellings of one resource
/// normalise to the same text; a text that is not an id is only trimmed and lower-cased.
pub fn normalize(id: &str) -> String {
    let trimmed = id.trim();
    trimmed.strip_suffix('/').unwrap_or(trimmed).trim_end().to_ascii_lowercase()
}

/// Whether two ids name the same resource.
pub fn same(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

/// Why `text` is not an id of one of `kinds`, in words, or `None` when it is one.
pub fn problem(text: &str, kinds: &[ResourceType]) -> Option<String> {
    let wanted = kinds.iter().map(|k| k.what).collect::<Vec<_>>().join(" or ");
    let examples = kinds.iter().map(ResourceType::example).collect::<Vec<_>>().join(" or ");
    match ArmId::parse(text) {
        Ok(id) if kinds.iter().any(|k| id.is(k)) => None,
        Ok(id) => {
            let types = kinds.iter().map(ResourceType::path).collect::<Vec<_>>().join(" or ");
            Some(format!("names a `{}`, but it must name {wanted} (`{types}`)", id.resource_type()))
        }
        Err(ParseError::NotAnId) => {
            Some(format!("is not an ARM resource id; give the full id of {wanted}, like {examples}"))
        }
        Err(ParseError::Incomplete) => {
            Some(format!("is an incomplete ARM resource id; the id of {wanted} looks like {examples}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_name_their_type() {
        let id = ArmId::parse(
            " /subscriptions/s/resourcegroups/rg/providers/microsoft.synapse/workspaces/w/bigDataPools/p/ ",
        );
        let id = id.expect("parses");
        assert!(id.is(&SYNAPSE_SPARK_POOL));
        assert!(!id.is(&VIRTUAL_MACHINE));
        assert_eq!(id.name(), "p");
        assert_eq!(id.resource_type(), "microsoft.synapse/workspaces/bigDataPools");
        let cases: [(&str, Result<(), ParseError>); 5] = [
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", Ok(())),
            ("identity_resource_id", Err(ParseError::NotAnId)),
            ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Synapse/workspaces", Err(ParseError::Incomplete)),
            (
                "/subscriptions/s/resourceGroups//providers/Microsoft.Compute/virtualMachines/vm",
                Err(ParseError::Incomplete),
            ),
            ("", Err(ParseError::NotAnId)),
        ];
        for (text, want) in cases {
            assert_eq!(ArmId::parse(text).map(|_| ()), want, "{text}");
        }
    }

    #[test]
    fn spellings_of_one_resource_are_the_same() {
        let a = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/aks";
        for b in [
            "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/AKS",
            "  /subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/aks/ ",
        ] {
            assert!(same(a, b), "{b}");
        }
        assert!(!same(
            a,
            "/subscriptions/S/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/aks2"
        ));
    }

    #[test]
    fn problems_name_what_the_id_names_and_what_it_must() {
        let storage = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st";
        let p = problem(storage, &[USER_ASSIGNED_IDENTITY]).unwrap_or_default();
        assert!(p.contains("`Microsoft.Storage/storageAccounts`"), "{p}");
        assert!(p.contains("Microsoft.ManagedIdentity/userAssignedIdentities"), "{p}");
        assert_eq!(
            problem(
                storage.replace("Microsoft.Storage/storageAccounts", "Microsoft.Compute/virtualMachines").as_str(),
                &[VIRTUAL_MACHINE]
            ),
            None
        );
        assert!(problem("my-vm", &[VIRTUAL_MACHINE]).unwrap_or_default().starts_with("is not an ARM resource id"));
    }
}
