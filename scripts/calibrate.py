#!/usr/bin/python3
"""Calibrate free config parameters so that the nominal flight meets observed facts.

Least squares (scipy.optimize.least_squares, trust-region reflective, finite-difference
Jacobian) over `launchmc fly --json --set PATH=VALUE`. A development tool used to calibrate the
bundled scenarios; the C++ `launchmc target` command (issue 4) supersedes it.

  scripts/calibrate.py build/launchmc configs/x.yaml \
      --vary guidance.pitch_kick_deg=0.5:10 --vary vehicle.stages[1].cutoff_time_s=10:200 \
      --goal apogee_alt_km=6648.4:10 --goal range_km=1001.2:5

A goal is KEY=VALUE:SCALE; the residual is (achieved - VALUE)/SCALE. KEYs: any numeric top-level key
of the fly JSON (apogee_alt_km, range_km, flight_time_s), insertion.<key>, final_cutoff.<key>
(osculating orbit at the last cutoff even when it is no orbit: smooth for the solver), or
body.<name>.north_km / body.<name>.east_km with VALUE given as LAT,LON (offset of the impact
from that point, in km; SCALE in km), body.<name>.impact_time_s (when the body lands, seconds
from liftoff, as `fly --json` reports it), or pitch_jump_deg (first pitch-program value minus the
flight-path angle at the end of the gravity turn, when guidance.pitch_program[0][1] is varied).
"""
import argparse
import json
import math
import subprocess
import sys

import numpy as np
from scipy.optimize import least_squares


def parse_vary(text):
    path, rng = text.split("=")
    lo, hi = (float(v) for v in rng.split(":"))
    return path, lo, hi


def parse_goal(text):
    key, rest = text.split("=")
    value, scale = rest.rsplit(":", 1)
    return key, value, float(scale)


def fly(binary, config, names, x):
    args = [binary, "fly", config, "--json"]
    for n, v in zip(names, x):
        args += ["--set", f"{n}={v:.10g}"]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout)


def residuals_of(result, goals):
    res = []
    for key, value, scale in goals:
        if key == "pitch_jump_deg":
            # Pitch program's first value minus the flight-path angle where the gravity turn ends.
            ev = next(e for e in result["events"] if e["name"] == "gravity_turn_end")
            res.append((float(result["_pitch0"]) - ev["flight_path_angle_deg"] - float(value)) / scale)
        elif key.startswith("body."):
            _, name, comp = key.split(".")
            body = next(b for b in result["bodies"] if b["name"] == name)
            if body["impact"] is None:
                res.append(1e3)
                continue
            if comp == "impact_time_s":
                res.append((body["impact"]["time_s"] - float(value)) / scale)
                continue
            lat0, lon0 = (float(v) for v in value.split(","))
            lat, lon = body["impact"]["lat_deg"], body["impact"]["lon_deg"]
            if comp == "north_km":
                res.append((lat - lat0) * 111.2 / scale)
            else:
                res.append((lon - lon0) * 111.2 * math.cos(math.radians(lat0)) / scale)
        elif "." in key:
            group, field = key.split(".")
            sub = result[group]
            res.append(1e3 if sub is None or sub[field] is None else (sub[field] - float(value)) / scale)
        else:
            v = result.get(key)
            res.append(1e3 if v is None else (v - float(value)) / scale)
    return np.array(res)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("config")
    ap.add_argument("--vary", action="append", type=parse_vary, required=True)
    ap.add_argument("--goal", action="append", type=parse_goal, required=True)
    ap.add_argument("--x0", help="comma-separated start values (default: mid-range)")
    a = ap.parse_args()
    names = [v[0] for v in a.vary]
    lo = np.array([v[1] for v in a.vary])
    hi = np.array([v[2] for v in a.vary])
    x0 = np.array([float(v) for v in a.x0.split(",")]) if a.x0 else 0.5 * (lo + hi)

    def fun(x):
        try:
            r = fly(a.binary, a.config, names, x)
            r["_pitch0"] = dict(zip(names, x)).get("guidance.pitch_program[0][1]", float("nan"))
            return residuals_of(r, a.goal)
        except RuntimeError:
            return np.full(len(a.goal), 1e3)

    sol = least_squares(fun, x0, bounds=(lo, hi), diff_step=1e-4, x_scale=(hi - lo), verbose=1,
                        max_nfev=800)
    result = fly(a.binary, a.config, names, sol.x)
    result["_pitch0"] = dict(zip(names, sol.x)).get("guidance.pitch_program[0][1]", float("nan"))
    print("\nsolution:")
    for n, v in zip(names, sol.x):
        print(f"  --set {n}={v:.6g}")
    print("residuals (scaled):", np.round(residuals_of(result, a.goal), 3).tolist())
    print(json.dumps({"insertion": result["insertion"], "final_cutoff": result["final_cutoff"],
                      "bodies": [(b["name"], b["impact"]) for b in result["bodies"]],
                      "apogee_alt_km": result["apogee_alt_km"], "range_km": result["range_km"],
                      "flight_time_s": result["flight_time_s"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
