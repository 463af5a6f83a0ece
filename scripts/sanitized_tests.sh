#!/usr/bin/env bash
# Builds the sanitized tree build-asan/ (clang, -O1 -g, AddressSanitizer + UndefinedBehaviorSanitizer,
# plus the libFuzzer targets) and runs the unit tests in it; any sanitizer report fails the test
# that triggers it (halt_on_error=1, -fno-sanitize-recover=all). docs/DEVELOPING.md explains it.
# Skipped under the sanitizers: the Python-driven tests of the binary's output (notebooks, plot
# scripts, golden runs): they check plots and numbers against the Release build, not memory, and
# would add minutes under ASan for no new coverage; the C++ tests run the binary too.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DLAUNCHMC_SANITIZE=address,undefined \
  -DLAUNCHMC_FUZZ=ON -DLAUNCHMC_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0
ctest --test-dir "$build" --output-on-failure --timeout 600 -j"$(nproc)" -E '^(notebook_.*|plots_scripts|golden_runs)$'
