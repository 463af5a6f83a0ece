#!/usr/bin/python3
"""Compare Monte Carlo runs of the same scenario (for example closed- versus open-loop guidance):
one PNG with P(orbit) and P(target orbit) and their 95 % Wilson intervals (from `launchmc
summarize --json`), histograms of the catalogue perigee and apogee altitudes
(a(1 -/+ e) - 6378.137 km) and the inclination of the flights that reached orbit, and the outcome
fractions by status and how powered flight ended.

Histograms: shared bins over the view, unclipped counts on a log scale (a tight guided
distribution and a wide open-loop one stay visible together); a view leaves out only far
outliers, and each run's legend says how many of its orbits lie beyond it.

Usage: /usr/bin/python3 scripts/plot_compare.py RUN.h5 [RUN.h5 ...] --labels A,B -o out.png
The launchmc binary: --launchmc, else $LAUNCHMC, else build/launchmc of this script's repository.
"""
import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5py  # noqa: E402
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import launchmc_plot as lp  # noqa: E402

MAX_BINS = 200


def enum_names(dataset):
    """Code -> name of an HDF5 enum dataset."""
    mapping = h5py.check_enum_dtype(dataset.dtype)
    return {code: name for name, code in mapping.items()}


def load(path):
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "launchmc-run":
            sys.exit(f"{path}: not a launchmc run file")
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
            "perigee": a_km * (1 - e) - lp.R_EQ_KM,
            "apogee": a_km * (1 + e) - lp.R_EQ_KM,
            "inclination": o["inclination_deg"][:],
            "status": status,
            "end": end,
            "status_names": status_names,
            "end_names": end_names,
            "n": len(status),
        }


def bin_edges(values, lo, hi):
    """Shared bins over [lo, hi]: as wide as the Freedman-Diaconis width of the tightest run
    (2 IQR n^-1/3), so its shape shows, with at least 10 bins and at most 2 sqrt(n) of the smallest
    run, and MAX_BINS (20 bins for 1e2 orbits, MAX_BINS from 1e4)."""
    widths = []
    for v in values:
        if len(v) >= 4:
            q25, q75 = np.percentile(v, [25, 75])
            if q75 > q25:
                widths.append(2.0 * (q75 - q25) / len(v) ** (1.0 / 3.0))
    n_min = min((len(v) for v in values if len(v)), default=1)
    cap = int(min(MAX_BINS, max(10, 2 * math.sqrt(n_min))))
    n = cap if not widths else int(min(cap, max(10, math.ceil((hi - lo) / min(widths)))))
    if hi <= lo:  # all values equal
        lo, hi = lo - 0.5, hi + 0.5
    return np.linspace(lo, hi, n + 1)


def histogram_panel(ax, runs, labels, key, unit, name):
    values = [r[key][np.isfinite(r[key])] for r in runs]
    report = {"quantity": key, "runs": []}
    if not any(len(v) for v in values):
        ax.text(0.5, 0.5, "no run reached orbit", ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel(f"{name} [{unit}]")
        return report
    # The view: each run's robust range (far outliers only left out), then their union.
    ranges = [lp.robust_range(v) for v in values if len(v)]
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    edges = bin_edges(values, lo, hi)
    same_n = len({r["n"] for r in runs}) == 1
    top = 0.0
    for i, (v, r, label) in enumerate(zip(values, runs, labels)):
        below, above = int(np.sum(v < edges[0])), int(np.sum(v > edges[-1]))
        inside = v[(v >= edges[0]) & (v <= edges[-1])]
        text = f"{label}: {lp.fmt_int(len(v))} orbits"
        if len(v):
            q01, q50, q99 = np.percentile(v, [1, 50, 99])
            text += f", median {q50:.2f}, 1-99 % {q01:.2f} to {q99:.2f} {unit}"
        if below or above:
            text += f"; beyond view: {lp.fmt_int(below)} below, {lp.fmt_int(above)} above"
        weights = None if same_n else np.full(len(inside), 1.0 / r["n"])
        counts, _, _ = ax.hist(inside, bins=edges, weights=weights, histtype="step", lw=1.5, color=f"C{i}",
                               label=text)
        top = max(top, float(np.max(counts)) if len(counts) else 0.0)
        report["runs"].append({"label": label, "orbits": int(len(v)), "in_view": int(len(inside)),
                               "below": below, "above": above,
                               "counts": [float(c) * (1.0 if same_n else r["n"]) for c in counts]})
    ax.set_yscale("log")
    bottom = 0.5 if same_n else 0.5 / max(r["n"] for r in runs)
    ax.set_ylim(bottom, max(top, bottom) * 8.0)  # the highest bin and room for the legend
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylabel(("samples" if same_n else "fraction of the run's samples") + " per bin (log scale)")
    ax.set_xlabel(f"{name} [{unit}], {len(edges) - 1} bins of {edges[1] - edges[0]:.3g} {unit}")
    ax.legend(fontsize=7.5, loc="upper left")
    ax.grid(alpha=0.3)
    report["bins"] = len(edges) - 1
    report["edges"] = [float(x) for x in edges]
    return report


def probability_panel(ax, summaries, labels):
    """P(success) and P(target orbit) of each run, with their 95 % intervals."""
    rows = [("success", f"P({summaries[0]['success_status']})"), ("target", "P(target orbit)")]
    k = len(summaries)
    height = 0.7 / k
    report = []
    bounds = []
    for j, (key, rowname) in enumerate(rows):
        for i, (s, label) in enumerate(zip(summaries, labels)):
            y = j + (i - (k - 1) / 2) * height
            if key == "success":
                p, (lo, hi) = s["p_success"], s["p_success_ci95"]
            else:
                t = s.get("target_orbit")
                if not t:
                    ax.text(0.01, y, f"{label}: none (no closed-loop orbit target)", va="center", fontsize=8,
                            color=f"C{i}", transform=ax.get_yaxis_transform())
                    report.append({"label": label, "quantity": rowname, "p": None})
                    continue
                p, (lo, hi) = t["p"], t["ci95"]
            ax.errorbar(p, y, xerr=[[p - lo], [hi - p]], fmt="o", color=f"C{i}", capsize=4, ms=5,
                        label=label if j == 0 else None)
            # The numbers on their own line just above the interval, so they never cover it.
            ax.text(0.02, y - 0.42 * height, f"{label}: {p:.4f}, 95 % CI [{lo:.4f}, {hi:.4f}]", va="center",
                    fontsize=8, color=f"C{i}", transform=ax.get_yaxis_transform())
            bounds += [lo, hi]
            report.append({"label": label, "quantity": rowname, "p": p, "ci95": [lo, hi]})
    lo, hi = (min(bounds), max(bounds)) if bounds else (0.0, 1.0)
    pad = 0.1 * max(hi - lo, 0.01)
    ax.set_xlim(max(0.0, lo - pad), min(1.0 + 0.5 * pad, hi + pad))
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[1] for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel("probability, with 95 % Wilson interval")
    ax.set_title("P(orbit) and P(target orbit), 95 % intervals", fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    return report


def outcomes_panel(ax, runs, labels):
    combos = {}
    for i, r in enumerate(runs):
        pairs, counts = np.unique(np.stack([r["status"], r["end"]]).T, axis=0, return_counts=True)
        for (s, e), c in zip(pairs, counts):
            name = r["status_names"].get(int(s), str(s))
            end = r["end_names"].get(int(e), str(e))
            key = name if end == "none" else f"{name} after {end}"
            combos.setdefault(key, [0] * len(runs))[i] = int(c)
    keys = sorted(combos, key=lambda k: -max(c / r["n"] for c, r in zip(combos[k], runs)))
    y = np.arange(len(keys))
    width = 0.8 / len(runs)
    for i, (label, r) in enumerate(zip(labels, runs)):
        frac = [combos[k][i] / r["n"] for k in keys]
        ax.barh(y + i * width, frac, height=width, label=label, color=f"C{i}")
        for yi, fr, k in zip(y, frac, keys):  # small bars stay readable
            text = f" {100 * fr:.2f} % ({lp.fmt_int(combos[k][i])})" if combos[k][i] else " 0"
            ax.text(fr, yi + i * width, text, va="center", fontsize=7)
    ax.set_yticks(y + 0.4 - width / 2)
    ax.set_yticklabels(keys, fontsize=8)
    ax.set_ylim(len(keys) - 0.5 + 0.4, -0.5 + 0.4 - width)
    ax.set_xlim(0, 1.15 * max(max(c / r["n"] for c, r in zip(combos[k], runs)) for k in keys))
    ax.set_xlabel("fraction of samples")
    ax.set_title("outcomes: status after how powered flight ended", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3, axis="x")


def build_figure(paths, labels, summaries):
    runs = [load(p) for p in paths]
    fig = plt.figure(figsize=(19, 11), layout="constrained")
    outer = fig.add_gridspec(2, 1)
    top, bottom = outer[0].subgridspec(1, 3), outer[1].subgridspec(1, 3, width_ratios=[1, 1.2, 1])
    report = {"histograms": [], "probabilities": None}
    for col, (key, unit, name) in enumerate((("perigee", "km", "catalogue perigee altitude"),
                                             ("apogee", "km", "catalogue apogee altitude"),
                                             ("inclination", "deg", "inclination"))):
        ax = fig.add_subplot(top[0, col])
        report["histograms"].append(histogram_panel(ax, runs, labels, key, unit, name))
        ax.set_title(f"{name}, flights that reached orbit", fontsize=10)
    report["probabilities"] = probability_panel(fig.add_subplot(bottom[0, 0]), summaries, labels)
    outcomes_panel(fig.add_subplot(bottom[0, 1:]), runs, labels)
    ns = sorted({r["n"] for r in runs})
    fig.suptitle(" vs ".join(labels) + "  (" + " / ".join(lp.fmt_int(n) for n in ns) +
                 (" samples each)" if len(ns) == 1 else " samples)"))
    return fig, report


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--labels", help="comma-separated, one per run (default: file names)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--launchmc", help="launchmc binary (default: $LAUNCHMC, else build/launchmc of this repository)")
    ap.add_argument("--report", action="store_true", help="print what was drawn as JSON")
    args = ap.parse_args()
    labels = args.labels.split(",") if args.labels else [os.path.basename(p) for p in args.runs]
    if len(labels) != len(args.runs):
        sys.exit("plot_compare: give one label per run")
    launchmc = lp.find_launchmc(args.launchmc)
    summaries = [lp.summarize(launchmc, p) for p in args.runs]
    fig, report = build_figure(args.runs, labels, summaries)
    lp.write_png(fig, args.output)
    if args.report:
        report["output"] = args.output
        print(json.dumps(report, indent=1))
    else:
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
