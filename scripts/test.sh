#!/usr/bin/env bash
# Builds launchmc and runs the whole test suite (what CI runs: .ci/run calls this script).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j"$(nproc)"
