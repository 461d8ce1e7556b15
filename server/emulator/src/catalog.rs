//! The VM sizes, prices and vCPU quotas of a few regions, as `vmSizes`, `usages` and `quotas` report them.
//! Figures are realistic (vCPUs, memory and GPUs match the published sizes; prices are approximate
//! pay-as-you-go Linux rates in USD) but they are the emulator's, not live Azure data.

use serde_json::{json, Value};

/// One VM size as the emulator offers it.
#[derive(Debug, Clone, Copy)]
pub struct VmSize {
    pub name: &'static str,
    /// ARM quota family, e.g. `standardDSv2Family`.
    pub family: &'static str,
    pub vcpus: u32,
    pub memory_gb: f64,
    pub gpus: u32,
    pub os_vhd_mb: u32,
    pub resource_volume_mb: u32,
    pub premium_io: bool,
    pub low_priority_capable: bool,
    /// Dedicated Linux price per hour in USD, in East US; other regions apply a factor.
    pub usd_per_hour: f64,
    /// Regions that do not offer the size.
    pub not_in: &'static [&'static str],
}

const AML_AND_CI: &[&str] = &["AmlCompute", "ComputeInstance"];

pub const SIZES: &[VmSize] = &[
    VmSize {
        name: "Standard_DS1_v2",
        family: "standardDSv2Family",
        vcpus: 1,
        memory_gb: 3.5,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 7168,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.073,
        not_in: &[],
    },
    VmSize {
        name: "Standard_DS2_v2",
        family: "standardDSv2Family",
        vcpus: 2,
        memory_gb: 7.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 14336,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.146,
        not_in: &[],
    },
    VmSize {
        name: "Standard_DS3_v2",
        family: "standardDSv2Family",
        vcpus: 4,
        memory_gb: 14.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 28672,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.293,
        not_in: &[],
    },
    VmSize {
        name: "Standard_DS4_v2",
        family: "standardDSv2Family",
        vcpus: 8,
        memory_gb: 28.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 57344,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.585,
        not_in: &[],
    },
    VmSize {
        name: "Standard_DS11_v2",
        family: "standardDSv2Family",
        vcpus: 2,
        memory_gb: 14.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 28672,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.185,
        not_in: &[],
    },
    VmSize {
        name: "Standard_DS12_v2",
        family: "standardDSv2Family",
        vcpus: 4,
        memory_gb: 28.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 57344,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.371,
        not_in: &[],
    },
    VmSize {
        name: "Standard_D2s_v3",
        family: "standardDSv3Family",
        vcpus: 2,
        memory_gb: 8.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 16384,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.096,
        not_in: &[],
    },
    VmSize {
        name: "Standard_D4s_v3",
        family: "standardDSv3Family",
        vcpus: 4,
        memory_gb: 16.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 32768,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.192,
        not_in: &[],
    },
    VmSize {
        name: "Standard_D16s_v3",
        family: "standardDSv3Family",
        vcpus: 16,
        memory_gb: 64.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 131072,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.768,
        not_in: &[],
    },
    VmSize {
        name: "Standard_E4ds_v4",
        family: "standardEDSv4Family",
        vcpus: 4,
        memory_gb: 32.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 153600,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.288,
        not_in: &[],
    },
    VmSize {
        name: "Standard_E16ds_v4",
        family: "standardEDSv4Family",
        vcpus: 16,
        memory_gb: 128.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 614400,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 1.152,
        not_in: &[],
    },
    VmSize {
        name: "Standard_F4s_v2",
        family: "standardFSv2Family",
        vcpus: 4,
        memory_gb: 8.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 32768,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.169,
        not_in: &[],
    },
    VmSize {
        name: "Standard_F16s_v2",
        family: "standardFSv2Family",
        vcpus: 16,
        memory_gb: 32.0,
        gpus: 0,
        os_vhd_mb: 1047552,
        resource_volume_mb: 131072,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.677,
        not_in: &[],
    },
    VmSize {
        name: "Standard_NC4as_T4_v3",
        family: "standardNCASv3_T4Family",
        vcpus: 4,
        memory_gb: 28.0,
        gpus: 1,
        os_vhd_mb: 1047552,
        resource_volume_mb: 180224,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 0.526,
        not_in: &[],
    },
    VmSize {
        name: "Standard_NC16as_T4_v3",
        family: "standardNCASv3_T4Family",
        vcpus: 16,
        memory_gb: 110.0,
        gpus: 1,
        os_vhd_mb: 1047552,
        resource_volume_mb: 360448,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 1.204,
        not_in: &[],
    },
    VmSize {
        name: "Standard_NC6s_v3",
        family: "standardNCSv3Family",
        vcpus: 6,
        memory_gb: 112.0,
        gpus: 1,
        os_vhd_mb: 1047552,
        resource_volume_mb: 344064,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 3.06,
        not_in: &["northeurope"],
    },
    VmSize {
        name: "Standard_NC24ads_A100_v4",
        family: "standardNCADSA100v4Family",
        vcpus: 24,
        memory_gb: 220.0,
        gpus: 1,
        os_vhd_mb: 1047552,
        resource_volume_mb: 65536,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 3.673,
        not_in: &["northeurope"],
    },
    VmSize {
        name: "Standard_ND96asr_v4",
        family: "standardNDASv4_A100Family",
        vcpus: 96,
        memory_gb: 900.0,
        gpus: 8,
        os_vhd_mb: 1047552,
        resource_volume_mb: 6291456,
        premium_io: true,
        low_priority_capable: true,
        usd_per_hour: 27.197,
        not_in: &["northeurope", "westus2"],
    },
    // A retired size, still offered here in East US only because the published REST examples use it.
    VmSize {
        name: "Standard_NC6",
        family: "standardNCFamily",
        vcpus: 6,
        memory_gb: 56.0,
        gpus: 1,
        os_vhd_mb: 1047552,
        resource_volume_mb: 389120,
        premium_io: false,
        low_priority_capable: true,
        usd_per_hour: 0.90,
        not_in: &["eastus2", "westus2", "westeurope", "northeurope"],
    },
];

/// Regions the emulator knows, with a price factor relative to East US.
pub const REGIONS: &[(&str, f64)] =
    &[("eastus", 1.0), ("eastus2", 1.0), ("westus2", 1.0), ("westeurope", 1.12), ("northeurope", 1.06)];

/// Low-priority nodes cost about a fifth of dedicated ones.
const LOW_PRIORITY_FACTOR: f64 = 0.2;

/// Dedicated vCPU quota per family in every region; families not listed get [`DEFAULT_FAMILY_LIMIT`].
/// The A100 family has none, as on a fresh subscription, so quota errors can be shown.
const FAMILY_LIMITS: &[(&str, u64)] = &[
    ("standardNCASv3_T4Family", 24),
    ("standardNCSv3Family", 12),
    ("standardNCADSA100v4Family", 24),
    ("standardNDASv4_A100Family", 0),
    ("standardNCFamily", 24),
];
const DEFAULT_FAMILY_LIMIT: u64 = 100;
/// Regional totals: all dedicated cores, and all low-priority cores.
pub const TOTAL_DEDICATED_LIMIT: u64 = 300;
pub const TOTAL_LOW_PRIORITY_LIMIT: u64 = 100;

pub fn region(location: &str) -> Option<(&'static str, f64)> {
    REGIONS.iter().copied().find(|(name, _)| name.eq_ignore_ascii_case(location))
}

/// A size offered in a region, matched case-insensitively (the CLI sends `STANDARD_DS3_V2`).
pub fn size_in(location: &str, name: &str) -> Option<&'static VmSize> {
    let (region, _) = region(location)?;
    SIZES.iter().find(|s| s.name.eq_ignore_ascii_case(name) && !s.not_in.contains(&region))
}

pub fn sizes_in(location: &str) -> Vec<&'static VmSize> {
    match region(location) {
        Some((region, _)) => SIZES.iter().filter(|s| !s.not_in.contains(&region)).collect(),
        None => Vec::new(),
    }
}

pub fn family_limit(family: &str) -> u64 {
    FAMILY_LIMITS.iter().find(|(f, _)| *f == family).map(|(_, l)| *l).unwrap_or(DEFAULT_FAMILY_LIMIT)
}

/// Families offered in a region, in a stable order.
pub fn families_in(location: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for size in sizes_in(location) {
        if !out.contains(&size.family) {
            out.push(size.family);
        }
    }
    out
}

/// "standardNCASv3_T4Family" → "Standard NCASv3_T4 Family", the way the portal names quota families.
pub fn family_display(family: &str) -> String {
    let core = family.strip_prefix("standard").unwrap_or(family);
    let core = core.strip_suffix("Family").unwrap_or(core);
    format!("Standard {core} Family")
}

fn round_price(p: f64) -> f64 {
    (p * 10000.0).round() / 10000.0
}

/// A size in the `VirtualMachineSize` shape of `vmSizes`.
pub fn size_json(size: &VmSize, price_factor: f64) -> Value {
    let dedicated = round_price(size.usd_per_hour * price_factor);
    let mut prices = vec![json!({"retailPrice": dedicated, "osType": "Linux", "vmTier": "Standard"})];
    if size.low_priority_capable {
        prices.push(json!({"retailPrice": round_price(dedicated * LOW_PRIORITY_FACTOR), "osType": "Linux", "vmTier": "LowPriority"}));
    }
    json!({
        "name": size.name,
        "family": size.family,
        "vCPUs": size.vcpus,
        "gpus": size.gpus,
        "osVhdSizeMB": size.os_vhd_mb,
        "maxResourceVolumeMB": size.resource_volume_mb,
        "memoryGB": size.memory_gb,
        "lowPriorityCapable": size.low_priority_capable,
        "premiumIO": size.premium_io,
        "estimatedVMPrices": {"billingCurrency": "USD", "unitOfMeasure": "OneHour", "values": prices},
        "supportedComputeTypes": AML_AND_CI,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_offers_the_default_instance_size_and_every_family_has_a_limit_rule() {
        for (region, _) in REGIONS {
            assert!(size_in(region, "STANDARD_DS3_V2").is_some(), "{region}");
            assert!(!families_in(region).is_empty());
        }
        assert!(size_in("eastus", "Standard_NC6").is_some());
        assert!(size_in("westeurope", "Standard_NC6").is_none());
        assert!(size_in("mars", "Standard_DS3_v2").is_none());
        assert_eq!(family_limit("standardNDASv4_A100Family"), 0);
        assert_eq!(family_display("standardNCASv3_T4Family"), "Standard NCASv3_T4 Family");
    }

    #[test]
    fn prices_follow_region_and_priority() {
        let ds3 = size_in("westeurope", "Standard_DS3_v2").map(|s| size_json(s, 1.12));
        let prices =
            ds3.as_ref().and_then(|v| v["estimatedVMPrices"]["values"].as_array()).cloned().unwrap_or_default();
        assert_eq!(prices.len(), 2);
        let dedicated = prices[0]["retailPrice"].as_f64().unwrap_or(0.0);
        let low = prices[1]["retailPrice"].as_f64().unwrap_or(0.0);
        assert!((dedicated - 0.3282).abs() < 1e-9, "{dedicated}");
        assert!(low < dedicated && low > 0.0);
    }
}
