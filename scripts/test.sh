#!/usr/bin/env bash
# The test command: set up, build, and run every test with ctest: natively (Catch2, the
# kill/resume run, ONNX Runtime parity) and the core's Catch2 tests as wasm under Node.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure
ctest --test-dir build-wasm --output-on-failure
