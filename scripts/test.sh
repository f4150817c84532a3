#!/usr/bin/env bash
# The test command: set up, build, and run every test (Catch2 and the ONNX Runtime parity
# test) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure
