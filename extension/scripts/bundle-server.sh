#!/usr/bin/env bash
# Copies the release amlc binary into extension/server/ so `vsce package` ships it in the .vsix (linux-x64).
# AMLC_BIN overrides the source; otherwise $CARGO_TARGET_DIR (or ../target)/release/amlc.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${AMLC_BIN:-${CARGO_TARGET_DIR:-../target}/release/amlc}
if [ ! -x "$src" ]; then
  echo "bundle-server: $src not found; build it with 'cargo build --release -p amlc' or set AMLC_BIN" >&2
  exit 1
fi
mkdir -p server
cp "$src" server/amlc
chmod 755 server/amlc
echo "bundle-server: copied $src -> extension/server/amlc ($(server/amlc --version 2>/dev/null || echo 'version unknown'))" >&2
