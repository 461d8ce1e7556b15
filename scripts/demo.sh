#!/usr/bin/env bash
# The main job, end to end: build amlc, check the example specs, then manage compute against the
# local ARM emulator (seeded with demo computes): list, create from a spec, stop, start, delete.
#   bash scripts/demo.sh           # on the emulator (no Azure subscription needed)
#   bash scripts/demo.sh --azure   # read-only against the workspace in .azureml/config.json (list only)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; }

cargo build --release --locked -p amlc
amlc="${CARGO_TARGET_DIR:-target}/release/amlc"

step "amlc check examples/"
status=0
"$amlc" check examples/ || status=$?
[ "$status" -le 1 ] || exit "$status"
echo "(exit code $status: examples/bad/ holds specs with deliberate mistakes)" >&2

if [ "${1:-}" = "--azure" ]; then
  step "amlc compute list   (workspace from .azureml/config.json)"
  "$amlc" compute list
  exit 0
fi

log=$(mktemp)
"$amlc" emulator --listen 127.0.0.1:0 --seed --op-seconds 1 --quiet >"$log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q 'listening on' "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$log" | head -n 1)
[ -n "$url" ] || { cat "$log" >&2; echo "the emulator did not start" >&2; exit 1; }
echo "emulator: $url" >&2

export AMLC_ARM_ENDPOINT="$url" AMLC_SUBSCRIPTION=00000000-0000-0000-0000-000000000000 AMLC_RESOURCE_GROUP=rg AMLC_WORKSPACE=ws
run() { step "amlc $*"; "$amlc" "$@"; }
run compute list
run compute create -f examples/good/dev-instance.yml --dry-run
run compute create -f examples/good/dev-instance.yml
run compute stop dev-box
run compute start dev-box
run compute list --type computeinstance
run compute list-usage
run compute delete dev-box --yes
run compute list
