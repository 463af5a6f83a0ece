#!/usr/bin/env bash
# Executes notebooks/flight.ipynb on a fresh `launchmc fly -o` file: the notebook must run clean.
set -euo pipefail
binary="$1"; source_dir="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$binary" fly "$source_dir/configs/chollima1_2023.yaml" -o "$work/fly.h5" > /dev/null
cd "$source_dir/notebooks"
LAUNCHMC_FLY_FILE="$work/fly.h5" PYDEVD_DISABLE_FILE_VALIDATION=1 \
  /usr/bin/python3 -Xfrozen_modules=off -m nbconvert --to notebook --execute \
  --output-dir "$work" flight.ipynb
echo "notebook executed"
