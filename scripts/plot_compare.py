#!/usr/bin/python3
"""Compare the achieved orbits and outcomes of Monte Carlo runs of the same scenario (for example
closed- versus open-loop guidance): one PNG with histograms of the catalogue perigee and apogee
altitudes (a(1 -/+ e) - 6378.137 km), the inclination, and the outcome fractions by status and
how powered flight ended.

Usage: /usr/bin/python3 scripts/plot_compare.py RUN.h5 [RUN.h5 ...] --labels A,B -o out.png
"""
import argparse
import os
import sys
import tempfile

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

R_EQ_KM = 6378.137  # WGS-84 equatorial radius


def enum_names(dataset):
    """Code -> name of an HDF5 enum dataset."""
    mapping = h5py.check_enum_dtype(dataset.dtype)
    return {code: name for name, code in mapping.items()}


def load(path):
    with h5py.File(path, "r") as f:
        o = f["outcome"]
        a_km = o["semi_major_axis_m"][:] / 1e3
        e = o["eccentricity"][:]
        status = o["status"][:]
        status_names = enum_names(o["status"])
        if "powered_flight_end" in o:
            end = o["powered_flight_end"][:]
            end_names = enum_names(o["powered_flight_end"])
        else:
            end = np.zeros_like(status)
            end_names = {0: "none"}
        return {
            "perigee": a_km * (1 - e) - R_EQ_KM,
            "apogee": a_km * (1 + e) - R_EQ_KM,
            "inclination": o["inclination_deg"][:],
            "status": status,
            "end": end,
            "status_names": status_names,
            "end_names": end_names,
            "n": len(status),
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--labels", help="comma-separated, one per run (default: file names)")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    labels = args.labels.split(",") if args.labels else [os.path.basename(p) for p in args.runs]
    if len(labels) != len(args.runs):
        sys.exit("plot_compare: give one label per run")
    runs = [load(p) for p in args.runs]

    fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    for ax, key, unit in ((axes[0, 0], "perigee", "km"), (axes[0, 1], "apogee", "km"),
                          (axes[1, 0], "inclination", "deg")):
        values = [r[key][np.isfinite(r[key])] for r in runs]
        both = np.concatenate(values) if values else np.array([0.0])
        lo, hi = np.percentile(both, [0.5, 99.5])
        bins = np.linspace(lo, hi, 80)
        for v, label in zip(values, labels):
            ax.hist(np.clip(v, lo, hi), bins=bins, histtype="step", lw=1.5,
                    label=f"{label}: median {np.median(v):.2f}, sd {np.std(v):.2f} {unit}")
        name = {"perigee": "catalogue perigee altitude", "apogee": "catalogue apogee altitude",
                "inclination": "inclination"}[key]
        ax.set_xlabel(f"{name} [{unit}] (0.5-99.5 % range, orbits only)")
        ax.set_ylabel("samples")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)

    ax = axes[1, 1]
    combos = {}
    for i, r in enumerate(runs):
        pairs, counts = np.unique(np.stack([r["status"], r["end"]]).T, axis=0, return_counts=True)
        for (s, e), c in zip(pairs, counts):
            name = r["status_names"].get(int(s), str(s))
            end = r["end_names"].get(int(e), str(e))
            key = name if end == "none" else f"{name} after {end}"
            combos.setdefault(key, [0.0] * len(runs))[i] = c / r["n"]
    keys = sorted(combos, key=lambda k: -max(combos[k]))
    y = np.arange(len(keys))
    width = 0.8 / len(runs)
    for i, label in enumerate(labels):
        ax.barh(y + i * width, [combos[k][i] for k in keys], height=width, label=label)
    ax.set_yticks(y + 0.4 - width / 2)
    ax.set_yticklabels(keys, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("fraction of samples")
    ax.set_title("outcomes", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="x")

    fig.suptitle(" vs ".join(labels) + f"  ({runs[0]['n']:,} samples each)")
    fig.tight_layout()
    # Write beside the target and rename: no half-written image on failure.
    out_dir = os.path.dirname(os.path.abspath(args.output))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=out_dir)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=110)
        os.chmod(tmp, 0o644)
        os.replace(tmp, args.output)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
