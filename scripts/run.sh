#!/usr/bin/env bash
# The main job on the bundled scenario: installs what is missing, builds, then
#  1. flies the nominal Chollima-1 launch of 21 Nov 2023 (event table, orbit, impacts) and
#     writes its time histories, and
#  2. runs a 10,000-sample Monte Carlo study of it (insertion probability, orbit and impact
#     dispersions) on all cores,
# writing HDF5 files and plots under results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p results
./build/launchmc fly configs/chollima1_2023.yaml -o results/chollima1_2023_fly.h5
/usr/bin/python3 scripts/plot_flight.py results/chollima1_2023_fly.h5 -o results/chollima1_2023_fly.png
./build/launchmc run configs/chollima1_2023.yaml -n 10000 --seed 7 -o results/chollima1_2023_mc.h5
/usr/bin/python3 scripts/plot_run.py results/chollima1_2023_mc.h5 -o results/chollima1_2023_mc.png
