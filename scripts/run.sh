#!/usr/bin/env bash
# The main job on the bundled scenario: installs what is missing, builds the program (only the
# program: the tests and benchmarks are scripts/test.sh's), then
#  1. flies the nominal Chollima-1 launch of 21 Nov 2023 (event table, orbit, impacts) and
#     writes and plots its time histories,
#  2. runs a 10,000-sample Monte Carlo study of it (insertion probability, orbit and impact
#     dispersions) on all cores, with its third stage in closed-loop guidance as bundled, and
#  3. the same samples with that guidance switched off (the calibrated open-loop program), and
#     plots the two side by side,
#  4. computes the closed-loop run's debris-risk maps (/risk: impact probability per cell, land,
#     countries, the notified zones, Ec, hazard areas),
#  5. runs a Sobol' sensitivity study of it,
#  6. and ends by drawing the run's map (GMT, offline: coastlines, borders, the nominal ground
#     and IIP tracks, the IIP corridor, impacts, ellipses, the probability per cell, contours,
#     hazard areas, the notified zones),
# and lists what it wrote under results/.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n==== [%s/8] %s\n' "$1" "$2"; }

step 1 "setup and build (scripts/setup.sh installs missing Debian packages; builds build/launchmc)"
bash scripts/build.sh launchmc
mkdir -p results

step 2 "fly the nominal Chollima-1 launch: event table, orbit, impact points"
./build/launchmc fly configs/chollima1_2023.yaml -o results/chollima1_2023_fly.h5 | tee results/chollima1_2023_fly.txt
/usr/bin/python3 scripts/plot_flight.py results/chollima1_2023_fly.h5 -o results/chollima1_2023_fly.png

step 3 "Monte Carlo: 10,000 dispersed launches, closed-loop third stage (progress on stderr)"
./build/launchmc run configs/chollima1_2023.yaml -n 10000 --seed 7 -o results/chollima1_2023_mc.h5 \
  | tee results/chollima1_2023_mc.txt
/usr/bin/python3 scripts/plot_run.py results/chollima1_2023_mc.h5 -o results/chollima1_2023_mc.png

step 4 "the same 10,000 samples with the third stage's guidance switched off (open loop)"
./build/launchmc run configs/chollima1_2023.yaml -n 10000 --seed 7 -o results/chollima1_2023_mc_open_loop.h5 \
  --set "vehicle.stages[2].guidance.enabled=false" > results/chollima1_2023_mc_open_loop.txt
grep -E '^P\(' results/chollima1_2023_mc_open_loop.txt
/usr/bin/python3 scripts/plot_compare.py results/chollima1_2023_mc.h5 results/chollima1_2023_mc_open_loop.h5 \
  --labels "closed loop (UPFG)","open loop" -o results/chollima1_2023_open_vs_closed_loop.png

step 5 "debris-risk maps of the closed-loop run (/risk)"
# The grid covers the flight from Sohae to past the Philippines (the vehicle's few impacts farther
# away count as "outside" the grid, but in P(land) and per country, for which the land mask and
# the countries are loaded for all impacts: here the whole world, ~5 s and ~400 MB; Ec from the
# coarse default population, README).
# The notified drop zones (approximate boxes: configs/regions/) are the user regions: P(debris
# inside each) in the risk table, and outlined on the map.
zones=configs/regions/chollima1_2023_notified_zones.geojson
./build/launchmc risk results/chollima1_2023_mc.h5 --grid 0.05 --region 110,5,140,45 \
  --regions "$zones" > results/chollima1_2023_risk.txt
head -n 3 results/chollima1_2023_risk.txt

step 6 "sensitivity study: which uncertainties drive each outcome (Sobol' indices, N = 256)"
# 25 factors x (256 x 27 flights): about 15 s on 2 cores; the indices go into the run file.
./build/launchmc sensitivity configs/chollima1_2023.yaml --method sobol -n 256 --seed 1 \
  -o results/chollima1_2023_sobol.h5 > results/chollima1_2023_sobol.txt
/usr/bin/python3 scripts/plot_sensitivity.py results/chollima1_2023_sobol.h5 \
  --outputs stage1.downrange_km,stage2.downrange_km,catalog_perigee_alt_km,target_orbit \
  -o results/chollima1_2023_sobol.png

step 7 "the map of the closed-loop run (GMT, offline)"
./build/launchmc map results/chollima1_2023_mc.h5 --regions "$zones" -o results/chollima1_2023_map.png

step 8 "done in $(( $(date +%s) - start )) s; written under results/"
cat <<'TXT'
  Look first at:
    results/chollima1_2023_map.png                the map: coastlines, ground and IIP tracks, corridor, impacts, ellipses, P(impact) per cell, zones
    results/chollima1_2023_mc.png                 impact points and ellipses, outcomes, orbits (closed loop)
    results/chollima1_2023_open_vs_closed_loop.png  what the third stage's guidance buys
    results/chollima1_2023_mc.txt                 the summary printed above (P(orbit), why samples failed, footprints)
  Also:
    results/chollima1_2023_fly.txt, .png, .h5     the nominal flight: events, orbit, impacts; plots; time histories
    results/chollima1_2023_mc.h5                  every sample's inputs and outcomes (h5py / pandas; docs/hdf5_format.md)
    results/chollima1_2023_mc_open_loop.txt, .h5 the open-loop run
    results/chollima1_2023_risk.txt               debris risk: P(impact) per body (maps in the run file's /risk)
    results/chollima1_2023_sobol.txt, .png, .h5   sensitivity: S1 and ST per outcome, ranked (bars with 95 % intervals)
  Next: notebooks/monte_carlo.ipynb reads the run file, notebooks/sensitivity.ipynb the
  sensitivity study; `build/launchmc --help` lists the commands.
TXT
