#!/usr/bin/env bash
# Builds launchmc and runs the whole test suite (what CI runs: .ci/run calls this script).
set -euo pipefail
cd "$(dirname "$0")/.."
banner() { printf '\n==== %s ====\n' "$*"; }
banner "source format (clang-format, .clang-format)"
bash scripts/check_format.sh
banner "Release build (build/)"
# CI builds no benchmarks (no test runs them; a developer's build.sh does build them).
if [ -n "${CI:-}" ]; then export LAUNCHMC_BUILD_BENCH=OFF; fi
# The Release tree is the MPI build (tests/mpi run mpirun); the sanitized tree below is the
# default, MPI-free one: both configurations are built and tested.
export LAUNCHMC_MPI=ON
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1} OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}
bash scripts/build.sh
# ---- issue 8: sanitizers and fuzzing (docs/DEVELOPING.md) ----
# The sanitized tree is built while the Release suite runs: the suite leaves a core idle much of
# the time (tests waiting on the binary's subprocesses, Python start-up, the suite's serial tail),
# which the build fills; its output is shown when it ends.
banner "sanitized build (ASan+UBSan, build-asan/), in the background"
asan_log=$(mktemp)
bash scripts/sanitized_tests.sh build-asan build >"$asan_log" 2>&1 &
asan_build=$!
trap 'kill "$asan_build" 2>/dev/null || true' EXIT
# ---- end issue 8 ----
banner "test suite (build/)"
release_status=0
(cd build && ctest --output-on-failure --timeout 600 -j"$(nproc)") || release_status=$?
# ---- issue 8 ----
banner "sanitized build (build-asan/): its output"
asan_status=0
wait "$asan_build" || asan_status=$?
trap - EXIT
if [ "$asan_status" -ne 0 ]; then cat "$asan_log"; else tail -n 3 "$asan_log"; fi
rm -f "$asan_log"
if [ "$release_status" -ne 0 ] || [ "$asan_status" -ne 0 ]; then
  echo "FAILED: Release suite exit $release_status, sanitized build exit $asan_status"
  exit 1
fi
banner "sanitized unit tests (build-asan/)"
bash scripts/sanitized_tests.sh build-asan test
banner "fuzzers, 60 s each (build-asan/)"
bash scripts/fuzz.sh build-asan 60
# ---- end issue 8 ----
