#!/usr/bin/env bash
# Executes notebooks/monte_carlo.ipynb on a fresh small `launchmc run -o` file (h5py + pandas).
set -euo pipefail
binary="$1"; source_dir="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$binary" run "$source_dir/configs/chollima1_2023.yaml" -n 200 --seed 3 -o "$work/run.h5" > /dev/null 2>&1
cd "$source_dir/notebooks"
LAUNCHMC_RUN_FILE="$work/run.h5" PYDEVD_DISABLE_FILE_VALIDATION=1 \
  /usr/bin/python3 -Xfrozen_modules=off -m nbconvert --to notebook --execute \
  --output-dir "$work" monte_carlo.ipynb
echo "notebook executed"
