#!/usr/bin/env bash
# Configures and builds (incremental after the first time). Usage: build.sh [native] [wasm]
# (both when none is named):
#   build/       native: the tiae program, the core, the tests
#   build-wasm/  WebAssembly (Emscripten): the core and the canvas app for the page, the core's tests
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
((${#targets[@]})) || targets=(native wasm)
for t in "${targets[@]}"; do
  case "$t" in
    native)
      [ -f build/CMakeCache.txt ] || cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
      cmake --build build -j"$(nproc)" ;;
    wasm)
      export NODE_PATH=/usr/share/nodejs  # Debian's emcc needs Node modules (acorn) from there
      [ -f build-wasm/CMakeCache.txt ] || emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release
      cmake --build build-wasm -j"$(nproc)" ;;
    *) echo "build.sh: unknown target '$t' (native, wasm)" >&2; exit 2 ;;
  esac
done
