#!/usr/bin/env bash
# Executes notebooks/sensitivity.ipynb on a fresh small `launchmc sensitivity CONFIG -o` file
# (Hwasong-18, 32 base points: 512 flights, ~1 s); the notebook recomputes the indices of one
# outcome from the file's rows and asserts they match.
set -euo pipefail
binary="$1"; source_dir="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$binary" sensitivity "$source_dir/configs/hwasong18_2023.yaml" --method sobol -n 32 --seed 3 \
  -o "$work/sens.h5" > /dev/null 2>&1
cd "$source_dir/notebooks"
LAUNCHMC_SENSITIVITY_FILE="$work/sens.h5" PYDEVD_DISABLE_FILE_VALIDATION=1 \
  /usr/bin/python3 -Xfrozen_modules=off -m nbconvert --to notebook --execute \
  --output-dir "$work" sensitivity.ipynb
echo "notebook executed"
