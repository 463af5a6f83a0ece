#!/usr/bin/python3
"""Golden whole-run regression tests (as OpenMC keeps results_true.dat): for each case, the
`fly --json` report, the `run --json` summary of a small seeded run, and a digest of every dataset
of that run's HDF5 file (count, NaN count, sum, min, max, sum of squares, and the values at a few
fixed rows) are compared with the stored files in tests/golden/, field by field, with the
tolerances of tests/golden/tolerances.json. Any slip that moves a number a user reads (a swapped
axis, a switched-off dispersion, the wrong field in a column) fails here.

  check_golden.py --binary build/launchmc              compare (what ctest runs)
  check_golden.py --binary build/launchmc --regenerate rewrite the stored files: do this only on
                                                       purpose, and say why in the commit message
"""
import argparse
import fnmatch
import json
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# name, config (relative to the repository), samples, extra arguments of `run`.
CASES = [
    ("test_vehicle", "tests/golden/test_vehicle.yaml", 1000, []),
    ("chollima1", "configs/chollima1_2023.yaml", 400, []),
    ("hwasong17", "configs/hwasong17_2022.yaml", 300, ["--sampler", "lhs"]),
]
SEED = "7"
# Keys that measure the machine, not the model.
VOLATILE = {"elapsed_s", "samples_per_s", "output", "created_utc", "git_revision", "launchmc_version", "config",
            "config_path", "threads"}
ROWS = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233]  # values compared exactly as stored


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}")
    return r.stdout


def finite_or_none(x):
    x = float(x)
    return x if math.isfinite(x) else None


def digest(h5_path):
    """Per dataset: statistics that move when any value moves, and a few values verbatim."""
    out = {}

    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset) or obj.ndim != 1:
            return
        data = obj[()]
        if data.dtype.kind in "SOU":  # strings (names)
            out[name] = {"strings": [s.decode() if isinstance(s, bytes) else str(s) for s in data]}
            return
        x = data.astype(np.float64)
        fin = np.isfinite(x)
        xf = x[fin]
        d = {"count": int(x.size), "nan": int((~fin).sum())}
        if xf.size:
            d.update(sum=float(xf.sum()), sumsq=float((xf * xf).sum()), min=float(xf.min()),
                     max=float(xf.max()))
        d["rows"] = {str(i): finite_or_none(x[i]) for i in ROWS if i < x.size}
        out[name] = d

    with h5py.File(h5_path, "r") as f:
        f.visititems(visit)
        out["@root"] = {k: (v.decode() if isinstance(v, bytes) else
                            (v.item() if hasattr(v, "item") else v))
                        for k, v in f.attrs.items() if k not in VOLATILE and k != "config_text"}
    return out


def produce(binary, name, config, n, extra):
    cfg = os.path.join(ROOT, config)
    fly = json.loads(run([binary, "fly", cfg, "--json"]))
    with tempfile.TemporaryDirectory() as tmp:
        h5 = os.path.join(tmp, "run.h5")
        summary = json.loads(run([binary, "run", cfg, "-n", str(n), "--seed", SEED, "--json", "-o", h5] + extra))
        columns = digest(h5)
    return {"fly": fly, "run": summary, "columns": columns}


def tolerance_for(path, tolerances):
    for pattern, tol in tolerances.items():
        if fnmatch.fnmatch(path, pattern):
            return tol
    return tolerances.get("*", {"rel": 1e-9, "abs": 1e-9})


def compare(expected, actual, path, tolerances, problems):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in sorted(set(expected) | set(actual)):
            if k in VOLATILE:
                continue
            sub = f"{path}.{k}" if path else k
            if k not in actual:
                problems.append(f"{sub}: missing (expected {json.dumps(expected[k])[:80]})")
            elif k not in expected:
                problems.append(f"{sub}: new key (value {json.dumps(actual[k])[:80]}); regenerate on purpose")
            else:
                compare(expected[k], actual[k], sub, tolerances, problems)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            problems.append(f"{path}: {len(actual)} entries, expected {len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, f"{path}[{i}]", tolerances, problems)
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)) \
            and not isinstance(expected, bool) and not isinstance(actual, bool):
        tol = tolerance_for(path, tolerances)
        if not math.isclose(actual, expected, rel_tol=tol["rel"], abs_tol=tol["abs"]):
            problems.append(f"{path}: {actual!r}, expected {expected!r} (rel {tol['rel']:g}, abs {tol['abs']:g})")
    elif expected != actual:
        problems.append(f"{path}: {json.dumps(actual)[:80]}, expected {json.dumps(expected)[:80]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--case", action="append", help="only these cases")
    a = ap.parse_args()
    with open(os.path.join(HERE, "tolerances.json")) as f:
        tolerances = json.load(f)["tolerances"]
    failed = 0
    for name, config, n, extra in CASES:
        if a.case and name not in a.case:
            continue
        actual = produce(a.binary, name, config, n, extra)
        for part in ("fly", "run", "columns"):
            stored = os.path.join(HERE, f"{name}.{part}.json")
            if a.regenerate:
                with open(stored, "w") as f:
                    json.dump(actual[part], f, indent=1, sort_keys=True)
                    f.write("\n")
                print(f"wrote {os.path.relpath(stored, ROOT)}")
                continue
            with open(stored) as f:
                expected = json.load(f)
            problems = []
            compare(expected, actual[part], "", tolerances, problems)
            if problems:
                failed += 1
                print(f"FAIL {name} {part}: {len(problems)} difference(s) from {os.path.relpath(stored, ROOT)}")
                for p in problems[:25]:
                    print(f"  {p}")
                if len(problems) > 25:
                    print(f"  ... and {len(problems) - 25} more")
            else:
                print(f"ok   {name} {part}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
