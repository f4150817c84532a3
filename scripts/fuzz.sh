#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer harnesses of fuzz/ (clang, ASan + UBSan) in build-fuzz/
# (configured once, incremental after), then runs each for SECONDS seconds (default 30) on
# a fresh copy of its seed corpus (fuzz/corpus/<harness>/, never grown by a run) and prints
# its executions and coverage. Exits 1 if any harness crashed, hung, leaked or broke an
# invariant; the input that did it is left in build-fuzz/crashes/.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2; }
harnesses=(fuzz_image_header fuzz_extract fuzz_document fuzz_train_config fuzz_model_card fuzz_json fuzz_weights_file fuzz_page_bank
           fuzz_onnx_weights)
out=build-fuzz

command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (scripts/setup.sh installs clang)" >&2; exit 1; }
if ! [ -f "$out/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S fuzz -B "$out" >/dev/null
fi
cmake --build "$out" -j "$(nproc)"

export UBSAN_OPTIONS=print_stacktrace=1  # where undefined behaviour happened, not only which
failed=()
summary=()
mkdir -p "$out/crashes" "$out/logs"
for h in "${harnesses[@]}"; do
  corpus=$out/corpus/$h
  rm -rf "$corpus"
  mkdir -p "$corpus"
  cp fuzz/corpus/"$h"/* "$corpus"/ 2>/dev/null || true
  log=$out/logs/$h.log
  echo "fuzz: $h for $seconds s ..."
  # -timeout: an input that runs 10 s is a hang; leaks are reported (LeakSanitizer).
  if "$out/$h" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="$out/crashes/$h-" "$corpus" \
       >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$h")
    grep -E "ERROR|runtime error|SUMMARY|Test unit written|deadly signal|timeout" "$log" | head -20 | sed 's/^/  /'
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  summary+=("$(printf '%-18s %-6s %12s executions in %s s   cov: %-6s ft: %-6s corpus: %s' "$h" "$status" "${runs:-?}" "$seconds" "${cov:-?}" "${ft:-?}" "${corp:-?}")")
done

echo
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]} (logs in $out/logs/, inputs in $out/crashes/; rerun one with: $out/<harness> <input>)"
  exit 1
fi
echo "fuzz: no crash in ${#harnesses[@]} harnesses"
