//! OpenSSH public keys (`ssh-ed25519 AAAA… comment`), as `ssh_settings.ssh_key_value` holds them.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// The standard alphabet, with or without `=` padding, as keys are pasted from `.pub` files and
/// sometimes trimmed.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The key algorithms OpenSSH writes in a public key line.
const ALGORITHMS: &[&str] = &[
    "ssh-rsa",
    "ssh-ed25519",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// Whether `text` is an OpenSSH public key: `<algorithm> <base64 blob> [comment]`, where the blob's first
/// field names the same algorithm again. That repetition is what tells a key from arbitrary text; key
/// lengths are left to the service.
pub fn is_public_key(text: &str) -> bool {
    let mut parts = text.split_whitespace();
    let (Some(algorithm), Some(blob)) = (parts.next(), parts.next()) else { return false };
    if !ALGORITHMS.contains(&algorithm) {
        return false;
    }
    let Ok(bytes) = LENIENT.decode(blob.trim_end_matches('=')) else { return false };
    let Some((len, rest)) = bytes.split_first_chunk::<4>() else { return false };
    let len = u32::from_be_bytes(*len) as usize;
    len == algorithm.len() && rest.get(..len) == Some(algorithm.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_keys_from_text() {
        let cases: &[(&str, bool)] = &[
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host", true),
            ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDWm/4TTHMZdzZVJcob2aFRWDmIyJLxk028AKh7K03RDgR8bz/Knd9DgB2V3sipjY9wYJ1U9YbsUoAt24+CWZFpnoB79J6vaoqwUb7c6nGkaNrWoGZKI+v26GOX8O2MUjjOyBuPEinJtQ432J4affHfeRI+1iDQXuwFUKhNbRVpxh2h9otXF+J1UvSUaPYggS7Iivyha/x8HJzFcNnIPrAZkPiT/Nb/Qk7FyoFTEw64cIl1ByvmF3ewSOeVXKDpb2d4vrSDTVmXFKRrWduhM3sHO5dckREKc+tSQ0M+SpfBqaBgRTAie4jFVSIiSHCvL2BRQXBMRiyPgNlpiJWTPLp/ admin@host", true),
            ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC3 oracle@example", true),
            ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", true),
            ("not-a-real-key", false),
            ("ssh-rsa c3NoLWVkMjU1MTk=", false),
            ("ssh-ed25519 AAAAC3NzaC1yc2EAAAADAQAB", false),
            ("ssh-ed25519 !!!!", false),
            ("ssh-ed25519 AAAA", false),
            ("ssh-foo AAAAC3NzaC1lZDI1NTE5", false),
            ("ssh-ed25519", false),
            ("", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_public_key(text), *want, "{text:?}");
        }
    }
}
