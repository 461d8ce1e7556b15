#!/usr/bin/env bash
# Builds the shipped server (Cargo profile `dist`: release optimisation, no debug info, stripped) for every target this
# machine can build, and writes per target dist/amlc-<platform>.vsix (the extension with that server bundled) and the
# server archive dist/amlc-<platform>.tar.gz (.zip for Windows) for other editors and the CLI, and
# dist/amlc-universal.vsix without a server for the platforms it cannot build (macOS). Prints what it built
# and, for each target it could not build, why. PLATFORMS_ONLY="linux-x64 win32-x64" limits the targets.
# Exits non-zero only if a target that should build fails to, or if nothing was built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=scripts/targets.sh
. scripts/targets.sh

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
MAX_BYTES=$((15 * 1024 * 1024))
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
read -r -a wanted <<< "${PLATFORMS_ONLY:-}"
[ ${#wanted[@]} -gt 0 ] || wanted=("${PLATFORMS[@]}")
mkdir -p dist

# The cross compilers and Rust targets (idempotent; quick when present).
bash scripts/setup.sh --package
# vsce needs Node >= 22.
PATH="$(bash extension/scripts/node24.sh):$PATH"
log "extension: npm ci and the production bundle"
(cd extension && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund >&2; } \
  && node scripts/build.mjs --production)
version=$(node -p "require('./extension/package.json').version")

declare -A built=() skipped=()
for platform in "${wanted[@]}"; do
  target=${RUST_TARGET[$platform]:-}
  if [ -z "$target" ]; then skipped[$platform]="not a platform amlc ships (one of: ${PLATFORMS[*]})"; continue; fi
  reason=$(why_not_buildable "$platform")
  if [ -n "$reason" ]; then skipped[$platform]=$reason; continue; fi
  log "$platform: cargo build --profile dist --target $target"
  build=(cargo build --locked --profile dist -p amlc --target "$target")
  case "$platform" in
    darwin-*) build=("$ZIG_VENV/bin/cargo-zigbuild" zigbuild --locked --profile dist -p amlc --target "$target") ;;
  esac
  if ! PATH="$ZIG_VENV/bin:$PATH" "${build[@]}" >&2; then
    skipped[$platform]="the build failed (output above)"
    failed=1
    continue
  fi
  exe=$(exe_name "$platform")
  bin=$TARGET_DIR/$target/dist/$exe

  # The .vsix: the bundled extension, with this target's server as server/amlc or server/amlc.exe.
  rm -rf extension/server && mkdir -p extension/server
  cp "$bin" "extension/server/$exe"
  chmod 755 "extension/server/$exe"
  vsix=$ROOT/dist/amlc-$platform.vsix
  (cd extension && npx --no-install vsce package --target "$platform" --allow-missing-repository --skip-license --out "$vsix" >&2)
  rm -rf extension/server

  # The archive: the server, the README and the licence, in a folder named for the target.
  stage=$(mktemp -d)
  mkdir -p "$stage/amlc-$version-$platform"
  cp "$bin" README.md "$stage/amlc-$version-$platform/"
  [ -f LICENSE ] && cp LICENSE "$stage/amlc-$version-$platform/"
  case "$platform" in
    win32-*) archive=$ROOT/dist/amlc-$platform.zip
      rm -f "$archive"; (cd "$stage" && python3 -m zipfile -c "$archive" "amlc-$version-$platform") ;;
    *) archive=$ROOT/dist/amlc-$platform.tar.gz
      tar -C "$stage" -czf "$archive" "amlc-$version-$platform" ;;
  esac
  rm -rf "$stage"

  size=$(stat -c %s "$vsix")
  if [ "$size" -gt "$MAX_BYTES" ]; then
    skipped[$platform]="dist/amlc-$platform.vsix is $((size / 1024)) KiB, over the 15 MiB limit"
    failed=1
    continue
  fi
  built[$platform]="dist/amlc-$platform.vsix ($((size / 1024)) KiB, server $(( $(stat -c %s "$bin") / 1024 )) KiB), ${archive#"$ROOT"/}"
done

# Without a server, for every other platform (macOS): the extension then asks for one, saying how to get it.
rm -rf extension/server
(cd extension && npx --no-install vsce package --allow-missing-repository --skip-license --out "$ROOT/dist/amlc-universal.vsix" >&2)

echo
echo "amlc $version packages:"
for platform in "${wanted[@]}"; do
  if [ -n "${built[$platform]:-}" ]; then echo "  built    $platform: ${built[$platform]}"; fi
done
for platform in "${wanted[@]}"; do
  if [ -n "${skipped[$platform]:-}" ]; then echo "  not built $platform: ${skipped[$platform]}"; fi
done
echo "  built    any other platform: dist/amlc-universal.vsix (no server: amlc.server.path or amlc on PATH)"
[ ${#built[@]} -gt 0 ] || { echo "nothing was built" >&2; exit 1; }
exit "${failed:-0}"
