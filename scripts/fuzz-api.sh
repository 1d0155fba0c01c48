#!/usr/bin/env bash
# Fuzzes the whole HTTP API with schemathesis (PyPI) from its own description
# (/api/openapi.json): a live server on a fresh SQLite database with the demo data, logged in as
# the administrator; every operation but logout. Fails on a server error (5xx), an answer
# whose status, content type or body the description does not allow. Usage:
#   scripts/fuzz-api.sh path/to/veld-server
source "$(dirname "$0")/lib.sh"
bin="${1:?the veld-server binary}"
venv="$HOME/.cache/veld/schemathesis"
if [ ! -x "$venv/bin/schemathesis" ]; then
  say "installing schemathesis (PyPI) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$work/dist"
DATABASE_URL="sqlite://$work/veld.db?mode=rwc" RUST_LOG=error \
  "$bin" serve --demo --bind "127.0.0.1:$port" --dist "$work/dist" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
# Waits for the server, logs in as the administrator and prints the session cookie (Python's
# standard library: a fresh machine may have no curl).
cookie="$(python3 - "$port" <<'PY'
import json, sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(300):
    try:
        urllib.request.urlopen(base + "/api/health", timeout=2)
        break
    except Exception:
        time.sleep(0.2)
body = json.dumps({"email": "admin@veld.test", "password": "veld-demo-2026"}).encode()
req = urllib.request.Request(base + "/api/auth/login", data=body, headers={"content-type": "application/json"})
for header in urllib.request.urlopen(req, timeout=30).headers.get_all("set-cookie"):
    if header.startswith("veld_session="):
        print(header.split(";")[0])
PY
)"
[ -n "$cookie" ] || { echo "error: could not log in for the API fuzzing" >&2; exit 1; }
timeout 900 "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
  --url "http://127.0.0.1:$port" -H "Cookie: $cookie" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path /api/auth/logout --phases coverage,fuzzing --max-examples 5 --workers 2 \
  --warnings off 2>&1 | tee "$work/fuzz.log" | grep -E '^(API Operations|  Selected|  Tested|Test cases|  [0-9]+ generated)|passed|failed|errors?' || true
status="${PIPESTATUS[0]}"
if [ "$status" -ne 0 ]; then
  cat "$work/fuzz.log" >&2
  echo "error: schemathesis found problems (above)" >&2
  exit 1
fi
