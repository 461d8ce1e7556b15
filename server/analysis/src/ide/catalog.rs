//! The VM sizes of one region as a front end fetched them (the language server from ARM's `vmSizes`), handed to
//! completion, hover and the cost lens as plain data: the core does no I/O. Without a catalog the engines use the
//! built-in table in `sizes.rs` and show no prices; a price is shown only when the catalog carries one.

use crate::ComputeType;

/// One size offered in the catalog's region.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogSize {
    pub name: String,
    pub vcpus: u32,
    pub memory_gib: f64,
    pub gpus: u32,
    /// REST compute types the size may be used for (`AmlCompute`, `ComputeInstance`); empty means all.
    pub supported_types: Vec<String>,
    pub low_priority_capable: bool,
    /// Estimated Linux retail price per hour of a dedicated VM, when the service gave one.
    pub dedicated_per_hour: Option<f64>,
    /// The same for a low-priority VM.
    pub low_priority_per_hour: Option<f64>,
}

impl CatalogSize {
    pub fn supports(&self, compute_type: ComputeType) -> bool {
        self.supported_types.is_empty()
            || self.supported_types.iter().any(|t| t.eq_ignore_ascii_case(compute_type.rest_name()))
    }

    /// The hourly price for a tier as the spec spells it (`dedicated`, `low_priority`).
    pub fn price(&self, low_priority: bool) -> Option<f64> {
        if low_priority {
            self.low_priority_per_hour
        } else {
            self.dedicated_per_hour
        }
    }
}

/// The sizes of one region, and where their figures come from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SizeCatalog {
    /// The workspace region, e.g. `eastus`.
    pub region: String,
    /// ISO currency code of the prices, e.g. `USD`.
    pub currency: String,
    pub sizes: Vec<CatalogSize>,
}

impl SizeCatalog {
    pub fn find(&self, name: &str) -> Option<&CatalogSize> {
        self.sizes.iter().find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The sizes usable for a compute type (all when the type is unknown), in catalog order.
    pub fn for_type(&self, compute_type: Option<ComputeType>) -> impl Iterator<Item = &CatalogSize> {
        self.sizes.iter().filter(move |s| compute_type.is_none_or(|t| s.supports(t)))
    }

    /// Where the figures come from, said next to every price.
    pub fn source(&self) -> String {
        format!("Azure retail estimate from vmSizes, {}, {}/hour", self.region, self.currency)
    }

    /// A price as shown to people: `$0.293/h` for USD, `0.293 EUR/h` otherwise; small figures keep 4 decimals.
    pub fn money(&self, amount: f64) -> String {
        let figure = if amount == 0.0 {
            "0".to_string()
        } else if amount < 1.0 {
            format!("{amount:.4}").trim_end_matches('0').to_string()
        } else {
            format!("{amount:.2}")
        };
        if self.currency.eq_ignore_ascii_case("USD") {
            format!("${figure}/h")
        } else {
            format!("{figure} {}/h", self.currency)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eastus() -> SizeCatalog {
        let size = |name: &str, gpus: u32, types: &[&str], dedicated: Option<f64>, low: Option<f64>| CatalogSize {
            name: name.into(),
            vcpus: 6,
            memory_gib: 56.0,
            gpus,
            supported_types: types.iter().map(|t| t.to_string()).collect(),
            low_priority_capable: low.is_some(),
            dedicated_per_hour: dedicated,
            low_priority_per_hour: low,
        };
        SizeCatalog {
            region: "eastus".into(),
            currency: "USD".into(),
            sizes: vec![
                size("Standard_NC6", 1, &["AmlCompute", "ComputeInstance"], Some(0.9), Some(0.18)),
                size("Standard_ClusterOnly", 0, &["AmlCompute"], Some(0.5), None),
                size("Standard_NoPrice", 0, &[], None, None),
            ],
        }
    }

    #[test]
    fn completion_offers_the_region_sizes_for_the_type() {
        let catalog = eastus();
        let complete = |text: &str| {
            let analysis = crate::analyze(text);
            crate::ide::complete_with(text, &analysis, text.len() as u32, Some(&catalog))
        };
        let items = complete("type: computeinstance\nsize: ");
        let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["Standard_NC6", "Standard_NoPrice"], "the cluster-only size is filtered out");
        assert_eq!(items[0].detail.as_deref(), Some("6 vCPUs, 56 GiB, 1 GPU, $0.9/h"));
        assert_eq!(items[1].detail.as_deref(), Some("6 vCPUs, 56 GiB"), "no price without one");
        let cluster = complete("type: amlcompute\nsize: ");
        assert_eq!(cluster.len(), 3);
    }

    #[test]
    fn hover_gives_prices_and_their_source_or_says_the_size_is_not_offered() {
        let catalog = eastus();
        let hover = |text: &str, at: &str| {
            let analysis = crate::analyze(text);
            let offset = text.find(at).unwrap_or(0) as u32 + 2;
            crate::ide::hover_with(text, &analysis, offset, Some(&catalog)).map(|h| h.markdown).unwrap_or_default()
        };
        let gpu = hover("type: amlcompute\nsize: Standard_NC6\n", "Standard_NC6");
        assert!(gpu.contains("**Standard_NC6**: 6 vCPUs, 56 GiB memory, 1 GPU"), "{gpu}");
        assert!(
            gpu.contains("Per node in eastus: $0.9/h dedicated, $0.18/h low priority (Azure retail estimate from vmSizes, eastus, USD/hour)"),
            "{gpu}"
        );
        let unpriced = hover("type: amlcompute\nsize: Standard_NoPrice\n", "Standard_NoPrice");
        assert!(!unpriced.contains('$') && !unpriced.contains("Per node"), "{unpriced}");
        let wrong_type = hover("type: computeinstance\nsize: Standard_ClusterOnly\n", "Standard_ClusterOnly");
        assert!(wrong_type.contains("Not usable for ComputeInstance in eastus"), "{wrong_type}");
        let missing = hover("type: amlcompute\nsize: Standard_M416ms_v2\n", "Standard_M416");
        assert!(missing.contains("not offered in eastus"), "{missing}");
    }

    #[test]
    fn money_and_type_filter() {
        let catalog = SizeCatalog {
            region: "eastus".into(),
            currency: "USD".into(),
            sizes: vec![CatalogSize {
                name: "Standard_DS3_v2".into(),
                vcpus: 4,
                memory_gib: 14.0,
                gpus: 0,
                supported_types: vec!["AmlCompute".into()],
                low_priority_capable: true,
                dedicated_per_hour: Some(0.293),
                low_priority_per_hour: Some(0.0586),
            }],
        };
        assert_eq!(catalog.money(0.293), "$0.293/h");
        assert_eq!(catalog.money(1.172), "$1.17/h");
        assert_eq!(catalog.money(0.0), "$0/h");
        assert_eq!(SizeCatalog { currency: "EUR".into(), ..catalog.clone() }.money(2.0), "2.00 EUR/h");
        assert_eq!(catalog.for_type(Some(ComputeType::AmlCompute)).count(), 1);
        assert_eq!(catalog.for_type(Some(ComputeType::ComputeInstance)).count(), 0);
        assert!(catalog.find("STANDARD_DS3_V2").is_some());
        assert_eq!(catalog.source(), "Azure retail estimate from vmSizes, eastus, USD/hour");
    }
}
