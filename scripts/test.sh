#!/usr/bin/env bash
# The test command: set up, build, and run every test: natively with ctest (Catch2, the
# kill/resume run, ONNX Runtime parity), the core's Catch2 tests as wasm under Node, and
# the page in headless Chromium on both backends (node's test runner).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure
ctest --test-dir build-wasm --output-on-failure
node --test web/browser.test.mjs
