#!/usr/bin/env bash
# The demo on the shipped models: shifted test digits through the released shift-invariant
# auto-encoder and the ordinary auto-encoder (ONNX Runtime), drawn in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
node scripts/shipped-models-demo.mjs "$@"
