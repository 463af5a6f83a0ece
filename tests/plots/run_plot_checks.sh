#!/usr/bin/env bash
# The plot scripts on small fresh runs, from a directory outside the repository: each exits 0 and
# writes its PNG; the default binary is found relative to the scripts' repository and a missing
# one is a clear error; check_plots.py then inspects the figures (every body of the summary drawn
# or named, ellipses above the points with their contained fractions, P(orbit) intervals on the
# comparison, histograms without clipping). Usage: run_plot_checks.sh LAUNCHMC SOURCE_DIR
set -euo pipefail
binary="$1"; source_dir="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
export MPLBACKEND=Agg
scripts="$source_dir/scripts"

# Data: a guided launcher, its open-loop twin, a missile, a nominal and a failed flight.
"$binary" run "$source_dir/configs/chollima1_2023.yaml" -n 400 --seed 7 -o "$work/closed.h5" > /dev/null 2>&1
"$binary" run "$source_dir/configs/chollima1_2023.yaml" -n 300 --seed 7 -o "$work/open.h5" \
  --set "vehicle.stages[2].guidance.enabled=false" > /dev/null 2>&1
"$binary" run "$source_dir/configs/hwasong17_2022.yaml" -n 100 --seed 7 -o "$work/missile.h5" > /dev/null 2>&1
"$binary" fly "$source_dir/configs/chollima1_2023.yaml" -o "$work/fly.h5" > /dev/null
"$binary" fly "$source_dir/configs/chollima1_2023.yaml" --sample 36 --seed 7 -o "$work/fly_failed.h5" > /dev/null

mkdir "$work/elsewhere"
cd "$work/elsewhere"  # not the repository: relative paths inside the scripts would fail here

# The binary via $LAUNCHMC.
LAUNCHMC="$binary" $py "$scripts/plot_run.py" "$work/closed.h5" -o "$work/run.png" > /dev/null
LAUNCHMC="$binary" $py "$scripts/plot_compare.py" "$work/closed.h5" "$work/open.h5" \
  --labels "closed loop,open loop" -o "$work/compare.png" > /dev/null
$py "$scripts/plot_flight.py" "$work/fly_failed.h5" -o "$work/flight.png" > /dev/null
for png in run compare flight; do
  test -s "$work/$png.png" || { echo "FAIL: $png.png not written"; exit 1; }
done

# The default binary: <repo>/build/launchmc beside the scripts, whatever the working directory.
mkdir -p "$work/repo/build" "$work/repo/scripts"
cp "$scripts"/*.py "$work/repo/scripts/"
ln -s "$binary" "$work/repo/build/launchmc"
env -u LAUNCHMC $py "$work/repo/scripts/plot_run.py" "$work/missile.h5" -o "$work/run_default.png" > /dev/null
test -s "$work/run_default.png" || { echo "FAIL: default binary not found relative to the scripts"; exit 1; }

# No binary: a clear message, non-zero exit, no PNG.
rm "$work/repo/build/launchmc"
for script in plot_run.py plot_compare.py; do
  if env -u LAUNCHMC $py "$work/repo/scripts/$script" "$work/closed.h5" -o "$work/none.png" 2> "$work/err.txt"; then
    echo "FAIL: $script succeeded without a launchmc binary"; exit 1
  fi
  grep -q "launchmc binary not found" "$work/err.txt" || { echo "FAIL: $script: unclear error:"; cat "$work/err.txt"; exit 1; }
  test ! -e "$work/none.png" || { echo "FAIL: $script wrote a PNG without a binary"; exit 1; }
done

LAUNCHMC="$binary" $py "$source_dir/tests/plots/check_plots.py" "$source_dir" "$work"

# The failure-debris report (scripts/plot_failure_debris.py) on a small August 2023 run: its table
# against the file's own rows, computed here independently (weighted mean of unit vectors; the
# script's mean is taken in a local plane, so they agree to ~0.01 deg at these spreads).
"$binary" run "$source_dir/configs/chollima1_2023_aug.yaml" -n 60 --seed 3 -o "$work/aug.h5" > /dev/null 2>&1
$py "$scripts/plot_failure_debris.py" "$work/aug.h5" -o "$work/debris.png" --table "$work/debris.md" > /dev/null
test -s "$work/debris.png" || { echo "FAIL: debris.png not written"; exit 1; }
$py - "$work/aug.h5" "$work/debris.md" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1]); rows = [r.split("|")[1:-1] for r in open(sys.argv[2]) if r.startswith("| stage3")]
fr = f["fragments"]; classes = [c.decode() for c in fr["classes"][:]]
for r in rows:
    mode, samples, cls, pieces, mean = (c.strip() for c in r[:5])
    assert mode == "stage3_spurious_fts" and samples.startswith("60 "), r
    k = classes.index(cls); sel = (fr["class_index"][:] == k) & (fr["fate"][:] == 0)
    w = fr["weight"][:][sel]; la = np.radians(fr["impact_lat_deg"][:][sel]); lo = np.radians(fr["impact_lon_deg"][:][sel])
    v = (w[:, None] * np.c_[np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)]).sum(0)
    lat, lon = np.degrees(np.arctan2(v[2], np.hypot(v[0], v[1]))), np.degrees(np.arctan2(v[1], v[0]))
    t_lat, t_lon = (float(x.split()[0]) for x in mean.split(" N "))
    assert abs(t_lat - lat) < 0.02 and abs(t_lon - lon) < 0.02, (cls, mean, lat, lon)
    assert abs(float(pieces) - w.sum() / 60) < 1e-3 * w.sum() / 60, (cls, pieces, w.sum() / 60)
assert {r[2].strip() for r in rows} >= {"s3_tank_wall", "s3_engine", "s3_structure"}, rows
PY
echo "plot checks passed"
