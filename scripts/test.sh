#!/usr/bin/env bash
# Runs every test amlc has: formatting, lints, the Rust test suite (unit, fixtures, corpus,
# protocol, end-to-end over stdio and HTTP). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
log "cargo build (the binary the end-to-end tests drive)"
cargo build --locked -p amlc
log "cargo test"
cargo test --workspace --locked

log "extension: npm ci && npm test (type-check and unit tests)"
(cd extension && npm ci --no-audit --no-fund && npm test)
