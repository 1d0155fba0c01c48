#!/usr/bin/env bash
# Screens of every page on a desktop (1366 × 900) and a Pixel 7, into end2end/screens/ (JPEG),
# from a release build of the app: look at them, commit them; the README links the main ones.
source "$(dirname "$0")/lib.sh"
ensure_build_tools
ensure_chromium
build_app
cargo build --locked -p veld-server
say "taking screens (Playwright, both viewports)"
(cd end2end && VELD_SCREENS=1 VELD_SERVER_BIN="$CARGO_TARGET_DIR/debug/veld-server" npx playwright test tests/screens.spec.ts)
ls -1 end2end/screens
