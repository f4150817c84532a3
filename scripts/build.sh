#!/usr/bin/env bash
# Configures and builds everything (incremental after the first time):
#   build/       native: the tiae program, the core, the tests
#   build-wasm/  WebAssembly (Emscripten): the portable core and its tests
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"

export NODE_PATH=/usr/share/nodejs  # Debian's emcc needs Node modules (acorn) from there
[ -f build-wasm/CMakeCache.txt ] || emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release
cmake --build build-wasm -j"$(nproc)"
