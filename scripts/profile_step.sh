#!/usr/bin/env bash
# Where a training step's time goes on the CPU (float32 or bfloat16, K = 8, batch 128): by
# LibTorch operation (`tiae bench --profile`: benchmarks/trainer-ops[-PRECISION].json), and
# under Linux perf by library and by function, the kernel's and the threads' waiting included
# (benchmarks/trainer-profile[-PRECISION].txt: each library's share, the top 40 functions).
#   scripts/profile_step.sh [PRECISION]   (after scripts/build.sh native; needs perf:
#   apt-get install linux-perf, and perf_event_paranoid <= 2 or root)
set -euo pipefail
cd "$(dirname "$0")/.."
precision=${1:-float32}
suffix=
[ "$precision" = float32 ] || suffix=-$precision
out=benchmarks/trainer-profile$suffix.txt
command -v perf >/dev/null || { echo "profile_step: needs perf (apt-get install linux-perf)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/native/tiae bench --views 8 --batch 128 --steps 10 --precision "$precision" --training-only \
  --profile benchmarks/trainer-ops$suffix.json
perf record -q -F 499 -o "$tmp/perf.data" build/native/tiae bench --views 8 --batch 128 --steps 30 --precision "$precision" --training-only \
  -o "$tmp/bench.json" >"$tmp/bench.txt"
{
  echo "# tiae bench --views 8 --batch 128 --steps 30 --precision $precision --training-only under perf record -F 499"
  echo "# $(head -1 "$tmp/bench.txt")"
  echo "# samples by library (the whole run: start, warm-up and timed steps)"
  perf report -q -i "$tmp/perf.data" --no-children --sort dso --stdio 2>/dev/null | head -12
  echo "# samples by function, top 40"
  perf report -q -i "$tmp/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null | head -40
} >"$out"
cat "$out"
