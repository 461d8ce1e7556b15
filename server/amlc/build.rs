//! Link options that keep a running `amlc` small in memory. They only change where the linker puts
//! things, never what the program does, so each is applied only where it is known to work.
//!
//! - `link/hot-text.ld` (written by scripts/hot-text.py) places the functions an editor session runs
//!   next to each other. The kernel maps code in 64 KiB windows around each page that runs; spread
//!   over the whole text, those functions made about 12 MiB of code resident for a small spec.
//! - `-z pack-relative-relocs` stores the 40,000 pointer fix-ups of a position-independent binary in
//!   11 KB instead of 960 KB, all of which the loader reads at start.
//!
//! Both are for release builds on Linux with glibc, linked by the rust-lld that rustc uses by default
//! on x86_64 since 1.90. `AMLC_HOT_TEXT=0` turns the layout off (for another linker, or to profile).

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=AMLC_HOT_TEXT");
    println!("cargo:rerun-if-changed=link/hot-text.ld");
    let var = |name: &str| env::var(name).unwrap_or_default();
    if var("PROFILE") != "release" || var("TARGET") != "x86_64-unknown-linux-gnu" || !default_linker_is_lld() {
        return;
    }
    if var("AMLC_HOT_TEXT") != "0" {
        let script = Path::new(&var("CARGO_MANIFEST_DIR")).join("link").join("hot-text.ld");
        if script.is_file() {
            println!("cargo:rustc-link-arg-bins=-Wl,-T,{}", script.display());
        }
    }
    // The packed format needs glibc 2.36's loader; lld then also records that need in the binary.
    if glibc_version().is_some_and(|version| version >= (2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// rustc links x86_64 Linux binaries with its own lld from 1.90 on; before, with the system's `cc` and ld.
fn default_linker_is_lld() -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(output) = Command::new(rustc).arg("--version").output() else { return false };
    let chosen = |name: &str| env::var(name).is_ok_and(|flags| flags.contains("linker") || flags.contains("fuse-ld"));
    second_word_version(&output.stdout).is_some_and(|version| version >= (1, 90))
        && !chosen("RUSTFLAGS")
        && !chosen("CARGO_ENCODED_RUSTFLAGS")
}

/// The glibc the binary is linked against, from `getconf GNU_LIBC_VERSION` ("glibc 2.36").
fn glibc_version() -> Option<(u32, u32)> {
    let output = Command::new("getconf").arg("GNU_LIBC_VERSION").output().ok()?;
    second_word_version(&output.stdout)
}

/// `(major, minor)` of the second word of a tool's output: "rustc 1.95.0 (…)", "glibc 2.36".
fn second_word_version(output: &[u8]) -> Option<(u32, u32)> {
    let text = String::from_utf8_lossy(output);
    let mut numbers = text.split_whitespace().nth(1)?.split(['.', '-']).map(|n| n.parse::<u32>().ok());
    Some((numbers.next()??, numbers.next()??))
}
