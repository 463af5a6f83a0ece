#!/usr/bin/env bash
# Monte Carlo benchmark on the bundled Chollima-1 scenario (full mission per sample: ascent to
# insertion and every jettisoned body to impact). Prints samples/s for 1 and 2 threads, the
# largest impact-point difference against a tight-tolerance (rtol 1e-11) reference of the same
# samples, and the peak memory of a large run. Usage: bench/run_benchmark.sh [N] [N_BIG]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4000}
N_BIG=${2:-1000000}
BIN=build/launchmc
CFG=configs/chollima1_2023.yaml
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

rate() { /usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(f\"{j['samples_per_s']:.0f} samples/s, {j['rhs_evaluations_per_sample']:.0f} RHS/sample\")" "$1"; }

echo "== throughput, $N samples"
$BIN run $CFG -n "$N" --seed 7 -j 1 --json -o "$OUT/t1.h5" > "$OUT/t1.json" 2>/dev/null
echo "1 thread : $(rate "$OUT/t1.json")"
$BIN run $CFG -n "$N" --seed 7 -j 2 --json -o "$OUT/t2.h5" > "$OUT/t2.json" 2>/dev/null
echo "2 threads: $(rate "$OUT/t2.json")"
$BIN run $CFG -n "$N" --seed 7 -j 2 --json --set "vehicle.stages[2].guidance.enabled=false" > "$OUT/t2o.json" 2>/dev/null
echo "2 threads, third stage open loop: $(rate "$OUT/t2o.json")"
/usr/bin/python3 -c "
import json,sys
a=json.load(open('$OUT/t1.json'))['samples_per_s']; b=json.load(open('$OUT/t2.json'))['samples_per_s']
print(f'speed-up 2 vs 1 thread: {b/a:.2f}')"
cmp <(h5dump -d /outcome/perigee_alt_m "$OUT/t1.h5" | tail -n +3) <(h5dump -d /outcome/perigee_alt_m "$OUT/t2.h5" | tail -n +3) \
  && echo "1 and 2 threads: identical perigee column"

echo "== accuracy against rtol 1e-11 (explicit integrator only), first 1000 samples"
$BIN run $CFG -n 1000 --seed 7 -o "$OUT/ref.h5" --set integrator.rtol=1e-11 --set integrator.body_rtol=1e-11 --set integrator.terminal_atol_velocity_mps=0 > /dev/null 2>&1
$BIN run $CFG -n 1000 --seed 7 -o "$OUT/mc.h5" > /dev/null 2>&1
/usr/bin/python3 - "$OUT/mc.h5" "$OUT/ref.h5" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
R = 6371e3
for name in a["bodies"]:
    la1, lo1 = a[f"bodies/{name}/impact_lat_deg"][:], a[f"bodies/{name}/impact_lon_deg"][:]
    la2, lo2 = b[f"bodies/{name}/impact_lat_deg"][:], b[f"bodies/{name}/impact_lon_deg"][:]
    ok = np.isfinite(la1) & np.isfinite(la2)
    if not ok.any():
        continue
    p1, p2 = np.radians(la1[ok]), np.radians(la2[ok])
    dl = np.radians(lo2[ok] - lo1[ok])
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    d = 2 * R * np.arcsin(np.sqrt(h))
    print(f"{name:10s} impacts {ok.sum():5d}  max difference {d.max():8.1f} m  median {np.median(d):6.1f} m")
sa, sb = a["outcome/status"][:], b["outcome/status"][:]
print(f"status differs in {np.count_nonzero(sa != sb)} of {len(sa)} samples")
PY

echo "== peak memory, $N_BIG samples (2 threads)"
/usr/bin/time -v $BIN run $CFG -n "$N_BIG" --seed 7 -o "$OUT/big.h5" 2> "$OUT/time.txt" > "$OUT/big.txt" || true
grep -E "Maximum resident set size|Elapsed" "$OUT/time.txt"
grep -E "samples/s" "$OUT/big.txt" || true
