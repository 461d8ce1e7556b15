//! The one rule that spans files: a resource is attached once. Each spec yields the attachment it describes
//! (name and resource id as ARM compares it); given the attachments of a folder or an editor workspace, specs that
//! attach one resource under different names each get a diagnostic naming the other. `amlc check DIR` and the
//! language server's workspace index both call [`second_attachments`], so they report the same pairs.

use crate::formats::arm_id;
use crate::{codes, Analysis, Diagnostic, TextRange};

/// What one spec attaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The compute name the spec gives the attachment.
    pub name: String,
    /// The resource id as written (trimmed), for messages.
    pub resource_id: String,
    /// The id as ARM compares it ([`arm_id::normalize`]).
    pub key: String,
    /// The `resource_id` value's range, where the diagnostic goes.
    pub range: TextRange,
    /// A suppression comment in the spec silences the rule there.
    pub suppressed: bool,
}

impl Attachment {
    /// The attachment `text` describes: an attach type with a name and a well-formed resource id.
    pub fn of(text: &str, analysis: &Analysis) -> Option<Attachment> {
        if !analysis.compute_type?.is_attached() {
            return None;
        }
        // From the tree, not the JSON value: the language server keeps no value, and both keys are plain strings.
        let document = analysis.document.as_ref()?;
        let scalar = |key: &str| document.root.get(key).and_then(|n| n.as_scalar()).map(|s| s.text.as_str());
        let name = scalar("name")?.trim();
        let id = scalar("resource_id")?;
        if name.is_empty() || arm_id::ArmId::parse(id).is_err() {
            return None;
        }
        let range = document.root.get("resource_id").map_or(document.root.range, |n| n.range);
        let mut probe = vec![Diagnostic::new(codes::ATTACHED_TWICE, String::new(), range)];
        crate::suppress::apply(text, &mut probe);
        let suppressed = !probe.iter().any(|d| d.code == codes::ATTACHED_TWICE);
        Some(Attachment {
            name: name.to_string(),
            resource_id: id.trim().to_string(),
            key: arm_id::normalize(id),
            range,
            suppressed,
        })
    }
}

/// For each spec (a label such as its path, and its attachment), the diagnostics the other specs cause on it: one
/// per other spec that attaches the same resource under another name. The result has one entry per input.
pub fn second_attachments(specs: &[(&str, Option<&Attachment>)]) -> Vec<Vec<Diagnostic>> {
    let mut by_key: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, (_, attachment)) in specs.iter().enumerate() {
        if let Some(a) = attachment {
            by_key.entry(a.key.as_str()).or_default().push(i);
        }
    }
    let mut out = vec![Vec::new(); specs.len()];
    for holders in by_key.values().filter(|h| h.len() > 1) {
        for &i in holders {
            let Some(mine) = specs[i].1.filter(|a| !a.suppressed) else { continue };
            for &j in holders {
                let (label, Some(other)) = specs[j] else { continue };
                if other.name.eq_ignore_ascii_case(&mine.name) {
                    continue;
                }
                out[i].push(Diagnostic::new(
                    codes::ATTACHED_TWICE,
                    format!(
                        "{label} attaches this resource too, as '{}'; a resource is attached once, and a second attachment breaks the first. Keep one spec (to change an attachment's settings, detach it and attach it again)",
                        other.name
                    ),
                    mine.range,
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, id: &str) -> String {
        format!("type: kubernetes\nname: {name}\nresource_id: \"{id}\"\n")
    }

    #[test]
    fn one_resource_under_two_names_is_reported_on_both() {
        let aks = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";
        let texts = [
            spec("k-one", aks),
            spec("k-two", &format!(" {}/ ", aks.to_uppercase())),
            spec("k-one", aks),
            spec("k-other", &aks.replace("/aks", "/aks2")),
            format!("# amlc-disable-file AMLC061\n{}", spec("k-quiet", aks)),
        ];
        let analyses: Vec<_> = texts.iter().map(|t| crate::analyze(t)).collect();
        let attachments: Vec<_> = texts.iter().zip(&analyses).map(|(t, a)| Attachment::of(t, a)).collect();
        let labels = ["a.yml", "b.yml", "c.yml", "d.yml", "e.yml"];
        let specs: Vec<_> = labels.iter().zip(&attachments).map(|(l, a)| (*l, a.as_ref())).collect();
        let found = second_attachments(&specs);
        let counts: Vec<usize> = found.iter().map(Vec::len).collect();
        // a and c (same name) are one compute: each meets b and e; b meets a, c and e; d is another cluster; e is silenced.
        assert_eq!(counts, [2, 3, 2, 0, 0]);
        let on_b: Vec<&str> = found[1].iter().map(|d| d.message.as_str()).collect();
        assert!(on_b[0].contains("as 'k-one'") || on_b[0].contains("as 'k-quiet'"), "{on_b:?}");
        let range = found[0][0].range;
        assert!(texts[0][range.start as usize..range.end as usize].contains("managedClusters/aks"));
    }
}
