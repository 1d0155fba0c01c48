# Shared by scripts/run.sh, scripts/test.sh and scripts/bench.sh: idempotent installers that
# check what is present, install only what is missing, and say what they do.
# shellcheck shell=bash
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

TRUNK_VERSION=0.21.14
# The one wasm-bindgen version: Cargo.toml pins the crate, Trunk.toml names the CLI.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
TOOLS_DIR="${VELD_TOOLS_DIR:-$HOME/.cache/veld/bin}"
# Builds live outside the clone so that fresh clones (CI) reuse them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/veld/target}"
export PATH="$TOOLS_DIR:$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\033[1;36m==> %s\033[0m\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "error: Rust (cargo) is needed: https://rustup.rs" >&2; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_node() {
  command -v npm >/dev/null || apt_install nodejs npm
  local stamp="$ROOT/end2end/node_modules/.veld-lock"
  local want
  want=$(sha256sum "$ROOT/end2end/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing npm packages (Playwright, axe-core, Lighthouse, binaryen's wasm-opt, terser)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing Trunk $TRUNK_VERSION (one-off, about 6 minutes)"
    CARGO_TARGET_DIR="$HOME/.cache/veld/trunk-build" CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install trunk --version "$TRUNK_VERSION" --locked
    rm -rf "$HOME/.cache/veld/trunk-build"
  fi
}

ensure_wasm_bindgen() {
  # The CLI is ours (it splits the app into route chunks first): rebuilt when its source changes.
  local stamp
  stamp=$(cat tools/wasm-bindgen/Cargo.toml tools/wasm-bindgen/src/bin/*.rs Cargo.lock | sha256sum | cut -c1-16)
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
    || ! [ -x "$TOOLS_DIR/wasm-bindgen-test-runner" ] \
    || [ "$(cat "$TOOLS_DIR/wasm-bindgen.stamp" 2>/dev/null)" != "$stamp" ]; then
    say "building wasm-bindgen $WASM_BINDGEN_VERSION (with the split step) and its test runner from Cargo.lock"
    cargo build --locked --release -p veld-wasm-bindgen
    mkdir -p "$TOOLS_DIR"
    cp "$CARGO_TARGET_DIR/release/wasm-bindgen" "$CARGO_TARGET_DIR/release/wasm-bindgen-test-runner" "$TOOLS_DIR/"
    echo "$stamp" > "$TOOLS_DIR/wasm-bindgen.stamp"
  fi
}

ensure_chromium() {
  apt_install chromium chromium-driver
}

# Everything a release build of the app needs.
ensure_build_tools() {
  # brotli: the build precompresses the app with it (about 20 % smaller than gzip).
  apt_install brotli
  ensure_rust
  say "fetching crates (locked)"
  cargo fetch --locked
  ensure_node
  ensure_trunk
  ensure_wasm_bindgen
}

build_app() {
  say "building the app (Trunk, release, offline)"
  trunk build --release --offline
}
