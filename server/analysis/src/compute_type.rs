//! The five compute types a YAML spec can create or attach, and the quick test that decides
//! whether a YAML file is a compute spec at all (used when walking directories).

/// A compute type of `az ml compute create|attach`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComputeType {
    ComputeInstance,
    AmlCompute,
    Kubernetes,
    VirtualMachine,
    SynapseSpark,
}

impl ComputeType {
    pub const ALL: [ComputeType; 5] = [
        ComputeType::ComputeInstance,
        ComputeType::AmlCompute,
        ComputeType::Kubernetes,
        ComputeType::VirtualMachine,
        ComputeType::SynapseSpark,
    ];

    /// The lower-case YAML spelling (`computeinstance`).
    pub fn as_str(self) -> &'static str {
        match self {
            ComputeType::ComputeInstance => "computeinstance",
            ComputeType::AmlCompute => "amlcompute",
            ComputeType::Kubernetes => "kubernetes",
            ComputeType::VirtualMachine => "virtualmachine",
            ComputeType::SynapseSpark => "synapsespark",
        }
    }

    /// The REST `computeType` (`ComputeInstance`).
    pub fn rest_name(self) -> &'static str {
        match self {
            ComputeType::ComputeInstance => "ComputeInstance",
            ComputeType::AmlCompute => "AmlCompute",
            ComputeType::Kubernetes => "Kubernetes",
            ComputeType::VirtualMachine => "VirtualMachine",
            ComputeType::SynapseSpark => "SynapseSpark",
        }
    }

    /// Parses a `type` value case-insensitively, as the CLI does.
    pub fn parse(s: &str) -> Option<ComputeType> {
        let s = s.trim();
        ComputeType::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s))
    }

    /// Attached types point at an existing resource instead of creating one.
    pub fn is_attached(self) -> bool {
        matches!(self, ComputeType::Kubernetes | ComputeType::VirtualMachine | ComputeType::SynapseSpark)
    }

    /// The file stem of the published `$schema` URL for this type (`computeInstance`).
    pub fn schema_stem(self) -> &'static str {
        match self {
            ComputeType::ComputeInstance => "computeInstance",
            ComputeType::AmlCompute => "amlCompute",
            ComputeType::Kubernetes => "kubernetesCompute",
            ComputeType::VirtualMachine => "vmCompute",
            ComputeType::SynapseSpark => "synapseSparkCompute",
        }
    }

    /// The compute type a `$schema` URL (or modeline target) names, if any: the official
    /// `https://azuremlschemas.azureedge.net/<latest|version>/<stem>.schema.json` URLs and
    /// this project's `schemas/<type>.schema.json` files.
    pub fn from_schema_url(url: &str) -> Option<ComputeType> {
        let url = url.trim().trim_matches(['"', '\'']);
        let file = url.rsplit(['/', '\\']).next()?;
        let stem = file.strip_suffix(".json")?;
        let stem = stem.strip_suffix(".schema").unwrap_or(stem);
        ComputeType::ALL
            .into_iter()
            .find(|t| t.schema_stem().eq_ignore_ascii_case(stem) || t.as_str().eq_ignore_ascii_case(stem))
    }
}

impl std::fmt::Display for ComputeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The compute type named by a `# yaml-language-server: $schema=<url>` modeline, if any.
pub fn modeline_type(text: &str) -> Option<ComputeType> {
    modeline(text).map(|m| m.1)
}

/// A modeline naming a compute schema: the byte range of its URL and the type the URL names.
/// Only comments before the first indented line count, as in yaml-language-server.
pub fn modeline(text: &str) -> Option<(crate::TextRange, ComputeType)> {
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if !(body.trim().is_empty() || body.trim_start().starts_with('#') || !body.starts_with(' ')) {
            break;
        }
        let Some(rest) = body.trim_start().strip_prefix('#') else { continue };
        let Some(rest) = rest.trim_start().strip_prefix("yaml-language-server:") else { continue };
        let Some(url) = rest.trim_start().strip_prefix("$schema=") else { continue };
        let url = url.trim_end();
        let Some(t) = ComputeType::from_schema_url(url) else { continue };
        // `url` is a sub-slice of `body`, itself a prefix of `line`: its offset is exact.
        let at = start + (url.as_ptr() as usize - line.as_ptr() as usize);
        let (Ok(s), Ok(e)) = (u32::try_from(at), u32::try_from(at + url.len())) else { return None };
        return Some((crate::TextRange::new(s, e), t));
    }
    None
}

/// Whether a YAML text looks like a compute spec: a compute `$schema`, a
/// `# yaml-language-server: $schema=` modeline naming a compute schema, or a top-level `type:`
/// with a compute type. Cheap: reads lines, does not parse.
pub fn looks_like_compute_spec(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        let trimmed = line.trim_end();
        if let Some(rest) = trimmed.trim_start().strip_prefix('#') {
            if let Some(url) = rest.trim_start().strip_prefix("yaml-language-server:") {
                if let Some(url) = url.trim_start().strip_prefix("$schema=") {
                    if ComputeType::from_schema_url(url).is_some() {
                        return true;
                    }
                }
            }
            continue;
        }
        // Only top-level keys (no indentation) count.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let value_of = |key: &str| -> Option<&str> {
            let rest = trimmed.strip_prefix(key)?.trim_start();
            let rest = rest.strip_prefix(':')?;
            let v = rest.split(" #").next().unwrap_or(rest);
            Some(v.trim().trim_matches(['"', '\'']))
        };
        if let Some(url) = value_of("$schema").or_else(|| value_of("\"$schema\"")) {
            if ComputeType::from_schema_url(url).is_some() {
                return true;
            }
        }
        if let Some(t) = value_of("type") {
            if ComputeType::parse(t).is_some() {
                return true;
            }
        }
    }
    // A spec written as a flow (JSON-like) mapping: parse it and look at the top-level keys.
    if text.trim_start().starts_with('{') {
        if let Some(doc) = crate::syntax::parse(text).document {
            let get = |k: &str| doc.root.get(k).and_then(|n| doc.deref(n).as_str());
            return get("type").and_then(ComputeType::parse).is_some()
                || get("$schema").and_then(ComputeType::from_schema_url).is_some();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_case_insensitive() {
        assert_eq!(ComputeType::parse("AmlCompute"), Some(ComputeType::AmlCompute));
        assert_eq!(ComputeType::parse("COMPUTEINSTANCE"), Some(ComputeType::ComputeInstance));
        assert_eq!(ComputeType::parse("managed"), None);
    }

    #[test]
    fn schema_urls() {
        let cases = [
            (
                "https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json",
                Some(ComputeType::ComputeInstance),
            ),
            ("https://azuremlschemas.azureedge.net/1.0.0/amlCompute.schema.json", Some(ComputeType::AmlCompute)),
            ("https://azuremlschemas.azureedge.net/latest/vmCompute.schema.json", Some(ComputeType::VirtualMachine)),
            ("../schemas/kubernetes.schema.json", Some(ComputeType::Kubernetes)),
            ("https://azuremlschemas.azureedge.net/latest/commandJob.schema.json", None),
        ];
        for (url, want) in cases {
            assert_eq!(ComputeType::from_schema_url(url), want, "{url}");
        }
    }

    #[test]
    fn looks_like() {
        assert!(looks_like_compute_spec("name: x\ntype: AmlCompute\n"));
        assert!(looks_like_compute_spec(
            "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\n"
        ));
        assert!(looks_like_compute_spec("# yaml-language-server: $schema=https://azuremlschemas.azureedge.net/latest/computeInstance.schema.json\nname: x\n"));
        assert!(!looks_like_compute_spec("type: command\ncommand: echo\n"));
        assert!(!looks_like_compute_spec("jobs:\n  type: amlcompute\n"));
        assert!(looks_like_compute_spec("{\"name\": \"c\", \"type\": \"amlcompute\"}\n"));
        assert!(!looks_like_compute_spec("{\"jobs\": {\"type\": \"amlcompute\"}}\n"));
    }
}
