#!/usr/bin/env bash
# Configures and builds launchmc (Release) into build/. Installs missing packages first.
# With arguments, builds only those targets (scripts/run.sh: `build.sh launchmc`); without, all
# (the program, the tests and the benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout in ccache's keys: another clone (a CI run) reuses the cache.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
  # Precompiled headers (LAUNCHMC_PCH): without this sloppiness ccache compiles them uncached.
  export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}
fi
# LAUNCHMC_BUILD_BENCH=OFF in the environment leaves the benchmarks out (scripts/test.sh in CI).
# LAUNCHMC_MPI=ON|OFF in the environment builds with MPI or without (scripts/test.sh: ON, so that
# the suite runs `mpirun`); unset, the tree keeps what it was configured with (first: OFF).
mpi=()
if [ -n "${LAUNCHMC_MPI:-}" ]; then mpi=(-DLAUNCHMC_MPI="$LAUNCHMC_MPI"); fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLAUNCHMC_BUILD_BENCH="${LAUNCHMC_BUILD_BENCH:-ON}" \
  "${mpi[@]}" "${launcher[@]}" >/dev/null
if [ $# -gt 0 ]; then
  targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build build -j"$(nproc)" "${targets[@]}"
else
  cmake --build build -j"$(nproc)"
fi
