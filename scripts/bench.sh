#!/usr/bin/env bash
# Benchmarks: builds the release app and server, then prints every figure and writes them to
# target/bench/figures.json ({"name": {"value", "unit", "target"}}). See README "Benchmarks".
source "$(dirname "$0")/lib.sh"
ensure_build_tools
ensure_chromium
build_app
say "building the server (release)"
cargo build --locked --release -p veld-server
say "measuring sync throughput on SQLite (server)"
mkdir -p target/bench
cargo run --locked --release -p veld-server --example bench_sync > target/bench/sync.json
say "measuring CSV import throughput on SQLite (server)"
cargo run --locked --release -p veld-server --example bench_import > target/bench/import.json
say "measuring load over HTTP on PostgreSQL: 20 clients, 1 and 3 instances (VELD_LOAD_SECS each, default 60)"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
  VELD_SERVER_BIN="$CARGO_TARGET_DIR/release/veld-server" \
  cargo run --locked --release -p veld-server --example bench_load > target/bench/load.json
say "measuring the app (bundle, Lighthouse)"
VELD_SERVER_BIN="$CARGO_TARGET_DIR/release/veld-server" VELD_EXTRA_FIGURES=target/bench/sync.json,target/bench/import.json,target/bench/load.json \
  node end2end/bench/bench.mjs "$@"
