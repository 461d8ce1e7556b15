#!/usr/bin/env bash
# Installs the end-to-end tools (Debian chromium, Node 24, code-server) into a cache OUTSIDE the clone,
# so a warm machine skips all of it. Idempotent. Prints nothing on a warm run.
set -euo pipefail
TOOLS=${AMLC_E2E_TOOLS:-$HOME/.cache/amlc-e2e}
CS_VERSION=4.139.1

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  log "installing chromium and libkrb5-dev (apt)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libkrb5-dev build-essential pkg-config python3 >/dev/null
fi

# code-server runs on the cached Node 24 whatever the system has.
N24=$(dirname "$(bash "$(dirname "$0")/../scripts/node24.sh" --cached)")

if [ ! -x "$TOOLS/cs/node_modules/.bin/code-server" ]; then
  log "installing code-server $CS_VERSION into $TOOLS (native build, ~2 min)"
  mkdir -p "$TOOLS/cs"
  # npm 11 warns about unapproved install scripts: approve the ones code-server needs.
  printf '{"name":"cs","private":true,"allowScripts":{"code-server@%s":true,"argon2":true}}\n' "$CS_VERSION" > "$TOOLS/cs/package.json"
  # ~/.npmrc may point nodedir at Node 20 headers; native modules must be built for Node 24.
  PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --prefix "$TOOLS/cs" --no-audit --no-fund "code-server@$CS_VERSION" >&2
fi
