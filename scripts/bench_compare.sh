#!/usr/bin/env bash
# The trainer against the same training step in PyTorch-Python (benchmarks/pytorch_reference.py,
# Debian's python3-torch over the same LibTorch), run alternately ROUNDS times on this machine:
# digits/s of each, their medians and the ratio, into benchmarks/trainer-compare[-PRECISION].json.
#   scripts/bench_compare.sh [ROUNDS] [PRECISION]   (after scripts/build.sh native; PRECISION:
#   float32, the default, or bfloat16 for both: the network's products in bfloat16)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
precision=${2:-float32}
out=benchmarks/trainer-compare.json
[ "$precision" = float32 ] || out=benchmarks/trainer-compare-$precision.json
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null ||
  { echo "bench_compare: needs Debian's python3-torch (apt-get install python3-torch)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq "$rounds"); do
  build/native/tiae bench --views 8 --batch 128 --precision "$precision" -o "$tmp/cpp-$i.json" >/dev/null
  /usr/bin/python3 benchmarks/pytorch_reference.py --views 8 --batch 128 --precision "$precision" > "$tmp/py-$i.json"
  echo "round $i: C++ $(node -e "console.log(require('$tmp/cpp-$i.json').training.digits_per_s.toFixed(0))") digits/s," \
       "Python $(node -e "console.log(require('$tmp/py-$i.json').digits_per_s.toFixed(0))") digits/s"
done
node - "$tmp" "$rounds" "$precision" "$out" <<'JS'
const [dir, rounds, precision, out] = process.argv.slice(2);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const cpp = [], py = [];
for (let i = 1; i <= Number(rounds); i++) {
  cpp.push(require(`${dir}/cpp-${i}.json`).training.digits_per_s);
  py.push(require(`${dir}/py-${i}.json`).digits_per_s);
}
const result = { views_K: 8, batch: 128, precision, rounds: Number(rounds), cpp_digits_per_s: cpp, python_digits_per_s: py,
                 cpp_median: median(cpp), python_median: median(py), ratio_of_medians: median(cpp) / median(py) };
require('fs').writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(`median: C++ ${result.cpp_median.toFixed(0)} digits/s, Python ${result.python_median.toFixed(0)} digits/s, ` +
            `ratio ${result.ratio_of_medians.toFixed(2)} (${out})`);
JS
