//! What a spec costs per hour, from the prices in a [`SizeCatalog`]: a cluster at `max_instances` and while idle
//! at `min_instances` (0 → nothing while idle) in its `tier`, an instance while it runs (and what still bills
//! while it is stopped). No figure without a price:
//! the result is `None` when the catalog has none for the size and tier.

use super::catalog::SizeCatalog;
use crate::syntax::Node;
use crate::{Analysis, ComputeType, TextRange};

/// One cost line for a spec, placed on the key it depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct CostHint {
    /// Where the hint belongs: the `size` value, else the start of the document.
    pub range: TextRange,
    /// `≈ $1.17/h at 4 nodes, $0/h while idle (dedicated, eastus)`.
    pub title: String,
    /// The figures' source, for a tooltip.
    pub source: String,
}

/// The SDK's defaults when the spec leaves them out: an instance of STANDARD_DS3_V2, a cluster of up to 4 nodes.
const DEFAULT_SIZE: &str = "STANDARD_DS3_V2";
const DEFAULT_MAX_INSTANCES: i64 = 4;

fn scalar<'a>(root: &'a Node, key: &str) -> Option<&'a str> {
    root.get(key)?.as_scalar().map(|s| s.text.as_str())
}

/// The hourly cost of the spec, when its type has one and the catalog prices its size.
pub fn cost_hint(analysis: &Analysis, catalog: &SizeCatalog) -> Option<CostHint> {
    let document = analysis.document.as_ref()?;
    let root = &document.root;
    let kind = analysis.compute_type?;
    let size_node = root.get("size");
    let size_name = scalar(root, "size").unwrap_or(DEFAULT_SIZE);
    let size = catalog.find(size_name)?;
    let range = size_node.map_or(TextRange::empty(root.range.start), |n| n.range);
    let source = catalog.source();
    match kind {
        ComputeType::AmlCompute => {
            let low_priority = scalar(root, "tier").is_some_and(|t| t.eq_ignore_ascii_case("low_priority"));
            let number = |key: &str| scalar(root, key).and_then(|t| t.trim().parse::<i64>().ok());
            let max = number("max_instances").unwrap_or(DEFAULT_MAX_INSTANCES).max(0);
            let min = number("min_instances").unwrap_or(0).clamp(0, max);
            let price = size.price(low_priority)?;
            let tier = if low_priority { "low priority" } else { "dedicated" };
            let nodes = |n: i64| if n == 1 { "1 node".to_string() } else { format!("{n} nodes") };
            let idle = if min == 0 {
                format!("{} while idle", catalog.money(0.0))
            } else {
                format!("{} while idle at {}", catalog.money(price * min as f64), nodes(min))
            };
            let title = format!(
                "≈ {} at {}, {idle} ({tier}, {})",
                catalog.money(price * max as f64),
                nodes(max),
                catalog.region
            );
            Some(CostHint { range, title, source })
        }
        ComputeType::ComputeInstance => {
            let price = size.dedicated_per_hour?;
            // Stopping ends only the compute-hour charge; saying "nothing while stopped" would be wrong.
            let title = format!(
                "≈ {} while running; {} ({})",
                catalog.money(price),
                crate::advice::STOPPED_STILL_BILLS_SHORT,
                catalog.region
            );
            Some(CostHint { range, title, source })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::catalog::CatalogSize;

    fn catalog() -> SizeCatalog {
        let size = |name: &str, dedicated: Option<f64>, low: Option<f64>| CatalogSize {
            name: name.into(),
            vcpus: 4,
            memory_gib: 14.0,
            gpus: 0,
            supported_types: Vec::new(),
            low_priority_capable: low.is_some(),
            dedicated_per_hour: dedicated,
            low_priority_per_hour: low,
        };
        SizeCatalog {
            region: "eastus".into(),
            currency: "USD".into(),
            sizes: vec![size("STANDARD_DS3_V2", Some(0.293), Some(0.0586)), size("Standard_NoPrice", None, None)],
        }
    }

    #[test]
    fn cluster_and_instance_costs_follow_the_spec() {
        let cases: [(&str, Option<&str>); 7] = [
            (
                "type: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 4\n",
                Some("≈ $1.17/h at 4 nodes, $0/h while idle (dedicated, eastus)"),
            ),
            (
                "type: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 1\nmax_instances: 2\ntier: low_priority\n",
                Some("≈ $0.1172/h at 2 nodes, $0.0586/h while idle at 1 node (low priority, eastus)"),
            ),
            // Defaults: STANDARD_DS3_V2, 4 nodes, dedicated.
            ("type: amlcompute\nname: c\n", Some("≈ $1.17/h at 4 nodes, $0/h while idle (dedicated, eastus)")),
            (
                "type: computeinstance\nname: ci\n",
                Some("≈ $0.293/h while running; while stopped, disk, public IP and load balancer still bill (eastus)"),
            ),
            ("type: amlcompute\nsize: Standard_NoPrice\n", None),
            ("type: amlcompute\nsize: Standard_Unknown\n", None),
            ("type: kubernetes\nname: k\n", None),
        ];
        for (text, expected) in cases {
            let hint = cost_hint(&crate::analyze(text), &catalog());
            assert_eq!(hint.as_ref().map(|h| h.title.as_str()), expected, "{text}");
            if let Some(hint) = hint {
                assert_eq!(hint.source, "Azure retail estimate from vmSizes, eastus, USD/hour");
            }
        }
    }
}
