#!/usr/bin/env bash
# Installs what building and testing amlc needs, on a fresh machine or an existing one. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
  log "installing the Rust toolchain (rustup)"
  curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
if command -v rustup >/dev/null 2>&1; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

# A full disk shows up as a linker "Bus error" deep inside a dependency; say it plainly before building.
free_kb=$(df -Pk . 2>/dev/null | awk 'NR==2 {print $4}')
if [ -n "${free_kb:-}" ] && [ "$free_kb" -lt 4000000 ]; then
  log "warning: only $((free_kb / 1024)) MiB free on $(df -P . | awk 'NR==2 {print $6}'); building and testing amlc needs about 4 GiB"
fi

# Debian packages the end-to-end tests drive for real: OpenSSH (the `amlc compute ssh` test runs sshd on loopback).
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
# The cross builds (scripts/package.sh, scripts/test-cross.sh): the Rust standard library for each target, Debian's
# mingw-w64 and aarch64 compilers and linkers, and what runs the results here (wine for Windows, qemu-user for arm64).
cross_tools() {
  if command -v dpkg >/dev/null 2>&1; then
    apt_install gcc-mingw-w64-x86-64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross wine64 qemu-user
  fi
  if command -v rustup >/dev/null 2>&1; then
    for target in x86_64-pc-windows-gnu aarch64-unknown-linux-gnu; do
      rustup target list --installed 2>/dev/null | grep -qx "$target" || rustup target add "$target"
    done
  fi
}
# scripts/package.sh builds for every target it can.
if [ "${1:-}" = "--package" ]; then
  cross_tools
fi
# What only the tests need (`scripts/test.sh` passes --tests; the demo does not wait for it).
if [ "${1:-}" = "--tests" ]; then
  if command -v dpkg >/dev/null 2>&1; then
    apt_install openssh-server openssh-client
  fi
  # The unused-dependency check of scripts/test.sh.
  command -v cargo-machete >/dev/null 2>&1 || cargo install --locked --quiet cargo-machete@0.9.2
  cross_tools
  # The official Azure ML SDK, which the emulator's SDK test uses as a real client (cached outside the clone).
  bash scripts/setup-sdk-venv.sh
  # Debian chromium, Node 24 and code-server for the extension's end-to-end tests (cached in ~/.cache/amlc-e2e).
  bash extension/e2e/setup-tools.sh
fi
