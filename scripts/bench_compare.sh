#!/usr/bin/env bash
# The trainer against the same training step in PyTorch-Python, run alternately ROUNDS times
# on this machine: benchmarks/pytorch_reference.py (as a researcher would first write it) and,
# in float32, benchmarks/pytorch_independent.py (written apart from this project's code, with
# C_res's best shift found without a gradient as the trainer does); Debian's python3-torch over
# the same LibTorch. Digits/s of each, their medians and the ratios, into
# benchmarks/trainer-compare[-PRECISION][-passive].json.
#   scripts/bench_compare.sh [ROUNDS] [PRECISION]   (after scripts/build.sh native; PRECISION:
#   float32, the default, or bfloat16 for both: the network's products in bfloat16)
# Python runs in the environment given: set OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4
# to give it the threads' settings the trainer sets itself (the file then ends in -passive).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
precision=${2:-float32}
out=benchmarks/trainer-compare
[ "$precision" = float32 ] || out=$out-$precision
[ -z "${OMP_WAIT_POLICY:-}" ] || out=$out-passive
out=$out.json
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null ||
  { echo "bench_compare: needs Debian's python3-torch (apt-get install python3-torch)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
digits() { node -e "const j = require('$1'); console.log((j.training ?? j).digits_per_s.toFixed(0))"; }
for i in $(seq "$rounds"); do
  build/native/tiae bench --views 8 --batch 128 --precision "$precision" --training-only -o "$tmp/cpp-$i.json" >/dev/null
  /usr/bin/python3 benchmarks/pytorch_reference.py --views 8 --batch 128 --precision "$precision" > "$tmp/py-$i.json"
  line="round $i: C++ $(digits "$tmp/cpp-$i.json"), Python (reference) $(digits "$tmp/py-$i.json")"
  if [ "$precision" = float32 ]; then
    /usr/bin/python3 benchmarks/pytorch_independent.py --views 8 --batch 128 > "$tmp/ind-$i.json"
    line="$line, Python (independent) $(digits "$tmp/ind-$i.json")"
  fi
  echo "$line digits/s"
done
node - "$tmp" "$rounds" "$precision" "$out" <<'JS'
const fs = require('fs');
const [dir, rounds, precision, out] = process.argv.slice(2);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const series = (prefix) => {
  const v = [];
  for (let i = 1; i <= Number(rounds); i++) {
    const f = `${dir}/${prefix}-${i}.json`;
    if (fs.existsSync(f)) v.push((j => (j.training ?? j).digits_per_s)(require(f)));
  }
  return v;
};
const cpp = series('cpp'), py = series('py'), ind = series('ind');
const result = { views_K: 8, batch: 128, precision, rounds: Number(rounds),
                 python_environment: { OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? null,
                                       OPENBLAS_THREAD_TIMEOUT: process.env.OPENBLAS_THREAD_TIMEOUT ?? null },
                 cpp_digits_per_s: cpp, python_digits_per_s: py, cpp_median: median(cpp), python_median: median(py),
                 ratio_of_medians: median(cpp) / median(py) };
if (ind.length) Object.assign(result, { independent_digits_per_s: ind, independent_median: median(ind),
                                        ratio_to_independent: median(cpp) / median(ind) });
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(`median: C++ ${result.cpp_median.toFixed(0)} digits/s, Python ${result.python_median.toFixed(0)} ` +
            `(ratio ${result.ratio_of_medians.toFixed(2)})` +
            (ind.length ? `, independent Python ${result.independent_median.toFixed(0)} (ratio ${result.ratio_to_independent.toFixed(2)})` : '') +
            ` (${out})`);
JS
