#!/usr/bin/env bash
# The main job on the bundled scenario: installs what is missing, builds, flies the nominal
# Chollima-1 launch of 21 Nov 2023, writes its time histories and plots them under results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p results
./build/launchmc fly configs/chollima1_2023.yaml -o results/chollima1_2023_fly.h5
/usr/bin/python3 scripts/plot_flight.py results/chollima1_2023_fly.h5 -o results/chollima1_2023_fly.png
