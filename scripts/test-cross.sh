#!/usr/bin/env bash
# The cross-built servers, tested where they run on this machine: the Windows build (x86_64-pc-windows-gnu) under
# wine, the Linux arm64 build under qemu-user. Debug builds are enough for that and much quicker to make than the
# packages; CROSS_PROFILE=dist tests the servers scripts/package.sh ships instead. Runs tests/tests/cross_target.rs
# once per target, against the host's debug build of the same source (build it first: `cargo build -p amlc`).
# scripts/test.sh runs this; scripts/setup.sh --tests installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/targets.sh
. scripts/targets.sh

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}

for platform in win32-x64 linux-arm64; do
  reason=$(why_not_buildable "$platform")
  if [ -n "$reason" ]; then echo "test-cross: cannot build $platform: $reason" >&2; exit 1; fi
done
command -v "$WINE64" >/dev/null || { echo "test-cross: $WINE64 is missing (Debian package wine64)" >&2; exit 1; }
command -v qemu-aarch64 >/dev/null || { echo "test-cross: qemu-aarch64 is missing (Debian package qemu-user)" >&2; exit 1; }

profile=${CROSS_PROFILE:-debug}
log "cross: cargo build -p amlc for x86_64-pc-windows-gnu and aarch64-unknown-linux-gnu ($profile)"
cargo build --locked -p amlc --profile "$([ "$profile" = debug ] && echo dev || echo "$profile")" \
  --target x86_64-pc-windows-gnu --target aarch64-unknown-linux-gnu

# Windows. wine 8 lacks ProcessPrng, which Rust's standard library takes random bytes from, so a test-only
# bcryptprimitives.dll (tests/wine/) goes beside a copy of the exe in a folder of its own: nothing that
# scripts/package.sh reads ever sits next to it.
win_dir=$TARGET_DIR/wine-test
rm -rf "$win_dir" && mkdir -p "$win_dir"
cp "$TARGET_DIR/x86_64-pc-windows-gnu/$profile/amlc.exe" "$win_dir/"
x86_64-w64-mingw32-gcc -shared -O2 -o "$win_dir/bcryptprimitives.dll" tests/wine/bcryptprimitives.c -ladvapi32
# A fresh 64-bit prefix each run, so nothing of an earlier run or of the user's wine takes part.
export WINEARCH=win64 WINEPREFIX=$TARGET_DIR/wine-prefix WINEDEBUG=-all
# No Mono or Gecko install prompts; the shim instead of wine's own (incomplete) bcryptprimitives.
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
rm -rf "$WINEPREFIX"
log "cross: a fresh wine prefix in $WINEPREFIX"
"$WINE64" wineboot --init >/dev/null 2>&1 || true
"$WINE64" "$win_dir/amlc.exe" --version >&2

log "cross: Windows server under wine"
AMLC_CROSS_BIN=$win_dir/amlc.exe AMLC_CROSS_RUNNER=$WINE64 \
  cargo test --locked -p amlc-tests --test cross_target -- --test-threads=1
"$(dirname "$WINE64")/wineserver" -k 2>/dev/null || true

log "cross: Linux arm64 server under qemu-aarch64"
# shellcheck disable=SC2086
$QEMU_AARCH64 "$TARGET_DIR/aarch64-unknown-linux-gnu/$profile/amlc" --version >&2
AMLC_CROSS_BIN=$TARGET_DIR/aarch64-unknown-linux-gnu/$profile/amlc AMLC_CROSS_RUNNER=$QEMU_AARCH64 \
  cargo test --locked -p amlc-tests --test cross_target
