#!/usr/bin/env bash
# Runs the libFuzzer targets fuzz_config, fuzz_run_file and fuzz_regions for a bounded time each, side by side
# (docs/DEVELOPING.md). Usage: scripts/fuzz.sh [BUILD_DIR [SECONDS]], BUILD_DIR configured with
# LAUNCHMC_FUZZ=ON (scripts/sanitized_tests.sh builds build-asan so). Fails on any finding: a
# crash, a sanitizer report, a leak, an input slower than 1 s, more than 2 GB. The input is kept
# in BUILD_DIR/fuzz-artifacts/ and the log in BUILD_DIR/fuzz-<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
seconds=${2:-60}
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0
if [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi  # the run-file fuzzer's scratch file
mkdir -p "$build/fuzz-artifacts"
declare -A seeds=(
  [fuzz_config]="tests/fuzz/seeds/config tests/fuzz/regressions/config configs"
  [fuzz_run_file]="tests/fuzz/seeds/run_file tests/fuzz/regressions/run_file"
  [fuzz_regions]="tests/fuzz/seeds/regions tests/fuzz/regressions/regions"
)
declare -A pids
for target in fuzz_config fuzz_run_file fuzz_regions; do
  corpus="$build/fuzz-corpus/$target"
  mkdir -p "$corpus"
  # shellcheck disable=SC2086  # the seed directories are words
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 \
    -artifact_prefix="$build/fuzz-artifacts/$target-" -print_final_stats=1 \
    "$corpus" ${seeds[$target]} >"$build/fuzz-$target.log" 2>&1 &
  pids[$target]=$!
done
failed=0
for target in fuzz_config fuzz_run_file fuzz_regions; do
  if wait "${pids[$target]}"; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-$target.log")
    echo "fuzz: $target: ${runs:-?} inputs in ${seconds} s, no finding"
  else
    failed=1
    echo "fuzz: $target: FINDING (log $build/fuzz-$target.log):"
    grep -E "ERROR|SUMMARY|Test unit written" "$build/fuzz-$target.log" | head -5 | sed 's/^/  /'
  fi
done
exit "$failed"
