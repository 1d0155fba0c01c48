#!/usr/bin/env bash
# Installs what is missing, builds the release app and server, and starts Veld at
# http://127.0.0.1:8080 on SQLite in ./data (demo data on first start). Arguments are passed
# to `veld-server serve`, e.g. `scripts/run.sh --bind 0.0.0.0:8080`.
source "$(dirname "$0")/lib.sh"
ensure_build_tools
build_app
say "building the server (release)"
cargo build --locked --release -p veld-server
say "starting Veld (Ctrl-C stops it)"
exec "$CARGO_TARGET_DIR/release/veld-server" --data-dir "${VELD_DATA_DIR:-data}" serve --demo --dist dist "$@"
