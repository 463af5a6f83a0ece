#!/usr/bin/env bash
# Builds launchmc and runs the whole test suite (what CI runs: .ci/run calls this script).
set -euo pipefail
cd "$(dirname "$0")/.."
banner() { printf '\n==== %s ====\n' "$*"; }
banner "source format (clang-format, .clang-format)"
bash scripts/check_format.sh
banner "Release build (build/)"
bash scripts/build.sh
banner "test suite (build/)"
(cd build && ctest --output-on-failure --timeout 600 -j"$(nproc)")
# ---- issue 8: sanitizers and fuzzing (docs/DEVELOPING.md) ----
banner "sanitized build and unit tests (ASan+UBSan, build-asan/)"
bash scripts/sanitized_tests.sh build-asan
banner "fuzzers, 60 s each (build-asan/)"
bash scripts/fuzz.sh build-asan 60
# ---- end issue 8 ----
