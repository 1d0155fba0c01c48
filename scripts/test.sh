#!/usr/bin/env bash
# Installs what the tests need, then runs everything: formatting, clippy, unit and server
# integration tests (SQLite always; PostgreSQL when DATABASE_URL points at one), wasm tests in
# headless Chromium, and the Playwright browser tests on desktop and Pixel 7.
source "$(dirname "$0")/lib.sh"
start=$(date +%s)
ensure_build_tools
ensure_chromium

say "cargo fmt --check"
cargo fmt --all -- --check

say "the app's layering, and field names written once"
bash scripts/check-layers.sh
python3 scripts/check-field-names.py

say "clippy (native crates, and the app for wasm32)"
cargo clippy --locked -p veld-domain -p veld-server --all-targets -- -D warnings
cargo clippy --locked -p veld-app --all-targets --target wasm32-unknown-unknown -- -D warnings

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  say "unit and integration tests (SQLite and PostgreSQL at ${DATABASE_URL%%\?*})"
else
  say "unit and integration tests (SQLite; PostgreSQL tests skip: DATABASE_URL is not set to postgres://…)"
fi
# --show-output: the simulation, crash test and other figure-printing tests show their figures.
cargo test --locked -p veld-domain -p veld-server -p veld-app -- --show-output

say "wasm tests in headless Chromium"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_TIMEOUT=60 cargo test --locked -p veld-app --target wasm32-unknown-unknown --test browser

build_app
say "building the server for the browser tests"
cargo build --locked -p veld-server
say "API fuzzing (schemathesis, every operation of /api/openapi.json)"
bash scripts/fuzz-api.sh "$CARGO_TARGET_DIR/debug/veld-server"
say "browser tests (Playwright: Desktop Chrome and Pixel 7)"
(cd end2end && VELD_SERVER_BIN="$CARGO_TARGET_DIR/debug/veld-server" npx playwright test)

say "all tests passed in $(( $(date +%s) - start )) s"
