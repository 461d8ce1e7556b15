#!/usr/bin/env bash
# Builds amlc and runs its main job on the examples: every spec in examples/ checked.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --locked -p amlc
status=0
./target/release/amlc check examples/ || status=$?
echo "(amlc check exits 1 because examples/bad/ holds specs with deliberate mistakes)" >&2
[ "$status" -le 1 ]
