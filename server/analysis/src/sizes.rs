//! A built-in table of common Azure VM sizes (vCPUs, memory, GPUs) for completion and hover,
//! and for the GPU cost hint. Not exhaustive: a size missing here is not an error, since the
//! list of sizes differs per region and changes often (`az ml compute list-sizes` is the truth).

/// One VM size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VmSize {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_gib: f32,
    pub gpus: u32,
    /// GPU model for GPU sizes, empty otherwise.
    pub gpu_model: &'static str,
}

const fn s(name: &'static str, vcpus: u32, memory_gib: f32, gpus: u32, gpu_model: &'static str) -> VmSize {
    VmSize { name, vcpus, memory_gib, gpus, gpu_model }
}

/// Common sizes, general purpose first, then memory-optimised, compute-optimised and GPU.
pub const SIZES: &[VmSize] = &[
    s("Standard_D2_v2", 2, 7.0, 0, ""),
    s("Standard_D3_v2", 4, 14.0, 0, ""),
    s("Standard_D4_v2", 8, 28.0, 0, ""),
    s("Standard_D11_v2", 2, 14.0, 0, ""),
    s("Standard_D12_v2", 4, 28.0, 0, ""),
    s("Standard_D13_v2", 8, 56.0, 0, ""),
    s("Standard_D14_v2", 16, 112.0, 0, ""),
    s("Standard_DS1_v2", 1, 3.5, 0, ""),
    s("Standard_DS2_v2", 2, 7.0, 0, ""),
    s("Standard_DS3_v2", 4, 14.0, 0, ""),
    s("Standard_DS4_v2", 8, 28.0, 0, ""),
    s("Standard_DS5_v2", 16, 56.0, 0, ""),
    s("Standard_DS11_v2", 2, 14.0, 0, ""),
    s("Standard_DS12_v2", 4, 28.0, 0, ""),
    s("Standard_DS13_v2", 8, 56.0, 0, ""),
    s("Standard_DS14_v2", 16, 112.0, 0, ""),
    s("Standard_D2s_v3", 2, 8.0, 0, ""),
    s("Standard_D4s_v3", 4, 16.0, 0, ""),
    s("Standard_D8s_v3", 8, 32.0, 0, ""),
    s("Standard_D16s_v3", 16, 64.0, 0, ""),
    s("Standard_D32s_v3", 32, 128.0, 0, ""),
    s("Standard_D2as_v4", 2, 8.0, 0, ""),
    s("Standard_D4as_v4", 4, 16.0, 0, ""),
    s("Standard_D8as_v4", 8, 32.0, 0, ""),
    s("Standard_D16as_v4", 16, 64.0, 0, ""),
    s("Standard_D2s_v5", 2, 8.0, 0, ""),
    s("Standard_D4s_v5", 4, 16.0, 0, ""),
    s("Standard_D8s_v5", 8, 32.0, 0, ""),
    s("Standard_E2s_v3", 2, 16.0, 0, ""),
    s("Standard_E4s_v3", 4, 32.0, 0, ""),
    s("Standard_E8s_v3", 8, 64.0, 0, ""),
    s("Standard_E16s_v3", 16, 128.0, 0, ""),
    s("Standard_E32s_v3", 32, 256.0, 0, ""),
    s("Standard_E4ds_v4", 4, 32.0, 0, ""),
    s("Standard_F2s_v2", 2, 4.0, 0, ""),
    s("Standard_F4s_v2", 4, 8.0, 0, ""),
    s("Standard_F8s_v2", 8, 16.0, 0, ""),
    s("Standard_F16s_v2", 16, 32.0, 0, ""),
    s("Standard_F32s_v2", 32, 64.0, 0, ""),
    s("Standard_NC6", 6, 56.0, 1, "NVIDIA K80"),
    s("Standard_NC12", 12, 112.0, 2, "NVIDIA K80"),
    s("Standard_NC24", 24, 224.0, 4, "NVIDIA K80"),
    s("Standard_NC6s_v3", 6, 112.0, 1, "NVIDIA V100"),
    s("Standard_NC12s_v3", 12, 224.0, 2, "NVIDIA V100"),
    s("Standard_NC24s_v3", 24, 448.0, 4, "NVIDIA V100"),
    s("Standard_NC4as_T4_v3", 4, 28.0, 1, "NVIDIA T4"),
    s("Standard_NC8as_T4_v3", 8, 56.0, 1, "NVIDIA T4"),
    s("Standard_NC16as_T4_v3", 16, 110.0, 1, "NVIDIA T4"),
    s("Standard_NC64as_T4_v3", 64, 440.0, 4, "NVIDIA T4"),
    s("Standard_NC24ads_A100_v4", 24, 220.0, 1, "NVIDIA A100"),
    s("Standard_NC48ads_A100_v4", 48, 440.0, 2, "NVIDIA A100"),
    s("Standard_NC96ads_A100_v4", 96, 880.0, 4, "NVIDIA A100"),
    s("Standard_ND40rs_v2", 40, 672.0, 8, "NVIDIA V100"),
    s("Standard_ND96asr_v4", 96, 900.0, 8, "NVIDIA A100"),
    s("Standard_ND96amsr_A100_v4", 96, 1900.0, 8, "NVIDIA A100 80GB"),
    s("Standard_NV6", 6, 56.0, 1, "NVIDIA M60"),
    s("Standard_NV12s_v3", 12, 112.0, 1, "NVIDIA M60"),
];

/// Looks a size up case-insensitively (`STANDARD_DS3_V2` and `Standard_DS3_v2` are the same).
pub fn find(name: &str) -> Option<&'static VmSize> {
    SIZES.iter().find(|s| s.name.eq_ignore_ascii_case(name.trim()))
}

/// The table's size that `name` misspells by separators, case or a missing `Standard_` (`Standard_DS3v2`,
/// `ds3-v2` → `Standard_DS3_v2`); `None` for a listed size or one that is not a near spelling of any. Only
/// such spellings are suggested: a different digit may be a real size the table does not list.
pub fn suggest(name: &str) -> Option<&'static VmSize> {
    if find(name).is_some() {
        return None;
    }
    let key = |n: &str| -> String {
        let lower: String = n.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
        lower.strip_prefix("standard").map_or(lower.clone(), str::to_string)
    };
    let wanted = key(name);
    if wanted.is_empty() {
        return None;
    }
    SIZES.iter().find(|s| key(s.name) == wanted)
}

/// Whether a size is a GPU size: from the table, or by the N-series naming rule
/// (`Standard_N…`) for sizes the table does not list.
pub fn is_gpu(name: &str) -> bool {
    match find(name) {
        Some(s) => s.gpus > 0,
        None => {
            let lower = name.trim().to_ascii_lowercase();
            lower.strip_prefix("standard_").is_some_and(|rest| rest.starts_with('n'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(find("STANDARD_DS3_V2").map(|s| s.vcpus), Some(4));
        assert!(is_gpu("Standard_NC6s_v3"));
        assert!(is_gpu("standard_nd48s_v9"));
        assert!(!is_gpu("Standard_DS3_v2"));
        let mut names: Vec<String> = SIZES.iter().map(|s| s.name.to_ascii_lowercase()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SIZES.len());
    }

    #[test]
    fn near_spellings_are_suggested_and_other_sizes_are_not() {
        let cases: [(&str, Option<&str>); 6] = [
            ("Standard_DS3v2", Some("Standard_DS3_v2")),
            ("standard-ds3-v2", Some("Standard_DS3_v2")),
            ("NC6s_v3", Some("Standard_NC6s_v3")),
            ("Standard_DS3_v2", None),
            ("Standard_DS6_v2", None),
            ("___", None),
        ];
        for (name, want) in cases {
            assert_eq!(suggest(name).map(|s| s.name), want, "{name}");
        }
    }
}
