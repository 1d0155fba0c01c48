#!/usr/bin/env bash
# Trunk post-build hook (runs in Trunk's staging directory):
# 0. puts the route chunks of a split build (tools/wasm-bindgen) beside their loader, optimises
#    them with wasm-opt, and names the main JS in the loader;
# 1. minifies the JS glue with terser (Trunk's own minifier fails on wasm-bindgen's
#    `export default`, and leaves it as is) where terser is installed (end2end/node_modules);
# 2. writes this build's precache list and version into sw.js;
# 3. gzips (and, where the brotli tool is installed, brotli-compresses) the assets so that the
#    server sends them precompressed.
set -euo pipefail
cd "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"

# index.html names each file's SHA-384 (subresource integrity): a minified file gets its new one.
sri() { python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha384(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"; }
split=$(find snippets -maxdepth 1 -type d -name 'veld-split-*' 2>/dev/null | head -n1)
if [ -n "$split" ]; then
  tag=$(basename "$split")
  target="${CARGO_TARGET_DIR:-${TRUNK_SOURCE_DIR:-$PWD/..}/target}"
  chunks=$(find "$target/wasm-bindgen" -maxdepth 2 -type d -name "$tag" | head -n1)
  [ -n "$chunks" ] || { echo "post-build: the chunks of $tag are not under $target/wasm-bindgen" >&2; exit 1; }
  cp "$chunks"/*.wasm "$split/"
  if [ "${TRUNK_PROFILE:-}" = release ]; then
    for f in "$split"/*.wasm; do
      wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
        --enable-reference-types --enable-multivalue "$f" -o "$f"
    done
  fi
  main=$(ls veld-app-*.js | head -n1)
  before=$(sri "$split/__wasm_split.js")
  sed -i "s|__VELD_MAIN_JS__|$main|" "$split/__wasm_split.js"
  sed -i "s|sha384-$before|sha384-$(sri "$split/__wasm_split.js")|g" index.html
  echo "post-build: $(ls "$split"/*.wasm | wc -l) route chunks in $split"
fi

if [ "${TRUNK_PROFILE:-}" = release ] && command -v terser >/dev/null; then
  for f in $(find . -type f -name '*.js' ! -name 'sw.js'); do
    before=$(sri "$f")
    terser "$f" --module --compress --mangle --output "$f"
    sed -i "s|sha384-$before|sha384-$(sri "$f")|g" index.html
  done
fi

files=$(find . -type f ! -name 'sw.js' ! -name '*.gz' | sed 's|^\./|/|' | LC_ALL=C sort)
version=$(for f in $files; do sha256sum ".$f"; done | sha256sum | cut -c1-16)
list=$(printf '%s\n' $files | sed 's/.*/"&"/' | paste -sd, -)
sed -i -e "s|__VELD_BUILD__|$version|" -e "s|\"__VELD_PRECACHE__\"|$list|" sw.js

assets=$(find . -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.webmanifest' \))
for f in $assets; do
  gzip -9 -k -f -n "$f"
  if command -v brotli >/dev/null; then brotli -q 11 -k -f "$f"; fi
done
echo "post-build: sw.js version $version, $(printf '%s\n' $files | wc -l) files precached, assets compressed"
