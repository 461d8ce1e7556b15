#!/usr/bin/env bash
# Creates the Python environment with the official Azure ML SDK (azure-ai-ml) that the emulator's SDK test
# (tests/tests/emulator_sdk.rs) drives. Shared cache outside the checkout; idempotent. Override with AMLC_VENV.
set -euo pipefail
venv="${AMLC_VENV:-$HOME/.cache/amlc-venv}"
version="1.35.2"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import azure.ai.ml, sys; from importlib.metadata import version as v; sys.exit(v('azure-ai-ml') != '$version')" 2>/dev/null; then
  exit 0
fi
printf '\033[1m==> %s\033[0m\n' "installing azure-ai-ml==$version into $venv" >&2
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "azure-ai-ml==$version"
