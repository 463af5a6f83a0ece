#!/usr/bin/env bash
# The main job on the bundled scenario: installs what is missing, builds, then
#  1. flies the nominal Chollima-1 launch of 21 Nov 2023 (event table, orbit, impacts) and
#     writes its time histories, and
#  2. runs a 10,000-sample Monte Carlo study of it (insertion probability, orbit and impact
#     dispersions) on all cores, with its third stage in closed-loop guidance as bundled, and
#  3. the same samples with that guidance switched off (the calibrated open-loop program), and
#     plots the two side by side,
# writing HDF5 files and plots under results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p results
./build/launchmc fly configs/chollima1_2023.yaml -o results/chollima1_2023_fly.h5
/usr/bin/python3 scripts/plot_flight.py results/chollima1_2023_fly.h5 -o results/chollima1_2023_fly.png
./build/launchmc run configs/chollima1_2023.yaml -n 10000 --seed 7 -o results/chollima1_2023_mc.h5
/usr/bin/python3 scripts/plot_run.py results/chollima1_2023_mc.h5 -o results/chollima1_2023_mc.png
./build/launchmc run configs/chollima1_2023.yaml -n 10000 --seed 7 -o results/chollima1_2023_mc_open_loop.h5 \
  --set "vehicle.stages[2].guidance.enabled=false" > results/chollima1_2023_mc_open_loop.txt
/usr/bin/python3 scripts/plot_compare.py results/chollima1_2023_mc.h5 results/chollima1_2023_mc_open_loop.h5 \
  --labels "closed loop (UPFG)","open loop" -o results/chollima1_2023_open_vs_closed_loop.png
