#!/usr/bin/env bash
# The app's layering (ARCHITECTURE.md, "Invariants"): pages and components change data only
# through `Store` (state/), never through browser storage (storage/) or HTTP and the sync engine
# (sync/) themselves. Fails, naming the lines, when one of them reaches past the store.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='crate::(storage|sync)\b|crate::\{[^}]*\b(storage|sync)\b|super::(super::)*(storage|sync)\b|\bveld_app::(storage|sync)\b|web_sys::(Storage|IdbFactory|Request|EventSource)\b|gloo_net|indexed_db_futures|local_storage\(\)'
if found=$(grep -rnE "$pattern" app/src/pages app/src/components app/src/overview app/src/board app/src/admin); then
  echo "error: pages and components must go through Store (app/src/state), not storage, HTTP or the sync engine:" >&2
  echo "$found" >&2
  exit 1
fi
echo "layering: pages and components use only the store"
