# Sourced by scripts/package.sh and scripts/test-cross.sh: the targets amlc ships, in VS Code's platform names,
# the Rust target each is built for, and whether this machine has what building it needs.

# VS Code platform -> Rust target.
declare -A RUST_TARGET=(
  [linux-x64]=x86_64-unknown-linux-gnu
  [linux-arm64]=aarch64-unknown-linux-gnu
  [win32-x64]=x86_64-pc-windows-gnu
  [darwin-x64]=x86_64-apple-darwin
  [darwin-arm64]=aarch64-apple-darwin
)
PLATFORMS=(linux-x64 win32-x64 linux-arm64 darwin-x64 darwin-arm64)

# Where the cross tools are, so the same words work in setup, packaging and tests.
WINE64=${WINE64:-/usr/lib/wine/wine64}
QEMU_AARCH64="qemu-aarch64 -L /usr/aarch64-linux-gnu"
# Where zig and cargo-zigbuild from PyPI live when scripts/setup.sh --package installed them.
ZIG_VENV=${ZIG_VENV:-$HOME/.cache/amlc-zig/venv}

exe_name() { case "$1" in win32-*) echo amlc.exe ;; *) echo amlc ;; esac; }

rust_target_installed() {
  [ "$1" = "$(rustc -vV | sed -n 's/^host: //p')" ] && return 0
  rustup target list --installed 2>/dev/null | grep -qx "$1"
}

# Prints nothing when PLATFORM can be built here, else the reason it cannot (one line).
why_not_buildable() {
  local platform=$1 target=${RUST_TARGET[$1]}
  case "$platform" in
    win32-x64)
      command -v x86_64-w64-mingw32-gcc >/dev/null || echo "no mingw-w64 C compiler and linker (Debian package gcc-mingw-w64-x86-64)" ;;
    linux-arm64)
      command -v aarch64-linux-gnu-gcc >/dev/null || echo "no aarch64 cross compiler and linker (Debian packages gcc-aarch64-linux-gnu, libc6-dev-arm64-cross)" ;;
    darwin-*)
      if [ -z "${SDKROOT:-}" ]; then
        echo "no macOS SDK: the server's TLS certificate check (rustls-platform-verifier) links Apple's Security and CoreFoundation frameworks, which only Apple's SDK carries (not Debian, not PyPI's zig, which links a plain Rust program for macOS here but finds no frameworks); set SDKROOT to a macOS SDK and put ziglang and cargo-zigbuild from PyPI in $ZIG_VENV to try"
      elif [ ! -x "$ZIG_VENV/bin/cargo-zigbuild" ]; then
        echo "SDKROOT is set but there is no macOS linker: python3 -m venv $ZIG_VENV && $ZIG_VENV/bin/pip install ziglang cargo-zigbuild"
      fi ;;
  esac | grep . && return
  rust_target_installed "$target" || echo "the Rust standard library for $target is not installed (rustup target add $target)"
}
