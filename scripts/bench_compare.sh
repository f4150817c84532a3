#!/usr/bin/env bash
# The trainer against the same training step in PyTorch-Python (benchmarks/pytorch_reference.py,
# Debian's python3-torch over the same LibTorch), run alternately ROUNDS times on this machine:
# digits/s of each, their medians and the ratio, into benchmarks/trainer-compare.json.
#   scripts/bench_compare.sh [ROUNDS]     (after scripts/build.sh native)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null ||
  { echo "bench_compare: needs Debian's python3-torch (apt-get install python3-torch)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq "$rounds"); do
  build/native/tiae bench --views 8 --batch 128 -o "$tmp/cpp-$i.json" >/dev/null
  /usr/bin/python3 benchmarks/pytorch_reference.py --views 8 --batch 128 > "$tmp/py-$i.json"
  echo "round $i: C++ $(node -e "console.log(require('$tmp/cpp-$i.json').training.digits_per_s.toFixed(0))") digits/s," \
       "Python $(node -e "console.log(require('$tmp/py-$i.json').digits_per_s.toFixed(0))") digits/s"
done
node - "$tmp" "$rounds" <<'JS'
const [dir, rounds] = process.argv.slice(2);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const cpp = [], py = [];
for (let i = 1; i <= Number(rounds); i++) {
  cpp.push(require(`${dir}/cpp-${i}.json`).training.digits_per_s);
  py.push(require(`${dir}/py-${i}.json`).digits_per_s);
}
const result = { views_K: 8, batch: 128, rounds: Number(rounds), cpp_digits_per_s: cpp, python_digits_per_s: py,
                 cpp_median: median(cpp), python_median: median(py), ratio_of_medians: median(cpp) / median(py) };
require('fs').writeFileSync('benchmarks/trainer-compare.json', JSON.stringify(result, null, 2) + '\n');
console.log(`median: C++ ${result.cpp_median.toFixed(0)} digits/s, Python ${result.python_median.toFixed(0)} digits/s, ` +
            `ratio ${result.ratio_of_medians.toFixed(2)} (benchmarks/trainer-compare.json)`);
JS
