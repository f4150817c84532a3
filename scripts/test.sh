#!/usr/bin/env bash
# The test command: set up, build, and run every test: natively with ctest (Catch2, the
# kill/resume runs, ONNX Runtime parity, the weights file read by an independent reader),
# the core's Catch2 tests as wasm under Node, the demo server against malformed requests,
# the page in headless Chromium on both backends (node's test runner), and the fuzzers for
# 30 s each (scripts/fuzz.sh); first, the check of README.md and docs/ (scripts/check_docs.py). A Catch2 entry
# that asserts nothing or matches no test case fails (tests/CMakeLists.txt); what could not
# run here is listed as skipped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
python3 scripts/check_docs.py --self-test  # README and docs/: links, quoted commands, options and paths (seconds)
scripts/build.sh
logs=build/test-logs
mkdir -p "$logs"
ctest --test-dir build --output-on-failure | tee "$logs/native.txt"
ctest --test-dir build-wasm --output-on-failure | tee "$logs/wasm.txt"
node web/server.mjs --precompress  # the page as scripts/demo.sh serves it: compressed copies, made once per content
node --test web/server.test.mjs web/browser.test.mjs | tee "$logs/browser.txt"
scripts/fuzz.sh 30 | tee "$logs/fuzz.txt"  # each libFuzzer harness for 30 s (ASan + UBSan)

skipped=$(grep -h '(Skipped)' "$logs/native.txt" "$logs/wasm.txt" | sed 's/^[[:space:]]*/  ctest: /' || true)
skipped+=$(grep -h '# SKIP' "$logs/browser.txt" | sed 's/^/  browser: /' || true)
echo
echo "Skipped here (they need what this machine lacks): ${skipped:+$'\n'}${skipped:-none}"
# One closing line over the three runners (each stops the script above if anything failed).
total=$(grep -ho 'tests failed out of [0-9]*' "$logs/native.txt" "$logs/wasm.txt" | awk '{s += $5} END {print s}')
nskipped=$(grep -hc '(Skipped)' "$logs/native.txt" "$logs/wasm.txt" | awk '{s += $1} END {print s}')
browser_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$logs/browser.txt")
browser_skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$logs/browser.txt")
echo "tests: $((total - nskipped + browser_pass)) passed, 0 failed, $((nskipped + browser_skip)) skipped"
