//! The live VM-size catalog of the connected workspace's region, for completion, hover and the cost lens. It is
//! fetched in the background (`vmSizes`, once per region, refreshed after [`TTL`]); an editor request only reads
//! what is cached and never waits on the network. Until a catalog arrives, or when none can be had (offline, no
//! workspace), the engines fall back to the built-in size table and show no prices.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amlc_analysis::ide::{CatalogSize, SizeCatalog};

use crate::sync::lock;

/// How long a region's sizes are used before they are fetched again (they change rarely; prices monthly).
pub const TTL: Duration = Duration::from_secs(60 * 60);
/// How long after a failed fetch (or failed connect) before trying again.
pub const RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Entry {
    catalog: Option<Arc<SizeCatalog>>,
    fetched: Option<Instant>,
    attempted: Option<Instant>,
    refreshing: bool,
}

/// Catalogs by region, plus when the region itself (the workspace's location) was last looked for.
#[derive(Default)]
pub struct SizeCache {
    regions: Mutex<HashMap<String, Entry>>,
    connect_attempted: Mutex<Option<Instant>>,
    /// Whether the client accepts `workspace/codeLens/refresh`.
    pub lens_refresh: std::sync::atomic::AtomicBool,
}

impl SizeCache {
    /// The cached catalog of `region` (possibly stale), and whether the caller should start a refresh now. At most
    /// one refresh per region runs at a time, and failures are retried after [`RETRY_AFTER`].
    pub fn get(&self, region: &str, now: Instant) -> (Option<Arc<SizeCatalog>>, bool) {
        let mut regions = lock(&self.regions);
        let entry = regions.entry(region.to_ascii_lowercase()).or_default();
        let fresh = entry.fetched.is_some_and(|at| now.duration_since(at) < TTL);
        let retry_due = entry.attempted.is_none_or(|at| now.duration_since(at) >= RETRY_AFTER);
        let refresh = !fresh && !entry.refreshing && retry_due;
        if refresh {
            entry.refreshing = true;
            entry.attempted = Some(now);
        }
        (entry.catalog.clone(), refresh)
    }

    /// Stores the outcome of a refresh; a failure keeps the older catalog, if any.
    pub fn store(&self, region: &str, result: Option<SizeCatalog>, now: Instant) {
        let mut regions = lock(&self.regions);
        let entry = regions.entry(region.to_ascii_lowercase()).or_default();
        entry.refreshing = false;
        if let Some(catalog) = result {
            entry.catalog = Some(Arc::new(catalog));
            entry.fetched = Some(now);
        }
    }

    /// Whether a connect (to learn the workspace region) may be tried now; at most once per [`RETRY_AFTER`].
    pub fn may_connect(&self, now: Instant) -> bool {
        let mut attempted = lock(&self.connect_attempted);
        if attempted.is_some_and(|at| now.duration_since(at) < RETRY_AFTER) {
            return false;
        }
        *attempted = Some(now);
        true
    }

    /// Forgets the connect throttle (the settings changed, so a new workspace may be reachable).
    pub fn settings_changed(&self) {
        *lock(&self.connect_attempted) = None;
    }
}

/// The ARM sizes of a region as the spec engines take them: prices for Linux, dedicated (`Standard`) and
/// low priority, in the currency the service names (USD today).
pub fn catalog(region: &str, sizes: &[amlc_azure::VmSize]) -> SizeCatalog {
    let currency = sizes.iter().find_map(|s| s.price_currency()).unwrap_or("USD").to_string();
    let sizes = sizes
        .iter()
        .map(|s| CatalogSize {
            name: s.name.clone(),
            vcpus: s.v_cpus.unwrap_or(0).clamp(0, u32::MAX as i64) as u32,
            memory_gib: s.memory_gb.unwrap_or(0.0),
            gpus: s.gpus.unwrap_or(0).clamp(0, u32::MAX as i64) as u32,
            supported_types: s.supported_compute_types.clone().unwrap_or_default(),
            low_priority_capable: s.low_priority_capable.unwrap_or(false),
            dedicated_per_hour: s.retail_price("Standard"),
            low_priority_per_hour: s.retail_price("LowPriority"),
        })
        .collect();
    SizeCatalog { region: region.to_string(), currency, sizes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_refresh_at_a_time_then_fresh_for_the_ttl() {
        let cache = SizeCache::default();
        let t0 = Instant::now();
        assert_eq!(cache.get("eastus", t0), (None, true));
        assert_eq!(cache.get("EastUS", t0), (None, false), "a refresh is running");
        cache.store("eastus", None, t0);
        assert_eq!(cache.get("eastus", t0 + Duration::from_secs(1)), (None, false), "a failure waits before retrying");
        assert!(cache.get("eastus", t0 + RETRY_AFTER).1);
        let catalog = SizeCatalog { region: "eastus".into(), currency: "USD".into(), sizes: Vec::new() };
        cache.store("eastus", Some(catalog.clone()), t0 + RETRY_AFTER);
        let (cached, refresh) = cache.get("eastus", t0 + RETRY_AFTER + Duration::from_secs(5));
        assert_eq!((cached.as_deref(), refresh), (Some(&catalog), false));
        let (stale, refresh) = cache.get("eastus", t0 + RETRY_AFTER + TTL);
        assert!(stale.is_some() && refresh, "a stale catalog is served while it refreshes");
        assert!(cache.may_connect(t0) && !cache.may_connect(t0 + Duration::from_secs(1)));
        cache.settings_changed();
        assert!(cache.may_connect(t0 + Duration::from_secs(2)));
    }

    #[test]
    fn arm_sizes_become_a_catalog_with_linux_prices() {
        let sizes: Vec<amlc_azure::VmSize> = serde_json::from_value(serde_json::json!([
            {"name": "Standard_NC6", "vCPUs": 6, "gpus": 1, "memoryGB": 56.0, "lowPriorityCapable": true,
             "supportedComputeTypes": ["AmlCompute"],
             "estimatedVMPrices": {"billingCurrency": "USD", "unitOfMeasure": "OneHour", "values": [
                {"retailPrice": 0.9, "osType": "Linux", "vmTier": "Standard"},
                {"retailPrice": 0.18, "osType": "Linux", "vmTier": "LowPriority"}]}},
            {"name": "Standard_Bare"}
        ]))
        .unwrap_or_default();
        let catalog = catalog("eastus", &sizes);
        assert_eq!(catalog.currency, "USD");
        let nc6 = catalog.find("standard_nc6").cloned().unwrap_or_else(|| panic!("NC6 in {catalog:?}"));
        assert_eq!(
            (nc6.vcpus, nc6.gpus, nc6.dedicated_per_hour, nc6.low_priority_per_hour),
            (6, 1, Some(0.9), Some(0.18))
        );
        let bare = catalog.find("Standard_Bare").cloned().unwrap_or_else(|| panic!("bare in {catalog:?}"));
        assert_eq!((bare.dedicated_per_hour, bare.supported_types.len()), (None, 0));
    }
}
