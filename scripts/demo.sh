#!/usr/bin/env bash
# The demo on the shipped models: builds the page's WebAssembly and serves the page on
# 127.0.0.1 with the COOP/COEP headers wasm threads need. Works offline: everything comes
# from this server, compressed. Usage: scripts/demo.sh [--port 8080]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh wasm
node web/server.mjs --precompress  # brotli copies of every file the page can load, made once per content
exec node web/server.mjs "$@"
